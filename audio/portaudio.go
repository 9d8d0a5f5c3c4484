package audio

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gordonklaus/portaudio"
)

// PortAudio is the System of the desktop: PortAudio (ALSA, PulseAudio through ALSA, JACK on
// Linux; CoreAudio; WASAPI). It initialises PortAudio on first use, not at start-up, and
// Close terminates it.
type PortAudio struct {
	mu    sync.Mutex
	ready bool
}

var _ System = (*PortAudio)(nil)

func (p *PortAudio) init() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready {
		return nil
	}
	if err := portaudio.Initialize(); err != nil {
		return fmt.Errorf("portaudio: initialise: %w", err)
	}
	p.ready = true
	return nil
}

// Close terminates PortAudio (devices must be closed first).
func (p *PortAudio) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ready {
		return nil
	}
	p.ready = false
	return portaudio.Terminate()
}

// Devices lists the devices PortAudio sees, marking the defaults.
func (p *PortAudio) Devices() ([]DeviceInfo, error) {
	if err := p.init(); err != nil {
		return nil, err
	}
	devs, err := portaudio.Devices()
	if err != nil {
		return nil, fmt.Errorf("portaudio: list devices: %w", err)
	}
	defIn, _ := portaudio.DefaultInputDevice()
	defOut, _ := portaudio.DefaultOutputDevice()
	out := make([]DeviceInfo, 0, len(devs))
	for _, d := range devs {
		info := DeviceInfo{Name: d.Name, MaxInputChannels: d.MaxInputChannels, MaxOutputChannels: d.MaxOutputChannels,
			DefaultSampleRate: d.DefaultSampleRate,
			DefaultInput:      defIn != nil && defIn.Index == d.Index, DefaultOutput: defOut != nil && defOut.Index == d.Index}
		if d.HostApi != nil {
			info.HostAPI = d.HostApi.Name
		}
		out = append(out, info)
	}
	return out, nil
}

// find returns the device named name with channels in the direction asked, or the default
// device of that direction when name is "" or no longer exists (fellBack is then true for a
// non-empty name).
func find(name string, input bool) (dev *portaudio.DeviceInfo, fellBack bool, err error) {
	if name != "" {
		devs, err := portaudio.Devices()
		if err != nil {
			return nil, false, err
		}
		for _, d := range devs {
			if d.Name == name && ((input && d.MaxInputChannels > 0) || (!input && d.MaxOutputChannels > 0)) {
				return d, false, nil
			}
		}
		fellBack = true
	}
	if input {
		dev, err = portaudio.DefaultInputDevice()
	} else {
		dev, err = portaudio.DefaultOutputDevice()
	}
	if err != nil {
		return nil, fellBack, fmt.Errorf("portaudio: no default %s device: %w", direction(input), err)
	}
	return dev, fellBack, nil
}

func direction(input bool) string {
	if input {
		return "input"
	}
	return "output"
}

// PortAudioDevice is an open PortAudio device: a blocking mono 16-bit input stream, output
// stream, or both (two streams, so input and output may be different devices).
type PortAudioDevice struct {
	cfg             Config
	in, out         *portaudio.Stream
	inBuf, outBuf   []int16
	InName, OutName string // the devices actually opened
	InFellBack      bool   // the requested input was missing: the default was opened
	OutFellBack     bool
	closeOnce       sync.Once
	closeErr        error
	rmu, wmu        sync.Mutex
}

var _ Device = (*PortAudioDevice)(nil)

// Open opens the configured directions. A named device that does not exist falls back to the
// system default (InFellBack/OutFellBack report it).
func (p *PortAudio) Open(cfg Config) (Device, error) {
	return p.OpenPortAudio(cfg)
}

// OpenPortAudio is Open returning the concrete type.
func (p *PortAudio) OpenPortAudio(cfg Config) (*PortAudioDevice, error) {
	cfg = cfg.withDefaults()
	if !cfg.Capture && !cfg.Playback {
		return nil, errors.New("audio: open neither capture nor playback")
	}
	if err := p.init(); err != nil {
		return nil, err
	}
	d := &PortAudioDevice{cfg: cfg}
	if cfg.Capture {
		dev, fb, err := find(cfg.Input, true)
		if err != nil {
			return nil, err
		}
		params := portaudio.LowLatencyParameters(dev, nil)
		params.Input.Channels = 1
		if cfg.Latency > 0 {
			params.Input.Latency = cfg.Latency
		}
		params.SampleRate = float64(cfg.SampleRate)
		params.FramesPerBuffer = cfg.FrameSize
		d.inBuf = make([]int16, cfg.FrameSize)
		s, err := portaudio.OpenStream(params, &d.inBuf)
		if err != nil {
			return nil, fmt.Errorf("portaudio: open input %q: %w", dev.Name, err)
		}
		if err := s.Start(); err != nil {
			s.Close()
			return nil, fmt.Errorf("portaudio: start input %q: %w", dev.Name, err)
		}
		d.in, d.InName, d.InFellBack = s, dev.Name, fb
	}
	if cfg.Playback {
		dev, fb, err := find(cfg.Output, false)
		if err != nil {
			d.Close()
			return nil, err
		}
		params := portaudio.LowLatencyParameters(nil, dev)
		params.Output.Channels = 1
		if cfg.Latency > 0 {
			params.Output.Latency = cfg.Latency
		}
		params.SampleRate = float64(cfg.SampleRate)
		params.FramesPerBuffer = cfg.FrameSize
		d.outBuf = make([]int16, cfg.FrameSize)
		s, err := portaudio.OpenStream(params, &d.outBuf)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("portaudio: open output %q: %w", dev.Name, err)
		}
		if err := s.Start(); err != nil {
			s.Close()
			d.Close()
			return nil, fmt.Errorf("portaudio: start output %q: %w", dev.Name, err)
		}
		d.out, d.OutName, d.OutFellBack = s, dev.Name, fb
	}
	return d, nil
}

func (d *PortAudioDevice) SampleRate() int { return d.cfg.SampleRate }
func (d *PortAudioDevice) FrameSize() int  { return d.cfg.FrameSize }

// Read captures one frame. An input overflow (samples dropped because the reader was late)
// is not an error.
func (d *PortAudioDevice) Read(frame []int16) error {
	if d.in == nil {
		return ErrNoCapture
	}
	if len(frame) != d.cfg.FrameSize {
		return ErrFrameSize
	}
	d.rmu.Lock()
	defer d.rmu.Unlock()
	if err := d.in.Read(); err != nil && !errors.Is(err, portaudio.InputOverflowed) {
		return fmt.Errorf("portaudio: read %q: %w", d.InName, err)
	}
	copy(frame, d.inBuf)
	return nil
}

// Write plays one frame. An output underflow (the writer was late) is not an error.
func (d *PortAudioDevice) Write(frame []int16) error {
	if d.out == nil {
		return ErrNoPlayback
	}
	if len(frame) != d.cfg.FrameSize {
		return ErrFrameSize
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	copy(d.outBuf, frame)
	if err := d.out.Write(); err != nil && !errors.Is(err, portaudio.OutputUnderflowed) {
		return fmt.Errorf("portaudio: write %q: %w", d.OutName, err)
	}
	return nil
}

// Close stops and closes the streams.
func (d *PortAudioDevice) Close() error {
	d.closeOnce.Do(func() {
		var errs []error
		for _, s := range []*portaudio.Stream{d.in, d.out} {
			if s != nil {
				_ = s.Abort()
				errs = append(errs, s.Close())
			}
		}
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}
