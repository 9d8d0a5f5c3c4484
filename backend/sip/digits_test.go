package sip

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestParseInfoDTMF(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		want     rune
		ok       bool
	}{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', true},
		{"application/dtmf-relay", "Signal= #\nDuration=100", '#', true},
		{"Application/DTMF-Relay; charset=x", "signal=*\r\n", '*', true},
		{"application/dtmf-relay", "Duration=160\r\nSignal=11\r\n", '#', true},
		{"application/dtmf-relay", "Signal=10", '*', true},
		{"application/dtmf-relay", "Signal=d", 'D', true},
		{"application/dtmf-relay", "Signal=E", 0, false},
		{"application/dtmf-relay", "Duration=160", 0, false},
		{"application/dtmf-relay", "", 0, false},
		{"application/dtmf", "7", '7', true},
		{"application/dtmf", " 7\r\n", '7', true},
		{"application/dtmf", "77", 0, false},
		{"application/sdp", "Signal=5", 0, false},
	} {
		got, ok := parseInfoDTMF(tc.ct, []byte(tc.body))
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseInfoDTMF(%q, %q) = %q, %v; want %q, %v", tc.ct, tc.body, got, ok, tc.want, tc.ok)
		}
	}
	if !isInfoDTMF("application/dtmf-relay") || !isInfoDTMF(" application/DTMF ;x=y") || isInfoDTMF("application/dtmf-relayx") {
		t.Error("isInfoDTMF misclassifies")
	}
}

func FuzzParseInfoDTMF(f *testing.F) {
	f.Add("application/dtmf-relay", []byte("Signal=5\r\nDuration=160"))
	f.Add("application/dtmf", []byte("#"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r, ok := parseInfoDTMF(ct, body)
		if ok && !containsRune(digitRunes, r) {
			t.Fatalf("digit %q is not DTMF", r)
		}
		if !ok && r != 0 {
			t.Fatalf("rune %q with ok=false", r)
		}
	})
}

func TestCollectDigits(t *testing.T) {
	type step struct {
		after time.Duration // since the previous digit
		d     rune
	}
	for _, tc := range []struct {
		name    string
		pending string
		steps   []step
		opts    CollectOptions
		want    DigitResult
		wantErr error
		left    string // pending after
	}{
		{"max digits", "", []step{{time.Second, '1'}, {time.Second, '2'}, {time.Second, '3'}}, CollectOptions{MaxDigits: 3}, DigitResult{"123", CollectMaxDigits}, nil, ""},
		{"terminator", "", []step{{time.Second, '4'}, {time.Second, '#'}, {time.Second, '9'}}, CollectOptions{MaxDigits: 5, Terminator: '#'}, DigitResult{"4", CollectTerminator}, nil, ""},
		{"no digit", "", nil, CollectOptions{Timeout: 3 * time.Second}, DigitResult{"", CollectTimeout}, nil, ""},
		{"inter-digit timeout", "", []step{{time.Second, '1'}, {3 * time.Second, '2'}}, CollectOptions{Timeout: 5 * time.Second, InterDigitTimeout: 2 * time.Second}, DigitResult{"1", CollectTimeout}, nil, ""},
		{"first digit may take Timeout", "", []step{{4 * time.Second, '1'}, {time.Second, '2'}}, CollectOptions{MaxDigits: 2, Timeout: 5 * time.Second, InterDigitTimeout: 2 * time.Second}, DigitResult{"12", CollectMaxDigits}, nil, ""},
		{"type-ahead first", "98", []step{{time.Second, '7'}}, CollectOptions{MaxDigits: 3}, DigitResult{"987", CollectMaxDigits}, nil, ""},
		{"type-ahead fills it", "1234", nil, CollectOptions{MaxDigits: 2}, DigitResult{"12", CollectMaxDigits}, nil, "34"},
		{"type-ahead terminator", "5#6", nil, CollectOptions{Terminator: '#'}, DigitResult{"5", CollectTerminator}, nil, "6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ch := make(chan rune, 16)
				stop := make(chan struct{})
				defer close(stop)
				go func() {
					for _, s := range tc.steps {
						select {
						case <-time.After(s.after):
							ch <- s.d
						case <-stop:
							return
						}
					}
				}()
				pending := []rune(tc.pending)
				got, err := collectDigits(t.Context(), ch, &pending, tc.opts)
				if got != tc.want || !errors.Is(err, tc.wantErr) {
					t.Errorf("got %+v, %v; want %+v, %v", got, err, tc.want, tc.wantErr)
				}
				if string(pending) != tc.left {
					t.Errorf("pending left %q, want %q", string(pending), tc.left)
				}
			})
		})
	}
}

func TestCollectDigitsEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		ch := make(chan rune, 1)
		ch <- '1'
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		var pending []rune
		got, err := collectDigits(ctx, ch, &pending, CollectOptions{Timeout: time.Minute})
		if !errors.Is(err, context.Canceled) || got.Digits != "1" {
			t.Errorf("got %+v, %v; want digits 1 and context.Canceled", got, err)
		}
	})
}
