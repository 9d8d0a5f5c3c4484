package sip

import "math"

// resample converts x from rate `from` to rate `to` with a windowed-sinc (Blackman) low-pass
// interpolator whose cut-off is 0.45 of the lower rate, so downsampling 22.05 kHz espeak-ng
// output or 44.1/48 kHz studio prompts to 8 kHz does not alias.
func resample(x []float64, from, to int) []float64 {
	if from == to || len(x) == 0 {
		return x
	}
	ratio := float64(to) / float64(from)
	cutoff := 0.45 * math.Min(1, ratio) // in cycles per input sample
	const zeroCrossings = 16
	half := float64(zeroCrossings) / (2 * cutoff) // half-width of the kernel, in input samples
	n := int(math.Floor(float64(len(x)) * ratio))
	out := make([]float64, n)
	for i := range n {
		t := float64(i) / ratio // position in input samples
		lo := int(math.Ceil(t - half))
		hi := int(math.Floor(t + half))
		lo = max(lo, 0)
		hi = min(hi, len(x)-1)
		var sum, wsum float64
		for j := lo; j <= hi; j++ {
			d := float64(j) - t
			w := 2 * cutoff * sinc(2*cutoff*d) * blackman(d/half)
			sum += w * x[j]
			wsum += w
		}
		if wsum != 0 {
			out[i] = sum / wsum
		}
	}
	return out
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// blackman is the Blackman window over u in [-1, 1].
func blackman(u float64) float64 {
	if u <= -1 || u >= 1 {
		return 0
	}
	a := math.Pi * (u + 1)
	return 0.42 - 0.5*math.Cos(a) + 0.08*math.Cos(2*a)
}
