package sip

import (
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ev builds an RFC 4733 packet: code, end bit, duration, timestamp, marker, arrival (ms).
func ev(code byte, end bool, dur uint16, ts uint32, marker bool, atMS int) Packet {
	p := make([]byte, 4)
	p[0] = code
	p[1] = 10 // volume
	if end {
		p[1] |= 0x80
	}
	binary.BigEndian.PutUint16(p[2:], dur)
	return Packet{Marker: marker, Timestamp: ts, Payload: p, Arrival: time.Unix(0, 0).Add(time.Duration(atMS) * time.Millisecond)}
}

// press is one key press as a well-behaved sender sends it: a marker packet, updates every
// 20 ms, three end packets.
func press(code byte, ts uint32, atMS int, firstDur uint16) []Packet {
	ps := []Packet{ev(code, false, firstDur, ts, true, atMS)}
	for i := 1; i < 5; i++ {
		ps = append(ps, ev(code, false, uint16(160*i), ts, false, atMS+20*i))
	}
	for i := range 3 {
		ps = append(ps, ev(code, true, 800, ts, false, atMS+100+i))
	}
	return ps
}

func feedAll(d *Detector4733, ps []Packet) string {
	var out []rune
	for _, p := range ps {
		if r, ok := d.Feed(p); ok {
			out = append(out, r)
		}
	}
	return string(out)
}

func cat(groups ...[]Packet) []Packet {
	var out []Packet
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func TestDetector4733(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Packet
		want string
	}{
		{"one press", press(1, 1000, 0, 160), "1"},
		{"first packet with duration 0 (sipp pcap)", press(1, 1000, 0, 0), "1"},
		{"all digits", cat(press(0, 0, 0, 160), press(9, 2000, 300, 160), press(10, 4000, 600, 160), press(11, 6000, 900, 160), press(15, 8000, 1200, 160)), "09*#D"},
		{"same digit twice, new timestamps", cat(press(5, 1000, 0, 160), press(5, 3000, 300, 160)), "55"},
		{"same digit twice, replayed timestamps with marker", cat(press(5, 1000, 0, 0), press(5, 1000, 400, 0)), "55"},
		{"end packets lost, then the same timestamp again after a gap", cat(press(5, 1000, 0, 0)[:5], press(5, 1000, 500, 0)[1:]), "55"},
		{"end packets lost, next digit has a new timestamp", cat(press(2, 1000, 0, 160)[:3], press(3, 3000, 100, 160)), "23"},
		{"only end packets arrive", press(7, 1000, 0, 160)[5:], "7"},
		{"marker packet lost", press(4, 1000, 0, 160)[1:], "4"},
		{"late retransmitted end packet", cat(press(6, 1000, 0, 160), []Packet{ev(6, true, 800, 1000, false, 2000)}), "6"},
		{"late packet of the closed event", cat(press(6, 1000, 0, 160), []Packet{ev(6, false, 640, 1000, false, 150)}), "6"},
		{"non-DTMF events ignored", []Packet{ev(16, false, 160, 1000, true, 0), ev(16, true, 320, 1000, false, 20)}, ""},
		{"short payload ignored", []Packet{{Payload: []byte{1, 2}, Timestamp: 5}}, ""},
		{"long event in two segments", []Packet{
			ev(8, false, 160, 1000, true, 0),
			ev(8, false, 0xFFFF, 1000, false, 20),
			ev(8, false, 160, 1000+0xFFFF, false, 40),
			ev(8, true, 480, 1000+0xFFFF, false, 60),
		}, "8"},
		{"different event codes on the same timestamp", []Packet{ev(1, false, 160, 1000, true, 0), ev(2, false, 160, 1000, true, 20)}, "12"},
		{"timestamp wrap-around", cat(press(3, 0xFFFFFF00, 0, 160), press(3, 0x100, 300, 160)), "33"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d Detector4733
			if got := feedAll(&d, tc.in); got != tc.want {
				t.Errorf("digits = %q, want %q", got, tc.want)
			}
		})
	}
}

// readPcapRTP returns the RTP packets of a pcap file (Ethernet, IPv4, UDP), with their capture
// times.
func readPcapRTP(t *testing.T, path string) []Packet {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (sipp's pcaps come with the sip-tester package: make deps)", err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(b[20:]) != 1 {
		t.Fatalf("%s: not a little-endian Ethernet pcap", path)
	}
	var out []Packet
	for off := 24; off+16 <= len(b); {
		sec := binary.LittleEndian.Uint32(b[off:])
		usec := binary.LittleEndian.Uint32(b[off+4:])
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		pkt := b[off+16 : off+16+n]
		off += 16 + n
		ip := pkt[14:]
		udp := ip[int(ip[0]&15)*4:]
		rtp := udp[8:]
		out = append(out, Packet{
			Marker:    rtp[1]&0x80 != 0,
			Timestamp: binary.BigEndian.Uint32(rtp[4:]),
			Payload:   rtp[12:],
			Arrival:   time.Unix(int64(sec), int64(usec)*1000),
		})
	}
	return out
}

// TestDetector4733SippPcaps feeds the exact packets of sipp's DTMF pcaps (first packet with
// duration 0: the ones diago v0.31.0 misses), once and replayed (same timestamps).
func TestDetector4733SippPcaps(t *testing.T) {
	names := map[string]string{"0": "0", "1": "1", "5": "5", "9": "9", "star": "*", "pound": "#"}
	for name, digit := range names {
		ps := readPcapRTP(t, "/usr/share/sip-tester/dtmf_2833_"+name+".pcap")
		if len(ps) == 0 {
			t.Fatalf("%s: no packets", name)
		}
		var d Detector4733
		if got := feedAll(&d, ps); got != digit {
			t.Errorf("%s: digits %q, want %q", name, got, digit)
		}
		// Replayed a second later, as sipp does when a scenario plays the pcap twice.
		again := make([]Packet, len(ps))
		for i, p := range ps {
			p.Arrival = p.Arrival.Add(time.Second)
			again[i] = p
		}
		if got := feedAll(&d, again); got != digit {
			t.Errorf("%s replayed: digits %q, want %q", name, got, digit)
		}
	}
}

// FuzzDetector4733 checks invariants on arbitrary packet streams: no panic, at most one digit
// per packet, only DTMF characters, and a packet delivered twice in a row (network
// duplication) never adds a digit.
func FuzzDetector4733(f *testing.F) {
	f.Add([]byte{1, 0x0a, 0, 0, 0, 0, 0x33, 0xe0, 1, 1, 0x8a, 0x03, 0xc0, 0, 0, 0x33, 0xe0, 0})
	f.Add([]byte{11, 0x8a, 0x08, 0xc0, 0xff, 0xff, 0xff, 0, 1, 11, 0, 0, 0, 0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each 9-byte record: 4 payload bytes, 4 timestamp bytes, 1 flags byte
		// (bit 0: marker, bits 1-7: milliseconds since the previous packet × 4).
		var ps []Packet
		at := time.Unix(0, 0)
		for len(data) >= 9 {
			rec := data[:9]
			data = data[9:]
			at = at.Add(time.Duration(rec[8]>>1) * 4 * time.Millisecond)
			ps = append(ps, Packet{
				Payload:   append([]byte(nil), rec[:4]...),
				Timestamp: binary.BigEndian.Uint32(rec[4:8]),
				Marker:    rec[8]&1 != 0,
				Arrival:   at,
			})
		}
		var once, twice Detector4733
		got := feedAll(&once, ps)
		if len([]rune(got)) > len(ps) {
			t.Fatalf("%d digits from %d packets", len(got), len(ps))
		}
		for _, r := range got {
			if !containsRune(digitRunes, r) {
				t.Fatalf("digit %q is not DTMF", r)
			}
		}
		var doubled []Packet
		for _, p := range ps {
			doubled = append(doubled, p, p)
		}
		if got2 := feedAll(&twice, doubled); got2 != got {
			t.Fatalf("duplicated packets changed the digits: %q, want %q\n%s", got2, got, cmp.Diff(got, got2))
		}
	})
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}
