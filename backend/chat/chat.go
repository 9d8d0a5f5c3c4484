package chat

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// participant is one party of a chat.
type participant struct {
	id        string
	role      parley.ChatParticipantRole
	userID    parley.UserID // agents
	name      string
	tokenHash string // the customer
	rate      *bucket
	lastTyped time.Time
	read      int64 // highest MESSAGE_READ sent
	delivered int64 // highest MESSAGE_DELIVERED sent
}

// chat is one conversation, from the customer's start to its end, across transfers. Its mutex
// serialises everything done to it: customer frames, agent requests, router events, timers.
type chat struct {
	s  *Service
	mu sync.Mutex

	id         parley.ContactID // the initial contact
	contact    parley.Contact   // the contact the chat is on now
	contactIDs []parley.ContactID
	routed     bool // the current contact was handed to the router
	customer   *participant
	agent      *participant // connected agent, nil otherwise
	agents     map[parley.UserID]bool

	sess       *flow.Session // while the flow runs
	flowGen    int           // invalidates stale flow timers
	flowTime   routing.Timer
	idleGen    int
	idle       routing.Timer
	lastActive time.Time

	items   []*parley.ChatItem // items[i].ID == i+1
	streams map[*stream]bool
	clients map[string]*parley.ChatItem // participant ID + "\x00" + client ID
	ended   bool
}

// post assigns an item its chat, contact, time and (unless TYPING) ID, stores it and delivers
// it to the chat's streams. The caller holds c.mu.
func (c *chat) post(ctx context.Context, it *parley.ChatItem) error {
	it.ChatID = c.id
	it.ContactID = c.contact.ID
	it.Time = c.s.now()
	if !(it.Type == parley.ChatItemEvent && it.Event == parley.ChatEventTyping) {
		it.ID = int64(len(c.items)) + 1
		if err := c.s.transcripts.AppendChatItems(ctx, []*parley.ChatItem{it}); err != nil {
			it.ID = 0
			return err
		}
		c.items = append(c.items, it)
	}
	for st := range c.streams {
		if it.ID == 0 && st.participantID == it.ParticipantID {
			continue // nobody needs their own typing back
		}
		st.push(it)
	}
	return nil
}

// system posts a message from the flow.
func (c *chat) system(ctx context.Context, text string) {
	if text == "" {
		return
	}
	err := c.post(ctx, &parley.ChatItem{Type: parley.ChatItemMessage, ParticipantRole: parley.ChatRoleSystem,
		ParticipantID: "system", DisplayName: c.s.systemName(), Content: text})
	if err != nil {
		c.s.log().Error("chat: post system message", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
	}
}

func (c *chat) event(ctx context.Context, p *participant, ev parley.ChatEventType, content string) {
	it := &parley.ChatItem{Type: parley.ChatItemEvent, Event: ev, Content: content}
	if p != nil {
		it.ParticipantID, it.ParticipantRole, it.UserID, it.DisplayName = p.id, p.role, p.userID, p.name
	} else {
		it.ParticipantID, it.ParticipantRole, it.DisplayName = "system", parley.ChatRoleSystem, c.s.systemName()
	}
	if err := c.post(ctx, it); err != nil {
		c.s.log().Error("chat: post event", slog.String("contact_id", string(c.contact.ID)), slog.String("event", string(ev)), slog.Any("err", err))
	}
}

// subscribe opens a stream of the items after `after`. The caller holds c.mu.
func (c *chat) subscribe(after int64, p *participant) *stream {
	st := newStream(p.id, p.userID)
	if after < 0 {
		after = 0
	}
	if after < int64(len(c.items)) {
		for _, it := range c.items[after:] {
			st.push(it)
		}
	}
	if c.ended || (p.role == parley.ChatRoleAgent && c.agent != p) {
		st.finish()
		return st
	}
	st.onClose = func() {
		c.mu.Lock()
		delete(c.streams, st)
		c.mu.Unlock()
	}
	c.streams[st] = true
	return st
}

// finishStreams ends the streams of one agent (user != "") or all of them.
func (c *chat) finishStreams(user parley.UserID) {
	for st := range c.streams {
		if user == "" || st.userID == user {
			st.finish()
			delete(c.streams, st)
		}
	}
}

// touch restarts the idle time. The timer is armed once and, when it fires early because
// someone wrote meanwhile, armed again for the rest: no timer churn per message.
func (c *chat) touch() {
	if c.ended {
		return
	}
	c.lastActive = c.s.now()
	if c.idle == nil {
		c.armIdle(c.s.idleTimeout())
	}
}

func (c *chat) armIdle(d time.Duration) {
	c.idleGen++
	gen := c.idleGen
	c.idle = c.s.clock().AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if gen != c.idleGen || c.ended {
			return
		}
		if rest := c.lastActive.Add(c.s.idleTimeout()).Sub(c.s.now()); rest > 0 {
			c.armIdle(rest)
			return
		}
		ctx := context.Background()
		c.end(ctx, parley.DisconnectExpired, true)
		c.store(ctx)
	})
}

// store writes the current contact.
func (c *chat) store(ctx context.Context) {
	row := c.contact
	row.Attributes = maps.Clone(c.contact.Attributes)
	if err := c.s.contacts.UpdateContact(ctx, &row); err != nil {
		c.s.log().Error("chat: update contact", slog.String("contact_id", string(row.ID)), slog.Any("err", err))
		return
	}
	c.contact.UpdatedAt = row.UpdatedAt
}

// agentJoined makes the agent the chat's agent and tells everyone.
func (c *chat) agentJoined(ctx context.Context, agent parley.UserID) {
	name := "Agent"
	if c.s.Users != nil {
		if u, err := c.s.Users.FindUserByID(ctx, agent); err == nil {
			name = u.Username
			if u.FirstName != "" {
				name = u.FirstName
			}
		}
	}
	c.agent = &participant{id: c.s.newID(), role: parley.ChatRoleAgent, userID: agent, name: name, rate: c.s.newBucket()}
	c.agents[agent] = true
	c.touch()
	c.event(ctx, c.agent, parley.ChatEventParticipantJoined, "")
	if c.sess != nil && c.sess.Wait != nil && (c.sess.Wait.Kind == flow.WaitQueue || c.sess.Wait.Kind == flow.WaitTransfer) {
		c.resume(ctx, flow.TransferResult(""))
	}
	c.sess = nil // the flow's part is over once an agent has the chat
	c.stopFlowTimer()
}

// agentLeft tells everyone the agent left and ends the agent's streams.
func (c *chat) agentLeft(ctx context.Context) {
	if c.agent == nil {
		return
	}
	c.event(ctx, c.agent, parley.ChatEventParticipantLeft, "")
	c.finishStreams(c.agent.userID)
	c.agent = nil
}

// end ends the chat. tellRouter says whether the router must still be told (false when the
// router ended the contact itself).
func (c *chat) end(ctx context.Context, reason parley.DisconnectReason, tellRouter bool) {
	if c.ended {
		return
	}
	switch reason {
	case parley.DisconnectCustomer:
		c.event(ctx, c.customer, parley.ChatEventParticipantLeft, "")
	case parley.DisconnectAgent:
		c.agentLeft(ctx)
	}
	c.event(ctx, nil, parley.ChatEventEnded, string(reason))
	c.ended = true
	c.stopFlowTimer()
	c.sess = nil
	if c.idle != nil {
		c.idle.Stop()
	}
	c.idleGen++
	c.finishStreams("")
	now := c.s.now()
	if c.contact.DisconnectReason == "" {
		c.contact.DisconnectReason = reason
		c.contact.DisconnectedAt = &now
	}
	if tellRouter && c.routed {
		if err := c.s.router.Disconnect(ctx, c.contact.ID, reason); err != nil && !benign(err) {
			c.s.log().Error("chat: disconnect", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
		}
	}
	if !c.routed {
		c.contact.State = parley.ContactCompleted // never reached the router: nothing more to wait for
	}
	c.s.clock().AfterFunc(c.s.endedRetention(), func() { c.s.forget(c) })
}

// attrs returns a copy of the contact's attributes.
func (c *chat) attrs() map[string]string {
	m := maps.Clone(c.contact.Attributes)
	if m == nil {
		m = map[string]string{}
	}
	return m
}
