package audio

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"
)

// FileDevice is a Device backed by streams of raw signed 16-bit little-endian mono PCM: it
// captures from In (io.EOF once In ends) and plays to Out. With Realtime set, Read and Write
// take a frame's duration each, like a sound card; otherwise they return at once. Tests use it,
// and so can a pipe (a FIFO) to or from another program.
type FileDevice struct {
	In       io.Reader
	Out      io.Writer
	Rate     int // default DeviceRate
	Frame    int // default 20 ms at Rate
	Realtime bool

	mu     sync.Mutex
	closed bool
	next   time.Time
	buf    []byte
}

var _ Device = (*FileDevice)(nil)

func (f *FileDevice) SampleRate() int {
	if f.Rate == 0 {
		return DeviceRate
	}
	return f.Rate
}

func (f *FileDevice) FrameSize() int {
	if f.Frame == 0 {
		return f.SampleRate() * FrameMillis / 1000
	}
	return f.Frame
}

func (f *FileDevice) pace() {
	if !f.Realtime {
		return
	}
	d := time.Duration(f.FrameSize()) * time.Second / time.Duration(f.SampleRate())
	now := time.Now()
	if f.next.IsZero() || f.next.Before(now.Add(-d)) {
		f.next = now
	}
	f.next = f.next.Add(d)
	time.Sleep(time.Until(f.next))
}

// Read captures one frame from In. A short last frame is padded with silence.
func (f *FileDevice) Read(frame []int16) error {
	if len(frame) != f.FrameSize() {
		return ErrFrameSize
	}
	if f.In == nil {
		return ErrNoCapture
	}
	if f.isClosed() {
		return ErrClosed
	}
	buf := make([]byte, 2*len(frame))
	n, err := io.ReadFull(f.In, buf)
	if n == 0 && err != nil {
		return err
	}
	clear(buf[n:])
	for i := range frame {
		frame[i] = int16(binary.LittleEndian.Uint16(buf[2*i:]))
	}
	f.pace()
	return nil
}

// Write plays one frame to Out.
func (f *FileDevice) Write(frame []int16) error {
	if len(frame) != f.FrameSize() {
		return ErrFrameSize
	}
	if f.Out == nil {
		return ErrNoPlayback
	}
	if f.isClosed() {
		return ErrClosed
	}
	f.buf = f.buf[:0]
	for _, s := range frame {
		f.buf = binary.LittleEndian.AppendUint16(f.buf, uint16(s))
	}
	if _, err := f.Out.Write(f.buf); err != nil {
		return err
	}
	f.pace()
	return nil
}

func (f *FileDevice) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Close closes In and Out when they are io.Closers.
func (f *FileDevice) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.mu.Unlock()
	var errs []error
	if c, ok := f.In.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	if c, ok := f.Out.(io.Closer); ok && any(f.Out) != any(f.In) {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// NewLoopback returns a FileDevice whose playback comes back as its capture (through an
// in-memory pipe), like a speaker next to a microphone.
func NewLoopback(rate int) *FileDevice {
	r, w := io.Pipe()
	return &FileDevice{In: r, Out: w, Rate: rate}
}
