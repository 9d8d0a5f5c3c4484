package parley

import (
	"context"
	"time"
)

// AgentEventType is the kind of an agent event, as in Amazon Connect's agent event streams.
type AgentEventType string

// Agent event types.
const (
	AgentLogin       AgentEventType = "LOGIN"
	AgentLogout      AgentEventType = "LOGOUT"
	AgentStateChange AgentEventType = "STATE_CHANGE"
	AgentHeartBeat   AgentEventType = "HEART_BEAT"
)

// AgentEvent records a change of an agent's state, with snapshots before and after.
type AgentEvent struct {
	ID        AgentEventID
	Seq       int64 // assigned by the store, increasing
	Type      AgentEventType
	Timestamp time.Time
	AgentID   UserID
	Current   *AgentSnapshot
	Previous  *AgentSnapshot
}

// AgentSnapshot is an agent's state at one moment.
type AgentSnapshot struct {
	Status           AgentSnapshotStatus
	NextStatus       string // the status chosen to take effect when the last contact clears
	RoutingProfileID RoutingProfileID
	Contacts         []AgentContactSnapshot
}

// AgentSnapshotStatus is the agent's status in a snapshot.
type AgentSnapshotStatus struct {
	ID             AgentStatusID
	Name           string
	Type           AgentStatusType
	StartTimestamp time.Time
}

// AgentContactSnapshot is one of the agent's contacts in a snapshot.
type AgentContactSnapshot struct {
	ContactID           ContactID
	Channel             Channel
	InitiationMethod    InitiationMethod
	State               ContactState
	StateStartTimestamp time.Time
	QueueID             QueueID
}

// AgentEventFilter narrows an agent event listing.
type AgentEventFilter struct {
	AgentID  UserID
	AfterSeq int64     // events with a greater sequence number
	Since    time.Time // at or after, when not zero
	Until    time.Time // before, when not zero
	Limit    int
}

// AgentEventService stores agent events.
type AgentEventService interface {
	// AppendAgentEvent stores e and sets e.Seq (and e.ID when empty). EInvalid.
	AppendAgentEvent(ctx context.Context, e *AgentEvent) error
	// FindAgentEvents lists events in sequence order.
	FindAgentEvents(ctx context.Context, filter AgentEventFilter) ([]*AgentEvent, error)
}
