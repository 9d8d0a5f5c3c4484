package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/parley-cc/parley/backend/parley"
)

// CallHandler runs an inbound call: the voice channel. The Server calls HandleCall in a
// goroutine of its own for each INVITE to a claimed number that has an inbound flow; that
// goroutine owns the call (diago's model) and runs it top to bottom: answer, play, collect
// digits, bridge, record, hang up. When HandleCall returns the Server stops the call's media,
// closes its recording and hangs up if the handler did not.
//
// ctx ends when the caller hangs up or the Server shuts down. The call is not answered when
// HandleCall starts: call Answer (or Reject).
type CallHandler interface {
	HandleCall(ctx context.Context, call *Call)
}

// CallHandlerFunc adapts a function to CallHandler.
type CallHandlerFunc func(ctx context.Context, call *Call)

// HandleCall calls f.
func (f CallHandlerFunc) HandleCall(ctx context.Context, call *Call) { f(ctx, call) }

// Call is an inbound call. Its methods are for the goroutine running HandleCall, except
// Context, Digits and the read-only fields.
type Call struct {
	// CallID is the SIP Call-ID.
	CallID string
	// From is the caller's SIP URI user part (their number, usually).
	From string
	// To is the dialed Request-URI user part, as received.
	To string
	// PhoneNumber is the claimed number the call was matched to.
	PhoneNumber *parley.PhoneNumber

	srv    *Server
	dialog *diago.DialogServerSession
	ctx    context.Context
	log    *slog.Logger

	leg     *leg
	pending []rune // digits taken out of the queue but not yet collected (barge-in)

	recMu sync.Mutex
	rec   *Recording
}

// Context ends when the call ends (the caller hangs up, or the Server shuts down).
func (c *Call) Context() context.Context { return c.ctx }

// Ringing sends 180 Ringing.
func (c *Call) Ringing() error { return c.dialog.Ringing() }

// Answer answers the call (200 OK with G.711 and telephone-event), waits for the ACK and starts
// the call's media reader (DTMF detection, recording, bridging).
func (c *Call) Answer() error {
	if c.leg != nil {
		return errors.New("call already answered")
	}
	if err := c.dialog.Answer(); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	l, err := newLeg(&c.dialog.DialogMedia, c.log)
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	c.leg = l
	c.srv.trackCall(c)
	l.start()
	return nil
}

// Reject ends an unanswered call with a final response (e.g. 486 Busy Here, 480 Temporarily
// Unavailable, 603 Decline).
func (c *Call) Reject(code int, reason string) error {
	if c.leg != nil {
		return errors.New("call already answered: hang up instead")
	}
	return c.dialog.Respond(code, reason, nil)
}

// PlayOptions configures Play.
type PlayOptions struct {
	// BargeIn lets a digit stop the prompt; the digit is kept for the next CollectDigits.
	BargeIn bool
	// Unrecorded keeps the audio out of the call's recording (hold music).
	Unrecorded bool
}

// Play plays audio to the caller. It reports whether a digit interrupted it (BargeIn).
// Without BargeIn, digits pressed meanwhile stay queued for the next CollectDigits.
func (c *Call) Play(ctx context.Context, a *Audio, opts PlayOptions) (interrupted bool, err error) {
	if c.leg == nil {
		return false, errors.New("play: call not answered")
	}
	ctx, cancel := c.join(ctx)
	defer cancel()
	tap := c.systemTap()
	if opts.Unrecorded {
		tap = nil
	}
	d, ok, err := c.leg.play(ctx, a, opts.BargeIn, tap)
	if ok {
		c.pending = append(c.pending, d)
	}
	return ok, err
}

// CollectDigits gathers DTMF digits, from RFC 4733 events or SIP INFO, including digits entered
// before it was called (type-ahead, or the digit that interrupted a prompt). Call ClearDigits
// first to ignore those.
func (c *Call) CollectDigits(ctx context.Context, opts CollectOptions) (DigitResult, error) {
	if c.leg == nil {
		return DigitResult{}, errors.New("collect digits: call not answered")
	}
	ctx, cancel := c.join(ctx)
	defer cancel()
	return collectDigits(ctx, c.leg.digits, &c.pending, opts)
}

// ClearDigits forgets digits entered so far.
func (c *Call) ClearDigits() {
	c.pending = c.pending[:0]
	if c.leg == nil {
		return
	}
	for {
		select {
		case <-c.leg.digits:
		default:
			return
		}
	}
}

// StartRecording records the call in stereo to path (see RecordingPath): the caller on the
// left, prompts and the bridged agent on the right. The recording is closed by StopRecording
// or when the call ends.
func (c *Call) StartRecording(path string, opts RecordingOptions) (*Recording, error) {
	if c.leg == nil {
		return nil, errors.New("record: call not answered")
	}
	c.recMu.Lock()
	defer c.recMu.Unlock()
	if c.rec != nil {
		return nil, errors.New("record: already recording")
	}
	rec, err := StartRecording(path, opts)
	if err != nil {
		return nil, err
	}
	c.rec = rec
	c.leg.setTap(rec.Left)
	return rec, nil
}

// StopRecording closes the recording, if any.
func (c *Call) StopRecording() error {
	c.recMu.Lock()
	rec := c.rec
	c.rec = nil
	c.recMu.Unlock()
	if rec == nil {
		return nil
	}
	if c.leg != nil {
		c.leg.setTap(nil)
	}
	return rec.Close()
}

func (c *Call) systemTap() func([]int16) {
	c.recMu.Lock()
	defer c.recMu.Unlock()
	if c.rec == nil {
		return nil
	}
	return c.rec.Right
}

// BridgeEnd says which side ended a bridge.
type BridgeEnd string

// Bridge ends.
const (
	BridgeCustomerHangup BridgeEnd = "customer_hangup"
	BridgeAgentHangup    BridgeEnd = "agent_hangup"
	BridgeCanceled       BridgeEnd = "canceled" // ctx ended
)

// Bridge connects the caller and an outbound leg (an agent's phone, see Server.Dial) until one
// of them hangs up or ctx ends, recording the agent on the right channel if recording. The
// legs may use different G.711 laws: audio is transcoded. The leg is not hung up by Bridge.
func (c *Call) Bridge(ctx context.Context, other *OutboundCall) (BridgeEnd, error) {
	if c.leg == nil {
		return "", errors.New("bridge: call not answered")
	}
	c.link(other)
	defer c.unlink(other)
	select {
	case <-c.ctx.Done():
		return BridgeCustomerHangup, nil
	case <-other.Context().Done():
		return BridgeAgentHangup, nil
	case <-ctx.Done():
		return BridgeCanceled, ctx.Err()
	}
}

// link sends each party's audio to the other (transcoding as needed) and the other party's
// audio to the recording's right channel, if recording, until unlink. Unlike Bridge it does not
// wait: the voice channel's call goroutine links and unlinks around hold.
func (c *Call) link(other *OutboundCall) {
	c.leg.setPeer(other.leg)
	other.leg.setPeer(c.leg)
	if tap := c.systemTap(); tap != nil {
		other.leg.setTap(tap)
	}
}

// unlink stops what link started.
func (c *Call) unlink(other *OutboundCall) {
	c.leg.setPeer(nil)
	other.leg.setPeer(nil)
	other.leg.setTap(nil)
}

// SendDigits sends DTMF digits to the caller as RFC 4733 telephone-events (RFC 4733 §2.5:
// 100 ms events, three end packets), one after another. It fails when the caller did not
// negotiate telephone-event.
func (c *Call) SendDigits(ctx context.Context, digits string) error {
	if c.leg == nil {
		return errors.New("send digits: call not answered")
	}
	ctx, cancel := c.join(ctx)
	defer cancel()
	return c.leg.sendDigits(ctx, digits)
}

// Hangup ends an answered call with BYE (or an unanswered one with 480).
func (c *Call) Hangup(ctx context.Context) error {
	if err := c.dialog.Hangup(ctx); err != nil {
		if c.ctx.Err() != nil {
			return nil // already ended
		}
		return fmt.Errorf("hangup: %w", err)
	}
	return nil
}

// join returns a context that ends with ctx or with the call.
func (c *Call) join(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(c.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// end releases the call's media and recording; the Server calls it when HandleCall returns.
func (c *Call) end() {
	if c.leg != nil {
		c.srv.untrackCall(c)
		c.leg.stop()
	}
	if err := c.StopRecording(); err != nil {
		c.log.Error("recording", "error", err)
	}
	// Hang up now rather than leave it to diago (which allows 10 s), and do not wait long
	// for the BYE's answer.
	if c.dialog.Context().Err() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.dialog.Hangup(ctx)
	}
}

// OutboundCall is a call the Server placed (Server.Dial), typically to an agent's phone. The
// goroutine that dialed owns it and must Close it.
type OutboundCall struct {
	dialog *diago.DialogClientSession
	leg    *leg
	once   sync.Once
}

// Context ends when the called party hangs up or the call is closed.
func (o *OutboundCall) Context() context.Context { return o.dialog.Context() }

// Play plays audio to the called party (e.g. a whisper to the agent).
func (o *OutboundCall) Play(ctx context.Context, a *Audio) error {
	_, _, err := o.leg.play(ctx, a, false, nil)
	return err
}

// Digits are the digits the called party entered.
func (o *OutboundCall) Digits() <-chan rune { return o.leg.digits }

// Hangup sends BYE.
func (o *OutboundCall) Hangup(ctx context.Context) error {
	if err := o.dialog.Hangup(ctx); err != nil && o.dialog.Context().Err() == nil {
		return fmt.Errorf("hangup: %w", err)
	}
	return nil
}

// Close stops the media reader and releases the dialog (hang up first).
func (o *OutboundCall) Close() error {
	var err error
	o.once.Do(func() {
		o.leg.stop()
		err = o.dialog.Close()
	})
	return err
}
