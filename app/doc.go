// Package app is the Go half of the desktop CCP, bound to the frontend by Wails: the session
// with the backend (through backend/api only: REST calls and the event websocket, with
// reconnection and resync), OS notifications, the settings file, headset audio settings and
// tests (through audio/), and the softphone: SIPPhone, a diago user agent that registers with the
// backend's registrar (GET /v1/agent/sip), rings on the ringer, and carries a call's RTP (PCMU,
// PCMA) to the headset through audio.Uplink/audio.Downlink behind a small jitter buffer; the
// in-call controls (hold, DTMF, transfer, hang-up) are the backend's call routes.
//
// Every exported method of App is a binding: it returns (T, error) or error, and an error
// reaches the frontend as an Error object ({code, message, field, permission}) through
// ErrorObject, so the UI branches on codes, never on messages. Events go to the frontend
// through the Runtime interface (Wails' runtime in the app, an HTTP shim in browser tests).
package app
