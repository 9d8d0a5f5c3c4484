package sip

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestBaresipReceivesPromptBitExact is an interop test with a real softphone: baresip
// (headless: aufile as its microphone and speaker, no sound card) calls the demo number; the
// server answers (baresip offers PCMU first), plays a 3 s prompt of pseudo-random speech-level
// noise and waits for the caller to hang up. baresip's sndfile module writes what it decoded
// (before its player) to dump-*-dec.wav. That must be, sample for sample, the prompt after a
// G.711 µ-law round trip (RFC 3551 §4.5.14; baresip has no jitter-buffer resampling, AGC or
// PLC on this path: plc is not loaded), missing at most the first and last few packets.
func TestBaresipReceivesPromptBitExact(t *testing.T) {
	requireTool(t, "baresip")
	prompt := &Audio{Samples: make([]int16, 3*SampleRate)}
	x := uint32(12345)
	for i := range prompt.Samples {
		x = x*1664525 + 1013904223
		prompt.Samples[i] = int16(int32(x>>16)%16000 - 8000)
	}
	played := make(chan error, 1)
	s := NewServer(newNumbers(DemoNumber), CallHandlerFunc(func(ctx context.Context, c *Call) {
		if err := c.Answer(); err != nil {
			played <- err
			return
		}
		_, err := c.Play(ctx, prompt, PlayOptions{})
		played <- err
		<-ctx.Done() // baresip hangs up
	}))
	addr := startServer(t, s)

	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	snd := filepath.Join(dir, "snd")
	mustT(t, os.MkdirAll(cfg, 0o755))
	mustT(t, os.MkdirAll(snd, 0o755))
	silence := filepath.Join(dir, "silence.wav")
	f, err := os.Create(silence)
	mustT(t, err)
	mustT(t, EncodeWAV(f, make([]int16, 10*SampleRate), SampleRate, 1))
	mustT(t, f.Close())
	config := fmt.Sprintf(`module_path /usr/lib/baresip/modules
sip_listen 127.0.0.1:%d
audio_player aufile,%s
audio_source aufile,%s
audio_alert aufile,%s
snd_path %s
module g711.so
module aufile.so
module sndfile.so
module menu.so
module account.so
`, freePort(t), filepath.Join(dir, "played.wav"), silence, filepath.Join(dir, "alert.wav"), snd)
	mustT(t, os.WriteFile(filepath.Join(cfg, "config"), []byte(config), 0o644))
	// One local account that never registers: /dial needs a user agent.
	mustT(t, os.WriteFile(filepath.Join(cfg, "accounts"), []byte("<sip:interop@127.0.0.1>;regint=0\n"), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "baresip", "-f", cfg, "-e", "/dial sip:"+DemoNumber+"@"+addr, "-t", "5")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("baresip: %v\n%s", err, out)
	}
	select {
	case err := <-played:
		if err != nil {
			t.Fatalf("play: %v\nbaresip:\n%s", err, out)
		}
	default:
		t.Fatalf("the call never reached the handler; baresip:\n%s", out)
	}
	dumps, _ := filepath.Glob(filepath.Join(snd, "dump-*-dec.wav"))
	if len(dumps) != 1 {
		t.Fatalf("decoded dumps %v, want one; baresip:\n%s", dumps, out)
	}
	b, err := os.ReadFile(dumps[0])
	mustT(t, err)
	got, err := DecodeWAV(bytes.NewReader(b))
	mustT(t, err)

	want := make([]int16, len(prompt.Samples))
	g := make([]byte, len(prompt.Samples))
	codecPCMU.encode(g, prompt.Samples)
	codecPCMU.decode(want, g)

	// Align: the dump starts when baresip's audio starts (silence before the first packet, if
	// any, is skipped); the first 160 received samples fix the offset into the prompt.
	rx := got.Samples
	for len(rx) > 0 && rx[0] == 0 {
		rx = rx[1:]
	}
	if len(rx) < 160 {
		t.Fatalf("baresip decoded %d samples", len(got.Samples))
	}
	// Align on the first 160 samples whose values match exactly (G.711 decoders differ only
	// in the values of a few codes near zero, see below).
	off := -1
	for i := 0; i+160 <= len(want) && off < 0; i++ {
		if slices.Equal(want[i:i+160], rx[:160]) {
			off = i
		}
	}
	if off < 0 {
		// Fall back to aligning on the re-encoded codes.
		rxg := make([]byte, 160)
		codecPCMU.encode(rxg, rx[:160])
		for i := 0; i+160 <= len(g) && off < 0; i++ {
			if bytes.Equal(g[i:i+160], rxg) {
				off = i
			}
		}
	}
	if off < 0 {
		t.Fatalf("the first 160 received samples are nowhere in the prompt")
	}
	// Bit-exact at the G.711 level: every decoded sample, encoded again, is the code the server
	// sent. Decoded values may differ from ours for codes whose decoding is a convention (µ-law
	// 0x7F/0xFF, negative and positive zero, and the smallest steps): counted and logged.
	n := min(len(rx), len(want)-off)
	valueDiffs := map[[2]int16]int{}
	for i := 0; i < n; i++ {
		if c := linearToUlaw(rx[i]); c != g[off+i] {
			t.Fatalf("sample %d (prompt sample %d): baresip decoded %d (µ-law %#02x), the server sent %#02x (%d)", i, off+i, rx[i], c, g[off+i], want[off+i])
		}
		if rx[i] != want[off+i] {
			valueDiffs[[2]int16{want[off+i], rx[i]}]++
		}
	}
	if len(valueDiffs) > 0 {
		t.Logf("decoded values that differ from ours (ours → baresip's: samples): %v", valueDiffs)
	}
	missing := len(want) - n
	t.Logf("baresip decoded %d samples (%d leading zeros); bit-exact over %d samples from prompt sample %d; %d samples (%v) not received", len(got.Samples), len(got.Samples)-len(rx), n, off, missing, time.Duration(missing)*time.Second/SampleRate)
	if lost := time.Duration(missing) * time.Second / SampleRate; lost > 200*time.Millisecond {
		t.Errorf("%v of the 3 s prompt not received, want at most 200 ms", lost)
	}
}
