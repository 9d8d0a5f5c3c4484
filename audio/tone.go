package audio

import "math"

// Tone generates a sine wave frame by frame, phase-continuous across frames.
type Tone struct {
	Freq      float64 // Hz
	Amplitude float64 // 0..1 of full scale
	Rate      int     // samples per second
	phase     float64
}

// Fill writes the next len(frame) samples.
func (t *Tone) Fill(frame []int16) {
	step := 2 * math.Pi * t.Freq / float64(t.Rate)
	for i := range frame {
		frame[i] = int16(math.Round(t.Amplitude * 32767 * math.Sin(t.phase)))
		t.phase += step
		if t.phase > 2*math.Pi {
			t.phase -= 2 * math.Pi
		}
	}
}

// Goertzel returns the power of frequency freq in samples at rate, normalised so that a
// full-scale sine gives about 0.25 and silence 0.
func Goertzel(samples []int16, freq float64, rate int) float64 {
	if len(samples) == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, x := range samples {
		s0 := float64(x)/32768 + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	p := s1*s1 + s2*s2 - coeff*s1*s2
	n := float64(len(samples))
	return p / (n * n)
}

// PlayTone plays a tone on a device for the given number of frames.
func PlayTone(d Device, freq, amplitude float64, frames int) error {
	t := Tone{Freq: freq, Amplitude: amplitude, Rate: d.SampleRate()}
	buf := make([]int16, d.FrameSize())
	for range frames {
		t.Fill(buf)
		if err := d.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
