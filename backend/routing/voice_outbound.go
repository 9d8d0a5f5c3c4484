package routing

import (
	"context"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// OutboundRequest is an outbound call an agent places (the CCP's dial pad).
type OutboundRequest struct {
	// Contact: ID, Channel VOICE and InitiationMethod (OUTBOUND) are required; endpoints as
	// known (customer: the dialed number; system: the caller ID).
	Contact *parley.Contact
	// AgentID is the agent placing the call.
	AgentID parley.UserID
	// QueueID is the outbound queue (the CTR's queue).
	QueueID parley.QueueID
}

// StartOutbound creates an outbound contact already with the agent who placed it: in one
// command the contact is queued in the outbound queue and offered to and accepted by that
// agent (events QUEUED, OFFERED, CONNECTING), skipping routing, as Amazon Connect's outbound
// calls skip it. The voice channel then calls Connected when the agent's phone is up, and
// Disconnect when the call ends (the agent then does after-contact work as on any call).
//
// The agent may place the call in any status (Available, Offline, custom: Amazon Connect lets
// an agent dial while Offline) as long as they are logged in, not Missed or in Error, and
// their routing profile has a free VOICE slot (no other voice contact, and other channels'
// contacts only when their channel allows cross-channel work).
//
// Errors: EInvalid (missing ID, not VOICE), ENotFound (queue; agent not logged in), EConflict
// (the contact exists, the agent has no free VOICE slot).
func (e *Engine) StartOutbound(now time.Time, req OutboundRequest) error {
	e.begin(now)
	in := req.Contact
	if in == nil || in.ID == "" {
		return parley.Invalidf("contact.id", "is required")
	}
	if in.Channel != parley.ChannelVoice {
		return parley.Invalidf("contact.channel", "is %q; outbound calls are VOICE", in.Channel)
	}
	if _, ok := e.contacts[in.ID]; ok {
		return parley.Conflictf("contact %q exists", in.ID)
	}
	a, err := e.loggedInAgent(req.AgentID)
	if err != nil {
		return err
	}
	if a.state == AgentMissed || a.state == AgentError {
		return parley.Conflictf("agent %q is %s; choose a status first", a.id, a.state)
	}
	ch := chIdx(parley.ChannelVoice)
	if a.profile == nil || !CanTake(a.profile.rules, a.slots, parley.ChannelVoice) {
		return parley.Conflictf("agent %q has no free voice slot (already on a call, or busy on a channel that excludes voice)", a.id)
	}
	q, err := e.queueFor(req.QueueID)
	if err != nil {
		return err
	}
	c := &contactRec{c: *in, idx: -1}
	c.c.State = parley.ContactInitiated
	c.c.Attributes = cloneMap(in.Attributes)
	if c.c.InitiatedAt.IsZero() {
		c.c.InitiatedAt = e.now
	}
	if c.c.InitialContactID == "" {
		c.c.InitialContactID = c.c.ID
	}
	c.ctr = &parley.CTR{
		ContactID: c.c.ID, InitialContactID: c.c.InitialContactID, PreviousContactID: c.c.PreviousContactID,
		Channel: c.c.Channel, InitiationMethod: c.c.InitiationMethod, InitiationTimestamp: c.c.InitiatedAt,
		Attributes: cloneMap(in.Attributes),
	}
	if in.CustomerEndpoint != nil {
		x := *in.CustomerEndpoint
		c.ctr.CustomerEndpoint = &x
	}
	if in.SystemEndpoint != nil {
		x := *in.SystemEndpoint
		c.ctr.SystemEndpoint = &x
	}
	e.contacts[c.c.ID] = c
	c.q, c.ch = q, ch
	c.c.QueueID = q.cfg.ID
	c.prio = DefaultContactPriority
	c.attempt = 1
	e.cseq++
	c.seq = e.cseq
	q.count++
	e.setState(c, parley.ContactQueued)
	c.enqueuedAt = e.now
	c.ctr.Queue = &parley.CTRQueue{ID: q.cfg.ID, Name: q.cfg.Name, EnqueueTimestamp: e.now}
	e.emitContact(parley.ContactEventQueued, c)
	// Offered to, and accepted by, the agent who dialed (never through the queue's heaps).
	e.touchAgent(a)
	e.setState(c, parley.ContactIncoming)
	c.agent = a
	c.offers++
	c.c.AgentID = a.id
	c.conn = &conn{c: c, state: parley.ContactIncoming, since: e.now}
	a.conns = append(a.conns, c.conn)
	a.slots[ch]++
	e.emitContact(parley.ContactEventOffered, c)
	e.accept(c)
	e.reindex(a)
	e.recordCTR(c, false)
	e.end()
	return nil
}

// StartOutbound: see Engine.StartOutbound.
func (r *Router) StartOutbound(ctx context.Context, req OutboundRequest) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.StartOutbound(now, req) })
}

// OutboundQueue returns the default outbound queue of the agent's routing profile. ENotFound
// when the agent is not logged in; EInvalid when the profile names none.
func (e *Engine) OutboundQueue(agent parley.UserID) (parley.QueueID, error) {
	a, err := e.loggedInAgent(agent)
	if err != nil {
		return "", err
	}
	if a.profile == nil || a.profile.cfg.DefaultOutboundQueueID == "" {
		return "", parley.Invalidf("queueId", "is required: agent %q's routing profile has no default outbound queue", agent)
	}
	return a.profile.cfg.DefaultOutboundQueueID, nil
}

// OutboundQueue: see Engine.OutboundQueue.
func (r *Router) OutboundQueue(ctx context.Context, agent parley.UserID) (parley.QueueID, error) {
	return call(r, ctx, func(time.Time) (parley.QueueID, error) { return r.eng.OutboundQueue(agent) })
}
