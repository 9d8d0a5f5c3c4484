package routing

import (
	"context"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// What the voice channel needs of the router beyond the commands every channel uses.

// SetRecording records where a contact's call recording is (a path relative to the data
// directory) in its CTR, as Amazon Connect's Recording part: status AVAILABLE, type AUDIO.
// The CTR is recorded again (partial). ENotFound when the router does not hold the contact;
// EInvalid without a location.
func (e *Engine) SetRecording(now time.Time, id parley.ContactID, location string) error {
	e.begin(now)
	if location == "" {
		return parley.Invalidf("location", "is required")
	}
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	c.ctr.Recording = &parley.CTRRecording{Location: location, Status: "AVAILABLE", Type: "AUDIO"}
	c.ctr.LastUpdateTimestamp = e.now
	e.recordCTR(c, false)
	e.end()
	return nil
}

// RingTimeout is how long an offer on channel ch rings before it counts as missed.
func (e *Engine) RingTimeout(ch parley.Channel) time.Duration {
	if i := chIdx(ch); i >= 0 {
		return e.ring[i]
	}
	return DefaultRingTimeout
}

// SetRecording: see Engine.SetRecording.
func (r *Router) SetRecording(ctx context.Context, id parley.ContactID, location string) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.SetRecording(now, id, location) })
}

// RingTimeout: see Engine.RingTimeout. The ring timeouts are fixed when the router is made, so
// this does not go through the router's goroutine.
func (r *Router) RingTimeout(ch parley.Channel) time.Duration { return r.eng.RingTimeout(ch) }
