package app

import (
	"sync"
	"time"

	"github.com/parley-cc/parley/audio"
)

// AudioSystem lists and opens headset devices (audio.PortAudio in the app).
type AudioSystem = audio.System

type meterState struct {
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

func (a *App) audioSystem() AudioSystem {
	if a.Audio == nil {
		a.Audio = &audio.PortAudio{}
	}
	return a.Audio
}

// closeAudio terminates the PortAudio the App opened itself (PortAudio lists devices when it
// is initialised: a later Initialize while it is still initialised sees the old list).
func (a *App) closeAudio() {
	if pa, ok := a.Audio.(*audio.PortAudio); ok {
		_ = pa.Close()
	}
}

// AudioDevices lists the input and output devices for the audio settings.
func (a *App) AudioDevices() ([]audio.DeviceInfo, error) {
	ds, err := a.audioSystem().Devices()
	if err != nil {
		return nil, &Error{Code: CodeUnavailable, Message: err.Error()}
	}
	return ds, nil
}

// PlayTestTone plays a one-second 440 Hz tone on the named output device ("" = default).
func (a *App) PlayTestTone(device string) error {
	d, err := audio.OpenResilient(a.audioSystem(), audio.Config{Output: device, Playback: true})
	if err != nil {
		return &Error{Code: CodeUnavailable, Message: err.Error()}
	}
	defer d.Close()
	if err := audio.PlayTone(d, 440, 0.3, 1000/audio.FrameMillis); err != nil {
		return &Error{Code: CodeUnavailable, Message: err.Error()}
	}
	return nil
}

// StartLevelMeter captures from the named input device ("" = default) and sends its level as
// EventAudioLevel about ten times a second, until StopLevelMeter.
func (a *App) StartLevelMeter(device string) error {
	a.StopLevelMeter()
	d, err := audio.OpenResilient(a.audioSystem(), audio.Config{Input: device, Capture: true})
	if err != nil {
		return &Error{Code: CodeUnavailable, Message: err.Error()}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	a.meter.mu.Lock()
	a.meter.stop, a.meter.done = stop, done
	a.meter.mu.Unlock()
	rt := a.runtime()
	go func() {
		defer close(done)
		defer d.Close()
		var m audio.Meter
		frame := make([]int16, d.FrameSize())
		last := time.Time{}
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := d.Read(frame); err != nil {
				rt.Emit(EventAudioLevel, map[string]any{"error": toError(err)})
				return
			}
			l := m.Add(frame)
			if time.Since(last) >= 100*time.Millisecond {
				last = time.Now()
				rt.Emit(EventAudioLevel, l)
			}
		}
	}()
	return nil
}

// StopLevelMeter stops the level meter (no error when it is not running).
func (a *App) StopLevelMeter() error {
	a.meter.mu.Lock()
	stop, done := a.meter.stop, a.meter.done
	a.meter.stop, a.meter.done = nil, nil
	a.meter.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	return nil
}
