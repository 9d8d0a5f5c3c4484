package sip

import (
	"testing"

	"github.com/zaf/g711"
)

// TestG711 checks our G.711 against the implementation diago uses (zaf/g711), for every code
// and a sweep of linear values.
func TestG711(t *testing.T) {
	for i := range 256 {
		b := byte(i)
		if got, want := ulawDecode[b], g711.DecodeUlawFrame(b); got != want {
			t.Errorf("µ-law decode %#x = %d, want %d", b, got, want)
		}
		if got, want := alawDecode[b], g711.DecodeAlawFrame(b); got != want {
			t.Errorf("A-law decode %#x = %d, want %d", b, got, want)
		}
	}
	for v := -32768; v <= 32767; v += 7 {
		s := int16(v)
		// Ours must be as close to the input as the reference (they may differ on a tie).
		if got, want := linearToUlaw(s), g711.EncodeUlawFrame(s); dist(ulawDecode[got], s) > dist(ulawDecode[want], s) {
			t.Fatalf("µ-law encode %d = %#x (%d), want %#x (%d)", s, got, ulawDecode[got], want, ulawDecode[want])
		}
		if got, want := linearToAlaw(s), g711.EncodeAlawFrame(s); dist(alawDecode[got], s) > dist(alawDecode[want], s) {
			t.Fatalf("A-law encode %d = %#x (%d), want %#x (%d)", s, got, alawDecode[got], want, alawDecode[want])
		}
	}
}

func dist(a, b int16) int {
	d := int(a) - int(b)
	if d < 0 {
		return -d
	}
	return d
}
