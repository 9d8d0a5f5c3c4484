package sip

import (
	"context"
	"time"
)

// CollectOptions configures digit collection (Amazon Connect's "Store customer input" and
// "Get customer input" with DTMF).
type CollectOptions struct {
	// MaxDigits ends collection when this many digits were entered; 0 means 20.
	MaxDigits int
	// Terminator ends collection and is not part of the digits (e.g. '#'); 0: none.
	Terminator rune
	// Timeout is how long to wait for the first digit; 0 means 5 s.
	Timeout time.Duration
	// InterDigitTimeout is how long to wait for each further digit; 0 means Timeout.
	InterDigitTimeout time.Duration
}

// CollectReason says why digit collection ended.
type CollectReason string

// Collect reasons.
const (
	CollectMaxDigits  CollectReason = "max_digits" // MaxDigits were entered
	CollectTerminator CollectReason = "terminator" // the terminator was pressed
	CollectTimeout    CollectReason = "timeout"    // no (further) digit in time; Digits may be non-empty
)

// DigitResult is what a collection gathered.
type DigitResult struct {
	Digits string
	Reason CollectReason
}

func (o CollectOptions) withDefaults() CollectOptions {
	if o.MaxDigits <= 0 {
		o.MaxDigits = 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.InterDigitTimeout <= 0 {
		o.InterDigitTimeout = o.Timeout
	}
	return o
}

// collectDigits reads digits from pending (entered earlier: type-ahead or a barge-in digit) and
// then from ch until MaxDigits, the terminator or a timeout. It returns ctx's error when ctx ends
// first. Digits read but not used (after the end) stay in *pending.
func collectDigits(ctx context.Context, ch <-chan rune, pending *[]rune, o CollectOptions) (DigitResult, error) {
	o = o.withDefaults()
	var got []rune
	// take handles one digit; it reports whether collection is over.
	take := func(d rune) (DigitResult, bool) {
		if o.Terminator != 0 && d == o.Terminator {
			return DigitResult{Digits: string(got), Reason: CollectTerminator}, true
		}
		got = append(got, d)
		if len(got) >= o.MaxDigits {
			return DigitResult{Digits: string(got), Reason: CollectMaxDigits}, true
		}
		return DigitResult{}, false
	}
	for len(*pending) > 0 {
		d := (*pending)[0]
		*pending = (*pending)[1:]
		if r, done := take(d); done {
			return r, nil
		}
	}
	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return DigitResult{Digits: string(got)}, ctx.Err()
		case <-timer.C:
			return DigitResult{Digits: string(got), Reason: CollectTimeout}, nil
		case d := <-ch:
			if r, done := take(d); done {
				return r, nil
			}
			timer.Reset(o.InterDigitTimeout)
		}
	}
}
