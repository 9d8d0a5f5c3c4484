package chat

import (
	"context"
	"log/slog"
	"sync"

	"github.com/parley-cc/parley/backend/parley"
)

// inbox queues the router's CHAT contact events for Run. It never blocks and never drops: the
// router produces a handful of events per contact, and Run applies them as they come.
type inbox struct {
	apply  sync.Mutex // held while a batch is applied, so batches apply in order
	mu     sync.Mutex
	events []parley.ContactEvent
	notify chan struct{}
}

func newInbox() *inbox { return &inbox{notify: make(chan struct{}, 1)} }

func (b *inbox) take() []parley.ContactEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	evs := b.events
	b.events = nil
	return evs
}

// Publish takes one of the router's events; cmd/parleyd fans the router's events out to it. It
// implements routing.Publisher: it never blocks, and keeps only CHAT contact events, which Run
// applies in order.
func (s *Service) Publish(ev parley.RoutingEvent) {
	if ev.Contact == nil || ev.Contact.Channel != parley.ChannelChat {
		return
	}
	b := s.inbox
	b.mu.Lock()
	b.events = append(b.events, *ev.Contact)
	b.mu.Unlock()
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// Run applies the router's events to the chats until ctx ends (an agent accepting an offer
// joins the chat; a contact the router ends ends its chat). It returns nil then.
func (s *Service) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.inbox.notify:
		}
		s.drain(ctx)
	}
}

// Sync applies the router events published so far before returning: after a router command
// returns, its effect on chats (an agent joining) is done. Tests and tools call it; Run does
// the same on its own.
func (s *Service) Sync(ctx context.Context) {
	s.drain(ctx)
}

func (s *Service) drain(ctx context.Context) {
	s.inbox.apply.Lock()
	defer s.inbox.apply.Unlock()
	for {
		evs := s.inbox.take()
		if len(evs) == 0 {
			return
		}
		for _, ev := range evs {
			s.apply(ctx, ev)
		}
	}
}

// apply does what the chat channel does on a router event.
func (s *Service) apply(ctx context.Context, ev parley.ContactEvent) {
	c := s.chatByContact(ev.ContactID)
	if c == nil && ev.PreviousContactID != "" {
		c = s.chatByContact(ev.PreviousContactID) // the new contact of a transfer
	}
	if c == nil {
		return // not a chat of this process
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ev.ContactID != c.contact.ID {
		// A contact the chat has left (transferred): keep its stored row in step.
		s.updateStoredRow(ctx, ev)
		return
	}
	c.contact.State = ev.State
	if ev.QueueID != "" {
		c.contact.QueueID = ev.QueueID
	}
	c.contact.AgentID = ev.AgentID
	if ev.NextContactID != "" {
		c.contact.NextContactID = ev.NextContactID
	}
	if ev.DisconnectReason != "" && c.contact.DisconnectReason == "" {
		c.contact.DisconnectReason = ev.DisconnectReason
		t := ev.Timestamp.UTC()
		c.contact.DisconnectedAt = &t
	}
	switch ev.Type {
	case parley.ContactEventConnecting:
		if ev.AgentID == "" || c.ended {
			break
		}
		if err := s.router.Connected(ctx, ev.ContactID); err != nil && !benign(err) {
			s.log().Error("chat: connect agent", slog.String("contact_id", string(ev.ContactID)), slog.Any("err", err))
			break
		}
		c.contact.State = parley.ContactConnected
		c.agentJoined(ctx, ev.AgentID)
	case parley.ContactEventDisconnected:
		if !c.ended {
			c.end(ctx, ev.DisconnectReason, false)
		}
	}
	c.store(ctx)
}

// updateStoredRow applies an event to a stored contact the chat no longer runs on.
func (s *Service) updateStoredRow(ctx context.Context, ev parley.ContactEvent) {
	row, err := s.contacts.FindContactByID(ctx, ev.ContactID)
	if err != nil {
		if parley.ErrorCodeOf(err) != parley.ENotFound {
			s.log().Error("chat: find contact", slog.String("contact_id", string(ev.ContactID)), slog.Any("err", err))
		}
		return
	}
	row.State = ev.State
	row.AgentID = ev.AgentID
	if ev.NextContactID != "" {
		row.NextContactID = ev.NextContactID
	}
	if ev.DisconnectReason != "" && row.DisconnectReason == "" {
		row.DisconnectReason = ev.DisconnectReason
		t := ev.Timestamp.UTC()
		row.DisconnectedAt = &t
	}
	if err := s.contacts.UpdateContact(ctx, row); err != nil {
		s.log().Error("chat: update contact", slog.String("contact_id", string(ev.ContactID)), slog.Any("err", err))
	}
}

// benign reports errors that mean the router already moved on.
func benign(err error) bool {
	c := parley.ErrorCodeOf(err)
	return c == parley.EConflict || c == parley.ENotFound
}
