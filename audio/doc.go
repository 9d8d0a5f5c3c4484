// Package audio will carry headset audio for the desktop app: a Device interface, the PortAudio
// device, a file device for tests, and resampling between 48 kHz devices and 8 kHz G.711.
// It is empty until the desktop softphone lands.
package audio
