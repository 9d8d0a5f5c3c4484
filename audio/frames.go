package audio

import "fmt"

// Uplink turns the microphone's device frames into 20 ms G.711 payloads: read one device
// frame (960 samples at 48 kHz), low-pass and decimate it to 160 samples at 8 kHz, encode.
type Uplink struct {
	Dev   Device
	Codec Codec
	rs    *Resampler
	frame []int16
	pcm   []int16
}

// NewUplink checks that the device's rate is a multiple of 8 kHz and its frames 20 ms.
func NewUplink(d Device, c Codec) (*Uplink, error) {
	f, err := ratio(d)
	if err != nil {
		return nil, err
	}
	return &Uplink{Dev: d, Codec: c, rs: NewDownsampler(f), frame: make([]int16, d.FrameSize())}, nil
}

// ReadPayload captures 20 ms and returns its G.711 payload (160 bytes), appended to dst.
func (u *Uplink) ReadPayload(dst []byte) ([]byte, error) {
	if err := u.Dev.Read(u.frame); err != nil {
		return dst, err
	}
	u.pcm = u.rs.Process(u.pcm[:0], u.frame)
	return u.Codec.Encode(dst, u.pcm), nil
}

// Downlink plays 20 ms G.711 payloads on the speaker: decode 160 samples, interpolate to the
// device rate, write one device frame.
type Downlink struct {
	Dev   Device
	Codec Codec
	rs    *Resampler
	pcm   []int16
	frame []int16
}

// NewDownlink checks the device like NewUplink.
func NewDownlink(d Device, c Codec) (*Downlink, error) {
	f, err := ratio(d)
	if err != nil {
		return nil, err
	}
	return &Downlink{Dev: d, Codec: c, rs: NewUpsampler(f)}, nil
}

// WritePayload plays one payload of PhoneFrameSize bytes. A lost packet is played as silence
// by passing nil.
func (l *Downlink) WritePayload(payload []byte) error {
	if payload == nil {
		l.pcm = append(l.pcm[:0], make([]int16, PhoneFrameSize)...)
	} else {
		if len(payload) != PhoneFrameSize {
			return fmt.Errorf("audio: payload of %d bytes, want %d (20 ms at 8 kHz)", len(payload), PhoneFrameSize)
		}
		l.pcm = l.Codec.Decode(l.pcm[:0], payload)
	}
	l.frame = l.rs.Process(l.frame[:0], l.pcm)
	return l.Dev.Write(l.frame)
}

func ratio(d Device) (int, error) {
	r := d.SampleRate()
	if r%PhoneRate != 0 {
		return 0, fmt.Errorf("audio: device rate %d Hz is not a multiple of %d Hz", r, PhoneRate)
	}
	if want := r * FrameMillis / 1000; d.FrameSize() != want {
		return 0, fmt.Errorf("audio: device frames of %d samples, want %d (20 ms)", d.FrameSize(), want)
	}
	return r / PhoneRate, nil
}
