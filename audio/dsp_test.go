package audio

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
)

func TestG711RoundTrip(t *testing.T) {
	if got := LinearToULaw(0); got != 0xff {
		t.Errorf("ulaw(0) = %#x, want 0xff", got)
	}
	if got := LinearToALaw(0); got != 0xd5 {
		t.Errorf("alaw(0) = %#x, want 0xd5", got)
	}
	for _, c := range []Codec{PCMU, PCMA} {
		for s := -32768; s <= 32767; s += 7 {
			in := int16(s)
			out := c.Decode(nil, c.Encode(nil, []int16{in}))[0]
			// G.711 keeps about 4 significant bits of mantissa: error under 1/16 of the value
			tol := max(16.0, math.Abs(float64(in))/16+8)
			if math.Abs(float64(out)-float64(in)) > tol*1.1 && math.Abs(float64(in)) < 32000 {
				t.Fatalf("codec %d: %d -> %d (tolerance %.0f)", c, in, out, tol)
			}
		}
		// every byte decodes and re-encodes to itself (except -0 forms)
		for b := range 256 {
			v := c.Decode(nil, []byte{byte(b)})[0]
			back := c.Encode(nil, []int16{v})[0]
			if back != byte(b) && c.Decode(nil, []byte{back})[0] != v {
				t.Errorf("codec %d: byte %#x -> %d -> %#x", c, b, v, back)
			}
		}
	}
}

func tone(freq float64, rate, n int, amp float64) []int16 {
	tn := Tone{Freq: freq, Amplitude: amp, Rate: rate}
	buf := make([]int16, n)
	tn.Fill(buf)
	return buf
}

func rms(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

func TestDownsampleKeepsVoiceBandAndRemovesAliases(t *testing.T) {
	for _, tc := range []struct {
		freq     float64
		wantKept bool
	}{{300, true}, {1000, true}, {3000, true}, {5000, false}, {9000, false}, {15000, false}} {
		in := tone(tc.freq, DeviceRate, DeviceRate, 0.5) // 1 s
		r := NewDownsampler(6)
		var out []int16
		for i := 0; i < len(in); i += DeviceFrameSize { // frame by frame, like the uplink
			out = r.Process(out, in[i:i+DeviceFrameSize])
		}
		if len(out) != PhoneRate {
			t.Fatalf("%v Hz: %d samples out, want %d", tc.freq, len(out), PhoneRate)
		}
		ratio := rms(out[800:]) / rms(in)
		if tc.wantKept && (ratio < 0.85 || ratio > 1.1) {
			t.Errorf("%v Hz: gain %.3f, want about 1", tc.freq, ratio)
		}
		if !tc.wantKept && ratio > 0.03 { // at least 30 dB down
			t.Errorf("%v Hz above 4 kHz: gain %.3f, want < 0.03 (aliasing)", tc.freq, ratio)
		}
	}
}

func TestUpsampleKeepsToneAndRemovesImages(t *testing.T) {
	in := tone(1000, PhoneRate, PhoneRate, 0.5)
	r := NewUpsampler(6)
	var out []int16
	for i := 0; i < len(in); i += PhoneFrameSize {
		out = r.Process(out, in[i:i+PhoneFrameSize])
	}
	if len(out) != DeviceRate {
		t.Fatalf("%d samples out, want %d", len(out), DeviceRate)
	}
	body := out[4800:]
	if g := rms(body) / rms(in); g < 0.9 || g > 1.1 {
		t.Errorf("gain %.3f, want about 1", g)
	}
	p1k := Goertzel(body, 1000, DeviceRate)
	for _, img := range []float64{7000, 9000, 15000, 17000} {
		if p := Goertzel(body, img, DeviceRate); p > p1k/1000 {
			t.Errorf("image at %v Hz: %.2g vs %.2g at 1 kHz", img, p, p1k)
		}
	}
}

func TestLevelAndMeter(t *testing.T) {
	l := Measure(tone(1000, DeviceRate, DeviceFrameSize, 1))
	if math.Abs(l.RMS-(-3.01)) > 0.2 || math.Abs(l.Peak) > 0.1 {
		t.Errorf("full-scale sine: %+v, want RMS -3 dBFS, peak 0", l)
	}
	if l := Measure(make([]int16, 10)); l.RMS != Floor || l.Peak != Floor {
		t.Errorf("silence: %+v", l)
	}
	var m Meter
	loud := m.Add(tone(1000, DeviceRate, DeviceFrameSize, 0.5))
	quiet := m.Add(make([]int16, DeviceFrameSize))
	if quiet.RMS >= loud.RMS || quiet.RMS <= Floor {
		t.Errorf("meter release: loud %+v then %+v", loud, quiet)
	}
}

func TestFileDevice(t *testing.T) {
	var out bytes.Buffer
	d := &FileDevice{Out: &out, In: bytes.NewReader(make([]byte, 2*DeviceFrameSize+10))}
	frame := make([]int16, DeviceFrameSize)
	for i := range frame {
		frame[i] = int16(i - 480)
	}
	if err := d.Write(frame); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 2*DeviceFrameSize || out.Bytes()[0] != byte(0x20) || out.Bytes()[1] != 0xfe { // -480 LE
		t.Errorf("written % x...", out.Bytes()[:4])
	}
	if err := d.Read(frame); err != nil {
		t.Fatal(err)
	}
	if err := d.Read(frame); err != nil { // 10 bytes left: padded
		t.Fatalf("short last frame: %v", err)
	}
	if err := d.Read(frame); !errors.Is(err, io.EOF) {
		t.Errorf("after the end: %v, want EOF", err)
	}
	if err := d.Read(frame[:10]); !errors.Is(err, ErrFrameSize) {
		t.Errorf("wrong frame size: %v", err)
	}
	if err := (&FileDevice{}).Write(frame); !errors.Is(err, ErrNoPlayback) {
		t.Errorf("no Out: %v", err)
	}
}

// TestUplinkDownlinkThroughLoopback sends a tone from a "microphone" through the uplink
// (48 kHz → 8 kHz G.711) and back through the downlink (G.711 → 48 kHz) to a "speaker".
func TestUplinkDownlinkThroughLoopback(t *testing.T) {
	for _, codec := range []Codec{PCMU, PCMA} {
		mic := &FileDevice{In: bytes.NewReader(toBytes(tone(1000, DeviceRate, DeviceRate, 0.5)))}
		var spkOut bytes.Buffer
		spk := &FileDevice{Out: &spkOut}
		up, err := NewUplink(mic, codec)
		if err != nil {
			t.Fatal(err)
		}
		down, err := NewDownlink(spk, codec)
		if err != nil {
			t.Fatal(err)
		}
		for range 50 { // 1 s
			p, err := up.ReadPayload(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(p) != PhoneFrameSize {
				t.Fatalf("payload of %d bytes", len(p))
			}
			if err := down.WritePayload(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := down.WritePayload(nil); err != nil { // a lost packet plays silence
			t.Fatal(err)
		}
		got := fromBytes(spkOut.Bytes())
		if len(got) != 51*DeviceFrameSize {
			t.Fatalf("%d samples played", len(got))
		}
		body := got[4800 : 50*DeviceFrameSize]
		if g := rms(body) / rms(tone(1000, DeviceRate, 4800, 0.5)); g < 0.85 || g > 1.15 {
			t.Errorf("codec %d: end-to-end gain %.3f", codec, g)
		}
		if p1, p3 := Goertzel(body, 1000, DeviceRate), Goertzel(body, 3000, DeviceRate); p1 < 100*p3 {
			t.Errorf("codec %d: 1 kHz %.3g not dominant over 3 kHz %.3g", codec, p1, p3)
		}
	}
	if _, err := NewUplink(&FileDevice{Rate: 44100}, PCMU); err == nil {
		t.Error("44.1 kHz device accepted")
	}
	if err := (&Downlink{}).WritePayload(make([]byte, 3)); err == nil {
		t.Error("short payload accepted")
	}
}

func toBytes(s []int16) []byte {
	var b bytes.Buffer
	d := &FileDevice{Out: &b, Frame: len(s)}
	_ = d.Write(s)
	return b.Bytes()
}

func fromBytes(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	d := &FileDevice{In: bytes.NewReader(b), Frame: len(out)}
	_ = d.Read(out)
	return out
}

// failing is a device that fails after n frames, like a headset being unplugged.
type failing struct {
	FileDevice
	left   int
	closed bool
}

func (f *failing) Write(fr []int16) error {
	if f.left <= 0 {
		return errors.New("device unplugged")
	}
	f.left--
	return f.FileDevice.Write(fr)
}
func (f *failing) Close() error { f.closed = true; return nil }

type fakeSystem struct {
	opened []Config
	devs   []Device
}

func (s *fakeSystem) Devices() ([]DeviceInfo, error) { return nil, nil }
func (s *fakeSystem) Open(c Config) (Device, error) {
	s.opened = append(s.opened, c)
	d := s.devs[0]
	s.devs = s.devs[1:]
	return d, nil
}

func TestResilientFallsBackToTheDefault(t *testing.T) {
	headset := &failing{FileDevice: FileDevice{Out: io.Discard}, left: 2}
	var def bytes.Buffer
	sys := &fakeSystem{devs: []Device{headset, &FileDevice{Out: &def}}}
	var why error
	d, err := OpenResilient(sys, Config{Output: "USB headset", Playback: true})
	if err != nil {
		t.Fatal(err)
	}
	d.OnFallback = func(err error) { why = err }
	frame := make([]int16, DeviceFrameSize)
	for i := range 5 {
		if err := d.Write(frame); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if !headset.closed || why == nil || len(sys.opened) != 2 || sys.opened[1].Output != "" || !sys.opened[1].Playback {
		t.Errorf("fallback: closed %v, why %v, opened %+v", headset.closed, why, sys.opened)
	}
	if def.Len() != 3*2*DeviceFrameSize {
		t.Errorf("default device got %d bytes, want 3 frames", def.Len())
	}
	_ = d.Close()
	if err := d.Write(frame); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestRingToneCadenceAndFrequencies(t *testing.T) {
	r := Ring{Rate: DeviceRate}
	frame := make([]int16, DeviceFrameSize)
	var on, off int
	for i := range 300 { // one 6 s cycle
		r.Fill(frame)
		p440, p480, p1k := Goertzel(frame, 440, DeviceRate), Goertzel(frame, 480, DeviceRate), Goertzel(frame, 1000, DeviceRate)
		switch {
		case i < 100:
			if p440 < 0.005 || p480 < 0.005 || p1k > p440/100 {
				t.Fatalf("frame %d (ringing): 440 Hz %.3g, 480 Hz %.3g, 1 kHz %.3g", i, p440, p480, p1k)
			}
			on++
		default:
			if rms(frame) != 0 {
				t.Fatalf("frame %d (pause): RMS %.0f, want silence", i, rms(frame))
			}
			off++
		}
	}
	if on != 100 || off != 200 {
		t.Errorf("cadence %d on / %d off frames, want 100 / 200", on, off)
	}
	// PlayRing stops when told
	var out bytes.Buffer
	stop := make(chan struct{})
	d := &countingDevice{FileDevice: FileDevice{Out: &out}, after: 10, stop: stop}
	if err := PlayRing(d, stop); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 10*2*DeviceFrameSize {
		t.Errorf("rang %d bytes, want 10 frames", out.Len())
	}
}

// countingDevice closes stop after writing `after` frames.
type countingDevice struct {
	FileDevice
	after int
	stop  chan struct{}
}

func (c *countingDevice) Write(f []int16) error {
	if err := c.FileDevice.Write(f); err != nil {
		return err
	}
	if c.after--; c.after == 0 {
		close(c.stop)
	}
	return nil
}
