package sip

import (
	"encoding/binary"
	"time"
)

// RFC 4733 telephone-event detection.
//
// diago v0.31.0 reports an event only when an end-of-event packet follows a first packet with a
// non-zero duration; sipp's DTMF pcaps start with duration 0, so diago never reports them. This
// detector follows RFC 4733 §2.5.2 (receiver procedures) instead and reports a digit as soon as
// the first packet of a new event arrives, which also makes barge-in immediate:
//
//   - an event is identified by its RTP timestamp and event code (§2.5.1.2: every new event gets
//     a new timestamp); a packet with another timestamp or another code starts a new event;
//   - the end bit (§2.5.1.4), a timestamp change or a gap of GapTimeout without packets closes
//     the current event; the (normally three) retransmitted end packets of a closed event are
//     ignored;
//   - a packet with the same timestamp and code as a closed event starts a new event only when it
//     has the marker bit or arrives after the gap (senders that replay a recording, such as sipp's
//     pcap play, reuse timestamps);
//   - a long event split into segments (§2.5.1.3: same code, new timestamp, no marker, while the
//     previous segment is still open) continues the same event;
//   - events 0–15 (§3.2: 0–9, *, #, A–D) are digits; other events (flash, tones) are ignored.

// DefaultDTMFGap is how long without packets closes an RFC 4733 event whose end packets were
// lost.
const DefaultDTMFGap = 200 * time.Millisecond

// Detector4733 turns RFC 4733 telephone-event packets into digits. The zero value is ready to use
// with DefaultDTMFGap. It is not safe for concurrent use: one media reader owns it.
type Detector4733 struct {
	// GapTimeout closes an open event after this long without packets; 0 means DefaultDTMFGap.
	GapTimeout time.Duration

	have     bool
	ts       uint32
	code     uint8
	ended    bool
	maxDur   uint16
	lastSeen time.Time
}

// Packet is the part of an RTP packet the detector reads.
type Packet struct {
	Marker    bool
	Timestamp uint32
	Payload   []byte // the RFC 4733 payload: event, E|R|volume, duration
	Arrival   time.Time
}

// digitRunes maps RFC 4733 event codes 0–15 to DTMF characters.
const digitRunes = "0123456789*#ABCD"

// Feed processes one telephone-event packet and returns the digit of a new event, if this packet
// starts one.
func (d *Detector4733) Feed(p Packet) (rune, bool) {
	if len(p.Payload) < 4 {
		return 0, false // RFC 4733 §2.3: the payload is 4 bytes; shorter is not an event
	}
	code := p.Payload[0]
	if int(code) >= len(digitRunes) {
		return 0, false
	}
	end := p.Payload[1]&0x80 != 0
	dur := binary.BigEndian.Uint16(p.Payload[2:4])
	gap := d.GapTimeout
	if gap <= 0 {
		gap = DefaultDTMFGap
	}
	// An open event whose packets stopped is closed by the gap.
	if d.have && !d.ended && p.Arrival.Sub(d.lastSeen) > gap {
		d.ended = true
	}

	if d.have && p.Timestamp == d.ts && code == d.code {
		switch {
		case !d.ended:
			d.lastSeen = p.Arrival
			d.maxDur = max(d.maxDur, dur)
			d.ended = end
			return 0, false
		case end:
			return 0, false // a retransmitted end packet
		case p.Marker || p.Arrival.Sub(d.lastSeen) > gap:
			// The same timestamp again, but a new event (a replayed recording).
		default:
			return 0, false // a late packet of the closed event
		}
	} else if d.have && !d.ended && code == d.code && !p.Marker && d.isNextSegment(p.Timestamp) {
		// §2.5.1.3: a long event continues in a new segment.
		d.ts = p.Timestamp
		d.maxDur = dur
		d.lastSeen = p.Arrival
		d.ended = end
		return 0, false
	}

	d.have = true
	d.ts = p.Timestamp
	d.code = code
	d.ended = end
	d.maxDur = dur
	d.lastSeen = p.Arrival
	return rune(digitRunes[code]), true
}

// isNextSegment reports whether ts is where a segment following the open one would start: the
// open segment's timestamp plus its duration so far, give or take one 20 ms packet (and the
// segment must have been long, near the 16-bit duration limit).
func (d *Detector4733) isNextSegment(ts uint32) bool {
	if d.maxDur < 0xFFFF-2*160 {
		return false
	}
	delta := ts - d.ts // wraps like RTP timestamps
	return delta >= uint32(d.maxDur)-160 && delta <= uint32(d.maxDur)+320
}
