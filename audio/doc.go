// Package audio is the desktop app's headset audio: a Device interface (mono 16-bit frames at
// the device's rate), the PortAudio device (portaudio.go: device listing, a named device that
// is missing falls back to the default, and Resilient reopens the default when a device
// disappears mid-stream), a file/pipe device for tests (file.go), G.711 (g711.go), resampling
// between 48 kHz devices and 8 kHz telephony (resample.go), framing into 20 ms G.711 frames
// (frames.go: Uplink and Downlink), a level meter (level.go), a test tone (tone.go) and the ring
// tone (ring.go).
//
// It imports no other project package: the softphone in app/ joins it to SIP.
package audio
