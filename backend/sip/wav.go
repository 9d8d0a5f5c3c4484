package sip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// SampleRate is the rate of every prompt and recording: G.711's 8 kHz.
const SampleRate = 8000

// frameSamples is one 20 ms RTP packet of 8 kHz audio.
const frameSamples = SampleRate / 50

// Audio is 8 kHz mono 16-bit linear PCM: what a prompt becomes before it is encoded for a call.
type Audio struct {
	Samples []int16
}

// Duration is the audio's playing time.
func (a *Audio) Duration() time.Duration {
	return time.Duration(len(a.Samples)) * time.Second / SampleRate
}

// WAV format codes (the fmt chunk's wFormatTag).
const (
	wavPCM        = 1
	wavFloat      = 3
	wavALaw       = 6
	wavMuLaw      = 7
	wavExtensible = 0xFFFE
)

// maxWAVBytes bounds what DecodeWAV reads: an hour of 48 kHz stereo 16-bit audio.
const maxWAVBytes = 48000 * 2 * 2 * 3600

// ErrUnsupportedWAV is returned for WAV files whose encoding DecodeWAV does not convert.
var ErrUnsupportedWAV = errors.New("unsupported WAV encoding")

// DecodeWAV reads a WAV file and converts it to 8 kHz mono 16-bit PCM. It accepts PCM of 8, 16,
// 24 or 32 bits, 32- and 64-bit float, µ-law and A-law, WAVE_FORMAT_EXTENSIBLE wrapping any of
// those, any number of channels (mixed down) and any sample rate from 4 kHz to 192 kHz
// (resampled). Other encodings (ADPCM, MP3 in WAV, ...) are rejected with ErrUnsupportedWAV.
func DecodeWAV(r io.Reader) (*Audio, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxWAVBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read wav: %w", err)
	}
	if len(data) > maxWAVBytes {
		return nil, fmt.Errorf("wav: longer than %d bytes", maxWAVBytes)
	}
	f, err := parseWAV(data)
	if err != nil {
		return nil, err
	}
	mono, err := f.monoFloat()
	if err != nil {
		return nil, err
	}
	return &Audio{Samples: floatToPCM(resample(mono, int(f.rate), SampleRate))}, nil
}

type wavFile struct {
	format   uint16
	channels uint16
	rate     uint32
	bits     uint16
	data     []byte
}

func parseWAV(b []byte) (*wavFile, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("wav: not a RIFF/WAVE file")
	}
	var f wavFile
	haveFmt, haveData := false, false
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		size := int(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		p += 8
		end := p + size
		if size < 0 || end > len(b) || end < p {
			if id == "data" && haveFmt {
				// A truncated or streaming file (size 0 or 0xFFFFFFFF): take what is there.
				end = len(b)
			} else {
				return nil, fmt.Errorf("wav: chunk %q runs past the end of the file", id)
			}
		}
		chunk := b[p:end]
		switch id {
		case "fmt ":
			if len(chunk) < 16 {
				return nil, errors.New("wav: fmt chunk too short")
			}
			f.format = binary.LittleEndian.Uint16(chunk[0:2])
			f.channels = binary.LittleEndian.Uint16(chunk[2:4])
			f.rate = binary.LittleEndian.Uint32(chunk[4:8])
			f.bits = binary.LittleEndian.Uint16(chunk[14:16])
			if f.format == wavExtensible {
				if len(chunk) < 40 {
					return nil, errors.New("wav: extensible fmt chunk too short")
				}
				// The sub-format GUID starts with the format code.
				f.format = binary.LittleEndian.Uint16(chunk[24:26])
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, errors.New("wav: data chunk before fmt chunk")
			}
			f.data = chunk
			haveData = true
		}
		if haveData {
			break
		}
		p = end + end%2 // chunks are padded to even sizes
	}
	if !haveFmt || !haveData {
		return nil, errors.New("wav: missing fmt or data chunk")
	}
	if f.channels == 0 || f.channels > 32 {
		return nil, fmt.Errorf("wav: %d channels: 1 to 32 are supported", f.channels)
	}
	if f.rate < 4000 || f.rate > 192000 {
		return nil, fmt.Errorf("wav: sample rate %d Hz: 4000 to 192000 are supported", f.rate)
	}
	return &f, nil
}

// monoFloat decodes the samples to floats in [-1, 1], mixing the channels down.
func (f *wavFile) monoFloat() ([]float64, error) {
	var bytesPer int
	var sample func([]byte) float64
	switch {
	case f.format == wavPCM && f.bits == 8:
		bytesPer, sample = 1, func(b []byte) float64 { return (float64(b[0]) - 128) / 128 }
	case f.format == wavPCM && f.bits == 16:
		bytesPer, sample = 2, func(b []byte) float64 { return float64(int16(binary.LittleEndian.Uint16(b))) / 32768 }
	case f.format == wavPCM && f.bits == 24:
		bytesPer, sample = 3, func(b []byte) float64 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return float64(v) / (1 << 23)
		}
	case f.format == wavPCM && f.bits == 32:
		bytesPer, sample = 4, func(b []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31) }
	case f.format == wavFloat && f.bits == 32:
		bytesPer, sample = 4, func(b []byte) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))) }
	case f.format == wavFloat && f.bits == 64:
		bytesPer, sample = 8, func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }
	case f.format == wavMuLaw && f.bits == 8:
		bytesPer, sample = 1, func(b []byte) float64 { return float64(ulawDecode[b[0]]) / 32768 }
	case f.format == wavALaw && f.bits == 8:
		bytesPer, sample = 1, func(b []byte) float64 { return float64(alawDecode[b[0]]) / 32768 }
	default:
		return nil, fmt.Errorf("%w: format %d with %d bits per sample (PCM 8/16/24/32, float 32/64, µ-law and A-law are supported)", ErrUnsupportedWAV, f.format, f.bits)
	}
	frame := bytesPer * int(f.channels)
	n := len(f.data) / frame
	out := make([]float64, n)
	for i := range n {
		var sum float64
		for c := range int(f.channels) {
			off := i*frame + c*bytesPer
			v := sample(f.data[off : off+bytesPer])
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			sum += v
		}
		out[i] = sum / float64(f.channels)
	}
	return out, nil
}

func floatToPCM(x []float64) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		v *= 32768
		switch {
		case v > 32767:
			v = 32767
		case v < -32768:
			v = -32768
		}
		out[i] = int16(math.Round(v))
	}
	return out
}

// EncodeWAV writes 16-bit PCM samples (interleaved when channels > 1) as a WAV file.
func EncodeWAV(w io.Writer, samples []int16, rate, channels int) error {
	var buf bytes.Buffer
	buf.Write(wavHeader(rate, channels, uint32(len(samples)*2)))
	b := make([]byte, 2*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(s))
	}
	buf.Write(b)
	_, err := w.Write(buf.Bytes())
	return err
}

// wavHeaderSize is the size of the canonical 44-byte header wavHeader writes.
const wavHeaderSize = 44

// wavHeader is a canonical PCM 16-bit header for dataSize bytes of samples.
func wavHeader(rate, channels int, dataSize uint32) []byte {
	h := make([]byte, wavHeaderSize)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+dataSize)
	copy(h[8:], "WAVE")
	copy(h[12:], "fmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], wavPCM)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*2))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], dataSize)
	return h
}
