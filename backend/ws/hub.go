package ws

import (
	"context"
	"log/slog"
	"sync"

	"github.com/parley-cc/parley/backend/parley"
)

// Hub persists events and fans them out.
type Hub struct {
	store parley.EventStore

	// Logger reports persistence failures. Default: slog.Default().
	Logger *slog.Logger
	// SubscriberBuffer is how many events a subscriber may lag before it is dropped. Default 512.
	SubscriberBuffer int
	// BatchSize bounds how many events one store transaction writes. Default 256.
	BatchSize int

	mu      sync.Mutex
	subs    map[*subscription]struct{}
	lastSeq int64
}

// NewHub returns a Hub over store. It starts nothing; Run does.
func NewHub(store parley.EventStore) *Hub {
	return &Hub{store: store, Logger: slog.Default(), SubscriberBuffer: 512, BatchSize: 256, subs: map[*subscription]struct{}{}}
}

// subscription receives live events; dropped is closed when it lagged and was removed.
type subscription struct {
	ch      chan *parley.RoutingEvent
	dropped chan struct{}
}

// Run persists and broadcasts the events from in until ctx ends or in is closed. overflow, when
// not nil, reports whether the publisher dropped events since the last call; subscribers are
// then told to resync.
func (h *Hub) Run(ctx context.Context, in <-chan parley.RoutingEvent, overflow func() bool) error {
	seq, err := h.store.LastRoutingEventSeq(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.lastSeq = seq
	h.mu.Unlock()
	for {
		var batch []*parley.RoutingEvent
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-in:
			if !ok {
				return nil
			}
			batch = append(batch, &ev)
		}
	drain:
		for len(batch) < h.BatchSize {
			select {
			case ev, ok := <-in:
				if !ok {
					break drain
				}
				batch = append(batch, &ev)
			default:
				break drain
			}
		}
		if err := h.store.AppendRoutingEvents(context.WithoutCancel(ctx), batch); err != nil {
			h.Logger.Error("persist routing events; subscribers must resync", slog.Int("events", len(batch)), slog.Any("err", err))
			h.dropAll()
			continue
		}
		if overflow != nil && overflow() {
			h.Logger.Warn("the router dropped events; subscribers must resync")
			h.dropAll()
		}
		h.broadcast(batch)
	}
}

func (h *Hub) broadcast(batch []*parley.RoutingEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range batch {
		h.lastSeq = ev.Seq
		for s := range h.subs {
			select {
			case s.ch <- ev:
			default: // never block the stream for one slow reader
				h.removeLocked(s)
			}
		}
	}
}

func (h *Hub) dropAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.removeLocked(s)
	}
}

func (h *Hub) removeLocked(s *subscription) {
	delete(h.subs, s)
	close(s.dropped)
}

// subscribe registers a subscriber and returns it with the last sequence number broadcast
// before it: everything up to that number is in the store, everything after comes live.
func (h *Hub) subscribe() (*subscription, int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &subscription{ch: make(chan *parley.RoutingEvent, h.SubscriberBuffer), dropped: make(chan struct{})}
	h.subs[s] = struct{}{}
	return s, h.lastSeq
}

func (h *Hub) unsubscribe(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		h.removeLocked(s)
	}
}
