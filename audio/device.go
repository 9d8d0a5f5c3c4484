package audio

import (
	"errors"
	"time"
)

// Rates and frame sizes. Devices run at DeviceRate; telephony (G.711) at PhoneRate; one frame
// is FrameDuration long: 960 samples at 48 kHz, 160 at 8 kHz.
const (
	DeviceRate      = 48000
	PhoneRate       = 8000
	FrameMillis     = 20
	DeviceFrameSize = DeviceRate * FrameMillis / 1000 // 960
	PhoneFrameSize  = PhoneRate * FrameMillis / 1000  // 160
)

// Device is a mono audio device opened for capture, playback or both. Frames are FrameSize()
// samples of signed 16-bit PCM at SampleRate(). Read blocks until a frame was captured; Write
// blocks until the frame was queued for playback. A Device is used by one goroutine for
// reading and at most one for writing.
type Device interface {
	SampleRate() int
	FrameSize() int
	Read(frame []int16) error
	Write(frame []int16) error
	Close() error
}

// DeviceInfo describes a device the system offers.
type DeviceInfo struct {
	Name              string  `json:"name"`
	HostAPI           string  `json:"hostApi"`
	MaxInputChannels  int     `json:"maxInputChannels"`
	MaxOutputChannels int     `json:"maxOutputChannels"`
	DefaultSampleRate float64 `json:"defaultSampleRate"`
	DefaultInput      bool    `json:"defaultInput"`
	DefaultOutput     bool    `json:"defaultOutput"`
}

// Config says what to open. Input and Output are device names ("" = the system default);
// Capture and Playback say which directions to open. SampleRate and FrameSize default to
// DeviceRate and DeviceFrameSize. Latency, when set, is the buffering asked of the device
// (default: the device's low latency, which suits tests and tones; a call's speaker fed by
// network packets wants a few frames, or it runs dry at every scheduling hiccup).
type Config struct {
	Input, Output     string
	Capture, Playback bool
	SampleRate        int
	FrameSize         int
	Latency           time.Duration
}

func (c Config) withDefaults() Config {
	if c.SampleRate == 0 {
		c.SampleRate = DeviceRate
	}
	if c.FrameSize == 0 {
		c.FrameSize = c.SampleRate * FrameMillis / 1000
	}
	return c
}

// System lists and opens devices: PortAudio on the desktop, a fake in tests.
type System interface {
	Devices() ([]DeviceInfo, error)
	Open(Config) (Device, error)
}

// Errors callers branch on.
var (
	ErrNoCapture  = errors.New("audio: the device was not opened for capture")
	ErrNoPlayback = errors.New("audio: the device was not opened for playback")
	ErrClosed     = errors.New("audio: device closed")
	ErrFrameSize  = errors.New("audio: frame length is not the device's frame size")
)
