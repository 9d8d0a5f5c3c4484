package routing

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// DefaultRingTimeout is how long an offer rings when Config.RingTimeout does not say.
const DefaultRingTimeout = 20 * time.Second

// agentQueuePrefix starts the ID of an agent's personal queue.
const agentQueuePrefix = "agent/"

// AgentQueueID returns the ID of agent's personal queue: enqueue a contact there to transfer
// it to that agent. It has the top priority and no delay for that agent only.
func AgentQueueID(agent parley.UserID) parley.QueueID {
	return parley.QueueID(agentQueuePrefix + string(agent))
}

// AgentOfQueue returns the agent whose personal queue q is.
func AgentOfQueue(q parley.QueueID) (parley.UserID, bool) {
	s, ok := strings.CutPrefix(string(q), agentQueuePrefix)
	return parley.UserID(s), ok && s != ""
}

// CallbackOptions make a queued callback: a VOICE contact that becomes routable after
// InitialDelay, is offered like a voice contact, and is retried after RetryInterval when the
// customer does not answer, up to MaxAttempts attempts in all.
type CallbackOptions struct {
	InitialDelay  time.Duration
	MaxAttempts   int // 0 means 1
	RetryInterval time.Duration
}

// Config is what an Engine is made of. Queues, Profiles and Statuses are the instance's
// configuration; the rest are optional knobs.
type Config struct {
	Queues   []parley.Queue
	Profiles []parley.RoutingProfile
	// Statuses must include exactly one ROUTABLE and one OFFLINE status; CUSTOM ones are optional.
	Statuses []parley.AgentStatus
	// RingTimeout per channel; a missing channel rings DefaultRingTimeout.
	RingTimeout map[parley.Channel]time.Duration
	// NewID makes IDs for events and for contacts the router creates. Default: random UUIDs.
	NewID func() string
	// Publisher receives events; it must not block. Default: events are discarded.
	Publisher Publisher
	// Recorder receives what must be persisted. Default: discarded.
	Recorder Recorder
}

// EnqueueRequest puts a contact in a queue.
type EnqueueRequest struct {
	// Contact: ID, Channel and InitiationMethod are required; State is INITIATED or IN_FLOW
	// (empty means IN_FLOW). The router keeps its own copy.
	Contact *parley.Contact
	// QueueID is a standard queue or an agent's queue (AgentQueueID).
	QueueID parley.QueueID
	// Priority is the contact's queue priority, 1 highest; 0 means DefaultContactPriority.
	Priority int
	// TimeAdjustment orders the contact as if it had been enqueued this much earlier.
	TimeAdjustment time.Duration
	// Callback makes it a queued callback (Channel must be VOICE).
	Callback *CallbackOptions
}

// EnqueueResult says what happened to an enqueued contact by the time Enqueue returned.
type EnqueueResult struct {
	State   parley.ContactState // QUEUED, INCOMING or CONNECTING (auto-accept)
	AgentID parley.UserID       // the agent offered, when State is not QUEUED
}

type queueState struct {
	cfg     parley.Queue
	owner   *agentRec // the agent, for a personal queue
	buckets [3]*bucket
	count   int // contacts counted toward MaxContacts: waiting, scheduled, ringing, connecting
}

type bucket struct {
	q         *queueState
	ch        int
	levels    []*level // by contact priority, ascending
	size      int
	scheduled int
	refs      []bucketRef
	delays    []time.Duration // distinct positive delays of refs
	dirty     bool
}

type level struct {
	prio int
	h    iheap[*contactRec]
}

type bucketRef struct {
	p     *profileState
	prio  int
	delay time.Duration
}

type entry struct {
	b     *bucket
	prio  int
	delay time.Duration
}

type profileState struct {
	cfg     parley.RoutingProfile
	rules   ChannelRules
	entries []entry
	avail   [3]iheap[*agentRec]
}

type conn struct {
	c     *contactRec
	state parley.ContactState
	since time.Time
}

type agentRec struct {
	id          parley.UserID
	username    string
	autoAccept  bool
	profile     *profileState
	state       AgentState
	status      *parley.AgentStatus
	statusStart time.Time
	next        *parley.AgentStatus
	conns       []*conn
	slots       Slots
	idleSince   time.Time
	availIdx    [3]int
	queue       *queueState

	dirty   bool
	touched bool
	evType  parley.AgentEventType
	prev    *parley.AgentSnapshot
}

type contactRec struct {
	c          parley.Contact
	ctr        *parley.CTR
	q          *queueState
	ch         int
	enqueuedAt time.Time
	eff        time.Time
	prio       int
	adjust     time.Duration
	seq        uint64
	lvl        *level
	idx        int
	scheduled  bool
	readyAt    time.Time
	agent      *agentRec
	conn       *conn
	offers     uint64
	callback   *CallbackOptions
	attempt    int
	holdStart  time.Time
	holdTotal  time.Duration
	touched    bool
}

type timerKind int

const (
	timerRing timerKind = iota
	timerACW
	timerWake
	timerReady
)

type timer struct {
	at    time.Time
	seq   uint64
	kind  timerKind
	c     *contactRec
	b     *bucket
	token uint64
}

// Engine is the router's state: queues, agents, contacts, timers. It has no goroutine and no
// clock: every method takes the current time, which must never go backwards, and first fires
// the timers due by then, each at its own time. It is not safe for concurrent use; [Router]
// owns one in a single goroutine.
//
// Errors carry parley codes: ENotFound (unknown contact, agent, queue, status), EConflict
// (illegal state transition), EInvalid (bad input), EUnavailable (ErrQueueAtCapacity,
// ErrQueueDisabled).
type Engine struct {
	now            time.Time
	ring           [3]time.Duration
	newID          func() string
	pub            Publisher
	rec            Recorder
	pubOn          bool // false: no Publisher configured; events are not even built
	recOn          bool
	statuses       map[parley.AgentStatusID]*parley.AgentStatus
	routableStatus *parley.AgentStatus
	offlineStatus  *parley.AgentStatus

	queues   map[parley.QueueID]*queueState
	profiles map[parley.RoutingProfileID]*profileState
	agents   map[parley.UserID]*agentRec
	contacts map[parley.ContactID]*contactRec

	timers  iheap[*timer]
	tseq    uint64
	cseq    uint64
	evSeq   int64
	dAgents []*agentRec
	dBucket []*bucket
	tAgents []*agentRec
	tConts  []*contactRec
}

// NewEngine checks cfg and returns an Engine with no agents logged in and no contacts.
func NewEngine(cfg Config) (*Engine, error) {
	e := &Engine{
		newID:    cfg.NewID,
		pub:      cfg.Publisher,
		rec:      cfg.Recorder,
		statuses: map[parley.AgentStatusID]*parley.AgentStatus{},
		queues:   map[parley.QueueID]*queueState{},
		profiles: map[parley.RoutingProfileID]*profileState{},
		agents:   map[parley.UserID]*agentRec{},
		contacts: map[parley.ContactID]*contactRec{},
	}
	e.timers = iheap[*timer]{less: func(a, b *timer) bool {
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return a.seq < b.seq
	}, setIdx: func(*timer, int) {}}
	if e.newID == nil {
		e.newID = randomID
	}
	e.pubOn, e.recOn = e.pub != nil, e.rec != nil
	if e.pub == nil {
		e.pub = discard{}
	}
	if e.rec == nil {
		e.rec = discard{}
	}
	for i, c := range parley.Channels {
		e.ring[i] = DefaultRingTimeout
		if d, ok := cfg.RingTimeout[c]; ok && d > 0 {
			e.ring[i] = d
		}
	}
	for i := range cfg.Statuses {
		s := cfg.Statuses[i]
		e.statuses[s.ID] = &s
		switch s.Type {
		case parley.StatusRoutable:
			if e.routableStatus != nil {
				return nil, parley.Invalidf("statuses", "has two ROUTABLE statuses")
			}
			e.routableStatus = &s
		case parley.StatusOffline:
			if e.offlineStatus != nil {
				return nil, parley.Invalidf("statuses", "has two OFFLINE statuses")
			}
			e.offlineStatus = &s
		}
	}
	if e.routableStatus == nil || e.offlineStatus == nil {
		return nil, parley.Invalidf("statuses", "must include one ROUTABLE and one OFFLINE status")
	}
	for _, q := range cfg.Queues {
		e.upsertQueue(q)
	}
	for _, p := range cfg.Profiles {
		if err := e.upsertProfile(p); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ---- configuration ----

func (e *Engine) newQueueState(cfg parley.Queue) *queueState {
	q := &queueState{cfg: cfg}
	for i := range q.buckets {
		q.buckets[i] = &bucket{q: q, ch: i}
	}
	return q
}

func (e *Engine) upsertQueue(cfg parley.Queue) {
	if cfg.Status == "" {
		cfg.Status = parley.QueueEnabled
	}
	if q, ok := e.queues[cfg.ID]; ok {
		q.cfg = cfg
		return
	}
	e.queues[cfg.ID] = e.newQueueState(cfg)
}

// UpsertQueue adds or replaces a queue's configuration. Waiting contacts stay; a queue made
// DISABLED takes no new contacts but still routes those it holds.
func (e *Engine) UpsertQueue(now time.Time, q parley.Queue) error {
	e.begin(now)
	if q.ID == "" {
		return parley.Invalidf("id", "is required")
	}
	if _, ok := AgentOfQueue(q.ID); ok {
		return parley.Invalidf("id", "%q is reserved for agent queues", q.ID)
	}
	e.upsertQueue(q)
	e.end()
	return nil
}

// UpsertRoutingProfile adds or replaces a routing profile; its logged-in agents follow at once.
// Its queues must exist: ENotFound otherwise.
func (e *Engine) UpsertRoutingProfile(now time.Time, p parley.RoutingProfile) error {
	e.begin(now)
	if err := e.upsertProfile(p); err != nil {
		return err
	}
	e.end()
	return nil
}

func (e *Engine) upsertProfile(cfg parley.RoutingProfile) error {
	if cfg.ID == "" {
		return parley.Invalidf("id", "is required")
	}
	for i, rq := range cfg.Queues {
		if _, ok := e.queues[rq.QueueID]; !ok {
			return parley.NotFoundf("routing profile %q: queues[%d]: queue %q not found", cfg.ID, i, rq.QueueID)
		}
		if chIdx(rq.Channel) < 0 {
			return parley.Invalidf(fmt.Sprintf("queues[%d].channel", i), "is %q; must be one of VOICE, CHAT, TASK", rq.Channel)
		}
	}
	old := e.profiles[cfg.ID]
	var members []*agentRec
	if old != nil {
		for ch := range old.avail {
			for _, a := range old.avail[ch].items {
				if !containsAgent(members, a) {
					members = append(members, a)
				}
			}
			for old.avail[ch].Len() > 0 {
				old.avail[ch].Pop()
			}
		}
		for _, en := range old.entries {
			en.b.refs = removeRef(en.b.refs, old)
			en.b.delays = distinctDelays(en.b.refs)
		}
	}
	p := old
	if p == nil {
		p = &profileState{}
		for ch := range p.avail {
			ch := ch
			p.avail[ch] = iheap[*agentRec]{
				less: func(a, b *agentRec) bool {
					return lessAgent(AgentCandidate{a.id, a.idleSince}, AgentCandidate{b.id, b.idleSince})
				},
				setIdx: func(a *agentRec, i int) { a.availIdx[ch] = i },
			}
		}
		e.profiles[cfg.ID] = p
	}
	p.cfg = cfg
	p.rules = RulesOf(&cfg)
	p.entries = p.entries[:0]
	for _, rq := range cfg.Queues {
		b := e.queues[rq.QueueID].buckets[chIdx(rq.Channel)]
		d := time.Duration(rq.Delay) * time.Second
		p.entries = append(p.entries, entry{b: b, prio: rq.Priority, delay: d})
		b.refs = append(b.refs, bucketRef{p: p, prio: rq.Priority, delay: d})
		b.delays = distinctDelays(b.refs)
		e.markBucket(b)
	}
	// Agents whose profile this is: re-index all, including those not currently available.
	for _, a := range e.agents {
		if a.profile == p {
			a.availIdx = [3]int{-1, -1, -1}
			e.reindex(a)
		}
	}
	_ = members
	return nil
}

func containsAgent(list []*agentRec, a *agentRec) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func removeRef(refs []bucketRef, p *profileState) []bucketRef {
	out := refs[:0]
	for _, r := range refs {
		if r.p != p {
			out = append(out, r)
		}
	}
	return out
}

func distinctDelays(refs []bucketRef) []time.Duration {
	var out []time.Duration
	for _, r := range refs {
		if r.delay <= 0 {
			continue
		}
		dup := false
		for _, d := range out {
			if d == r.delay {
				dup = true
			}
		}
		if !dup {
			out = append(out, r.delay)
		}
	}
	return out
}

// ---- command frame ----

// begin fires the timers due by now, then sets the engine's time to now.
func (e *Engine) begin(now time.Time) {
	e.Advance(now)
	if now.After(e.now) {
		e.now = now
	}
}

// end routes what changed and emits events and records.
func (e *Engine) end() {
	e.dispatch()
	e.flush()
}

// Advance fires every timer due at or before now, each at its own time.
func (e *Engine) Advance(now time.Time) {
	for e.timers.Len() > 0 {
		t, _ := e.timers.Peek()
		if t.at.After(now) {
			break
		}
		e.timers.Pop()
		if t.at.After(e.now) {
			e.now = t.at
		}
		e.fire(t)
		e.end()
	}
	if now.After(e.now) {
		e.now = now
	}
}

// NextDeadline returns when the earliest timer is due.
func (e *Engine) NextDeadline() (time.Time, bool) {
	t, ok := e.timers.Peek()
	if !ok {
		return time.Time{}, false
	}
	return t.at, true
}

func (e *Engine) addTimer(at time.Time, kind timerKind, c *contactRec, b *bucket, token uint64) {
	e.tseq++
	e.timers.Push(&timer{at: at, seq: e.tseq, kind: kind, c: c, b: b, token: token})
}

func (e *Engine) fire(t *timer) {
	c := t.c
	switch t.kind {
	case timerRing:
		if c.conn != nil && c.conn.state == parley.ContactIncoming && c.offers == t.token && e.contacts[c.c.ID] == c {
			e.missOffer(c, parley.ContactMissed)
		}
	case timerACW:
		if c.conn != nil && c.conn.state == parley.ContactEnded && c.offers == t.token && e.contacts[c.c.ID] == c {
			e.completeACW(c)
		}
	case timerWake:
		e.markBucket(t.b)
	case timerReady:
		if c.scheduled && c.seq == t.token && e.contacts[c.c.ID] == c {
			c.scheduled = false
			c.q.buckets[c.ch].scheduled--
			c.enqueuedAt = e.now
			c.ctr.Queue.EnqueueTimestamp = e.now
			e.insertQueued(c)
			e.emitContact(parley.ContactEventQueued, c)
		}
	}
}

// ---- indexes ----

func (e *Engine) markBucket(b *bucket) {
	if !b.dirty {
		b.dirty = true
		e.dBucket = append(e.dBucket, b)
	}
}

func (e *Engine) markAgent(a *agentRec) {
	if !a.dirty {
		a.dirty = true
		e.dAgents = append(e.dAgents, a)
	}
}

func (e *Engine) routable(a *agentRec) bool {
	return a.state == AgentAvailable && a.next == nil && a.profile != nil
}

func (e *Engine) open(a *agentRec, ch int) bool {
	return e.routable(a) && CanTake(a.profile.rules, a.slots, parley.Channels[ch])
}

// reindex puts a in or out of its profile's available-agent heaps.
func (e *Engine) reindex(a *agentRec) {
	if a.profile == nil {
		return
	}
	any := false
	for ch := range a.availIdx {
		want := e.open(a, ch)
		h := &a.profile.avail[ch]
		in := a.availIdx[ch] >= 0
		switch {
		case want && !in:
			h.Push(a)
		case want && in:
			h.Fix(a.availIdx[ch])
		case !want && in:
			h.Remove(a.availIdx[ch])
		}
		any = any || want
	}
	if any {
		e.markAgent(a)
	}
}

func (e *Engine) unindex(a *agentRec) {
	if a.profile == nil {
		return
	}
	for ch := range a.availIdx {
		if a.availIdx[ch] >= 0 {
			a.profile.avail[ch].Remove(a.availIdx[ch])
		}
	}
}

func (b *bucket) levelFor(prio int) *level {
	i := sort.Search(len(b.levels), func(i int) bool { return b.levels[i].prio >= prio })
	if i < len(b.levels) && b.levels[i].prio == prio {
		return b.levels[i]
	}
	l := &level{prio: prio}
	l.h = iheap[*contactRec]{
		less: func(x, y *contactRec) bool {
			if !x.eff.Equal(y.eff) {
				return x.eff.Before(y.eff)
			}
			return x.seq < y.seq
		},
		setIdx: func(c *contactRec, i int) { c.idx = i },
	}
	b.levels = append(b.levels, nil)
	copy(b.levels[i+1:], b.levels[i:])
	b.levels[i] = l
	return l
}

// headEligible returns the first contact of b that has waited at least delay.
func (b *bucket) headEligible(now time.Time, delay time.Duration) *contactRec {
	for _, l := range b.levels {
		if c, ok := l.h.Peek(); ok && now.Sub(c.eff) >= delay {
			return c
		}
	}
	return nil
}

// oldest returns the earliest effective enqueue time in b.
func (b *bucket) oldest() (time.Time, bool) {
	var t time.Time
	found := false
	for _, l := range b.levels {
		if c, ok := l.h.Peek(); ok && (!found || c.eff.Before(t)) {
			t, found = c.eff, true
		}
	}
	return t, found
}

// insertQueued puts c (state QUEUED, not scheduled) in its bucket at its position.
func (e *Engine) insertQueued(c *contactRec) {
	b := c.q.buckets[c.ch]
	c.eff = c.enqueuedAt.Add(-c.adjust)
	c.lvl = b.levelFor(c.prio)
	c.lvl.h.Push(c)
	b.size++
	for _, d := range b.delays {
		if at := c.eff.Add(d); at.After(e.now) {
			e.addTimer(at, timerWake, nil, b, 0)
		}
	}
	e.markBucket(b)
}

func (e *Engine) removeQueued(c *contactRec) {
	if c.idx < 0 || c.lvl == nil {
		return
	}
	c.lvl.h.Remove(c.idx)
	c.q.buckets[c.ch].size--
	c.lvl = nil
}

// ---- routing ----

func (e *Engine) dispatch() {
	for len(e.dAgents) > 0 || len(e.dBucket) > 0 {
		if n := len(e.dAgents); n > 0 {
			a := e.dAgents[n-1]
			e.dAgents = e.dAgents[:n-1]
			a.dirty = false
			e.serveAgent(a)
			continue
		}
		b := e.dBucket[0]
		e.dBucket = e.dBucket[1:]
		b.dirty = false
		e.serveBucket(b)
	}
	e.dBucket = e.dBucket[:0]
}

// serveAgent offers a the best contacts it may take, until none is left or a is full.
func (e *Engine) serveAgent(a *agentRec) {
	for {
		c := e.bestFor(a)
		if c == nil {
			return
		}
		e.offer(c, a)
	}
}

// serveBucket offers b's contacts to the agents idle longest among those who may take them.
func (e *Engine) serveBucket(b *bucket) {
	for b.size > 0 {
		var best *agentRec
		if owner := b.q.owner; owner != nil {
			if e.open(owner, b.ch) {
				best = owner
			}
		} else {
			oldest, _ := b.oldest()
			for _, r := range b.refs {
				a, ok := r.p.avail[b.ch].Peek()
				if !ok || e.now.Sub(oldest) < r.delay {
					continue
				}
				if best == nil || lessAgent(AgentCandidate{a.id, a.idleSince}, AgentCandidate{best.id, best.idleSince}) {
					best = a
				}
			}
		}
		if best == nil {
			return
		}
		c := e.bestFor(best)
		if c == nil {
			return
		}
		e.offer(c, best)
	}
}

// bestFor returns the contact agent a is offered next, or nil: [ChooseContact] over the first
// eligible contact of each of a's queue entries.
func (e *Engine) bestFor(a *agentRec) *contactRec {
	if !e.routable(a) {
		return nil
	}
	var open [3]bool
	anyOpen := false
	for ch := range open {
		open[ch] = CanTake(a.profile.rules, a.slots, parley.Channels[ch])
		anyOpen = anyOpen || open[ch]
	}
	if !anyOpen {
		return nil
	}
	var best *contactRec
	var bestCand Candidate
	consider := func(b *bucket, prio int, delay time.Duration) {
		if b.size == 0 || !open[b.ch] {
			return
		}
		c := b.headEligible(e.now, delay)
		if c == nil {
			return
		}
		cand := Candidate{Priority: prio, Delay: delay, ContactPriority: c.prio, EffectiveEnqueue: c.eff, Seq: c.seq}
		if best == nil || lessCandidate(cand, bestCand) {
			best, bestCand = c, cand
		}
	}
	if a.queue != nil {
		for _, b := range a.queue.buckets {
			consider(b, 0, 0)
		}
	}
	for _, en := range a.profile.entries {
		consider(en.b, en.prio, en.delay)
	}
	return best
}

func (e *Engine) offer(c *contactRec, a *agentRec) {
	e.touchAgent(a)
	e.removeQueued(c)
	e.setState(c, parley.ContactIncoming)
	c.agent = a
	c.offers++
	c.c.AgentID = a.id
	c.conn = &conn{c: c, state: parley.ContactIncoming, since: e.now}
	a.conns = append(a.conns, c.conn)
	a.slots[c.ch]++
	e.emitContact(parley.ContactEventOffered, c)
	if a.autoAccept {
		e.accept(c)
	} else {
		e.addTimer(e.now.Add(e.ring[c.ch]), timerRing, c, nil, c.offers)
	}
	e.reindex(a)
}

func (e *Engine) accept(c *contactRec) {
	e.setState(c, parley.ContactConnecting)
	c.conn.state, c.conn.since = parley.ContactConnecting, e.now
	e.emitContact(parley.ContactEventConnecting, c)
}

// missOffer handles a ring timeout, a reject or a failed offer: the agent keeps the missed
// connection and leaves routing; the contact goes back to its place in the queue.
func (e *Engine) missOffer(c *contactRec, st parley.ContactState) {
	a := c.agent
	e.touchAgent(a)
	trig, ev := TriggerOfferMissed, parley.ContactEventMissed
	switch st {
	case parley.ContactRejected:
		ev = parley.ContactEventRejected
	case parley.ContactError:
		trig, ev = TriggerOfferFailed, parley.ContactEventError
	}
	next, err := AgentTransition(a.state, trig)
	if err == nil {
		a.state = next
	}
	e.setState(c, st)
	c.conn.state, c.conn.since = st, e.now
	a.slots[c.ch]--
	e.emitContact(ev, c)
	c.agent, c.conn = nil, nil
	c.c.AgentID = ""
	e.setState(c, parley.ContactQueued)
	e.insertQueued(c)
	e.emitContact(parley.ContactEventQueued, c)
	e.reindex(a)
}

// ---- state, events, records ----

func (e *Engine) setState(c *contactRec, to parley.ContactState) {
	if err := ContactTransition(c.c.State, to); err != nil {
		// Every caller checks first; reaching here is a bug in the engine.
		panic(fmt.Sprintf("routing: contact %s: %v", c.c.ID, err))
	}
	c.c.State = to
	c.c.UpdatedAt = e.now
	e.touchContact(c)
}

func (e *Engine) touchContact(c *contactRec) {
	if !c.touched {
		c.touched = true
		e.tConts = append(e.tConts, c)
	}
}

func (e *Engine) touchAgent(a *agentRec) {
	if !a.touched {
		if !e.pubOn && !e.recOn {
			return
		}
		a.touched = true
		if a.evType == "" {
			a.evType = parley.AgentStateChange
		}
		if a.state != AgentLoggedOut {
			a.prev = e.snap(a)
		} else {
			a.prev = nil
		}
		e.tAgents = append(e.tAgents, a)
	}
}

func (e *Engine) nextSeq() int64 {
	e.evSeq++
	return e.evSeq
}

func (e *Engine) emitContact(t parley.ContactEventType, c *contactRec) {
	if !e.pubOn {
		return
	}
	ev := &parley.ContactEvent{
		Type: t, Timestamp: e.now, ContactID: c.c.ID, InitialContactID: c.c.InitialContactID,
		PreviousContactID: c.c.PreviousContactID, NextContactID: c.c.NextContactID,
		Channel: c.c.Channel, InitiationMethod: c.c.InitiationMethod, State: c.c.State,
		QueueID: c.c.QueueID, AgentID: c.c.AgentID, DisconnectReason: c.c.DisconnectReason,
	}
	e.pub.Publish(parley.RoutingEvent{ID: e.newID(), Seq: e.nextSeq(), Timestamp: e.now, Contact: ev})
}

func (e *Engine) flush() {
	for _, a := range e.tAgents {
		a.touched = false
		t := a.evType
		a.evType = ""
		var cur *parley.AgentSnapshot
		if a.state != AgentLoggedOut {
			cur = e.snap(a)
		}
		if t == parley.AgentStateChange && snapEqual(a.prev, cur) {
			continue
		}
		if t == parley.AgentLogout {
			cur = nil
		}
		ev := &parley.AgentEvent{ID: parley.AgentEventID(e.newID()), Seq: e.nextSeq(), Type: t, Timestamp: e.now, AgentID: a.id, Current: cur, Previous: a.prev}
		a.prev = nil
		e.rec.RecordAgentEvent(ev)
		e.pub.Publish(parley.RoutingEvent{ID: string(ev.ID), Seq: ev.Seq, Timestamp: e.now, Agent: ev})
	}
	e.tAgents = e.tAgents[:0]
	for _, c := range e.tConts {
		c.touched = false
		if e.recOn {
			e.rec.RecordContact(e.contactRecord(c))
		}
	}
	e.tConts = e.tConts[:0]
}

func (e *Engine) contactRecord(c *contactRec) ContactRecord {
	cc := c.c
	cc.Attributes = cloneMap(c.c.Attributes)
	r := ContactRecord{Contact: &cc, Priority: c.prio, TimeAdjustment: c.adjust, CallbackAttempt: c.attempt}
	if c.c.State == parley.ContactQueued || c.c.State == parley.ContactIncoming || c.c.State == parley.ContactConnecting {
		r.EnqueuedAt = c.enqueuedAt
	}
	if c.callback != nil {
		cb := *c.callback
		r.Callback = &cb
	}
	return r
}

func (e *Engine) snap(a *agentRec) *parley.AgentSnapshot {
	s := &parley.AgentSnapshot{
		Status: parley.AgentSnapshotStatus{ID: a.status.ID, Name: a.status.Name, Type: a.status.Type, StartTimestamp: a.statusStart},
	}
	if a.profile != nil {
		s.RoutingProfileID = a.profile.cfg.ID
	}
	if a.next != nil {
		s.NextStatus = a.next.Name
	}
	for _, k := range a.conns {
		s.Contacts = append(s.Contacts, parley.AgentContactSnapshot{
			ContactID: k.c.c.ID, Channel: k.c.c.Channel, InitiationMethod: k.c.c.InitiationMethod,
			State: k.state, StateStartTimestamp: k.since, QueueID: k.c.c.QueueID,
		})
	}
	return s
}

func snapEqual(a, b *parley.AgentSnapshot) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Status != b.Status || a.NextStatus != b.NextStatus || a.RoutingProfileID != b.RoutingProfileID || len(a.Contacts) != len(b.Contacts) {
		return false
	}
	for i := range a.Contacts {
		if a.Contacts[i] != b.Contacts[i] {
			return false
		}
	}
	return true
}

func (e *Engine) recordCTR(c *contactRec, final bool) {
	if !e.recOn {
		return
	}
	e.rec.RecordCTR(cloneCTR(c.ctr), final)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	x := *t
	return &x
}

func cloneCTR(r *parley.CTR) *parley.CTR {
	out := *r
	out.Attributes = cloneMap(r.Attributes)
	out.ConnectedToSystemTimestamp = cloneTime(r.ConnectedToSystemTimestamp)
	out.DisconnectTimestamp = cloneTime(r.DisconnectTimestamp)
	if r.Queue != nil {
		q := *r.Queue
		q.DequeueTimestamp = cloneTime(q.DequeueTimestamp)
		out.Queue = &q
	}
	if r.Agent != nil {
		a := *r.Agent
		a.ConnectedToAgentTimestamp = cloneTime(a.ConnectedToAgentTimestamp)
		a.AfterContactWorkStartTimestamp = cloneTime(a.AfterContactWorkStartTimestamp)
		a.AfterContactWorkEndTimestamp = cloneTime(a.AfterContactWorkEndTimestamp)
		out.Agent = &a
	}
	if r.CustomerEndpoint != nil {
		x := *r.CustomerEndpoint
		out.CustomerEndpoint = &x
	}
	if r.SystemEndpoint != nil {
		x := *r.SystemEndpoint
		out.SystemEndpoint = &x
	}
	if r.TransferredToEndpoint != nil {
		x := *r.TransferredToEndpoint
		out.TransferredToEndpoint = &x
	}
	if r.Recording != nil {
		x := *r.Recording
		out.Recording = &x
	}
	return &out
}

func ptr(t time.Time) *time.Time { return &t }

func secs(d time.Duration) int { return int(d.Round(time.Second) / time.Second) }

// UpsertAgentStatus adds or replaces an agent status (an admin created or renamed one). The
// ROUTABLE and OFFLINE statuses keep their roles; a second status of either type is EInvalid.
// Agents in the status keep it; its new name shows from their next change.
func (e *Engine) UpsertAgentStatus(now time.Time, s parley.AgentStatus) error {
	e.begin(now)
	if s.ID == "" {
		return parley.Invalidf("id", "is required")
	}
	switch s.Type {
	case parley.StatusRoutable:
		if e.routableStatus.ID != s.ID {
			return parley.Invalidf("type", "the instance already has a ROUTABLE status (%q)", e.routableStatus.Name)
		}
		e.routableStatus = &s
	case parley.StatusOffline:
		if e.offlineStatus.ID != s.ID {
			return parley.Invalidf("type", "the instance already has an OFFLINE status (%q)", e.offlineStatus.Name)
		}
		e.offlineStatus = &s
	}
	e.statuses[s.ID] = &s
	e.end()
	return nil
}
