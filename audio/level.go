package audio

import "math"

// Level is a frame's loudness for the level meter: RMS and peak in dBFS (0 is full scale,
// silence is Floor).
type Level struct {
	RMS  float64 `json:"rms"`
	Peak float64 `json:"peak"`
}

// Floor is the dBFS reported for digital silence.
const Floor = -96.0

// Measure returns the level of a frame.
func Measure(frame []int16) Level {
	if len(frame) == 0 {
		return Level{RMS: Floor, Peak: Floor}
	}
	var sum float64
	var peak int
	for _, s := range frame {
		v := float64(s)
		sum += v * v
		a := int(s)
		if a < 0 {
			a = -a
		}
		peak = max(peak, a)
	}
	rms := math.Sqrt(sum / float64(len(frame)))
	return Level{RMS: dbfs(rms), Peak: dbfs(float64(peak))}
}

func dbfs(v float64) float64 {
	if v <= 0 {
		return Floor
	}
	return max(Floor, 20*math.Log10(v/32768))
}

// Meter smooths levels for display: fast attack, slow release.
type Meter struct {
	level Level
	init  bool
}

// Add measures a frame and returns the smoothed level.
func (m *Meter) Add(frame []int16) Level {
	l := Measure(frame)
	if !m.init {
		m.level, m.init = l, true
		return l
	}
	smooth := func(prev, cur float64) float64 {
		if cur > prev {
			return cur
		}
		return prev + (cur-prev)*0.3
	}
	m.level = Level{RMS: smooth(m.level.RMS, l.RMS), Peak: smooth(m.level.Peak, l.Peak)}
	return m.level
}
