package api

import "time"

// Event is one message of the event stream (GET /v1/events, a websocket). Type is "contact" or
// "agent" with the matching field set, or "resync": events were lost (a slow connection or an
// overloaded server), so the client reloads its state over REST and reconnects with after=Seq.
type Event struct {
	Type      string        `json:"type"`
	Seq       int64         `json:"seq,omitempty"`
	ID        string        `json:"id,omitempty"`
	Timestamp time.Time     `json:"timestamp,omitzero"`
	Contact   *ContactEvent `json:"contact,omitempty"`
	Agent     *AgentEvent   `json:"agent,omitempty"`
}

// ContactEvent is a change of a contact: QUEUED, OFFERED, CONNECTED_TO_AGENT, DISCONNECTED, ...
type ContactEvent struct {
	Type              string    `json:"type"`
	Timestamp         time.Time `json:"timestamp"`
	ContactID         string    `json:"contactId"`
	InitialContactID  string    `json:"initialContactId,omitempty"`
	PreviousContactID string    `json:"previousContactId,omitempty"`
	NextContactID     string    `json:"nextContactId,omitempty"`
	Channel           string    `json:"channel"`
	InitiationMethod  string    `json:"initiationMethod,omitempty"`
	State             string    `json:"state"`
	QueueID           string    `json:"queueId,omitempty"`
	AgentID           string    `json:"agentId,omitempty"`
	DisconnectReason  string    `json:"disconnectReason,omitempty"`
}

// AgentEvent is a change of an agent: LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT.
type AgentEvent struct {
	ID        string         `json:"id,omitempty"`
	Seq       int64          `json:"seq,omitempty"`
	Type      string         `json:"type"`
	Timestamp time.Time      `json:"timestamp"`
	AgentID   string         `json:"agentId"`
	Current   *AgentSnapshot `json:"current,omitempty"`
	Previous  *AgentSnapshot `json:"previous,omitempty"`
}

// AgentSnapshot is an agent's state at one moment.
type AgentSnapshot struct {
	Status           AgentSnapshotStatus    `json:"status"`
	NextStatus       string                 `json:"nextStatus,omitempty"`
	RoutingProfileID string                 `json:"routingProfileId,omitempty"`
	Contacts         []AgentContactSnapshot `json:"contacts"`
}

// AgentSnapshotStatus is the agent's status in a snapshot.
type AgentSnapshotStatus struct {
	ID             string    `json:"id,omitempty"`
	Name           string    `json:"name"`
	Type           string    `json:"type"`
	StartTimestamp time.Time `json:"startTimestamp"`
}

// AgentContactSnapshot is one of the agent's contacts.
type AgentContactSnapshot struct {
	ContactID           string    `json:"contactId"`
	Channel             string    `json:"channel"`
	InitiationMethod    string    `json:"initiationMethod,omitempty"`
	State               string    `json:"state"`
	StateStartTimestamp time.Time `json:"stateStartTimestamp"`
	QueueID             string    `json:"queueId,omitempty"`
}

// LiveAgent is a logged-in agent: GET /v1/agent, GET /v1/agents, the agent session routes.
type LiveAgent struct {
	AgentID  string         `json:"agentId"`
	State    string         `json:"state"` // OFFLINE, AVAILABLE, CUSTOM, MISSED, ERROR
	Snapshot *AgentSnapshot `json:"snapshot"`
}

// SetStatusRequest is the body of PUT /v1/agent/status and PUT /v1/agents/{id}/status.
type SetStatusRequest struct {
	StatusID string `json:"statusId"`
}

// SetAttributesRequest is the body of PUT /v1/agent/contacts/{id}/attributes: attributes to
// merge into the contact (an empty value removes one), e.g. ACW notes and a disposition code.
type SetAttributesRequest struct {
	Attributes map[string]string `json:"attributes"`
}
