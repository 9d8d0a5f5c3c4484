package audio

import "math"

// Resampler converts between a device rate and a telephony rate whose ratio is an integer
// (48 kHz ↔ 8 kHz: 6). Both directions run the signal through a windowed-sinc low-pass FIR
// (cut-off just under the lower rate's Nyquist frequency) so that decimation does not alias
// and interpolation does not image. It keeps its filter history across calls, so a stream is
// processed frame by frame without clicks at frame edges. Not safe for concurrent use.
type Resampler struct {
	factor int
	taps   []float64
	hist   []float64 // the last len(taps)-1 input samples at the high rate
	up     bool
}

// NewDownsampler returns a Resampler from high to high/factor (e.g. 48000 → 8000: factor 6).
func NewDownsampler(factor int) *Resampler { return newResampler(factor, false) }

// NewUpsampler returns a Resampler from low to low*factor.
func NewUpsampler(factor int) *Resampler { return newResampler(factor, true) }

func newResampler(factor int, up bool) *Resampler {
	if factor < 1 {
		panic("audio: resample factor must be 1 or more")
	}
	n := 16*factor + 1 // taps: 97 at factor 6 (about 2 ms at 48 kHz)
	taps := make([]float64, n)
	cutoff := 0.45 / float64(factor) // of the high rate: 3.6 kHz at 48 kHz / 6
	mid := float64(n-1) / 2
	sum := 0.0
	for i := range taps {
		x := float64(i) - mid
		sinc := 2 * cutoff
		if x != 0 {
			sinc = math.Sin(2*math.Pi*cutoff*x) / (math.Pi * x)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1)) + 0.08*math.Cos(4*math.Pi*float64(i)/float64(n-1)) // Blackman
		taps[i] = sinc * w
		sum += taps[i]
	}
	for i := range taps {
		taps[i] /= sum // unity gain at DC
	}
	return &Resampler{factor: factor, taps: taps, hist: make([]float64, n-1), up: up}
}

// Process converts in and appends the result to dst: len(in)/factor samples when
// downsampling (len(in) must be a multiple of factor), len(in)*factor when upsampling.
func (r *Resampler) Process(dst, in []int16) []int16 {
	if r.up {
		return r.upsample(dst, in)
	}
	return r.downsample(dst, in)
}

func (r *Resampler) filterAt(buf []float64, end int) float64 {
	// buf[end-len(taps)+1 .. end] convolved with taps.
	acc := 0.0
	start := end - len(r.taps) + 1
	for k, t := range r.taps {
		acc += t * buf[start+k]
	}
	return acc
}

func (r *Resampler) downsample(dst, in []int16) []int16 {
	buf := make([]float64, len(r.hist)+len(in))
	copy(buf, r.hist)
	for i, s := range in {
		buf[len(r.hist)+i] = float64(s)
	}
	for i := r.factor - 1; i < len(in); i += r.factor {
		dst = append(dst, clip16(r.filterAt(buf, len(r.hist)+i)))
	}
	copy(r.hist, buf[len(buf)-len(r.hist):])
	return dst
}

func (r *Resampler) upsample(dst, in []int16) []int16 {
	// Zero-stuff to the high rate, filter, and restore the gain lost to the zeros.
	n := len(in) * r.factor
	buf := make([]float64, len(r.hist)+n)
	copy(buf, r.hist)
	for i, s := range in {
		buf[len(r.hist)+i*r.factor] = float64(s) * float64(r.factor)
	}
	for i := range n {
		dst = append(dst, clip16(r.filterAt(buf, len(r.hist)+i)))
	}
	copy(r.hist, buf[len(buf)-len(r.hist):])
	return dst
}

// Delay is the filter's group delay in samples at the high rate.
func (r *Resampler) Delay() int { return (len(r.taps) - 1) / 2 }

func clip16(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}
