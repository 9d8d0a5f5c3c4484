package routing

import (
	"fmt"
	"sort"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func (e *Engine) contact(id parley.ContactID) (*contactRec, error) {
	c, ok := e.contacts[id]
	if !ok {
		return nil, parley.NotFoundf("contact %q not found in the router", id)
	}
	return c, nil
}

func (e *Engine) loggedInAgent(id parley.UserID) (*agentRec, error) {
	a, ok := e.agents[id]
	if !ok || a.state == AgentLoggedOut {
		return nil, parley.NotFoundf("agent %q is not logged in", id)
	}
	return a, nil
}

func (e *Engine) agentRecord(id parley.UserID) *agentRec {
	a, ok := e.agents[id]
	if !ok {
		a = &agentRec{id: id, state: AgentLoggedOut, status: e.offlineStatus, availIdx: [3]int{-1, -1, -1}}
		e.agents[id] = a
	}
	return a
}

// queueFor returns a standard queue or an agent's queue (made on first use).
func (e *Engine) queueFor(id parley.QueueID) (*queueState, error) {
	if agent, ok := AgentOfQueue(id); ok {
		a := e.agentRecord(agent)
		if a.queue == nil {
			a.queue = e.newQueueState(parley.Queue{ID: id, Name: "Agent queue " + string(agent), Status: parley.QueueEnabled})
			a.queue.owner = a
		}
		return a.queue, nil
	}
	q, ok := e.queues[id]
	if !ok {
		return nil, parley.NotFoundf("queue %q not found", id)
	}
	return q, nil
}

func (e *Engine) checkQueueOpen(q *queueState) error {
	if q.cfg.Status == parley.QueueDisabled {
		return fmt.Errorf("queue %q: %w", q.cfg.ID, ErrQueueDisabled)
	}
	if q.cfg.MaxContacts > 0 && q.count >= q.cfg.MaxContacts {
		return fmt.Errorf("queue %q holds %d contacts: %w", q.cfg.ID, q.count, ErrQueueAtCapacity)
	}
	return nil
}

// Enqueue puts a contact in a queue (TransferContactToQueue, a transfer to an agent's queue, a
// queued callback, a task). The contact is offered at once when an agent may take it; the
// result says so, and an OFFERED event follows on the event stream either way.
//
// Errors: EInvalid (missing ID, channel, a callback that is not VOICE), ENotFound (queue),
// EUnavailable (ErrQueueDisabled, ErrQueueAtCapacity), EConflict (the contact is already
// queued or with an agent).
func (e *Engine) Enqueue(now time.Time, req EnqueueRequest) (EnqueueResult, error) {
	e.begin(now)
	c, err := e.enqueue(req, false, 1)
	if err != nil {
		return EnqueueResult{}, err
	}
	e.end()
	res := EnqueueResult{State: c.c.State}
	if c.agent != nil {
		res.AgentID = c.agent.id
	}
	return res, nil
}

func (e *Engine) enqueue(req EnqueueRequest, force bool, attempt int) (*contactRec, error) {
	in := req.Contact
	if in == nil {
		return nil, parley.Invalidf("contact", "is required")
	}
	if in.ID == "" {
		return nil, parley.Invalidf("contact.id", "is required")
	}
	ch := chIdx(in.Channel)
	if ch < 0 {
		return nil, parley.Invalidf("contact.channel", "is %q; must be one of VOICE, CHAT, TASK", in.Channel)
	}
	if req.Callback != nil && in.Channel != parley.ChannelVoice {
		return nil, parley.Invalidf("callback", "needs a VOICE contact, not %s", in.Channel)
	}
	if req.Callback != nil && (req.Callback.InitialDelay < 0 || req.Callback.RetryInterval < 0 || req.Callback.MaxAttempts < 0) {
		return nil, parley.Invalidf("callback", "delays and attempts must not be negative")
	}
	if req.Priority < 0 {
		return nil, parley.Invalidf("priority", "is %d; must be 1 or more (0: default %d)", req.Priority, DefaultContactPriority)
	}
	q, err := e.queueFor(req.QueueID)
	if err != nil {
		return nil, err
	}
	if !force {
		if err := e.checkQueueOpen(q); err != nil {
			return nil, err
		}
	}
	c := e.contacts[in.ID]
	if c != nil {
		if c.c.State != parley.ContactInFlow {
			return nil, parley.Conflictf("contact %q is %s; only a contact back in its flow can be queued again", in.ID, c.c.State)
		}
	} else {
		from := in.State
		if from == "" {
			from = parley.ContactInFlow
		}
		if err := ContactTransition(from, parley.ContactQueued); err != nil {
			return nil, fmt.Errorf("enqueue contact %q: %w", in.ID, err)
		}
		c = &contactRec{c: *in, idx: -1}
		c.c.State = from
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
	}
	c.q, c.ch = q, ch
	c.c.QueueID = q.cfg.ID
	c.prio = req.Priority
	if c.prio == 0 {
		c.prio = DefaultContactPriority
	}
	c.adjust = req.TimeAdjustment
	if req.Callback != nil {
		cb := *req.Callback
		if cb.MaxAttempts == 0 {
			cb.MaxAttempts = 1
		}
		c.callback = &cb
	}
	c.attempt = attempt
	e.cseq++
	c.seq = e.cseq
	q.count++
	e.setState(c, parley.ContactQueued)
	c.ctr.Queue = &parley.CTRQueue{ID: q.cfg.ID, Name: q.cfg.Name}
	ready := e.now
	if c.callback != nil {
		ready = ready.Add(c.callback.InitialDelay)
	}
	if c.c.ScheduledAt != nil && c.c.ScheduledAt.After(ready) {
		ready = *c.c.ScheduledAt
	}
	c.enqueuedAt = ready
	c.ctr.Queue.EnqueueTimestamp = ready
	if ready.After(e.now) {
		c.scheduled, c.readyAt = true, ready
		q.buckets[ch].scheduled++
		e.addTimer(ready, timerReady, c, nil, c.seq)
		e.emitContact(parley.ContactEventScheduled, c)
	} else {
		e.insertQueued(c)
		e.emitContact(parley.ContactEventQueued, c)
	}
	e.recordCTR(c, false)
	return c, nil
}

// RoutingBehavior is UpdateContactRoutingBehavior's input; nil fields are left alone.
type RoutingBehavior struct {
	Priority       *int           // queue priority, 1 highest
	TimeAdjustment *time.Duration // the contact is ordered as if enqueued this much earlier
}

// UpdateRoutingBehavior changes a queued contact's priority or queue time adjustment and moves
// it to its new position. EConflict unless the contact is QUEUED; EInvalid for a priority < 1.
func (e *Engine) UpdateRoutingBehavior(now time.Time, id parley.ContactID, rb RoutingBehavior) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if c.c.State != parley.ContactQueued {
		return parley.Conflictf("contact %q is %s; only a queued contact's routing can change", id, c.c.State)
	}
	if rb.Priority != nil && *rb.Priority < 1 {
		return parley.Invalidf("priority", "is %d; must be 1 or more", *rb.Priority)
	}
	if !c.scheduled {
		e.removeQueued(c)
	}
	if rb.Priority != nil {
		c.prio = *rb.Priority
	}
	if rb.TimeAdjustment != nil {
		c.adjust = *rb.TimeAdjustment
	}
	if !c.scheduled {
		e.insertQueued(c)
	}
	e.touchContact(c)
	e.emitContact(parley.ContactEventRoutingUpdated, c)
	e.end()
	return nil
}

// Dequeue takes a queued contact out of its queue, back to its flow (state IN_FLOW); the flow
// may queue it again or end it (Disconnect). EConflict unless QUEUED.
func (e *Engine) Dequeue(now time.Time, id parley.ContactID) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if c.c.State != parley.ContactQueued {
		return parley.Conflictf("contact %q is %s; only a queued contact can go back to its flow", id, c.c.State)
	}
	e.leaveQueue(c)
	e.setState(c, parley.ContactInFlow)
	e.emitContact(parley.ContactEventDequeued, c)
	c.q = nil
	e.recordCTR(c, false)
	e.end()
	return nil
}

// leaveQueue removes a contact that has not reached an agent from its queue's accounting and
// stamps the CTR's dequeue time.
func (e *Engine) leaveQueue(c *contactRec) {
	q := c.q
	if q == nil {
		return
	}
	if c.scheduled {
		c.scheduled = false
		q.buckets[c.ch].scheduled--
		c.enqueuedAt = e.now
		c.ctr.Queue.EnqueueTimestamp = e.now
	} else {
		e.removeQueued(c)
	}
	q.count--
	c.ctr.Queue.DequeueTimestamp = ptr(e.now)
	c.ctr.Queue.Duration = secs(e.now.Sub(c.enqueuedAt))
}

// Disconnect ends a contact: the customer hung up or left, the agent hung up, or the system
// ended it. reason is required. A contact not yet with an agent (in flow, queued, ringing,
// connecting) completes at once: when the customer left, it counts as abandoned. A connected
// contact ends and its agent enters after-contact work. EConflict when already ended.
func (e *Engine) Disconnect(now time.Time, id parley.ContactID, reason parley.DisconnectReason) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if reason == "" {
		return parley.Invalidf("reason", "is required")
	}
	switch c.c.State {
	case parley.ContactInitiated, parley.ContactInFlow, parley.ContactQueued, parley.ContactIncoming, parley.ContactConnecting:
		e.endWithoutAgent(c, reason)
	case parley.ContactConnected, parley.ContactConnectedOnHold:
		e.disconnectConnected(c, reason)
	default:
		return parley.Conflictf("contact %q is already %s", id, c.c.State)
	}
	e.end()
	return nil
}

func (e *Engine) dropConn(a *agentRec, k *conn) {
	for i, x := range a.conns {
		if x == k {
			a.conns = append(a.conns[:i], a.conns[i+1:]...)
			return
		}
	}
}

func (e *Engine) endWithoutAgent(c *contactRec, reason parley.DisconnectReason) {
	if a := c.agent; a != nil {
		e.touchAgent(a)
		e.dropConn(a, c.conn)
		a.slots[c.ch]--
		c.agent, c.conn = nil, nil
		c.c.AgentID = ""
		e.settle(a)
		e.reindex(a)
	}
	e.leaveQueue(c)
	c.c.DisconnectedAt = ptr(e.now)
	c.c.DisconnectReason = reason
	c.ctr.DisconnectTimestamp = ptr(e.now)
	c.ctr.DisconnectReason = reason
	e.setState(c, parley.ContactEnded)
	e.emitContact(parley.ContactEventDisconnected, c)
	e.complete(c)
}

func (e *Engine) complete(c *contactRec) {
	e.setState(c, parley.ContactCompleted)
	c.ctr.LastUpdateTimestamp = e.now
	e.emitContact(parley.ContactEventCompleted, c)
	e.recordCTR(c, true)
	delete(e.contacts, c.c.ID)
}

func (e *Engine) disconnectConnected(c *contactRec, reason parley.DisconnectReason) {
	a := c.agent
	e.touchAgent(a)
	if c.c.State == parley.ContactConnectedOnHold {
		e.endHold(c)
	}
	e.setState(c, parley.ContactEnded)
	c.conn.state, c.conn.since = parley.ContactEnded, e.now
	c.c.DisconnectedAt = ptr(e.now)
	c.c.DisconnectReason = reason
	c.ctr.DisconnectTimestamp = ptr(e.now)
	c.ctr.DisconnectReason = reason
	c.ctr.LastUpdateTimestamp = e.now
	ag := c.ctr.Agent
	ag.AgentInteractionDuration = secs(e.now.Sub(*ag.ConnectedToAgentTimestamp) - c.holdTotal)
	ag.AfterContactWorkStartTimestamp = ptr(e.now)
	e.emitContact(parley.ContactEventDisconnected, c)
	e.recordCTR(c, false)
	if a.profile != nil && a.profile.cfg.AfterContactWorkTimeLimit > 0 {
		e.addTimer(e.now.Add(time.Duration(a.profile.cfg.AfterContactWorkTimeLimit)*time.Second), timerACW, c, nil, c.offers)
	}
}

// ClearACW ends the agent's after-contact work on a contact: the contact completes, its CTR is
// final, and the agent is free for it (their next status, if any, takes effect when this was
// their last contact). EConflict unless the contact is the agent's and ENDED.
func (e *Engine) ClearACW(now time.Time, agentID parley.UserID, id parley.ContactID) error {
	e.begin(now)
	a, c, err := e.agentContact(agentID, id)
	if err != nil {
		return err
	}
	if c.conn.state != parley.ContactEnded {
		return parley.Conflictf("contact %q is %s, not in after-contact work", id, c.conn.state)
	}
	_ = a
	e.completeACW(c)
	e.end()
	return nil
}

func (e *Engine) agentContact(agentID parley.UserID, id parley.ContactID) (*agentRec, *contactRec, error) {
	a, err := e.loggedInAgent(agentID)
	if err != nil {
		return nil, nil, err
	}
	c, err := e.contact(id)
	if err != nil {
		return nil, nil, err
	}
	if c.agent != a {
		return nil, nil, parley.Conflictf("contact %q is not with agent %q", id, agentID)
	}
	return a, c, nil
}

func (e *Engine) completeACW(c *contactRec) {
	a := c.agent
	e.touchAgent(a)
	e.dropConn(a, c.conn)
	a.slots[c.ch]--
	a.idleSince = e.now
	ag := c.ctr.Agent
	ag.AfterContactWorkEndTimestamp = ptr(e.now)
	ag.AfterContactWorkDuration = secs(e.now.Sub(*ag.AfterContactWorkStartTimestamp))
	c.agent, c.conn = nil, nil
	e.complete(c)
	e.settle(a)
	e.reindex(a)
}

// settle applies an agent's next status once their last contact has cleared.
func (e *Engine) settle(a *agentRec) {
	if a.next == nil || a.slots.Total() > 0 {
		return
	}
	s := a.next
	a.next = nil
	e.applyStatus(a, s)
}

func (e *Engine) applyStatus(a *agentRec, s *parley.AgentStatus) {
	to, err := AgentTransition(a.state, triggerFor(s.Type))
	if err != nil {
		return
	}
	if to == AgentAvailable && a.state != AgentAvailable {
		a.idleSince = e.now
	}
	if a.status != s {
		a.statusStart = e.now
	}
	a.state, a.status = to, s
}

// Login brings an agent online with status Offline; they choose a status next. The user's
// RoutingProfileID (required) and AutoAccept apply until logout. EConflict when already
// logged in; ENotFound for an unknown routing profile.
func (e *Engine) Login(now time.Time, u parley.User) error {
	e.begin(now)
	if u.ID == "" {
		return parley.Invalidf("id", "is required")
	}
	p, ok := e.profiles[u.RoutingProfileID]
	if !ok {
		return parley.NotFoundf("routing profile %q of agent %q not found", u.RoutingProfileID, u.ID)
	}
	a := e.agentRecord(u.ID)
	to, err := AgentTransition(a.state, TriggerLogin)
	if err != nil {
		return fmt.Errorf("login agent %q: %w", u.ID, err)
	}
	e.touchAgent(a)
	a.evType = parley.AgentLogin
	a.username, a.autoAccept, a.profile = u.Username, u.AutoAccept, p
	a.state, a.status, a.statusStart, a.next = to, e.offlineStatus, e.now, nil
	a.idleSince = e.now
	a.availIdx = [3]int{-1, -1, -1}
	e.end()
	return nil
}

// Logout takes an agent offline. EConflict while they have contacts (ringing, connected or in
// after-contact work).
func (e *Engine) Logout(now time.Time, agentID parley.UserID) error {
	e.begin(now)
	a, err := e.loggedInAgent(agentID)
	if err != nil {
		return err
	}
	if n := a.slots.Total(); n > 0 {
		return parley.Conflictf("agent %q has %d contacts; finish them before logging out", agentID, n)
	}
	to, err := AgentTransition(a.state, TriggerLogout)
	if err != nil {
		return err
	}
	e.touchAgent(a)
	a.evType = parley.AgentLogout
	e.unindex(a)
	a.state, a.status, a.next, a.conns = to, e.offlineStatus, nil, nil
	e.end()
	return nil
}

// SetStatus is the agent choosing a status. It clears a missed or failed offer (leaving the
// Missed/Error state). While they have contacts, an OFFLINE or CUSTOM status becomes their next
// status, taking effect when the last contact clears; no contact is offered meanwhile. The
// ROUTABLE status applies at once and cancels a pending next status. ENotFound for an unknown
// status; EInvalid for a disabled one.
func (e *Engine) SetStatus(now time.Time, agentID parley.UserID, statusID parley.AgentStatusID) error {
	e.begin(now)
	a, err := e.loggedInAgent(agentID)
	if err != nil {
		return err
	}
	s, ok := e.statuses[statusID]
	if !ok {
		return parley.NotFoundf("agent status %q not found", statusID)
	}
	if !s.Enabled && s.Type == parley.StatusCustom {
		return parley.Invalidf("statusId", "status %q is disabled", s.Name)
	}
	e.touchAgent(a)
	kept := a.conns[:0]
	for _, k := range a.conns {
		switch k.state {
		case parley.ContactMissed, parley.ContactRejected, parley.ContactError:
		default:
			kept = append(kept, k)
		}
	}
	a.conns = kept
	if a.slots.Total() > 0 && s.Type != parley.StatusRoutable {
		a.next = s
		if a.state == AgentMissed || a.state == AgentError {
			// Leaving Missed/Error needs a status; keep routing off via next.
			e.applyStatus(a, e.routableStatus)
		}
	} else {
		a.next = nil
		e.applyStatus(a, s)
	}
	e.reindex(a)
	e.end()
	return nil
}

// Accept is the agent accepting a ringing offer: the contact is CONNECTING until the channel
// reports the media up (Connected). EConflict unless the contact rings this agent.
func (e *Engine) Accept(now time.Time, agentID parley.UserID, id parley.ContactID) error {
	e.begin(now)
	a, c, err := e.agentContact(agentID, id)
	if err != nil {
		return err
	}
	if err := ContactTransition(c.conn.state, parley.ContactConnecting); err != nil {
		return fmt.Errorf("accept contact %q: %w", id, err)
	}
	e.touchAgent(a)
	e.accept(c)
	e.end()
	return nil
}

// Reject is the agent declining a ringing offer: like a ring timeout, the agent goes to the
// Missed state and the contact back to its place in the queue.
func (e *Engine) Reject(now time.Time, agentID parley.UserID, id parley.ContactID) error {
	e.begin(now)
	_, c, err := e.agentContact(agentID, id)
	if err != nil {
		return err
	}
	if c.conn.state != parley.ContactIncoming {
		return parley.Conflictf("contact %q is %s; only a ringing contact can be rejected", id, c.conn.state)
	}
	e.missOffer(c, parley.ContactRejected)
	e.end()
	return nil
}

// OfferFailed is the channel reporting that an offer could not reach the agent (softphone
// unreachable, media setup failed): the agent goes to the Error state and the contact back to
// its place in the queue. EConflict unless the contact is ringing or connecting.
func (e *Engine) OfferFailed(now time.Time, id parley.ContactID) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if c.c.State != parley.ContactIncoming && c.c.State != parley.ContactConnecting {
		return parley.Conflictf("contact %q is %s; only an offer can fail", id, c.c.State)
	}
	e.missOffer(c, parley.ContactError)
	e.end()
	return nil
}

// Connected is the channel reporting the agent and customer connected: the contact leaves its
// queue (dequeue timestamp) and the agent part of its CTR starts. EConflict unless CONNECTING.
func (e *Engine) Connected(now time.Time, id parley.ContactID) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if err := ContactTransition(c.c.State, parley.ContactConnected); err != nil {
		return fmt.Errorf("contact %q: %w", id, err)
	}
	a := c.agent
	e.touchAgent(a)
	e.setState(c, parley.ContactConnected)
	c.conn.state, c.conn.since = parley.ContactConnected, e.now
	c.q.count--
	c.ctr.Queue.DequeueTimestamp = ptr(e.now)
	c.ctr.Queue.Duration = secs(e.now.Sub(c.enqueuedAt))
	c.ctr.Agent = &parley.CTRAgent{ID: a.id, Username: a.username, ConnectedToAgentTimestamp: ptr(e.now)}
	if a.profile != nil {
		c.ctr.Agent.RoutingProfileID, c.ctr.Agent.RoutingProfileName = a.profile.cfg.ID, a.profile.cfg.Name
	}
	c.ctr.LastUpdateTimestamp = e.now
	e.emitContact(parley.ContactEventConnected, c)
	e.recordCTR(c, false)
	e.end()
	return nil
}

// Hold puts a connected VOICE contact on hold. EInvalid for other channels; EConflict unless CONNECTED.
func (e *Engine) Hold(now time.Time, id parley.ContactID) error {
	return e.holdResume(now, id, true)
}

// Resume takes a contact off hold. EConflict unless CONNECTED_ONHOLD.
func (e *Engine) Resume(now time.Time, id parley.ContactID) error {
	return e.holdResume(now, id, false)
}

func (e *Engine) holdResume(now time.Time, id parley.ContactID, hold bool) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if c.c.Channel != parley.ChannelVoice {
		return parley.Invalidf("contactId", "contact %q is %s; only VOICE contacts go on hold", id, c.c.Channel)
	}
	to := parley.ContactConnected
	if hold {
		to = parley.ContactConnectedOnHold
	}
	if err := ContactTransition(c.c.State, to); err != nil {
		return fmt.Errorf("contact %q: %w", id, err)
	}
	e.touchAgent(c.agent)
	if hold {
		c.holdStart = e.now
		c.ctr.Agent.NumberOfHolds++
	} else {
		e.endHold(c)
	}
	e.setState(c, to)
	c.conn.state, c.conn.since = to, e.now
	if hold {
		e.emitContact(parley.ContactEventOnHold, c)
	} else {
		e.emitContact(parley.ContactEventResumed, c)
	}
	e.end()
	return nil
}

func (e *Engine) endHold(c *contactRec) {
	d := e.now.Sub(c.holdStart)
	c.holdTotal += d
	ag := c.ctr.Agent
	ag.CustomerHoldDuration = secs(c.holdTotal)
	if s := secs(d); s > ag.LongestHoldDuration {
		ag.LongestHoldDuration = s
	}
}

// Transfer moves a connected contact to a queue or to an agent (AgentQueueID): a new contact
// (InitiationMethod QUEUE_TRANSFER or TRANSFER, PreviousContactID set) is queued there, and the
// old one ends with reason TRANSFERRED, its agent entering after-contact work. It returns the new
// contact's ID. Errors as Enqueue, and EConflict unless the contact is connected.
func (e *Engine) Transfer(now time.Time, id parley.ContactID, to parley.QueueID) (parley.ContactID, error) {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return "", err
	}
	if c.c.State != parley.ContactConnected && c.c.State != parley.ContactConnectedOnHold {
		return "", parley.Conflictf("contact %q is %s; only a connected contact can be transferred", id, c.c.State)
	}
	q, err := e.queueFor(to)
	if err != nil {
		return "", err
	}
	if err := e.checkQueueOpen(q); err != nil {
		return "", err
	}
	method, ep := parley.InitQueueTransfer, &parley.Endpoint{Type: parley.EndpointQueue, Address: string(to)}
	if agent, ok := AgentOfQueue(to); ok {
		method, ep = parley.InitTransfer, &parley.Endpoint{Type: parley.EndpointAgent, Address: string(agent)}
	}
	n := e.follower(c, method)
	c.c.NextContactID = n.ID
	c.ctr.NextContactID = n.ID
	c.ctr.TransferredToEndpoint = ep
	e.emitContact(parley.ContactEventTransferred, c)
	e.disconnectConnected(c, parley.DisconnectTransferred)
	nc, err := e.enqueue(EnqueueRequest{Contact: n, QueueID: to}, true, 1)
	if err != nil {
		panic(fmt.Sprintf("routing: transfer %s: %v", id, err)) // checked above
	}
	e.emitContact(parley.ContactEventInitiated, nc)
	e.end()
	return n.ID, nil
}

// follower makes the contact that follows c (transfer, callback attempt).
func (e *Engine) follower(c *contactRec, method parley.InitiationMethod) *parley.Contact {
	n := &parley.Contact{
		ID: parley.ContactID(e.newID()), InitialContactID: c.c.InitialContactID, PreviousContactID: c.c.ID,
		Channel: c.c.Channel, InitiationMethod: method, State: parley.ContactInitiated,
		Name: c.c.Name, Description: c.c.Description, Attributes: cloneMap(c.c.Attributes), InitiatedAt: e.now,
	}
	if c.c.CustomerEndpoint != nil {
		x := *c.c.CustomerEndpoint
		n.CustomerEndpoint = &x
	}
	if c.c.SystemEndpoint != nil {
		x := *c.c.SystemEndpoint
		n.SystemEndpoint = &x
	}
	return n
}

// CallbackNoAnswer is the voice channel reporting that the customer did not answer a connected
// callback attempt: the attempt ends (reason OTHER, agent in after-contact work) and, when
// attempts remain, a new attempt (InitiationMethod CALLBACK, linked by PreviousContactID) is
// scheduled RetryInterval later in the same queue. It returns the new attempt's ID, or "" after
// the last attempt. EInvalid for a contact that is not a callback; EConflict unless CONNECTED.
func (e *Engine) CallbackNoAnswer(now time.Time, id parley.ContactID) (parley.ContactID, error) {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return "", err
	}
	if c.callback == nil {
		return "", parley.Invalidf("contactId", "contact %q is not a queued callback", id)
	}
	if c.c.State != parley.ContactConnected {
		return "", parley.Conflictf("contact %q is %s; a callback attempt fails once connected to the agent", id, c.c.State)
	}
	var next *parley.Contact
	if c.attempt < c.callback.MaxAttempts {
		next = e.follower(c, parley.InitCallback)
		c.c.NextContactID = next.ID
		c.ctr.NextContactID = next.ID
	}
	qid := c.c.QueueID
	cb := *c.callback
	e.disconnectConnected(c, parley.DisconnectOther)
	if next == nil {
		e.end()
		return "", nil
	}
	cb.InitialDelay = cb.RetryInterval
	nc, err := e.enqueue(EnqueueRequest{Contact: next, QueueID: qid, Callback: &cb, Priority: c.prio}, true, c.attempt+1)
	if err != nil {
		panic(fmt.Sprintf("routing: callback retry %s: %v", id, err))
	}
	e.emitContact(parley.ContactEventInitiated, nc)
	e.end()
	return next.ID, nil
}

// Heartbeat publishes and records a HEART_BEAT agent event for every logged-in agent.
func (e *Engine) Heartbeat(now time.Time) {
	e.begin(now)
	var ids []parley.UserID
	for id, a := range e.agents {
		if a.state != AgentLoggedOut {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		s := e.snap(e.agents[id])
		ev := &parley.AgentEvent{ID: parley.AgentEventID(e.newID()), Seq: e.nextSeq(), Type: parley.AgentHeartBeat, Timestamp: e.now, AgentID: id, Current: s, Previous: s}
		e.rec.RecordAgentEvent(ev)
		e.pub.Publish(parley.RoutingEvent{ID: string(ev.ID), Seq: ev.Seq, Timestamp: e.now, Agent: ev})
	}
	e.end()
}

// Contact returns the router's copy of a contact it holds.
func (e *Engine) Contact(id parley.ContactID) (parley.Contact, bool) {
	c, ok := e.contacts[id]
	if !ok {
		return parley.Contact{}, false
	}
	out := c.c
	out.Attributes = cloneMap(c.c.Attributes)
	return out, true
}

// Agent returns an agent's state and snapshot; false when the agent is not logged in.
func (e *Engine) Agent(id parley.UserID) (AgentState, *parley.AgentSnapshot, bool) {
	a, ok := e.agents[id]
	if !ok || a.state == AgentLoggedOut {
		return AgentLoggedOut, nil, false
	}
	return a.state, e.snap(a), true
}

// SetAttributes merges attrs into the attributes of agent's contact (notes, a disposition code
// during after-contact work); they reach its CTR. An empty value removes the key. ENotFound
// unless the contact is the agent's; EConflict once it completed.
func (e *Engine) SetAttributes(now time.Time, agent parley.UserID, id parley.ContactID, attrs map[string]string) error {
	e.begin(now)
	c, err := e.contact(id)
	if err != nil {
		return err
	}
	if c.c.AgentID != agent {
		return parley.NotFoundf("contact %q is not one of your contacts", id)
	}
	if c.c.State == parley.ContactCompleted {
		return parley.Conflictf("contact %q is completed", id)
	}
	if c.c.Attributes == nil {
		c.c.Attributes = map[string]string{}
	}
	for k, v := range attrs {
		if v == "" {
			delete(c.c.Attributes, k)
		} else {
			c.c.Attributes[k] = v
		}
	}
	c.ctr.Attributes = cloneMap(c.c.Attributes)
	e.touchContact(c)
	e.end()
	return nil
}
