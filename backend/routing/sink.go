package routing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// Publisher receives the router's events. Publish is called from the router's goroutine and
// must never block: an implementation that cannot keep up drops events and says so (see
// [BufferedPublisher]); subscribers detect the gap by RoutingEvent.Seq and resync over REST.
type Publisher interface {
	Publish(ev parley.RoutingEvent)
}

// BufferedPublisher is a Publisher with a bounded buffer: when the buffer is full the event is
// dropped, counted, and the overflow flag is raised until the consumer takes it.
type BufferedPublisher struct {
	ch       chan parley.RoutingEvent
	dropped  atomic.Int64
	overflow atomic.Bool
}

// NewBufferedPublisher returns a publisher buffering up to n events.
func NewBufferedPublisher(n int) *BufferedPublisher {
	return &BufferedPublisher{ch: make(chan parley.RoutingEvent, n)}
}

// Publish queues ev, or drops it when the buffer is full. It never blocks.
func (p *BufferedPublisher) Publish(ev parley.RoutingEvent) {
	select {
	case p.ch <- ev:
	default:
		p.dropped.Add(1)
		p.overflow.Store(true)
	}
}

// Events is the channel the consumer reads.
func (p *BufferedPublisher) Events() <-chan parley.RoutingEvent { return p.ch }

// Dropped returns how many events were dropped since the publisher was made.
func (p *BufferedPublisher) Dropped() int64 { return p.dropped.Load() }

// TakeOverflow reports whether events were dropped since the last call, and clears the flag.
// A consumer that sees true tells its subscribers to resync.
func (p *BufferedPublisher) TakeOverflow() bool { return p.overflow.Swap(false) }

// ContactRecord is what the router asks the store to keep about a live contact so that a
// restart can rebuild its queues ([Engine.Restore] takes the same records back).
type ContactRecord struct {
	Contact         *parley.Contact
	EnqueuedAt      time.Time     // when it entered its current queue (zero: not queued)
	Priority        int           // queue priority (default 5)
	TimeAdjustment  time.Duration // queue time adjustment: the contact is ordered as if enqueued this much earlier
	Callback        *CallbackOptions
	CallbackAttempt int // 1 for the first attempt
}

// Recorder receives what must be persisted. It is called from the router's goroutine, in order;
// unlike a Publisher it must not drop anything, so an implementation that cannot keep up makes
// the router wait (see [StoreRecorder]). Records passed in are copies the router no longer
// touches.
type Recorder interface {
	// RecordContact: a contact changed (state, queue, agent, routing behaviour). Upsert by ID.
	RecordContact(r ContactRecord)
	// RecordCTR: final is false for the partial record written at disconnect (and at enqueue
	// and connect); true once after-contact work is done. Upsert by ContactID.
	RecordCTR(r *parley.CTR, final bool)
	// RecordAgentEvent: append.
	RecordAgentEvent(e *parley.AgentEvent)
}

// MemoryRecorder keeps everything in memory, for tests and the simulation. Safe for
// concurrent use.
type MemoryRecorder struct {
	mu       sync.Mutex
	contacts map[parley.ContactID]ContactRecord
	ctrs     map[parley.ContactID]*parley.CTR
	final    map[parley.ContactID]bool
	order    []parley.ContactID
	events   []*parley.AgentEvent
	partials int
}

// NewMemoryRecorder returns an empty recorder.
func NewMemoryRecorder() *MemoryRecorder {
	return &MemoryRecorder{contacts: map[parley.ContactID]ContactRecord{}, ctrs: map[parley.ContactID]*parley.CTR{}, final: map[parley.ContactID]bool{}}
}

// RecordContact implements Recorder.
func (m *MemoryRecorder) RecordContact(r ContactRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.contacts[r.Contact.ID] = r
}

// RecordCTR implements Recorder.
func (m *MemoryRecorder) RecordCTR(r *parley.CTR, final bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.ctrs[r.ContactID]; !ok {
		m.order = append(m.order, r.ContactID)
	}
	m.ctrs[r.ContactID] = r
	m.final[r.ContactID] = final
	if !final {
		m.partials++
	}
}

// RecordAgentEvent implements Recorder.
func (m *MemoryRecorder) RecordAgentEvent(e *parley.AgentEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
}

// CTRs returns the latest record of every contact, in first-recorded order, and whether each is final.
func (m *MemoryRecorder) CTRs() (ctrs []*parley.CTR, final []bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range m.order {
		ctrs = append(ctrs, m.ctrs[id])
		final = append(final, m.final[id])
	}
	return ctrs, final
}

// FinalCTRs returns the final records, in first-recorded order.
func (m *MemoryRecorder) FinalCTRs() []*parley.CTR {
	ctrs, final := m.CTRs()
	var out []*parley.CTR
	for i, r := range ctrs {
		if final[i] {
			out = append(out, r)
		}
	}
	return out
}

// CTR returns the latest record of id and whether it is final.
func (m *MemoryRecorder) CTR(id parley.ContactID) (*parley.CTR, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ctrs[id], m.final[id]
}

// Contacts returns the latest record of every contact.
func (m *MemoryRecorder) Contacts() map[parley.ContactID]ContactRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[parley.ContactID]ContactRecord, len(m.contacts))
	for k, v := range m.contacts {
		out[k] = v
	}
	return out
}

// AgentEvents returns the agent events in order.
func (m *MemoryRecorder) AgentEvents() []*parley.AgentEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*parley.AgentEvent(nil), m.events...)
}

// MemoryPublisher keeps every event, for tests. Safe for concurrent use; never blocks.
type MemoryPublisher struct {
	mu     sync.Mutex
	events []parley.RoutingEvent
}

// Publish implements Publisher.
func (p *MemoryPublisher) Publish(ev parley.RoutingEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, ev)
}

// Events returns the events so far.
func (p *MemoryPublisher) Events() []parley.RoutingEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]parley.RoutingEvent(nil), p.events...)
}

// ContactEventTypes returns the types of the contact events of id, in order.
func (p *MemoryPublisher) ContactEventTypes(id parley.ContactID) []parley.ContactEventType {
	var out []parley.ContactEventType
	for _, ev := range p.Events() {
		if ev.Contact != nil && ev.Contact.ContactID == id {
			out = append(out, ev.Contact.Type)
		}
	}
	return out
}

type discard struct{}

func (discard) Publish(parley.RoutingEvent)         {}
func (discard) RecordContact(ContactRecord)         {}
func (discard) RecordCTR(*parley.CTR, bool)         {}
func (discard) RecordAgentEvent(*parley.AgentEvent) {}

// ContactStore is the part of the store StoreRecorder needs for contacts.
type ContactStore interface {
	SaveContactRecord(ctx context.Context, r ContactRecord) error
}

// StoreRecorder is a Recorder that writes to the store from its own goroutine (Run). Its
// buffer absorbs bursts; when it is full, Record* waits: records are never dropped.
type StoreRecorder struct {
	Contacts ContactStore
	CTRs     parley.CTRService
	Events   parley.AgentEventService
	// OnError is called with each failed write (the write is not retried). Default: ignored.
	OnError func(error)

	ch chan func(ctx context.Context) error
}

// NewStoreRecorder returns a recorder with a buffer of n records.
func NewStoreRecorder(contacts ContactStore, ctrs parley.CTRService, events parley.AgentEventService, n int) *StoreRecorder {
	return &StoreRecorder{Contacts: contacts, CTRs: ctrs, Events: events, ch: make(chan func(context.Context) error, n)}
}

// RecordContact implements Recorder.
func (s *StoreRecorder) RecordContact(r ContactRecord) {
	s.ch <- func(ctx context.Context) error { return s.Contacts.SaveContactRecord(ctx, r) }
}

// RecordCTR implements Recorder. The store keeps partial and final records alike (upsert).
func (s *StoreRecorder) RecordCTR(r *parley.CTR, final bool) {
	s.ch <- func(ctx context.Context) error { return s.CTRs.SaveCTR(ctx, r) }
}

// RecordAgentEvent implements Recorder. The store sets the sequence number on the event it
// writes, so it gets a copy: the router publishes the same event to other goroutines.
func (s *StoreRecorder) RecordAgentEvent(e *parley.AgentEvent) {
	c := *e
	s.ch <- func(ctx context.Context) error { return s.Events.AppendAgentEvent(ctx, &c) }
}

// Run writes records until ctx ends, then writes what is buffered with a fresh context.
func (s *StoreRecorder) Run(ctx context.Context) error {
	write := func(ctx context.Context, f func(context.Context) error) {
		if err := f(ctx); err != nil && s.OnError != nil {
			s.OnError(fmt.Errorf("routing: store record: %w", err))
		}
	}
	for {
		select {
		case f := <-s.ch:
			write(ctx, f)
		case <-ctx.Done():
			for {
				select {
				case f := <-s.ch:
					write(context.WithoutCancel(ctx), f)
				default:
					if errors.Is(ctx.Err(), context.Canceled) {
						return nil
					}
					return ctx.Err()
				}
			}
		}
	}
}

// Publishers fans events out to several publishers, in order. Each must not block.
type Publishers []Publisher

// Publish implements Publisher.
func (ps Publishers) Publish(ev parley.RoutingEvent) {
	for _, p := range ps {
		p.Publish(ev)
	}
}
