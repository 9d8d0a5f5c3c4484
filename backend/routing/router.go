package routing

import (
	"context"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// ErrStopped is returned by commands sent after Run has returned.
var ErrStopped = &parley.Error{Code: parley.EUnavailable, Message: "router is not running"}

// Router owns an Engine in one goroutine (Run) and serialises commands from any goroutine.
// Commands sent before Run starts wait for it (or for their context).
//
// Channels enqueue contacts with Enqueue and learn of offers from the result and from the
// event stream (OFFERED and CONNECTING events carry the agent's ID); the agent's client answers
// with Accept or Reject, the channel with Connected, OfferFailed and Disconnect.
type Router struct {
	// Clock defaults to RealClock.
	Clock Clock
	// HeartbeatInterval: HEART_BEAT agent events this often; 0 turns them off.
	HeartbeatInterval time.Duration

	eng     *Engine
	cmds    chan func()
	wake    chan struct{}
	stopped chan struct{}
}

var _ parley.RealtimeMetricsService = (*Router)(nil)

// New returns a Router over a new Engine; it starts nothing.
func New(cfg Config) (*Router, error) {
	eng, err := NewEngine(cfg)
	if err != nil {
		return nil, err
	}
	return &Router{eng: eng, cmds: make(chan func()), wake: make(chan struct{}, 1), stopped: make(chan struct{})}, nil
}

func (r *Router) clock() Clock {
	if r.Clock == nil {
		return RealClock{}
	}
	return r.Clock
}

// Run processes commands and timers until ctx ends. It returns nil then.
func (r *Router) Run(ctx context.Context) error {
	defer close(r.stopped)
	clk := r.clock()
	var armed Timer
	var armedAt time.Time
	var hb Timer
	defer func() {
		if armed != nil {
			armed.Stop()
		}
		if hb != nil {
			hb.Stop()
		}
	}()
	poke := func() {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
	hbDue := make(chan struct{}, 1)
	var armHB func()
	armHB = func() {
		if r.HeartbeatInterval > 0 {
			hb = clk.AfterFunc(r.HeartbeatInterval, func() {
				select {
				case hbDue <- struct{}{}:
				default:
				}
			})
		}
	}
	armHB()
	for {
		if at, ok := r.eng.NextDeadline(); ok && (armed == nil || !at.Equal(armedAt)) {
			if armed != nil {
				armed.Stop()
			}
			armedAt = at
			armed = clk.AfterFunc(at.Sub(clk.Now()), poke)
		}
		select {
		case <-ctx.Done():
			return nil
		case f := <-r.cmds:
			f()
		case <-r.wake:
			armed = nil
			r.eng.Advance(clk.Now())
		case <-hbDue:
			r.eng.Heartbeat(clk.Now())
			armHB()
		}
	}
}

// do runs f in the router's goroutine and waits for it.
func (r *Router) do(ctx context.Context, f func(now time.Time)) error {
	done := make(chan struct{})
	cmd := func() {
		now := r.clock().Now()
		r.eng.Advance(now) // timers due by now fire first, whatever the order of wake-ups
		f(now)
		close(done)
	}
	select {
	case r.cmds <- cmd:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopped:
		return ErrStopped
	}
	<-done
	return nil
}

func call[T any](r *Router, ctx context.Context, f func(now time.Time) (T, error)) (T, error) {
	var out T
	var err error
	if e := r.do(ctx, func(now time.Time) { out, err = f(now) }); e != nil {
		return out, e
	}
	return out, err
}

func call0(r *Router, ctx context.Context, f func(now time.Time) error) error {
	var err error
	if e := r.do(ctx, func(now time.Time) { err = f(now) }); e != nil {
		return e
	}
	return err
}

// Enqueue: see Engine.Enqueue.
func (r *Router) Enqueue(ctx context.Context, req EnqueueRequest) (EnqueueResult, error) {
	return call(r, ctx, func(now time.Time) (EnqueueResult, error) { return r.eng.Enqueue(now, req) })
}

// Disconnect: see Engine.Disconnect.
func (r *Router) Disconnect(ctx context.Context, id parley.ContactID, reason parley.DisconnectReason) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Disconnect(now, id, reason) })
}

// Dequeue: see Engine.Dequeue.
func (r *Router) Dequeue(ctx context.Context, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Dequeue(now, id) })
}

// UpdateRoutingBehavior: see Engine.UpdateRoutingBehavior.
func (r *Router) UpdateRoutingBehavior(ctx context.Context, id parley.ContactID, rb RoutingBehavior) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.UpdateRoutingBehavior(now, id, rb) })
}

// Login: see Engine.Login.
func (r *Router) Login(ctx context.Context, u parley.User) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Login(now, u) })
}

// Logout: see Engine.Logout.
func (r *Router) Logout(ctx context.Context, agent parley.UserID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Logout(now, agent) })
}

// SetStatus: see Engine.SetStatus.
func (r *Router) SetStatus(ctx context.Context, agent parley.UserID, status parley.AgentStatusID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.SetStatus(now, agent, status) })
}

// Accept: see Engine.Accept.
func (r *Router) Accept(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Accept(now, agent, id) })
}

// Reject: see Engine.Reject.
func (r *Router) Reject(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Reject(now, agent, id) })
}

// OfferFailed: see Engine.OfferFailed.
func (r *Router) OfferFailed(ctx context.Context, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.OfferFailed(now, id) })
}

// Connected: see Engine.Connected.
func (r *Router) Connected(ctx context.Context, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Connected(now, id) })
}

// Hold: see Engine.Hold.
func (r *Router) Hold(ctx context.Context, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Hold(now, id) })
}

// Resume: see Engine.Resume.
func (r *Router) Resume(ctx context.Context, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.Resume(now, id) })
}

// ClearACW: see Engine.ClearACW.
func (r *Router) ClearACW(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.ClearACW(now, agent, id) })
}

// Transfer: see Engine.Transfer.
func (r *Router) Transfer(ctx context.Context, id parley.ContactID, to parley.QueueID) (parley.ContactID, error) {
	return call(r, ctx, func(now time.Time) (parley.ContactID, error) { return r.eng.Transfer(now, id, to) })
}

// CallbackNoAnswer: see Engine.CallbackNoAnswer.
func (r *Router) CallbackNoAnswer(ctx context.Context, id parley.ContactID) (parley.ContactID, error) {
	return call(r, ctx, func(now time.Time) (parley.ContactID, error) { return r.eng.CallbackNoAnswer(now, id) })
}

// UpsertQueue: see Engine.UpsertQueue.
func (r *Router) UpsertQueue(ctx context.Context, q parley.Queue) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.UpsertQueue(now, q) })
}

// UpsertRoutingProfile: see Engine.UpsertRoutingProfile.
func (r *Router) UpsertRoutingProfile(ctx context.Context, p parley.RoutingProfile) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.UpsertRoutingProfile(now, p) })
}

// Restore: see Engine.Restore.
func (r *Router) Restore(ctx context.Context, in RestoreInput) (RestoreReport, error) {
	return call(r, ctx, func(now time.Time) (RestoreReport, error) { return r.eng.Restore(now, in) })
}

// Snapshot copies the state for real-time metrics.
func (r *Router) Snapshot(ctx context.Context) (*State, error) {
	return call(r, ctx, func(now time.Time) (*State, error) { return r.eng.Snapshot(now), nil })
}

// RealtimeMetrics takes a snapshot in the router's goroutine and computes the metrics in the
// caller's. It implements parley.RealtimeMetricsService.
func (r *Router) RealtimeMetrics(ctx context.Context) (*parley.RealtimeMetrics, error) {
	st, err := r.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return ComputeRealtime(st), nil
}

// Contact returns the router's copy of a contact; ENotFound when it holds none.
func (r *Router) Contact(ctx context.Context, id parley.ContactID) (parley.Contact, error) {
	return call(r, ctx, func(time.Time) (parley.Contact, error) {
		c, ok := r.eng.Contact(id)
		if !ok {
			return c, parley.NotFoundf("contact %q not found in the router", id)
		}
		return c, nil
	})
}

// AgentInfo is an agent's state and snapshot.
type AgentInfo struct {
	State    AgentState
	Snapshot *parley.AgentSnapshot
}

// Agent returns a logged-in agent's state; ENotFound otherwise.
func (r *Router) Agent(ctx context.Context, id parley.UserID) (AgentInfo, error) {
	return call(r, ctx, func(time.Time) (AgentInfo, error) {
		st, snap, ok := r.eng.Agent(id)
		if !ok {
			return AgentInfo{}, parley.NotFoundf("agent %q is not logged in", id)
		}
		return AgentInfo{st, snap}, nil
	})
}

// UpsertAgentStatus adds or replaces an agent status.
func (r *Router) UpsertAgentStatus(ctx context.Context, s parley.AgentStatus) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.UpsertAgentStatus(now, s) })
}
