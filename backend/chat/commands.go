package chat

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// MaxAttributesBytes bounds a chat's initial attributes, keys and values together (Connect: 32 KB).
const MaxAttributesBytes = 32 * 1024

// MaxClientIDLength bounds the client's own message IDs.
const MaxClientIDLength = 64

// typingInterval: at most one TYPING event per participant per interval is relayed.
const typingInterval = time.Second

// reservedPrefix starts the attribute keys Parley keeps for itself.
const reservedPrefix = "parley:"

// StartRequest starts a chat (Amazon Connect's StartChatContact).
type StartRequest struct {
	// FlowID is the flow to run; empty: the instance's default chat flow.
	FlowID string `json:"flowId,omitempty"`
	// DisplayName is the customer's name as the agent sees it. Required.
	DisplayName string `json:"displayName"`
	// Attributes are the contact's initial attributes ($.Attributes in the flow).
	Attributes map[string]string `json:"attributes,omitempty"`
	// InitialMessage, when set, is the customer's first message.
	InitialMessage string `json:"initialMessage,omitempty"`
}

// StartResponse identifies the new chat and authorises its customer.
type StartResponse struct {
	ContactID     string `json:"contactId"`
	ParticipantID string `json:"participantId"`
	// ParticipantToken authorises the customer's connection, attachments and transcript.
	// Keep it secret; it is valid until the chat ended and EndedRetention passed.
	ParticipantToken string `json:"participantToken"`
}

func (s *Service) validateStart(req *StartRequest) error {
	name := strings.TrimSpace(req.DisplayName)
	switch {
	case name == "":
		return parley.Invalidf("displayName", "is required: the customer's name as the agent sees it")
	case utf8.RuneCountInString(name) > parley.MaxChatDisplayName:
		return parley.Invalidf("displayName", "is %d characters; at most %d are allowed", utf8.RuneCountInString(name), parley.MaxChatDisplayName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return parley.Invalidf("displayName", "must not contain control characters")
	}
	req.DisplayName = name
	size := 0
	for k, v := range req.Attributes {
		switch {
		case k == "":
			return parley.Invalidf("attributes", "has an empty key")
		case strings.HasPrefix(k, reservedPrefix):
			return parley.Invalidf("attributes."+k, "keys starting with %q are reserved", reservedPrefix)
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return parley.Invalidf("attributes."+k, "must be valid UTF-8")
		}
		size += len(k) + len(v)
	}
	if size > MaxAttributesBytes {
		return parley.Invalidf("attributes", "hold %d bytes; at most %d are allowed", size, MaxAttributesBytes)
	}
	if req.InitialMessage != "" {
		if err := s.checkText("initialMessage", req.InitialMessage); err != nil {
			return err
		}
	}
	return nil
}

// checkText validates a message.
func (s *Service) checkText(field, text string) error {
	if strings.TrimSpace(text) == "" {
		return parley.Invalidf(field, "is empty; a message needs some text")
	}
	if !utf8.ValidString(text) {
		return parley.Invalidf(field, "must be valid UTF-8")
	}
	if n, max := utf8.RuneCountInString(text), s.maxMessageLength(); n > max {
		return parley.Invalidf(field, "is %d characters; at most %d are allowed", n, max)
	}
	return nil
}

// StartChat creates a chat contact, runs its flow until the flow waits, and returns the
// customer's credentials. EInvalid (a field; an unknown or unpublished flow, or no flow and no
// default), ETooMany is the HTTP layer's (per address).
func (s *Service) StartChat(ctx context.Context, req StartRequest) (*StartResponse, error) {
	if err := s.validateStart(&req); err != nil {
		return nil, err
	}
	flowID := parley.FlowID(req.FlowID)
	if flowID == "" {
		flowID = s.DefaultFlowID
	}
	if flowID == "" {
		return nil, parley.Invalidf("flowId", "is required: no default chat flow is configured")
	}
	content, err := s.flows.PublishedFlowContent(ctx, flowID)
	if err != nil {
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			return nil, parley.Invalidf("flowId", "flow %q not found", flowID)
		}
		return nil, err
	}
	def, err := flow.Parse([]byte(content))
	if err != nil {
		return nil, parley.Invalidf("flowId", "flow %q cannot run: %v", flowID, err)
	}
	def.ID = string(flowID)

	now := s.now()
	id := parley.ContactID(s.newID())
	token, hash := newToken()
	c := &chat{
		s: s, id: id, contactIDs: []parley.ContactID{id},
		contact: parley.Contact{
			ID: id, InitialContactID: id, Channel: parley.ChannelChat, InitiationMethod: parley.InitAPI,
			State: parley.ContactInFlow, Attributes: req.Attributes, InitiatedAt: now,
			CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointChat, Address: req.DisplayName},
		},
		customer: &participant{id: s.newID(), role: parley.ChatRoleCustomer, name: req.DisplayName, tokenHash: hash, rate: s.newBucket()},
		agents:   map[parley.UserID]bool{},
		streams:  map[*stream]bool{},
		clients:  map[string]*parley.ChatItem{},
	}
	row := c.contact
	if err := s.contacts.CreateContact(ctx, &row); err != nil {
		return nil, fmt.Errorf("store chat contact: %w", err)
	}
	c.contact.UpdatedAt = row.UpdatedAt
	c.mu.Lock()
	defer c.mu.Unlock()
	s.mu.Lock()
	s.byContact[id] = c
	s.byToken[hash] = c
	s.mu.Unlock()
	c.touch()
	c.event(ctx, c.customer, parley.ChatEventParticipantJoined, "")
	if req.InitialMessage != "" {
		if err := c.post(ctx, &parley.ChatItem{Type: parley.ChatItemMessage, ParticipantID: c.customer.id,
			ParticipantRole: parley.ChatRoleCustomer, DisplayName: c.customer.name, Content: req.InitialMessage}); err != nil {
			return nil, err
		}
	}
	c.startFlow(ctx, def)
	c.store(ctx)
	return &StartResponse{ContactID: string(id), ParticipantID: c.customer.id, ParticipantToken: token}, nil
}

// send posts a participant's message or attachment item after the checks every sender gets.
// The caller holds c.mu.
func (c *chat) send(ctx context.Context, p *participant, it *parley.ChatItem) (*parley.ChatItem, error) {
	if c.ended {
		return nil, parley.Conflictf("the chat has ended")
	}
	if it.ClientID != "" {
		if prev := c.clients[p.id+"\x00"+it.ClientID]; prev != nil {
			return prev, nil // a resend: it is already in the chat
		}
	}
	if !p.rate.take(c.s.now()) {
		return nil, parley.Errorf(parley.ETooMany, "too many messages; wait a moment and send again")
	}
	it.ParticipantID, it.ParticipantRole, it.UserID, it.DisplayName = p.id, p.role, p.userID, p.name
	// Activity counts from now, before the item reaches anyone: whoever sees it and then reads
	// the clock finds the idle time already restarted.
	c.touch()
	if err := c.post(ctx, it); err != nil {
		return nil, err
	}
	if it.ClientID != "" {
		c.clients[p.id+"\x00"+it.ClientID] = it
	}
	return it, nil
}

func checkClientID(id string) error {
	if len(id) > MaxClientIDLength {
		return parley.Invalidf("clientId", "is %d bytes; at most %d are allowed", len(id), MaxClientIDLength)
	}
	return nil
}

// message posts a message from p (customer or agent).
func (c *chat) message(ctx context.Context, p *participant, text, clientID string) (*parley.ChatItem, error) {
	if err := c.s.checkText("content", text); err != nil {
		return nil, err
	}
	if err := checkClientID(clientID); err != nil {
		return nil, err
	}
	it, err := c.send(ctx, p, &parley.ChatItem{Type: parley.ChatItemMessage, Content: text, ClientID: clientID})
	if err != nil {
		return nil, err
	}
	if p.role == parley.ChatRoleCustomer && c.customerText(ctx, text) {
		c.store(ctx) // the flow ran: attributes, queue, state may have changed
	}
	return it, nil
}

// sendEvent posts TYPING or a receipt from p.
func (c *chat) sendEvent(ctx context.Context, p *participant, ev parley.ChatEventType, messageID int64) error {
	if c.ended {
		return parley.Conflictf("the chat has ended")
	}
	switch ev {
	case parley.ChatEventTyping:
		now := c.s.now()
		if !p.lastTyped.IsZero() && now.Sub(p.lastTyped) < typingInterval {
			return nil // one typing event a second is plenty
		}
		p.lastTyped = now
		return c.post(ctx, &parley.ChatItem{Type: parley.ChatItemEvent, Event: ev,
			ParticipantID: p.id, ParticipantRole: p.role, UserID: p.userID, DisplayName: p.name})
	case parley.ChatEventMessageRead, parley.ChatEventMessageDelivered:
		if messageID < 1 || messageID > int64(len(c.items)) {
			return parley.Invalidf("messageId", "is %d; it must be the ID of an item of this chat (1 to %d)", messageID, len(c.items))
		}
		last := &p.read
		if ev == parley.ChatEventMessageDelivered {
			last = &p.delivered
		}
		if messageID <= *last {
			return nil // already said
		}
		*last = messageID
		return c.post(ctx, &parley.ChatItem{Type: parley.ChatItemEvent, Event: ev, MessageID: messageID,
			ParticipantID: p.id, ParticipantRole: p.role, UserID: p.userID, DisplayName: p.name})
	}
	return parley.Invalidf("event", "is %q; must be one of TYPING, MESSAGE_DELIVERED, MESSAGE_READ", ev)
}

// attach stores an attachment read from r and posts it from p.
func (s *Service) attach(ctx context.Context, c *chat, p *participant, name string, r io.Reader) (*parley.ChatItem, error) {
	c.mu.Lock()
	ended := c.ended
	c.mu.Unlock()
	if ended {
		return nil, parley.Conflictf("the chat has ended")
	}
	att, err := s.files.save(c.id, s.newID(), name, r, s.maxAttachmentBytes())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.role == parley.ChatRoleAgent && c.agent != p {
		s.files.remove(c.id, att.ID)
		return nil, parley.Conflictf("the chat is no longer with you")
	}
	it, err := c.send(ctx, p, &parley.ChatItem{Type: parley.ChatItemAttachment, Attachment: att})
	if err != nil {
		s.files.remove(c.id, att.ID)
		return nil, err
	}
	return it, nil
}

// agentChat returns the chat of a contact connected to the agent, locked.
func (s *Service) agentChat(ctx context.Context, agent parley.UserID, id parley.ContactID) (*chat, error) {
	c := s.chatByContact(id)
	if c == nil {
		row, err := s.contacts.FindContactByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if row.Channel != parley.ChannelChat {
			return nil, parley.NotFoundf("contact %q is not a chat", id)
		}
		return nil, parley.Conflictf("the chat of contact %q has ended", id)
	}
	c.mu.Lock()
	switch {
	case c.contact.ID != id:
		c.mu.Unlock()
		return nil, parley.Conflictf("contact %q was transferred; the chat continues on contact %q", id, c.contact.ID)
	case c.ended:
		c.mu.Unlock()
		return nil, parley.Conflictf("the chat of contact %q has ended", id)
	case c.agent == nil || c.agent.userID != agent:
		c.mu.Unlock()
		return nil, parley.Conflictf("contact %q is not connected to you", id)
	}
	return c, nil
}

// SendChatMessage implements parley.ChatService.
func (s *Service) SendChatMessage(ctx context.Context, agent parley.UserID, id parley.ContactID, content, clientID string) (*parley.ChatItem, error) {
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	return c.message(ctx, c.agent, content, clientID)
}

// SendChatEvent implements parley.ChatService.
func (s *Service) SendChatEvent(ctx context.Context, agent parley.UserID, id parley.ContactID, event parley.ChatEventType, messageID int64) error {
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.sendEvent(ctx, c.agent, event, messageID)
}

// SendChatAttachment implements parley.ChatService.
func (s *Service) SendChatAttachment(ctx context.Context, agent parley.UserID, id parley.ContactID, name string, r io.Reader) (*parley.ChatItem, error) {
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return nil, err
	}
	p := c.agent
	c.mu.Unlock()
	return s.attach(ctx, c, p, name, r)
}

// TransferChat implements parley.ChatService.
func (s *Service) TransferChat(ctx context.Context, agent parley.UserID, id parley.ContactID, to parley.ChatTransfer) (parley.ContactID, error) {
	q, err := s.transferQueue(ctx, to)
	if err != nil {
		return "", err
	}
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return "", err
	}
	defer c.mu.Unlock()
	newID, err := s.router.Transfer(ctx, id, q)
	if err != nil {
		return "", err
	}
	method := parley.InitQueueTransfer
	if _, ok := routing.AgentOfQueue(q); ok {
		method = parley.InitTransfer
	}
	c.agentLeft(ctx)
	old := c.contact
	c.contact = parley.Contact{
		ID: newID, InitialContactID: c.id, PreviousContactID: old.ID, Channel: parley.ChannelChat,
		InitiationMethod: method, State: parley.ContactQueued, QueueID: q, Attributes: c.attrs(),
		CustomerEndpoint: old.CustomerEndpoint, InitiatedAt: s.now(),
	}
	c.contactIDs = append(c.contactIDs, newID)
	s.mu.Lock()
	s.byContact[newID] = c
	s.mu.Unlock()
	row := c.contact
	if err := s.contacts.CreateContact(ctx, &row); err != nil {
		s.log().Error("chat: store transferred contact", "contact_id", string(newID), "err", err)
	}
	c.contact.UpdatedAt = row.UpdatedAt
	c.touch()
	c.event(ctx, nil, parley.ChatEventTransferred, "")
	return newID, nil
}

// transferQueue resolves a transfer target to a queue (an agent's personal queue for agents).
func (s *Service) transferQueue(ctx context.Context, to parley.ChatTransfer) (parley.QueueID, error) {
	n := 0
	for _, set := range []bool{to.QueueID != "", to.AgentID != "", to.QuickConnectID != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return "", parley.Invalidf("queueId", "give exactly one of queueId, agentId and quickConnectId")
	}
	switch {
	case to.QueueID != "":
		if _, ok := routing.AgentOfQueue(to.QueueID); ok {
			return "", parley.Invalidf("queueId", "is an agent's queue; use agentId")
		}
		return to.QueueID, nil
	case to.AgentID != "":
		return routing.AgentQueueID(to.AgentID), nil
	}
	if s.QuickConnects == nil {
		return "", parley.Invalidf("quickConnectId", "quick connects are not available")
	}
	qc, err := s.QuickConnects.FindQuickConnectByID(ctx, to.QuickConnectID)
	if err != nil {
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			return "", parley.Invalidf("quickConnectId", "quick connect %q not found", to.QuickConnectID)
		}
		return "", err
	}
	switch qc.Type {
	case parley.QuickConnectQueue:
		return qc.QueueID, nil
	case parley.QuickConnectUser:
		return routing.AgentQueueID(qc.UserID), nil
	}
	return "", parley.Invalidf("quickConnectId", "quick connect %q is a %s; a chat goes to a QUEUE or USER quick connect", qc.Name, qc.Type)
}

// EndChat implements parley.ChatService.
func (s *Service) EndChat(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return err
	}
	defer c.mu.Unlock()
	c.end(ctx, parley.DisconnectAgent, true)
	c.store(ctx)
	return nil
}

// SubscribeChat implements parley.ChatService.
func (s *Service) SubscribeChat(ctx context.Context, agent parley.UserID, id parley.ContactID, after int64) (parley.ChatStream, error) {
	c, err := s.agentChat(ctx, agent, id)
	if err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	return c.subscribe(after, c.agent), nil
}

// chatOf finds the chat (its initial contact) a contact belongs to, live or stored.
func (s *Service) chatOf(ctx context.Context, id parley.ContactID) (parley.ContactID, error) {
	if c := s.chatByContact(id); c != nil {
		return c.id, nil
	}
	row, err := s.contacts.FindContactByID(ctx, id)
	if err != nil {
		return "", err
	}
	if row.Channel != parley.ChannelChat {
		return "", parley.NotFoundf("contact %q is not a chat", id)
	}
	if row.InitialContactID != "" {
		return row.InitialContactID, nil
	}
	return row.ID, nil
}

// visible loads the chat's transcript and checks the viewer may see it.
func (s *Service) visible(ctx context.Context, viewer parley.ChatViewer, id parley.ContactID) (*parley.ChatTranscript, error) {
	chatID, err := s.chatOf(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := s.transcripts.FindChatItems(ctx, chatID, 0, 0)
	if err != nil {
		return nil, err
	}
	if !viewer.Any && !slices.ContainsFunc(items, func(it *parley.ChatItem) bool {
		return it.ParticipantRole == parley.ChatRoleAgent && it.Event == parley.ChatEventParticipantJoined && it.UserID == viewer.UserID
	}) {
		return nil, &parley.Error{Code: parley.EForbidden, Permission: parley.PermContactSearchView,
			Message: "you were not an agent of this chat; other chats need permission " + string(parley.PermContactSearchView)}
	}
	return &parley.ChatTranscript{ChatID: chatID, Items: items}, nil
}

// ChatTranscript implements parley.ChatService.
func (s *Service) ChatTranscript(ctx context.Context, viewer parley.ChatViewer, id parley.ContactID) (*parley.ChatTranscript, error) {
	return s.visible(ctx, viewer, id)
}

// OpenChatAttachment implements parley.ChatService.
func (s *Service) OpenChatAttachment(ctx context.Context, viewer parley.ChatViewer, id parley.ContactID, attachmentID string) (*parley.ChatAttachment, io.ReadCloser, error) {
	tr, err := s.visible(ctx, viewer, id)
	if err != nil {
		return nil, nil, err
	}
	return s.files.open(tr.ChatID, attachmentID)
}
