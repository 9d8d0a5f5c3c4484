package sip

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parley-cc/parley/backend/parley"
)

// PromptSource turns prompts into 8 kHz mono PCM: WAV files are decoded and resampled, text is
// synthesised with espeak-ng and cached on disk by a hash of (text, voice, rate).
type PromptSource struct {
	// CacheDir holds synthesised prompts (created when missing). Required for text prompts.
	CacheDir string
	// AudioDir is the directory relative AUDIO prompt paths are resolved against
	// (parley.Prompt.AudioFile is relative to the data directory).
	AudioDir string
	// Espeak is the espeak-ng binary; default "espeak-ng" from PATH.
	Espeak string
	// Voice is the espeak-ng voice; default "en-us".
	Voice string
	// Rate is the speaking rate in words per minute; 0 keeps espeak-ng's default (175).
	Rate int

	mu       sync.Mutex
	inflight map[string]*synthCall
}

type synthCall struct {
	done  chan struct{}
	audio *Audio
	err   error
}

// Prompt returns the audio of a stored prompt: a TEXT prompt is synthesised, an AUDIO prompt's
// WAV file is decoded.
func (p *PromptSource) Prompt(ctx context.Context, pr *parley.Prompt) (*Audio, error) {
	switch pr.Type {
	case parley.PromptText:
		return p.Text(ctx, pr.Text)
	case parley.PromptAudio:
		path := pr.AudioFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(p.AudioDir, path)
		}
		return p.File(path)
	}
	return nil, parley.Invalidf("type", "prompt %q has type %q: TEXT or AUDIO expected", pr.ID, pr.Type)
}

// File decodes a WAV file (see DecodeWAV for the encodings accepted).
func (p *PromptSource) File(path string) (*Audio, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open prompt %q: %w", path, err)
	}
	defer f.Close()
	a, err := DecodeWAV(f)
	if err != nil {
		return nil, fmt.Errorf("prompt %q: %w", path, err)
	}
	return a, nil
}

// Text synthesises text, or SSML when it starts with <speak>, and caches the result. SSML is
// reduced to the tags espeak-ng understands (see ReduceSSML); invalid SSML is an EInvalid error.
// Concurrent requests for the same text share one synthesis.
func (p *PromptSource) Text(ctx context.Context, text string) (*Audio, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return &Audio{}, nil
	}
	ssml := strings.HasPrefix(text, "<speak")
	if ssml {
		reduced, err := ReduceSSML(text)
		if err != nil {
			return nil, err
		}
		text = reduced
	}
	if p.CacheDir == "" {
		return nil, errors.New("prompt source: CacheDir is not set")
	}
	voice := p.voice()
	key := p.cacheKey(text, voice, ssml)
	path := filepath.Join(p.CacheDir, key[:2], key+".wav")
	if a, err := p.File(path); err == nil {
		return a, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		// A damaged cache entry: synthesise again below.
		_ = os.Remove(path)
	}

	p.mu.Lock()
	if c, ok := p.inflight[key]; ok {
		p.mu.Unlock()
		select {
		case <-c.done:
			return c.audio, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if p.inflight == nil {
		p.inflight = map[string]*synthCall{}
	}
	c := &synthCall{done: make(chan struct{})}
	p.inflight[key] = c
	p.mu.Unlock()

	c.audio, c.err = p.synthesise(ctx, text, voice, ssml, path)
	p.mu.Lock()
	delete(p.inflight, key)
	p.mu.Unlock()
	close(c.done)
	return c.audio, c.err
}

func (p *PromptSource) voice() string {
	if p.Voice != "" {
		return p.Voice
	}
	return "en-us"
}

func (p *PromptSource) cacheKey(text, voice string, ssml bool) string {
	h := sha256.New()
	fmt.Fprintf(h, "parley-tts-v1\x00%s\x00%d\x00%t\x00%s", voice, p.Rate, ssml, text)
	return hex.EncodeToString(h.Sum(nil))
}

func (p *PromptSource) synthesise(ctx context.Context, text, voice string, ssml bool, path string) (*Audio, error) {
	bin := p.Espeak
	if bin == "" {
		bin = "espeak-ng"
	}
	args := []string{"-v", voice, "--stdout"}
	if p.Rate > 0 {
		args = append(args, "-s", fmt.Sprint(p.Rate))
	}
	if ssml {
		args = append(args, "-m")
	}
	args = append(args, "--stdin")
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(text)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	a, err := DecodeWAV(&out)
	if err != nil {
		return nil, fmt.Errorf("espeak-ng output: %w", err)
	}
	if err := writeFileAtomic(path, func(w io.Writer) error { return EncodeWAV(w, a.Samples, SampleRate, 1) }); err != nil {
		return nil, fmt.Errorf("cache prompt: %w", err)
	}
	return a, nil
}

// writeFileAtomic writes a file through a temporary file and a rename, so readers never see a
// partial file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		return errors.Join(err, f.Close(), os.Remove(f.Name()))
	}
	if err := f.Close(); err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}

// ssmlKeep lists the SSML elements espeak-ng 1.51 acts on (with -m) and the attributes kept on
// each. Everything else is dropped and its text kept: Amazon Polly's <lang>, <phoneme>, <w>,
// <amazon:effect>, <amazon:domain> and <mark>, and <audio> (espeak-ng would only speak its
// fallback text, and a prompt must not name files on the server).
var ssmlKeep = map[string][]string{
	"speak":    {"xml:lang"},
	"break":    {"time", "strength"},
	"emphasis": {"level"},
	"prosody":  {"rate", "pitch", "volume"},
	"say-as":   {"interpret-as", "format"},
	"sub":      {"alias"},
	"p":        nil,
	"s":        nil,
	"voice":    {"gender", "age", "name", "variant", "xml:lang"},
}

// ReduceSSML parses SSML and rewrites it with only the elements and attributes espeak-ng
// supports, keeping the text of the others. It returns an EInvalid error when text is not
// well-formed XML.
func ReduceSSML(text string) (string, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	var b strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", parley.Invalidf("text", "SSML is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := xmlName(t.Name)
			attrs, ok := ssmlKeep[name]
			if !ok {
				continue
			}
			b.WriteString("<" + name)
			for _, a := range t.Attr {
				an := xmlName(a.Name)
				for _, keep := range attrs {
					if an == keep {
						b.WriteString(" " + an + `="`)
						xml.EscapeText(&b, []byte(a.Value))
						b.WriteString(`"`)
					}
				}
			}
			b.WriteString(">")
		case xml.EndElement:
			depth--
			if _, ok := ssmlKeep[xmlName(t.Name)]; ok {
				b.WriteString("</" + xmlName(t.Name) + ">")
			}
		case xml.CharData:
			if depth > 0 {
				xml.EscapeText(&b, t)
			}
		}
	}
	return b.String(), nil
}

func xmlName(n xml.Name) string {
	switch n.Space {
	case "":
		return n.Local
	case "xml", "http://www.w3.org/XML/1998/namespace":
		return "xml:" + n.Local
	}
	return n.Space + ":" + n.Local
}
