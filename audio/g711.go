package audio

// G.711 (ITU-T G.711) μ-law (PCMU) and A-law (PCMA) encoding of 16-bit linear PCM.

const (
	ulawBias = 0x84
	ulawClip = 32635
)

// LinearToULaw encodes one sample as μ-law.
func LinearToULaw(s int16) byte {
	v := int(s)
	sign := 0
	if v < 0 {
		v = -v
		sign = 0x80
	}
	if v > ulawClip {
		v = ulawClip
	}
	v += ulawBias
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// ULawToLinear decodes one μ-law byte.
func ULawToLinear(u byte) int16 {
	u = ^u
	sign := u & 0x80
	exp := int(u>>4) & 0x07
	mant := int(u & 0x0f)
	v := ((mant << 3) + ulawBias) << exp
	v -= ulawBias
	if sign != 0 {
		return int16(-v)
	}
	return int16(v)
}

// LinearToALaw encodes one sample as A-law.
func LinearToALaw(s int16) byte {
	segEnd := [8]int{0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff}
	v := int(s) >> 3
	mask := byte(0xd5)
	if v < 0 {
		mask = 0x55
		v = -v - 1
	}
	seg := 0
	for seg < 8 && v > segEnd[seg] {
		seg++
	}
	if seg >= 8 {
		return 0x7f ^ mask
	}
	a := byte(seg << 4)
	if seg < 2 {
		a |= byte(v>>1) & 0x0f
	} else {
		a |= byte(v>>seg) & 0x0f
	}
	return a ^ mask
}

// ALawToLinear decodes one A-law byte.
func ALawToLinear(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0f) << 4
	seg := int(a&0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// Codec is a G.711 variant.
type Codec int

const (
	PCMU Codec = iota // μ-law, RTP payload type 0
	PCMA              // A-law, RTP payload type 8
)

// Encode appends the encoding of pcm to dst.
func (c Codec) Encode(dst []byte, pcm []int16) []byte {
	for _, s := range pcm {
		if c == PCMA {
			dst = append(dst, LinearToALaw(s))
		} else {
			dst = append(dst, LinearToULaw(s))
		}
	}
	return dst
}

// Decode appends the samples of payload to dst.
func (c Codec) Decode(dst []int16, payload []byte) []int16 {
	for _, b := range payload {
		if c == PCMA {
			dst = append(dst, ALawToLinear(b))
		} else {
			dst = append(dst, ULawToLinear(b))
		}
	}
	return dst
}
