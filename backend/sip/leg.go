package sip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
)

// leg is one party's media on a dialog: a read loop that detects RFC 4733 digits, feeds the
// recording tap and forwards audio to a bridged peer, and a writer for prompts.
//
// The read loop is the only reader of the RTP session; the leg's owner starts it (start) and
// stops it (stop) before the dialog is closed.
type leg struct {
	dm      *diago.DialogMedia
	sess    *media.MediaSession
	reader  *media.RTPPacketReader
	writer  *media.RTPPacketWriter
	kind    codecKind
	audioPT uint8
	dtmfPT  int // -1: telephone-event not negotiated
	log     *slog.Logger

	digits chan rune // RFC 4733 and SIP INFO digits, oldest first; full: new digits dropped

	wmu sync.Mutex // serialises writes to writer (prompts vs. bridged audio)

	mu       sync.Mutex
	peer     *leg          // bridge: this party's audio is written to peer
	tap      func([]int16) // recording: this party's audio
	stopping bool

	done chan struct{}
}

const digitBuffer = 64

// newLeg wraps an answered dialog's media.
func newLeg(dm *diago.DialogMedia, log *slog.Logger) (*leg, error) {
	sess := dm.MediaSession()
	if sess == nil || dm.RTPPacketReader == nil || dm.RTPPacketWriter == nil {
		return nil, errors.New("no media session")
	}
	l := &leg{
		dm:     dm,
		sess:   sess,
		reader: dm.RTPPacketReader,
		writer: dm.RTPPacketWriter,
		dtmfPT: -1,
		log:    log,
		digits: make(chan rune, digitBuffer),
		done:   make(chan struct{}),
	}
	audio := media.CodecAudioFromSession(sess)
	switch strings.ToUpper(audio.Name) {
	case "PCMU":
		l.kind = codecPCMU
	case "PCMA":
		l.kind = codecPCMA
	default:
		return nil, fmt.Errorf("codec %s negotiated: PCMU or PCMA expected", audio.Name)
	}
	if audio.SampleDur != 20*time.Millisecond {
		return nil, fmt.Errorf("packet time %s negotiated: 20ms expected", audio.SampleDur)
	}
	l.audioPT = audio.PayloadType
	for _, c := range sess.CommonCodecs() {
		if strings.EqualFold(c.Name, "telephone-event") {
			l.dtmfPT = int(c.PayloadType)
			break
		}
	}
	return l, nil
}

// start runs the read loop in a goroutine; stop ends it.
func (l *leg) start() {
	go l.readLoop()
}

// stop ends the read loop and waits for it. It is safe to call more than once.
func (l *leg) stop() {
	l.mu.Lock()
	l.stopping = true
	l.mu.Unlock()
	// Unblock the read; a closed session makes it fail on its own.
	_ = l.sess.StopRTP(1, 0)
	<-l.done
}

func (l *leg) readLoop() {
	defer close(l.done)
	buf := make([]byte, media.RTPBufSize)
	pcm := make([]int16, media.RTPBufSize)
	var det Detector4733
	for {
		n, err := l.reader.Read(buf)
		if err != nil {
			l.mu.Lock()
			stopping := l.stopping
			l.mu.Unlock()
			var ne net.Error
			if !stopping && !errors.Is(err, io.EOF) && !(errors.As(err, &ne) && ne.Timeout()) {
				l.log.Debug("rtp read ended", "error", err)
			}
			return
		}
		if n == 0 {
			continue
		}
		hdr := l.reader.PacketHeader
		switch {
		case int(hdr.PayloadType) == l.dtmfPT:
			if d, ok := det.Feed(Packet{Marker: hdr.Marker, Timestamp: hdr.Timestamp, Payload: buf[:n], Arrival: time.Now()}); ok {
				l.pushDigit(d)
			}
		case hdr.PayloadType == l.audioPT:
			frame := pcm[:n]
			l.kind.decode(frame, buf[:n])
			l.mu.Lock()
			peer, tap := l.peer, l.tap
			l.mu.Unlock()
			if tap != nil {
				tap(frame)
			}
			if peer != nil {
				peer.forward(buf[:n], l.kind, frame)
			}
		}
	}
}

// pushDigit queues a digit for the call's owner; when the buffer is full the digit is dropped.
func (l *leg) pushDigit(d rune) {
	select {
	case l.digits <- d:
	default:
		l.log.Warn("dtmf buffer full, digit dropped", "digit", string(d))
	}
}

// forward writes a bridged peer's packet to this leg's party, transcoding between µ-law and
// A-law when the legs negotiated different laws. It does not block on the packet clock: the
// peer's packets pace it.
func (l *leg) forward(payload []byte, from codecKind, pcm []int16) {
	if from != l.kind {
		enc := make([]byte, len(pcm))
		l.kind.encode(enc, pcm)
		payload = enc
	}
	l.wmu.Lock()
	_, err := l.writer.WriteSamples(payload, uint32(len(payload)), false, l.audioPT)
	l.wmu.Unlock()
	if err != nil {
		l.log.Debug("bridge write failed", "error", err)
	}
}

func (l *leg) setPeer(p *leg) {
	l.mu.Lock()
	l.peer = p
	l.mu.Unlock()
}

func (l *leg) setTap(f func([]int16)) {
	l.mu.Lock()
	l.tap = f
	l.mu.Unlock()
}

// play writes audio to the party in 20 ms packets at the packet clock. tap, when set, receives
// each frame played (the recording's system side). With bargeIn, a digit stops playback and is
// returned (and left for the next digit collection by the caller); otherwise digits stay
// queued. It returns early when ctx ends.
func (l *leg) play(ctx context.Context, a *Audio, bargeIn bool, tap func([]int16)) (rune, bool, error) {
	l.writer.ResetTimestamp() // a new talk spurt: marker bit, timestamp jump
	frame := make([]int16, frameSamples)
	enc := make([]byte, frameSamples)
	for off := 0; off < len(a.Samples); off += frameSamples {
		if bargeIn {
			select {
			case d := <-l.digits:
				return d, true, nil
			default:
			}
		}
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		n := copy(frame, a.Samples[off:])
		clear(frame[n:])
		l.kind.encode(enc, frame)
		l.wmu.Lock()
		_, err := l.writer.Write(enc)
		l.wmu.Unlock()
		if err != nil {
			if ctx.Err() != nil {
				return 0, false, ctx.Err()
			}
			return 0, false, fmt.Errorf("play: %w", err)
		}
		if tap != nil {
			tap(frame)
		}
	}
	return 0, false, nil
}

// sendDigits writes RFC 4733 telephone-events for digits: per digit four event packets 20 ms
// apart (durations 160 to 640 samples) and three end packets (800 samples), the first with the
// marker bit (RFC 4733 §2.5.1.2); each digit has its own timestamp, 120 ms after the last.
func (l *leg) sendDigits(ctx context.Context, digits string) error {
	if l.dtmfPT < 0 {
		return errors.New("send digits: the other party did not negotiate telephone-event")
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for _, d := range digits {
		for i, ev := range media.RTPDTMFEncode8000(d) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
			l.wmu.Lock()
			_, err := l.writer.WriteSamples(media.DTMFEncode(ev), 0, i == 0, uint8(l.dtmfPT))
			l.wmu.Unlock()
			if err != nil {
				return fmt.Errorf("send digits: %w", err)
			}
		}
		// The next event (or audio) starts after this one: 800 samples of event, plus a gap.
		l.writer.DelayTimestamp(960)
		for range 3 { // 60 ms between digits
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
	return nil
}
