package task

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// Router is what the task channel needs of the router; *routing.Router implements it.
type Router interface {
	Enqueue(ctx context.Context, req routing.EnqueueRequest) (routing.EnqueueResult, error)
	Dequeue(ctx context.Context, id parley.ContactID) error
	Disconnect(ctx context.Context, id parley.ContactID, reason parley.DisconnectReason) error
	Accept(ctx context.Context, agent parley.UserID, id parley.ContactID) error
	Reject(ctx context.Context, agent parley.UserID, id parley.ContactID) error
	Connected(ctx context.Context, id parley.ContactID) error
	ClearACW(ctx context.Context, agent parley.UserID, id parley.ContactID) error
	Transfer(ctx context.Context, id parley.ContactID, to parley.QueueID) (parley.ContactID, error)
	Contact(ctx context.Context, id parley.ContactID) (parley.Contact, error)
}

var _ Router = (*routing.Router)(nil)

// FlowSource loads the content of a flow's published version (parley.FlowSource).
type FlowSource = parley.FlowSource

// StoreFlowSource is the FlowSource over the flow store.
type StoreFlowSource = parley.PublishedFlows

// FunctionCaller calls external functions for InvokeExternalResource / InvokeLambdaFunction
// actions in task flows; *extfunc.Caller implements it.
type FunctionCaller interface {
	Input(ctx context.Context, e *flow.InvokeFunction) flow.Input
}

// Service is the task channel. Make one with New, wire the router's events to Publish, and
// start Run. Its methods are safe for concurrent use; they are serialised (one task command,
// event or timer at a time).
type Service struct {
	// Clock is the time source for schedules, expiry, flows and records. Default: the wall clock.
	// Give the router's clock (a routing.FakeClock in tests).
	Clock routing.Clock
	// NewID makes contact IDs. Default: random UUIDs.
	NewID func() string
	// Logger. Default: discard.
	Logger *slog.Logger
	// DefaultFlowID is the instance's task flow, run by tasks started with neither a flow nor
	// a queue. Empty: such requests are invalid.
	DefaultFlowID parley.FlowID
	// FlowLogs stores the task flows' log entries. Nil: they are dropped.
	FlowLogs parley.FlowLogService
	// Functions calls external functions from task flows. Nil: such calls take the error branch.
	Functions FunctionCaller

	router   Router
	contacts parley.ContactService
	flows    FlowSource
	env      flow.Env

	sem chan struct{} // held by whoever works on tasks

	// Guarded by sem.
	release map[parley.ContactID]time.Time // scheduled tasks: when their flow starts
	expires map[parley.ContactID]time.Time // live tasks: when they expire
	waits   map[parley.ContactID]*flowWait // tasks whose flow waits in a Wait block

	inbox *Inbox
	wake  chan struct{}
}

type flowWait struct {
	until time.Time
	sess  *flow.Session
}

var _ parley.TaskService = (*Service)(nil)

// New returns a task channel over the router, the contact store, a flow source, the flow
// environment (queues, hours, agents... answered from memory, as for every channel) and the
// inbox the router publishes its events to. It starts nothing.
func New(router Router, contacts parley.ContactService, flows FlowSource, env flow.Env, inbox *Inbox) *Service {
	return &Service{
		router: router, contacts: contacts, flows: flows, env: env, inbox: inbox,
		sem:     make(chan struct{}, 1),
		release: map[parley.ContactID]time.Time{},
		expires: map[parley.ContactID]time.Time{},
		waits:   map[parley.ContactID]*flowWait{},
		wake:    make(chan struct{}, 1),
	}
}

func (s *Service) clock() routing.Clock {
	if s.Clock == nil {
		return routing.RealClock{}
	}
	return s.Clock
}

func (s *Service) now() time.Time { return s.clock().Now().UTC() }

func (s *Service) newID() parley.ContactID {
	if s.NewID != nil {
		return parley.ContactID(s.NewID())
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return parley.ContactID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]))
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Inbox receives the router's events for the task channel. It implements routing.Publisher:
// Publish never blocks and keeps only TASK contact events, for Service.Run (or the next task
// command) to apply in order. Make one, put it among the router's publishers, and give it to
// New.
type Inbox struct {
	mu     sync.Mutex
	events []parley.ContactEvent
	notify chan struct{}
}

// NewInbox returns an empty inbox.
func NewInbox() *Inbox { return &Inbox{notify: make(chan struct{}, 1)} }

// Publish implements routing.Publisher.
func (b *Inbox) Publish(ev parley.RoutingEvent) {
	if ev.Contact == nil || ev.Contact.Channel != parley.ChannelTask {
		return
	}
	b.mu.Lock()
	b.events = append(b.events, *ev.Contact)
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

func (b *Inbox) take() []parley.ContactEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	evs := b.events
	b.events = nil
	return evs
}

func (s *Service) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// unlock releases the service and tells Run to look at its deadlines again.
func (s *Service) unlock() {
	<-s.sem
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run loads the live tasks from the store (scheduled ones and expiry times), then applies router
// events and fires schedules, flow waits and expiry until ctx ends. It returns nil then, or an
// error when the store cannot be read at start.
func (s *Service) Run(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return nil
	}
	err := s.load(ctx)
	if err == nil {
		s.work(ctx)
	}
	at, ok := s.nextDeadline()
	<-s.sem
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("task: load live tasks: %w", err)
	}
	clk := s.clock()
	var armed routing.Timer
	var armedAt time.Time
	defer func() {
		if armed != nil {
			armed.Stop()
		}
	}()
	for {
		if armed != nil && (!ok || !at.Equal(armedAt)) {
			armed.Stop()
			armed = nil
		}
		if ok && armed == nil {
			armedAt = at
			armed = clk.AfterFunc(at.Sub(clk.Now()), func() {
				select {
				case s.wake <- struct{}{}:
				default:
				}
			})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.inbox.notify:
		case <-s.wake:
		}
		if err := s.lock(ctx); err != nil {
			return nil
		}
		s.work(ctx)
		at, ok = s.nextDeadline()
		<-s.sem
		if armed != nil && !armedAt.After(clk.Now()) {
			armed = nil // it fired
		}
	}
}

// Sync applies everything due by the clock's current time: the router's due timers (by
// sending it a command), then the task events they produced, and the task channel's own due
// schedules, waits and expiries, until nothing is left. Tests call it after moving a fake
// clock; the API need not.
func (s *Service) Sync(ctx context.Context) error {
	for range 100 {
		if _, err := s.router.Contact(ctx, ""); err != nil && parley.ErrorCodeOf(err) != parley.ENotFound {
			return err
		}
		if err := s.lock(ctx); err != nil {
			return err
		}
		n := s.work(ctx)
		s.unlock()
		if n == 0 {
			return nil
		}
	}
	return errors.New("task: sync did not settle")
}

// load rebuilds the in-memory schedules and expiry times from the store.
func (s *Service) load(ctx context.Context) error {
	live := []parley.ContactState{parley.ContactInitiated, parley.ContactInFlow, parley.ContactQueued,
		parley.ContactIncoming, parley.ContactConnecting, parley.ContactConnected, parley.ContactConnectedOnHold,
		parley.ContactMissed, parley.ContactRejected, parley.ContactError, parley.ContactEnded}
	cs, err := s.contacts.FindContacts(ctx, parley.ContactFilter{Channel: parley.ChannelTask, States: live})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if _, ok := s.expires[c.ID]; !ok {
			s.expires[c.ID] = s.expiryOf(ctx, c)
		}
		if c.State == parley.ContactInitiated && c.ScheduledAt != nil {
			if _, ok := s.release[c.ID]; !ok {
				s.release[c.ID] = *c.ScheduledAt
			}
		}
	}
	return nil
}

// expiryOf is TaskExpiry after the initiation of c's chain (its initial contact).
func (s *Service) expiryOf(ctx context.Context, c *parley.Contact) time.Time {
	start := c.InitiatedAt
	if c.InitialContactID != "" && c.InitialContactID != c.ID {
		if first, err := s.contacts.FindContactByID(ctx, c.InitialContactID); err == nil {
			start = first.InitiatedAt
		}
	}
	return start.Add(parley.TaskExpiry)
}

func (s *Service) nextDeadline() (time.Time, bool) {
	var at time.Time
	ok := false
	consider := func(t time.Time) {
		if !ok || t.Before(at) {
			at, ok = t, true
		}
	}
	for _, t := range s.release {
		consider(t)
	}
	for _, t := range s.expires {
		consider(t)
	}
	for _, w := range s.waits {
		consider(w.until)
	}
	return at, ok
}

// work applies pending events and fires due timers until none is left. It returns how many
// things it did. The caller holds the lock.
func (s *Service) work(ctx context.Context) int {
	n := 0
	for range 10000 {
		did := s.drain(ctx) + s.fireDue(ctx)
		if did == 0 {
			return n
		}
		n += did
	}
	s.log().Error("task: work did not settle")
	return n
}

// drain applies the pending router events, in order, including those its own router commands
// produce.
func (s *Service) drain(ctx context.Context) int {
	n := 0
	for {
		evs := s.inbox.take()
		if len(evs) == 0 {
			return n
		}
		for _, ev := range evs {
			n++
			if err := s.apply(ctx, ev); err != nil {
				s.log().Error("task: apply router event", slog.String("contact_id", string(ev.ContactID)),
					slog.String("event", string(ev.Type)), slog.Any("err", err))
			}
		}
	}
}

// fireDue runs the schedules, waits and expiries due by now.
func (s *Service) fireDue(ctx context.Context) int {
	now := s.now()
	n := 0
	for _, id := range dueIDs(s.release, now) {
		delete(s.release, id)
		n++
		if err := s.releaseScheduled(ctx, id); err != nil {
			s.log().Error("task: release scheduled task", slog.String("contact_id", string(id)), slog.Any("err", err))
		}
	}
	for id, w := range s.waits {
		if w.until.After(now) {
			continue
		}
		delete(s.waits, id)
		n++
		if err := s.resumeWait(ctx, id, w); err != nil {
			s.log().Error("task: resume flow after Wait", slog.String("contact_id", string(id)), slog.Any("err", err))
		}
	}
	for _, id := range dueIDs(s.expires, now) {
		delete(s.expires, id)
		n++
		if err := s.expire(ctx, id); err != nil {
			s.log().Error("task: expire task", slog.String("contact_id", string(id)), slog.Any("err", err))
		}
	}
	return n
}

func dueIDs(m map[parley.ContactID]time.Time, now time.Time) []parley.ContactID {
	var ids []parley.ContactID
	for id, t := range m {
		if !t.After(now) {
			ids = append(ids, id)
		}
	}
	// Oldest first, then by ID, so that runs are deterministic.
	slices.SortFunc(ids, func(a, b parley.ContactID) int {
		if c := m[a].Compare(m[b]); c != 0 {
			return c
		}
		return strings.Compare(string(a), string(b))
	})
	return ids
}

func (s *Service) forget(id parley.ContactID) {
	delete(s.release, id)
	delete(s.expires, id)
	delete(s.waits, id)
}
