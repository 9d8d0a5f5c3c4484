package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/parley-cc/parley/audio"
)

// unplugging is a device that fails after `left` frames, like a headset pulled out.
type unplugging struct {
	audio.FileDevice
	mu   sync.Mutex
	left int
}

func (u *unplugging) Write(f []int16) error {
	u.mu.Lock()
	if u.left <= 0 {
		u.mu.Unlock()
		return errors.New("device unplugged")
	}
	u.left--
	u.mu.Unlock()
	return u.FileDevice.Write(f)
}

// callSystem opens, in order: the microphone (a 700 Hz tone), the headset speaker (unplugged
// after 10 frames), then the default speaker the call falls back to.
type callSystem struct {
	mu       sync.Mutex
	opened   []audio.Config
	fallback *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) samples() []int16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fromLE(s.b.Bytes())
}

func fromLE(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return out
}

func (s *callSystem) Devices() ([]audio.DeviceInfo, error) { return nil, nil }
func (s *callSystem) Open(c audio.Config) (audio.Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opened = append(s.opened, c)
	switch {
	case c.Capture:
		r, w := io.Pipe()
		go func() {
			tn := audio.Tone{Freq: 700, Amplitude: 0.5, Rate: audio.DeviceRate}
			f := make([]int16, audio.DeviceFrameSize)
			b := make([]byte, 2*len(f))
			for {
				tn.Fill(f)
				for i, v := range f {
					b[2*i], b[2*i+1] = byte(v), byte(uint16(v)>>8)
				}
				if _, err := w.Write(b); err != nil {
					return
				}
			}
		}()
		return &audio.FileDevice{In: r, Realtime: true}, nil
	case c.Output != "":
		return &unplugging{FileDevice: audio.FileDevice{Out: io.Discard, Realtime: true}, left: 10}, nil
	default:
		return &audio.FileDevice{Out: s.fallback, Realtime: true}, nil
	}
}

// rtpSink collects what the phone sends.
type rtpSink struct {
	mu       sync.Mutex
	payloads [][]byte
}

func (r *rtpSink) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.payloads = append(r.payloads, append([]byte(nil), p...))
	r.mu.Unlock()
	time.Sleep(time.Millisecond)
	return len(p), nil
}

func (r *rtpSink) since(i int) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.payloads[min(i, len(r.payloads)):]...)
}

// TestCallMediaBothWaysMuteAndDeviceFallback runs a call's media against pipes: the caller's
// 1 kHz tone (PCMA payloads) reaches the speaker, and keeps reaching it after the headset is
// unplugged (the default takes over and the agent is told); the microphone's 700 Hz reaches
// the RTP writer, and muting sends silence instead.
func TestCallMediaBothWaysMuteAndDeviceFallback(t *testing.T) {
	sys := &callSystem{fallback: &syncBuffer{}}
	var muted sync.Mutex
	mute := false
	var notices []string
	var levels int
	var nmu sync.Mutex
	m := &callMedia{sys: sys, devices: AudioSettings{Microphone: "Headset", Speaker: "Headset"}, codec: audio.PCMA,
		muted:    func() bool { muted.Lock(); defer muted.Unlock(); return mute },
		onLevel:  func(audio.Level) { nmu.Lock(); levels++; nmu.Unlock() },
		onNotice: func(k string) { nmu.Lock(); notices = append(notices, k); nmu.Unlock() },
		log:      slog.New(slog.DiscardHandler)}
	in, feed := io.Pipe()
	out := &rtpSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.run(ctx, in, out, func() { _ = in.Close() })
	}()
	// the caller: 2 s of 1 kHz, 20 ms packets
	go func() {
		tn := audio.Tone{Freq: 1000, Amplitude: 0.5, Rate: audio.PhoneRate}
		pcm := make([]int16, audio.PhoneFrameSize)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for range 100 {
			<-tick.C
			tn.Fill(pcm)
			if _, err := feed.Write(audio.PCMA.Encode(nil, pcm)); err != nil {
				return
			}
		}
	}()
	time.Sleep(1200 * time.Millisecond)
	muted.Lock()
	mute = true
	muted.Unlock()
	mark := len(out.since(0))
	time.Sleep(600 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the media did not stop when the call ended")
	}

	// uplink: the microphone's tone before muting, silence after
	sent := out.since(0)
	if mark < 30 {
		t.Fatalf("%d payloads sent in 1.2 s, want about 60", mark)
	}
	voiced := 0
	for _, p := range sent[5:mark] {
		if audio.Goertzel(audio.PCMA.Decode(nil, p), 700, audio.PhoneRate) > 0.01 {
			voiced++
		}
	}
	if voiced < (mark-5)*8/10 {
		t.Errorf("%d of %d payloads carried the microphone's 700 Hz", voiced, mark-5)
	}
	for i, p := range sent[mark+2:] {
		if rmsOf(audio.PCMA.Decode(nil, p)) > 10 {
			t.Fatalf("payload %d after muting is not silence", mark+2+i)
		}
	}
	// downlink: after the headset failed, the default speaker played the caller's tone
	played := sys.fallback.samples()
	tone := 0
	for i := 0; i+audio.DeviceFrameSize <= len(played); i += audio.DeviceFrameSize {
		if audio.Goertzel(played[i:i+audio.DeviceFrameSize], 1000, audio.DeviceRate) > 0.01 {
			tone++
		}
	}
	if tone < 40 {
		t.Errorf("the fallback speaker played %d frames of the caller's tone, want at least 40", tone)
	}
	nmu.Lock()
	defer nmu.Unlock()
	if len(notices) != 1 || notices[0] != NoticeSpeakerFallbk {
		t.Errorf("notices %v, want [%s]", notices, NoticeSpeakerFallbk)
	}
	if levels < 5 {
		t.Errorf("%d microphone levels reported in 1.8 s", levels)
	}
	sys.mu.Lock()
	defer sys.mu.Unlock()
	if len(sys.opened) != 3 || sys.opened[0].Input != "Headset" || sys.opened[1].Output != "Headset" || sys.opened[2].Output != "" ||
		sys.opened[1].Latency <= 0 {
		t.Errorf("opened %+v", sys.opened)
	}
}

// rmsOf is the linear RMS (A-law's silence decodes to ±8).
func rmsOf(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(max(1, len(x))))
}

// A call whose devices cannot be opened still runs (silence sent, packets drained), and the
// agent is told.
func TestCallMediaWithoutDevices(t *testing.T) {
	var notices []string
	var mu sync.Mutex
	m := &callMedia{sys: failingSystem{}, codec: audio.PCMU, log: slog.New(slog.DiscardHandler),
		onNotice: func(k string) { mu.Lock(); notices = append(notices, k); mu.Unlock() }}
	in, feed := io.Pipe()
	out := &rtpSink{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.run(context.Background(), in, out, nil)
	}()
	for range 10 {
		if _, err := feed.Write(make([]byte, 160)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	feed.Close() // the call's media closed
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("the media did not stop when RTP ended")
	}
	if n := len(out.since(0)); n < 5 {
		t.Errorf("%d silent payloads sent in 200 ms", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) != 2 || notices[0] != NoticeNoMicrophone || notices[1] != NoticeNoSpeaker {
		t.Errorf("notices %v", notices)
	}
}

type failingSystem struct{}

func (failingSystem) Devices() ([]audio.DeviceInfo, error) { return nil, nil }
func (failingSystem) Open(audio.Config) (audio.Device, error) {
	return nil, errors.New("no sound card")
}

func TestSIPHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"sip:127.0.0.1:5060":                "127.0.0.1:5060",
		"sip:pbx.example.com":               "pbx.example.com:5060",
		"sip:agent@10.0.0.1:5070;transport": "10.0.0.1:5070",
		"sip:[::1]:5062":                    "[::1]:5062",
	} {
		if got, err := registrarHostPort(in); err != nil || got != want {
			t.Errorf("registrarHostPort(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := registrarHostPort("sip:"); err == nil {
		t.Error("empty registrar accepted")
	}
	for h, want := range map[string]bool{
		"<sip:parley>;answer-after=0":  true,
		"<sip:x>; Answer-After = 0":    true,
		"<sip:parley>;answer-after=5":  false,
		"<http://x/icon>;purpose=icon": false,
	} {
		req := sip.NewRequest(sip.INVITE, sip.Uri{User: "a", Host: "127.0.0.1"})
		req.AppendHeader(sip.NewHeader("Call-Info", h))
		if got := answerAfterZero(req); got != want {
			t.Errorf("answerAfterZero(%q) = %v", h, got)
		}
	}
}

// Accept with no ringing call remembers the contact (its INVITE will be answered at once) only
// while the phone runs; a ringing call of another contact is left alone.
func TestSIPPhoneAcceptRemembersContacts(t *testing.T) {
	p := &SIPPhone{}
	if ok, err := p.Accept("c1"); ok || err != nil || len(p.expect) != 0 {
		t.Errorf("stopped phone: Accept = %v, %v; expect %v", ok, err, p.expect)
	}
	p.reg = &phoneReg{}
	p.call = &phoneCall{contactID: "other", answer: make(chan chan error), end: make(chan struct{})}
	if ok, err := p.Accept("c1"); ok || err != nil {
		t.Errorf("Accept = %v, %v", ok, err)
	}
	if _, ok := p.expect["c1"]; !ok {
		t.Errorf("c1 not remembered: %v", p.expect)
	}
	// the ringing call of c2 is answered through its handler
	c := &phoneCall{contactID: "c2", answer: make(chan chan error), end: make(chan struct{})}
	p.call = c
	go func() { r := <-c.answer; r <- nil }()
	if ok, err := p.Accept("c2"); !ok || err != nil {
		t.Errorf("Accept(ringing c2) = %v, %v", ok, err)
	}
	if st := p.State(); st.Available || st.Reason != ReasonSignedOut {
		t.Errorf("state %+v", st)
	}
	if err := (NoSoftphone{}).Start(nil); codeOf(err) != CodeUnavailable {
		t.Errorf("NoSoftphone.Start: %v", err)
	}
}
