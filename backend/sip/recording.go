package sip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// WAVWriter writes a 16-bit PCM WAV file incrementally so that it survives the process being
// killed: samples are buffered in memory and written on Flush, after which the header's RIFF and
// data sizes are rewritten to cover them. A file cut short by a crash is a valid WAV holding
// every sample up to the last Flush (and RecoverRecordings also keeps whole frames written
// after it). It is not safe for concurrent use.
type WAVWriter struct {
	// Sync makes Flush also fsync the file, so a machine crash (not only a process crash)
	// keeps the flushed samples. Close always syncs.
	Sync bool

	f        *os.File
	channels int
	buf      []byte
	written  uint32 // sample bytes in the file
	frames   int64  // frames written or buffered
	err      error
}

// maxWAVData keeps a WAV within the 4 GiB RIFF limit.
const maxWAVData = 0xFFFFFFFF - 36

// CreateWAV creates a 16-bit PCM WAV file (and its directory) with an empty data chunk.
func CreateWAV(path string, rate, channels int) (*WAVWriter, error) {
	if channels < 1 || channels > 2 {
		return nil, fmt.Errorf("create wav %q: %d channels: 1 or 2 supported", path, channels)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create wav %q: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("create wav: %w", err)
	}
	if _, err := f.Write(wavHeader(rate, channels, 0)); err != nil {
		return nil, errors.Join(fmt.Errorf("create wav %q: %w", path, err), f.Close())
	}
	return &WAVWriter{f: f, channels: channels}, nil
}

// Write buffers interleaved samples; len(samples) must be a multiple of the channel count.
func (w *WAVWriter) Write(samples []int16) error {
	if w.err != nil {
		return w.err
	}
	if len(samples)%w.channels != 0 {
		return fmt.Errorf("wav write: %d samples is not a whole number of %d-channel frames", len(samples), w.channels)
	}
	for _, s := range samples {
		w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(s))
	}
	w.frames += int64(len(samples) / w.channels)
	return nil
}

// Frames is the number of frames written so far, flushed or not.
func (w *WAVWriter) Frames() int64 { return w.frames }

// Flush writes the buffered samples and updates the header to cover them.
func (w *WAVWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	if uint64(w.written)+uint64(len(w.buf)) > maxWAVData {
		w.err = errors.New("wav: recording reached the 4 GiB WAV limit")
		return w.err
	}
	if _, err := w.f.WriteAt(w.buf, int64(wavHeaderSize)+int64(w.written)); err != nil {
		w.err = fmt.Errorf("wav flush: %w", err)
		return w.err
	}
	w.written += uint32(len(w.buf))
	w.buf = w.buf[:0]
	if err := writeWAVSizes(w.f, w.written); err != nil {
		w.err = fmt.Errorf("wav flush: %w", err)
		return w.err
	}
	if w.Sync {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("wav sync: %w", err)
			return w.err
		}
	}
	return nil
}

// Close flushes, syncs and closes the file.
func (w *WAVWriter) Close() error {
	err := w.Flush()
	return errors.Join(err, w.f.Sync(), w.f.Close())
}

func writeWAVSizes(f *os.File, dataSize uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], 36+dataSize)
	if _, err := f.WriteAt(b[:], 4); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b[:], dataSize)
	_, err := f.WriteAt(b[:], 40)
	return err
}

// RecordingPath is where a contact's recording lives: dir/YYYY/MM/DD/<contact ID>.wav, dated
// in UTC.
func RecordingPath(dir string, contactID parley.ContactID, t time.Time) (string, error) {
	id := string(contactID)
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`+"\x00") {
		return "", parley.Invalidf("contactId", "%q cannot name a recording file", id)
	}
	t = t.UTC()
	return filepath.Join(dir, t.Format("2006"), t.Format("01"), t.Format("02"), id+".wav"), nil
}

// RecoverRecordings repairs the WAV files under dir that a crash left with a header not
// covering their samples: each header is rewritten to hold every whole frame in the file (a
// partial frame at the end is cut off). Run it at start-up, before recording starts: a file
// being written is not distinguishable from a crashed one. It returns the files repaired; files
// that are not canonical 16-bit PCM WAV files are left alone.
func RecoverRecordings(dir string) ([]string, error) {
	var fixed []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".wav") {
			return nil
		}
		ok, err := recoverWAV(path)
		if err != nil {
			return fmt.Errorf("recover %q: %w", path, err)
		}
		if ok {
			fixed = append(fixed, path)
		}
		return nil
	})
	return fixed, err
}

func recoverWAV(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := make([]byte, wavHeaderSize)
	if _, err := io.ReadFull(f, h); err != nil {
		return false, nil // too short to be ours
	}
	if string(h[0:4]) != "RIFF" || string(h[8:12]) != "WAVE" || string(h[12:16]) != "fmt " ||
		binary.LittleEndian.Uint32(h[16:20]) != 16 || binary.LittleEndian.Uint16(h[20:22]) != wavPCM ||
		binary.LittleEndian.Uint16(h[34:36]) != 16 || string(h[36:40]) != "data" {
		return false, nil
	}
	align := int64(binary.LittleEndian.Uint16(h[32:34]))
	if align == 0 {
		return false, nil
	}
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	data := st.Size() - wavHeaderSize
	data -= data % align
	data = min(data, maxWAVData-maxWAVData%align)
	if uint32(data) == binary.LittleEndian.Uint32(h[40:44]) && uint32(36+data) == binary.LittleEndian.Uint32(h[4:8]) &&
		st.Size() == wavHeaderSize+data {
		return false, nil
	}
	if err := f.Truncate(wavHeaderSize + data); err != nil {
		return false, err
	}
	if err := writeWAVSizes(f, uint32(data)); err != nil {
		return false, err
	}
	return true, f.Sync()
}

// RecordingOptions tunes a Recording.
type RecordingOptions struct {
	// FlushInterval is how often samples reach the file; 0 means 1 s. A crash loses at most
	// this much audio.
	FlushInterval time.Duration
	// Sync also fsyncs at each flush (survives a machine crash, costs an fsync per interval).
	Sync bool
}

// maxBacklog bounds the samples a side may have queued (a sender running faster than our clock,
// or a burst after a network stall); older samples are dropped beyond it.
const maxBacklog = SampleRate / 2

// Recording is a live stereo recording of a call: the customer on the left channel, the agent
// (and, before an agent joins, what the system played to the customer) on the right, 8 kHz
// 16-bit. A goroutine owned by the Recording mixes the two sides every 20 ms, filling silence
// where a side sent nothing; Close stops it.
type Recording struct {
	path string
	w    *WAVWriter

	mu          sync.Mutex
	left, right []int16
	closed      bool

	stop chan struct{}
	done chan struct{}
	err  error
}

// StartRecording creates the WAV file at path and starts mixing.
func StartRecording(path string, opts RecordingOptions) (*Recording, error) {
	w, err := CreateWAV(path, SampleRate, 2)
	if err != nil {
		return nil, err
	}
	w.Sync = opts.Sync
	flush := opts.FlushInterval
	if flush <= 0 {
		flush = time.Second
	}
	r := &Recording{path: path, w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go r.run(flush)
	return r, nil
}

// Path is the recording's file.
func (r *Recording) Path() string { return r.path }

// Left queues customer audio.
func (r *Recording) Left(pcm []int16) { r.add(&r.left, pcm) }

// Right queues agent (or system) audio.
func (r *Recording) Right(pcm []int16) { r.add(&r.right, pcm) }

func (r *Recording) add(side *[]int16, pcm []int16) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	*side = append(*side, pcm...)
	if over := len(*side) - maxBacklog; over > 0 {
		*side = append((*side)[:0], (*side)[over:]...)
	}
}

func (r *Recording) run(flushEvery time.Duration) {
	defer close(r.done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	lastFlush := time.Now()
	frame := make([]int16, 2*frameSamples)
	for {
		select {
		case <-r.stop:
			r.mu.Lock()
			n := max(len(r.left), len(r.right))
			rest := make([]int16, 2*n)
			r.interleave(rest, n)
			r.mu.Unlock()
			r.err = errors.Join(r.err, r.w.Write(rest), r.w.Close())
			return
		case now := <-tick.C:
			r.mu.Lock()
			r.interleave(frame, frameSamples)
			r.mu.Unlock()
			if err := r.w.Write(frame); err != nil && r.err == nil {
				r.err = err
			}
			if now.Sub(lastFlush) >= flushEvery {
				lastFlush = now
				if err := r.w.Flush(); err != nil && r.err == nil {
					r.err = err
				}
			}
		}
	}
}

// interleave takes n samples from each side (silence where a side has fewer) into dst.
// r.mu must be held.
func (r *Recording) interleave(dst []int16, n int) {
	for i := range n {
		var l, rt int16
		if i < len(r.left) {
			l = r.left[i]
		}
		if i < len(r.right) {
			rt = r.right[i]
		}
		dst[2*i], dst[2*i+1] = l, rt
	}
	r.left = r.left[:copy(r.left, r.left[min(n, len(r.left)):])]
	r.right = r.right[:copy(r.right, r.right[min(n, len(r.right)):])]
}

// Close stops mixing, writes what is queued, and closes the file. It returns the first write
// error of the recording's life.
func (r *Recording) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return r.err
	}
	r.closed = true
	r.mu.Unlock()
	close(r.stop)
	<-r.done
	return r.err
}
