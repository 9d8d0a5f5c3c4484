package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/parley-cc/parley/audio"
)

// callMedia carries one call's audio between RTP and the headset: microphone → audio.Uplink
// (48 kHz → 20 ms G.711) → the RTP writer, and the RTP reader (behind diago's jitter buffer) →
// audio.Downlink → speaker. Both devices are audio.Resilient: a headset unplugged mid-call
// falls back to the system default, the call goes on and onNotice tells the agent. A device
// that cannot be opened at all leaves that direction silent (the call still connects).
type callMedia struct {
	sys      audio.System
	devices  AudioSettings
	codec    audio.Codec
	muted    func() bool
	onLevel  func(audio.Level) // microphone level, about ten times a second
	onNotice func(key string)
	log      *slog.Logger
}

// speakerLatency is the speaker's device buffer: with the jitter buffer's 60 ms, about 100 ms
// from packet to ear, within ITU-T G.114's 150 ms.
const speakerLatency = 40 * time.Millisecond

// fifoFrames bounds the payloads waiting for the speaker (60 ms).
const fifoFrames = 3

// run pumps audio until ctx ends or the RTP reader fails (the call's media closed), then calls
// closeRTP (which must make a blocked rtpIn.Read return), waits for both directions and closes
// the devices.
func (m *callMedia) run(ctx context.Context, rtpIn io.Reader, rtpOut io.Writer, closeRTP func()) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	notice := func(key string) {
		if m.onNotice != nil {
			m.onNotice(key)
		}
	}

	var up *audio.Uplink
	mic, err := audio.OpenResilient(m.sys, audio.Config{Input: m.devices.Microphone, Capture: true})
	if err == nil {
		mic.OnFallback = func(err error) {
			m.log.Warn("softphone: microphone lost, using the default", slog.Any("err", err))
			notice(NoticeMicFallback)
		}
		var md audio.Device = mic
		if m.onLevel != nil {
			md = &meteredDevice{Device: mic, on: m.onLevel}
		}
		up, err = audio.NewUplink(md, m.codec)
	}
	if err != nil {
		m.log.Warn("softphone: no microphone", slog.Any("err", err))
		notice(NoticeNoMicrophone)
	}
	var down *audio.Downlink
	spk, err := audio.OpenResilient(m.sys, audio.Config{Output: m.devices.Speaker, Playback: true, Latency: speakerLatency})
	if err == nil {
		spk.OnFallback = func(err error) {
			m.log.Warn("softphone: speaker lost, using the default", slog.Any("err", err))
			notice(NoticeSpeakerFallbk)
		}
		down, err = audio.NewDownlink(spk, m.codec)
	}
	if err != nil {
		m.log.Warn("softphone: no speaker", slog.Any("err", err))
		notice(NoticeNoSpeaker)
	}

	silence := m.codec.Encode(nil, make([]int16, audio.PhoneFrameSize))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // uplink: paced by the microphone (or a ticker without one)
		defer wg.Done()
		var tick *time.Ticker
		buf := make([]byte, 0, audio.PhoneFrameSize)
		for ctx.Err() == nil {
			p := silence
			if up != nil {
				var err error
				if buf, err = up.ReadPayload(buf[:0]); err != nil {
					m.log.Warn("softphone: microphone failed", slog.Any("err", err))
					notice(NoticeNoMicrophone)
					up = nil
					continue
				}
				p = buf
			} else {
				if tick == nil {
					tick = time.NewTicker(audio.FrameMillis * time.Millisecond)
					defer tick.Stop()
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
			if m.muted != nil && m.muted() {
				p = silence
			}
			if _, err := rtpOut.Write(p); err != nil {
				return
			}
		}
	}()
	// Between the packets and the speaker: a FIFO of at most fifoFrames payloads. The speaker
	// takes from it at the device's clock (its blocking writes keep the device's buffer full)
	// and plays silence when it is empty (a lost or late packet, no RTP from the other side,
	// hold), so the device never runs dry; when it is full (the sender's clock runs faster
	// than the device's) the oldest payload is dropped, so the delay stays bounded.
	frames := make(chan []byte, fifoFrames)
	go func() { // RTP in: packets (after the jitter buffer) cut into 20 ms payloads
		defer wg.Done()
		defer cancel()
		buf := make([]byte, 1500)
		var pending []byte
		for {
			n, err := rtpIn.Read(buf)
			if err != nil {
				if !errors.Is(err, io.EOF) && ctx.Err() == nil {
					m.log.Debug("softphone: RTP read", slog.Any("err", err))
				}
				return
			}
			pending = append(pending, buf[:n]...)
			for len(pending) >= audio.PhoneFrameSize {
				f := append([]byte(nil), pending[:audio.PhoneFrameSize]...)
				pending = pending[audio.PhoneFrameSize:]
				for {
					select {
					case frames <- f:
					default:
						select {
						case <-frames: // full: drop the oldest
						default:
						}
						continue
					}
					break
				}
			}
			pending = append(pending[:0], pending...)
		}
	}()
	wg.Add(1)
	go func() { // speaker, paced by the device
		defer wg.Done()
		var tick *time.Ticker
		for ctx.Err() == nil {
			var f []byte
			select {
			case f = <-frames:
			default:
			}
			if down == nil {
				if tick == nil {
					tick = time.NewTicker(audio.FrameMillis * time.Millisecond)
					defer tick.Stop()
				}
				select {
				case <-ctx.Done():
				case <-tick.C:
				}
				continue
			}
			if err := down.WritePayload(f); err != nil {
				m.log.Warn("softphone: speaker failed", slog.Any("err", err))
				notice(NoticeNoSpeaker)
				down = nil
			}
		}
	}()
	<-ctx.Done()
	if closeRTP != nil {
		closeRTP()
	}
	wg.Wait()
	if mic != nil {
		_ = mic.Close()
	}
	if spk != nil {
		_ = spk.Close()
	}
}

// meteredDevice reports the level of the frames read through it.
type meteredDevice struct {
	audio.Device
	on    func(audio.Level)
	meter audio.Meter
	last  time.Time
}

func (d *meteredDevice) Read(frame []int16) error {
	if err := d.Device.Read(frame); err != nil {
		return err
	}
	l := d.meter.Add(frame)
	if now := time.Now(); now.Sub(d.last) >= 100*time.Millisecond {
		d.last = now
		d.on(l)
	}
	return nil
}
