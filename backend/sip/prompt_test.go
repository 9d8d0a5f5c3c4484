package sip

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/parley"
)

// sineWAV writes a WAV of a sine at freq Hz with sox in the given encoding.
func sineWAV(t *testing.T, freq float64, rate, channels int, soxEncoding ...string) string {
	t.Helper()
	requireTool(t, "sox")
	path := filepath.Join(t.TempDir(), "in.wav")
	args := []string{"-n", "-r", itoa(rate), "-c", itoa(channels)}
	args = append(args, soxEncoding...)
	args = append(args, path, "synth", "1", "sine", ftoa(freq), "vol", "0.5")
	if out, err := exec.Command("sox", args...).CombinedOutput(); err != nil {
		t.Fatalf("sox %v: %v\n%s", args, err, out)
	}
	return path
}

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// rms is the root mean square of samples, skipping the resampler's edges.
func rms(s []int16) float64 {
	if len(s) > 400 {
		s = s[200 : len(s)-200]
	}
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(s)))
}

// zeroCrossingFreq estimates a pure tone's frequency at 8 kHz.
func zeroCrossingFreq(s []int16) float64 {
	n := 0
	for i := 1; i < len(s); i++ {
		if (s[i-1] < 0) != (s[i] < 0) {
			n++
		}
	}
	return float64(n) / 2 / (float64(len(s)) / SampleRate)
}

func TestDecodeWAVFormats(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate, ch int
		enc      []string
	}{
		{"8k mono 16-bit", 8000, 1, []string{"-b", "16", "-e", "signed-integer"}},
		{"22.05k mono 16-bit (espeak-ng)", 22050, 1, []string{"-b", "16", "-e", "signed-integer"}},
		{"44.1k stereo 16-bit", 44100, 2, []string{"-b", "16", "-e", "signed-integer"}},
		{"48k stereo 24-bit", 48000, 2, []string{"-b", "24", "-e", "signed-integer"}},
		{"16k mono 32-bit", 16000, 1, []string{"-b", "32", "-e", "signed-integer"}},
		{"11.025k mono 8-bit", 11025, 1, []string{"-b", "8", "-e", "unsigned-integer"}},
		{"48k mono float", 48000, 1, []string{"-b", "32", "-e", "floating-point"}},
		{"8k mono mu-law", 8000, 1, []string{"-e", "mu-law"}},
		{"8k mono a-law", 8000, 1, []string{"-e", "a-law"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := sineWAV(t, 440, tc.rate, tc.ch, tc.enc...)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			a, err := DecodeWAV(f)
			if err != nil {
				t.Fatalf("DecodeWAV: %v", err)
			}
			if n := len(a.Samples); n < 7900 || n > 8100 {
				t.Errorf("%d samples for 1 s, want about 8000", n)
			}
			// vol 0.5 sine: RMS 0.5/√2 of full scale ≈ 11585.
			if r := rms(a.Samples); r < 10500 || r > 12500 {
				t.Errorf("RMS %.0f, want about 11585", r)
			}
			if f := zeroCrossingFreq(a.Samples); f < 430 || f > 450 {
				t.Errorf("frequency %.0f Hz, want 440", f)
			}
		})
	}
}

func TestDecodeWAVAntiAliasing(t *testing.T) {
	// A 6 kHz tone cannot exist at 8 kHz; without a low-pass filter it would alias to 2 kHz.
	path := sineWAV(t, 6000, 48000, 1, "-b", "16", "-e", "signed-integer")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := DecodeWAV(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := rms(a.Samples); r > 200 {
		t.Errorf("RMS %.0f after resampling a 6 kHz tone to 8 kHz, want it filtered out (< 200)", r)
	}
}

func TestDecodeWAVRejects(t *testing.T) {
	requireTool(t, "sox")
	path := filepath.Join(t.TempDir(), "adpcm.wav")
	if out, err := exec.Command("sox", "-n", "-r", "8000", "-c", "1", "-e", "ima-adpcm", path, "synth", "0.2", "sine", "440").CombinedOutput(); err != nil {
		t.Fatalf("sox: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(path)
	for name, in := range map[string][]byte{
		"ADPCM":     b,
		"not a WAV": []byte("ID3 mp3 data here"),
		"truncated": b[:20],
		"empty":     nil,
	} {
		if _, err := DecodeWAV(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecodeWAV(f *testing.F) {
	var buf bytes.Buffer
	_ = EncodeWAV(&buf, []int16{1, 2, 3, 4}, 8000, 1)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeWAV(bytes.NewReader(b))
		if err == nil && a == nil {
			t.Fatal("nil audio without error")
		}
	})
}

func TestReduceSSML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<speak>Hello <break time="500ms"/> world</speak>`, `<speak>Hello <break time="500ms"></break> world</speak>`},
		{`<speak><amazon:effect name="whispered">secret</amazon:effect> and <lang xml:lang="fr-FR">bonjour</lang></speak>`, `<speak>secret and bonjour</speak>`},
		{`<speak><phoneme alphabet="ipa" ph="x">tomato</phoneme><mark name="m"/><w role="amazon:VB">read</w></speak>`, `<speak>tomatoread</speak>`},
		{`<speak><prosody rate="slow" onclick="x">one</prosody><say-as interpret-as="digits">123</say-as></speak>`, `<speak><prosody rate="slow">one</prosody><say-as interpret-as="digits">123</say-as></speak>`},
		{`<speak><audio src="/etc/passwd">fallback</audio></speak>`, `<speak>fallback</speak>`},
		{`<speak>Fish &amp; chips &lt;3</speak>`, `<speak>Fish &amp; chips &lt;3</speak>`},
	} {
		got, err := ReduceSSML(tc.in)
		if err != nil {
			t.Errorf("ReduceSSML(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ReduceSSML(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if _, err := ReduceSSML(`<speak>unclosed`); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("invalid SSML: error %v, want EInvalid", err)
	}
}

func TestPromptSourceSynthesisesAndCaches(t *testing.T) {
	requireTool(t, "espeak-ng")
	dir := t.TempDir()
	p := &PromptSource{CacheDir: dir}
	ctx := context.Background()
	a, err := p.Text(ctx, "Thank you for calling Parley.")
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Duration().Seconds(); d < 1 || d > 5 {
		t.Errorf("synthesised %.2f s, want 1 to 5 s", d)
	}
	if r := rms(a.Samples); r < 500 {
		t.Errorf("synthesised speech RMS %.0f: silent?", r)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.wav"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one WAV", files)
	}
	// The cached file is 8 kHz mono 16-bit.
	b, _ := os.ReadFile(files[0])
	if wf, err := parseWAV(b); err != nil || wf.rate != 8000 || wf.channels != 1 || wf.bits != 16 {
		t.Errorf("cache file: %+v, %v; want 8000 Hz mono 16-bit", wf, err)
	}

	// A second source with a broken espeak-ng finds it in the cache.
	cached := &PromptSource{CacheDir: dir, Espeak: "/nonexistent/espeak-ng"}
	b2, err := cached.Text(ctx, "Thank you for calling Parley.")
	if err != nil {
		t.Fatalf("cached prompt: %v", err)
	}
	if len(b2.Samples) != len(a.Samples) {
		t.Errorf("cached prompt has %d samples, want %d", len(b2.Samples), len(a.Samples))
	}
	// Another voice is another entry.
	if _, err := (&PromptSource{CacheDir: dir, Espeak: "/nonexistent/espeak-ng", Voice: "en-gb"}).Text(ctx, "Thank you for calling Parley."); err == nil {
		t.Error("another voice was served from the cache")
	}
	// SSML goes through -m: a break lengthens the prompt.
	plain, err := p.Text(ctx, "<speak>one two</speak>")
	if err != nil {
		t.Fatal(err)
	}
	paused, err := p.Text(ctx, `<speak>one <break time="1500ms"/> two <amazon:effect name="whispered">three</amazon:effect></speak>`)
	if err != nil {
		t.Fatal(err)
	}
	if paused.Duration()-plain.Duration() < 1200e6 {
		t.Errorf("SSML break: %v vs %v, want at least 1.2 s longer", paused.Duration(), plain.Duration())
	}
}

func TestPromptSourceAudioPrompt(t *testing.T) {
	path := sineWAV(t, 440, 16000, 1, "-b", "16", "-e", "signed-integer")
	p := &PromptSource{AudioDir: filepath.Dir(path)}
	a, err := p.Prompt(context.Background(), &parley.Prompt{ID: "p1", Type: parley.PromptAudio, AudioFile: filepath.Base(path)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Samples); n < 7900 || n > 8100 {
		t.Errorf("%d samples, want about 8000", n)
	}
}

// TestPromptPlayedIntoCall calls the server from a diago UA; the server answers, plays a
// synthesised prompt and hangs up; the caller must hear about the prompt's length of speech.
func TestPromptPlayedIntoCall(t *testing.T) {
	requireTool(t, "espeak-ng")
	ps := &PromptSource{CacheDir: t.TempDir()}
	prompt, err := ps.Text(context.Background(), "Welcome to Parley. Please hold.")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(newNumbers(DemoNumber), PromptHandler{Audio: prompt})
	addr := startServer(t, s)
	caller := newAgentPhone(t, "caller", nil)
	var uri sip.Uri
	if err := sip.ParseUri("sip:"+DemoNumber+"@"+addr, &uri); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := caller.dg.Invite(ctx, uri, diago.InviteOptions{})
	if err != nil {
		t.Fatalf("invite: %v", err)
	}
	defer d.Close()
	rd, err := d.AudioReader()
	if err != nil {
		t.Fatal(err)
	}
	codec := media.CodecAudioFromSession(d.MediaSession())
	kind := codecPCMU
	if codec.Name == "PCMA" {
		kind = codecPCMA
	}
	buf := make([]byte, media.RTPBufSize)
	pcm := make([]int16, media.RTPBufSize)
	packets, voiced := 0, 0
	for {
		n, err := rd.Read(buf)
		if err != nil {
			break // the server's BYE closed the media
		}
		packets++
		kind.decode(pcm[:n], buf[:n])
		if rmsFloat(pcm[:n]) > 300 {
			voiced++
		}
	}
	frames := len(prompt.Samples) / frameSamples
	if packets < frames*9/10 {
		t.Errorf("received %d packets, want about %d (the prompt's length)", packets, frames)
	}
	if voiced < frames/3 {
		t.Errorf("%d of %d packets carry speech: the prompt was not heard", voiced, packets)
	}
}
