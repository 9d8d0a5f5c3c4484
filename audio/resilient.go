package audio

import (
	"errors"
	"sync"
)

// Resilient is a Device that survives its device disappearing (a headset unplugged): when a
// Read or Write fails, it closes the device and opens the system default in its place (the
// same directions, Input and Output ""), calls OnFallback, and retries the frame once.
type Resilient struct {
	Sys        System
	Config     Config
	OnFallback func(err error) // optional: told why the default was opened

	mu  sync.Mutex
	dev Device
}

var _ Device = (*Resilient)(nil)

// OpenResilient opens cfg on sys; a named device that is missing already falls back inside
// the System.
func OpenResilient(sys System, cfg Config) (*Resilient, error) {
	cfg = cfg.withDefaults()
	d, err := sys.Open(cfg)
	if err != nil {
		return nil, err
	}
	return &Resilient{Sys: sys, Config: cfg, dev: d}, nil
}

func (r *Resilient) SampleRate() int { return r.Config.withDefaults().SampleRate }
func (r *Resilient) FrameSize() int  { return r.Config.withDefaults().FrameSize }

func (r *Resilient) current() (Device, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dev == nil {
		return nil, ErrClosed
	}
	return r.dev, nil
}

// fallback replaces failed by a device on the system defaults (once per failed device).
func (r *Resilient) fallback(failed Device, cause error) (Device, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dev == nil {
		return nil, ErrClosed
	}
	if r.dev != failed { // the other direction already replaced it
		return r.dev, nil
	}
	_ = failed.Close()
	cfg := r.Config
	cfg.Input, cfg.Output = "", ""
	d, err := r.Sys.Open(cfg)
	if err != nil {
		r.dev = nil
		return nil, errors.Join(cause, err)
	}
	r.dev, r.Config = d, cfg
	if r.OnFallback != nil {
		r.OnFallback(cause)
	}
	return d, nil
}

func (r *Resilient) do(op func(Device) error) error {
	d, err := r.current()
	if err != nil {
		return err
	}
	err = op(d)
	if err == nil || errors.Is(err, ErrFrameSize) || errors.Is(err, ErrNoCapture) || errors.Is(err, ErrNoPlayback) {
		return err
	}
	d, ferr := r.fallback(d, err)
	if ferr != nil {
		return ferr
	}
	return op(d)
}

func (r *Resilient) Read(frame []int16) error {
	return r.do(func(d Device) error { return d.Read(frame) })
}
func (r *Resilient) Write(frame []int16) error {
	return r.do(func(d Device) error { return d.Write(frame) })
}

// Close closes the current device.
func (r *Resilient) Close() error {
	r.mu.Lock()
	d := r.dev
	r.dev = nil
	r.mu.Unlock()
	if d == nil {
		return nil
	}
	return d.Close()
}
