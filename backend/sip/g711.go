package sip

// G.711 (ITU-T G.711) µ-law and A-law, sample by sample. The tables are built once at start-up;
// decoding is a table lookup, encoding a short computation.

var (
	ulawDecode [256]int16
	alawDecode [256]int16
)

func init() {
	for i := range 256 {
		ulawDecode[i] = ulawToLinear(byte(i))
		alawDecode[i] = alawToLinear(byte(i))
	}
}

const (
	ulawBias = 0x84
	ulawClip = 32635
)

// linearToUlaw encodes one 16-bit sample as µ-law.
func linearToUlaw(s int16) byte {
	sample := int32(s)
	sign := byte(0)
	if sample < 0 {
		sample = -sample
		sign = 0x80
	}
	if sample > ulawClip {
		sample = ulawClip
	}
	sample += ulawBias
	exp := byte(7)
	for mask := int32(0x4000); sample&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := byte(sample>>(exp+3)) & 0x0F
	return ^(sign | exp<<4 | mant)
}

func ulawToLinear(u byte) int16 {
	u = ^u
	sign := u & 0x80
	exp := (u >> 4) & 0x07
	mant := u & 0x0F
	sample := (int32(mant)<<3 + ulawBias) << exp
	sample -= ulawBias
	if sign != 0 {
		return int16(-sample)
	}
	return int16(sample)
}

// linearToAlaw encodes one 16-bit sample as A-law.
func linearToAlaw(s int16) byte {
	sample := int32(s)
	sign := byte(0x80)
	if sample < 0 {
		sample = -sample - 1
		sign = 0
	}
	if sample > 32767 {
		sample = 32767
	}
	var out byte
	if sample < 256 {
		out = byte(sample >> 4)
	} else {
		exp := byte(7)
		for mask := int32(0x4000); sample&mask == 0 && exp > 1; mask >>= 1 {
			exp--
		}
		mant := byte(sample>>(exp+3)) & 0x0F
		out = exp<<4 | mant
	}
	return (out | sign) ^ 0x55
}

func alawToLinear(a byte) int16 {
	a ^= 0x55
	sign := a & 0x80
	exp := (a >> 4) & 0x07
	mant := int32(a & 0x0F)
	var sample int32
	if exp == 0 {
		sample = mant<<4 + 8
	} else {
		sample = (mant<<4 + 0x108) << (exp - 1)
	}
	if sign == 0 {
		return int16(-sample)
	}
	return int16(sample)
}

// codecKind is the G.711 law of a negotiated codec.
type codecKind int

const (
	codecPCMU codecKind = iota
	codecPCMA
)

func (k codecKind) encode(dst []byte, pcm []int16) {
	if k == codecPCMA {
		for i, s := range pcm {
			dst[i] = linearToAlaw(s)
		}
		return
	}
	for i, s := range pcm {
		dst[i] = linearToUlaw(s)
	}
}

func (k codecKind) decode(dst []int16, g []byte) {
	table := &ulawDecode
	if k == codecPCMA {
		table = &alawDecode
	}
	for i, b := range g {
		dst[i] = table[b]
	}
}
