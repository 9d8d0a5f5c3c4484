package parley

import (
	"context"
	"encoding/json"
	"strings"
)

// EventStore persists the router's event stream so that clients can resume it after a
// disconnect or a restart. The store assigns the sequence numbers: they increase across
// restarts, unlike the router's own.
type EventStore interface {
	// AppendRoutingEvents stores events in order in one transaction and sets each one's Seq.
	AppendRoutingEvents(ctx context.Context, events []*RoutingEvent) error
	// FindRoutingEvents returns up to limit events with Seq > afterSeq, in order.
	FindRoutingEvents(ctx context.Context, afterSeq int64, limit int) ([]*RoutingEvent, error)
	// LastRoutingEventSeq returns the highest stored Seq (0 when none).
	LastRoutingEventSeq(ctx context.Context) (int64, error)
}

// RoutingStateStore keeps what the router needs to rebuild its queues after a restart: one
// opaque record per live contact (the router's own encoding), and the agents' last events.
type RoutingStateStore interface {
	// SaveRoutingContact upserts the record of a contact; open is false once the contact is
	// completed, and closed records are not returned by FindOpenRoutingContacts.
	SaveRoutingContact(ctx context.Context, id ContactID, open bool, record json.RawMessage) error
	// FindOpenRoutingContacts returns the records of contacts not completed, oldest first.
	FindOpenRoutingContacts(ctx context.Context) ([]json.RawMessage, error)
	// FindLastAgentEvents returns each agent's most recent agent event.
	FindLastAgentEvents(ctx context.Context) ([]*AgentEvent, error)
}

// AgentState is an agent's routing state, as the router sees it.
type AgentState string

// Agent states (docs/routing.md has the transitions).
const (
	AgentLoggedOut AgentState = "LOGGED_OUT"
	AgentOffline   AgentState = "OFFLINE"
	AgentAvailable AgentState = "AVAILABLE"
	AgentCustom    AgentState = "CUSTOM"
	AgentMissed    AgentState = "MISSED"
	AgentError     AgentState = "ERROR"
)

// LiveAgent is a logged-in agent as the router sees them.
type LiveAgent struct {
	AgentID  UserID
	State    AgentState
	Snapshot *AgentSnapshot
}

// AgentService is what an agent's client (the CCP) and a supervisor drive: going online,
// statuses, and the agent side of contacts. Implemented over the router.
type AgentService interface {
	// StartAgentSession logs the agent in to routing (they start Offline); when they already
	// are, it returns their state unchanged. EInvalid when the user has no routing profile.
	StartAgentSession(ctx context.Context, u *User) (*LiveAgent, error)
	// EndAgentSession logs the agent out. ENotFound when not logged in, EConflict while they
	// still have contacts.
	EndAgentSession(ctx context.Context, agent UserID) error
	// FindLiveAgent: ENotFound when not logged in.
	FindLiveAgent(ctx context.Context, agent UserID) (*LiveAgent, error)
	// FindLiveAgents lists the logged-in agents.
	FindLiveAgents(ctx context.Context) ([]*LiveAgent, error)
	// SetAgentStatus: ENotFound (agent, status), EConflict (illegal transition). While the
	// agent has contacts, OFFLINE and CUSTOM statuses become their next status.
	SetAgentStatus(ctx context.Context, agent UserID, status AgentStatusID) (*LiveAgent, error)
	// AcceptContact, RejectContact: ENotFound, EConflict (not offered to this agent).
	AcceptContact(ctx context.Context, agent UserID, id ContactID) error
	RejectContact(ctx context.Context, agent UserID, id ContactID) error
	// ClearContact ends after-contact work. ENotFound, EConflict.
	ClearContact(ctx context.Context, agent UserID, id ContactID) error
	// FindAgentContact returns a contact offered to or handled by agent (the screen pop).
	// ENotFound otherwise.
	FindAgentContact(ctx context.Context, agent UserID, id ContactID) (*Contact, error)
	// SetContactAttributes merges attributes into the agent's contact, as after-contact work
	// notes and disposition codes; an empty value removes a key. ENotFound (also once completed).
	SetContactAttributes(ctx context.Context, agent UserID, id ContactID, attrs map[string]string) error
}

// MaxAttributeKeyLength and MaxAttributeValueLength bound contact attributes set over the API
// (Amazon Connect allows 32 KB per value).
const (
	MaxAttributeKeyLength   = 127
	MaxAttributeValueLength = 32 * 1024
)

// ValidateAttributes checks attributes set from outside: keys 1 to MaxAttributeKeyLength
// characters, not starting with the reserved "parley:" prefix, values at most
// MaxAttributeValueLength bytes.
func ValidateAttributes(field string, attrs map[string]string) error {
	for k, v := range attrs {
		switch {
		case k == "" || len(k) > MaxAttributeKeyLength:
			return Invalidf(field, "key %q must be 1 to %d characters", k, MaxAttributeKeyLength)
		case strings.HasPrefix(k, "parley:"):
			return Invalidf(field, "key %q: keys starting with \"parley:\" are reserved", k)
		case len(v) > MaxAttributeValueLength:
			return Invalidf(field, "the value of %q is %d bytes; at most %d are allowed", k, len(v), MaxAttributeValueLength)
		}
	}
	return nil
}

type sessionKey struct{}

// NewContextWithSession returns a context carrying the signed-in session (set by the API
// boundary, read by adapters that serve the same request, such as the event stream).
func NewContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFromContext returns the context's session, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// ConfigVersioner tells caches of the configuration when it changed: the version moves on after
// every committed change (the store's writes of configuration entities).
type ConfigVersioner interface {
	ConfigVersion() uint64
}
