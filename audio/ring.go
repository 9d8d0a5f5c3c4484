package audio

// Ring is the ring tone of an incoming call: the North American ring (ITU-T E.180 supplement:
// 440 Hz + 480 Hz together), 2 s on, 4 s off, generated frame by frame.
type Ring struct {
	Rate      int     // samples per second (the device's)
	Amplitude float64 // of each of the two tones, 0..0.5; default 0.25
	On, Off   int     // cadence in frames of FrameMillis; default 100 on, 200 off
	frame     int
	a, b      Tone
}

// Fill writes the next len(frame) samples of the ring (frames of FrameMillis keep the cadence
// exact; other lengths count as one frame each).
func (r *Ring) Fill(frame []int16) {
	if r.a.Rate == 0 {
		amp := r.Amplitude
		if amp <= 0 || amp > 0.5 {
			amp = 0.25
		}
		r.a = Tone{Freq: 440, Amplitude: amp, Rate: r.Rate}
		r.b = Tone{Freq: 480, Amplitude: amp, Rate: r.Rate}
		if r.On == 0 {
			r.On = 2000 / FrameMillis
		}
		if r.Off == 0 {
			r.Off = 4000 / FrameMillis
		}
	}
	pos := r.frame % (r.On + r.Off)
	r.frame++
	if pos >= r.On {
		clear(frame)
		return
	}
	tmp := make([]int16, len(frame))
	r.a.Fill(frame)
	r.b.Fill(tmp)
	for i := range frame {
		frame[i] = clip16(float64(frame[i]) + float64(tmp[i]))
	}
}

// PlayRing rings on d until stop is closed (checked between frames) or d fails.
func PlayRing(d Device, stop <-chan struct{}) error {
	r := Ring{Rate: d.SampleRate()}
	buf := make([]int16, d.FrameSize())
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		r.Fill(buf)
		if err := d.Write(buf); err != nil {
			return err
		}
	}
}
