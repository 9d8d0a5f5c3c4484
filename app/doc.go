// Package app is the Go half of the desktop app: the session with the backend (through
// backend/api only), and later the softphone, notifications and settings, bound to the frontend
// by Wails. Today it is the skeleton the desktop issue builds on.
package app
