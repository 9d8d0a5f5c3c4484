package api

import (
	"encoding/json"
	"time"
)

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error describes what went wrong. Code is machine-readable: invalid, not_found, conflict,
// unauthorized, forbidden, unavailable, internal. Clients branch on Code, never on Message.
type Error struct {
	Code       string        `json:"code"`
	Message    string        `json:"message"`
	Field      string        `json:"field,omitempty"`      // the offending input field (invalid)
	Permission string        `json:"permission,omitempty"` // the missing permission (forbidden)
	Details    []ErrorDetail `json:"details,omitempty"`    // every problem, when there are several
}

// ErrorDetail is one problem among several.
type ErrorDetail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// LoginRequest is the body of POST /v1/auth/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse answers a successful login. Send Token as "Authorization: Bearer <token>".
type LoginResponse struct {
	Token       string    `json:"token"`
	ExpiresAt   time.Time `json:"expiresAt"`
	User        User      `json:"user"`
	Permissions []string  `json:"permissions"`
}

// Me answers GET /v1/me.
type Me struct {
	User        User      `json:"user"`
	Permissions []string  `json:"permissions"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

// List wraps every collection response.
type List[T any] struct {
	Items []T `json:"items"`
}

// User is a person who signs in.
type User struct {
	ID                 string    `json:"id,omitempty"`
	Username           string    `json:"username"`
	FirstName          string    `json:"firstName,omitempty"`
	LastName           string    `json:"lastName,omitempty"`
	Email              string    `json:"email,omitempty"`
	SecurityProfileIDs []string  `json:"securityProfileIds"`
	RoutingProfileID   string    `json:"routingProfileId,omitempty"`
	PhoneType          string    `json:"phoneType,omitempty"` // SOFT_PHONE (default) or DESK_PHONE
	DeskPhoneNumber    string    `json:"deskPhoneNumber,omitempty"`
	AutoAccept         bool      `json:"autoAccept,omitempty"`
	CreatedAt          time.Time `json:"createdAt,omitzero"`
	UpdatedAt          time.Time `json:"updatedAt,omitzero"`
}

// NewUser is the body of POST /v1/users: a user and their first password.
type NewUser struct {
	User
	Password string `json:"password"`
}

// PasswordRequest is the body of PUT /v1/users/{id}/password.
type PasswordRequest struct {
	Password string `json:"password"`
}

// SecurityProfile is a named set of permissions.
type SecurityProfile struct {
	ID          string    `json:"id,omitempty"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Permissions []string  `json:"permissions"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// AgentStatus is a status agents choose: ROUTABLE, CUSTOM or OFFLINE.
type AgentStatus struct {
	ID           string    `json:"id,omitempty"`
	Name         string    `json:"name"`
	Description  string    `json:"description,omitempty"`
	Type         string    `json:"type"`
	DisplayOrder int       `json:"displayOrder"`
	Enabled      bool      `json:"enabled"`
	CreatedAt    time.Time `json:"createdAt,omitzero"`
	UpdatedAt    time.Time `json:"updatedAt,omitzero"`
}

// TimeOfDay is a wall-clock time.
type TimeOfDay struct {
	Hours   int `json:"hours"`
	Minutes int `json:"minutes"`
}

// HoursRange is an interval on a weekday (SUNDAY ... SATURDAY).
type HoursRange struct {
	Day       string    `json:"day"`
	StartTime TimeOfDay `json:"startTime"`
	EndTime   TimeOfDay `json:"endTime"`
}

// TimeRange is an interval within a day.
type TimeRange struct {
	StartTime TimeOfDay `json:"startTime"`
	EndTime   TimeOfDay `json:"endTime"`
}

// HoursOverride replaces the weekly schedule on a span of dates.
type HoursOverride struct {
	Name          string      `json:"name"`
	Type          string      `json:"type"`          // OPEN or CLOSED
	EffectiveFrom string      `json:"effectiveFrom"` // YYYY-MM-DD
	EffectiveTill string      `json:"effectiveTill"` // YYYY-MM-DD
	Ranges        []TimeRange `json:"ranges,omitempty"`
}

// HoursOfOperation is a weekly schedule in a time zone.
type HoursOfOperation struct {
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	TimeZone    string          `json:"timeZone"`
	Config      []HoursRange    `json:"config"`
	Overrides   []HoursOverride `json:"overrides,omitempty"`
	CreatedAt   time.Time       `json:"createdAt,omitzero"`
	UpdatedAt   time.Time       `json:"updatedAt,omitzero"`
}

// Queue is where contacts wait for an agent.
type Queue struct {
	ID                 string    `json:"id,omitempty"`
	Name               string    `json:"name"`
	Description        string    `json:"description,omitempty"`
	HoursOfOperationID string    `json:"hoursOfOperationId"`
	MaxContacts        int       `json:"maxContacts,omitempty"`
	OutboundCallerName string    `json:"outboundCallerName,omitempty"`
	OutboundCallerID   string    `json:"outboundCallerId,omitempty"`
	OutboundFlowID     string    `json:"outboundFlowId,omitempty"`
	QuickConnectIDs    []string  `json:"quickConnectIds,omitempty"`
	Status             string    `json:"status,omitempty"` // ENABLED (default) or DISABLED
	CreatedAt          time.Time `json:"createdAt,omitzero"`
	UpdatedAt          time.Time `json:"updatedAt,omitzero"`
}

// MediaConcurrency is how many contacts of one channel an agent handles at once.
type MediaConcurrency struct {
	Channel              string `json:"channel"`
	Concurrency          int    `json:"concurrency"`
	CrossChannelBehavior string `json:"crossChannelBehavior,omitempty"`
}

// RoutingProfileQueue puts one queue's contacts of one channel in a routing profile.
type RoutingProfileQueue struct {
	QueueID  string `json:"queueId"`
	Channel  string `json:"channel"`
	Priority int    `json:"priority"`
	Delay    int    `json:"delay"`
}

// RoutingProfile decides which contacts an agent is offered.
type RoutingProfile struct {
	ID                        string                `json:"id,omitempty"`
	Name                      string                `json:"name"`
	Description               string                `json:"description,omitempty"`
	MediaConcurrencies        []MediaConcurrency    `json:"mediaConcurrencies"`
	Queues                    []RoutingProfileQueue `json:"queues"`
	DefaultOutboundQueueID    string                `json:"defaultOutboundQueueId"`
	AfterContactWorkTimeLimit int                   `json:"afterContactWorkTimeLimit,omitempty"`
	CreatedAt                 time.Time             `json:"createdAt,omitzero"`
	UpdatedAt                 time.Time             `json:"updatedAt,omitzero"`
}

// QuickConnect is a transfer destination: USER, QUEUE or PHONE_NUMBER.
type QuickConnect struct {
	ID          string    `json:"id,omitempty"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Type        string    `json:"type"`
	UserID      string    `json:"userId,omitempty"`
	QueueID     string    `json:"queueId,omitempty"`
	FlowID      string    `json:"flowId,omitempty"`
	PhoneNumber string    `json:"phoneNumber,omitempty"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// PhoneNumber is a number the instance answers, mapped to an inbound flow.
type PhoneNumber struct {
	ID          string    `json:"id,omitempty"`
	Number      string    `json:"number"`
	Description string    `json:"description,omitempty"`
	FlowID      string    `json:"flowId,omitempty"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// Flow is a contact flow in the Amazon Connect Flow language. Content is the draft.
type Flow struct {
	ID               string    `json:"id,omitempty"`
	Name             string    `json:"name"`
	Description      string    `json:"description,omitempty"`
	Type             string    `json:"type"`
	Content          string    `json:"content"`
	PublishedVersion int       `json:"publishedVersion,omitempty"`
	CreatedAt        time.Time `json:"createdAt,omitzero"`
	UpdatedAt        time.Time `json:"updatedAt,omitzero"`
}

// FlowVersion is a published, immutable version of a flow.
type FlowVersion struct {
	FlowID      string    `json:"flowId"`
	Version     int       `json:"version"`
	Content     string    `json:"content"`
	PublishedAt time.Time `json:"publishedAt"`
	PublishedBy string    `json:"publishedBy,omitempty"`
}

// Prompt is a reusable message: TEXT (plain or SSML) or AUDIO (an uploaded WAV).
type Prompt struct {
	ID          string    `json:"id,omitempty"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Type        string    `json:"type"`
	Text        string    `json:"text,omitempty"`
	AudioFile   string    `json:"audioFile,omitempty"` // read-only
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// ExternalFunction is an HTTP(S) endpoint flows call. Secret is write-only: responses omit it.
type ExternalFunction struct {
	ID             string    `json:"id,omitempty"`
	Name           string    `json:"name"`
	Description    string    `json:"description,omitempty"`
	URL            string    `json:"url"`
	Secret         string    `json:"secret,omitempty"`
	TimeoutSeconds int       `json:"timeoutSeconds,omitempty"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
}

// AuditEntry records one administrative change. Before and After are the entity's stored form.
type AuditEntry struct {
	ID            string          `json:"id"`
	Seq           int64           `json:"seq"`
	Time          time.Time       `json:"time"`
	ActorID       string          `json:"actorId,omitempty"`
	ActorUsername string          `json:"actorUsername"`
	Action        string          `json:"action"`
	EntityType    string          `json:"entityType"`
	EntityID      string          `json:"entityId,omitempty"`
	EntityName    string          `json:"entityName,omitempty"`
	Before        json.RawMessage `json:"before,omitempty"`
	After         json.RawMessage `json:"after,omitempty"`
}

// Health answers GET /v1/health.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// FlowRollbackRequest is the body of POST /v1/flows/{id}/rollback.
type FlowRollbackRequest struct {
	Version int `json:"version"`
}

// Endpoint is an address of a contact's party.
type Endpoint struct {
	Type    string `json:"type"` // TELEPHONE_NUMBER, SIP_URI, CHAT_PARTICIPANT, AGENT, QUEUE, API
	Address string `json:"address"`
}

// Contact is one customer interaction on one channel.
type Contact struct {
	ID                string            `json:"id"`
	InitialContactID  string            `json:"initialContactId,omitempty"`
	PreviousContactID string            `json:"previousContactId,omitempty"`
	NextContactID     string            `json:"nextContactId,omitempty"`
	Channel           string            `json:"channel"`
	InitiationMethod  string            `json:"initiationMethod"`
	State             string            `json:"state"`
	Name              string            `json:"name,omitempty"`
	Description       string            `json:"description,omitempty"`
	QueueID           string            `json:"queueId,omitempty"`
	AgentID           string            `json:"agentId,omitempty"`
	CustomerEndpoint  *Endpoint         `json:"customerEndpoint,omitempty"`
	SystemEndpoint    *Endpoint         `json:"systemEndpoint,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
	InitiatedAt       time.Time         `json:"initiatedAt"`
	ScheduledAt       *time.Time        `json:"scheduledAt,omitempty"`
	DisconnectedAt    *time.Time        `json:"disconnectedAt,omitempty"`
	DisconnectReason  string            `json:"disconnectReason,omitempty"`
	UpdatedAt         time.Time         `json:"updatedAt"`
}

// CTR is a contact trace record, after Amazon Connect's contact record data model.
type CTR struct {
	ContactID                  string            `json:"contactId"`
	InitialContactID           string            `json:"initialContactId,omitempty"`
	PreviousContactID          string            `json:"previousContactId,omitempty"`
	NextContactID              string            `json:"nextContactId,omitempty"`
	Channel                    string            `json:"channel"`
	InitiationMethod           string            `json:"initiationMethod"`
	InitiationTimestamp        time.Time         `json:"initiationTimestamp"`
	ConnectedToSystemTimestamp *time.Time        `json:"connectedToSystemTimestamp,omitempty"`
	Queue                      *CTRQueue         `json:"queue,omitempty"`
	Agent                      *CTRAgent         `json:"agent,omitempty"`
	CustomerEndpoint           *Endpoint         `json:"customerEndpoint,omitempty"`
	SystemEndpoint             *Endpoint         `json:"systemEndpoint,omitempty"`
	TransferredToEndpoint      *Endpoint         `json:"transferredToEndpoint,omitempty"`
	DisconnectTimestamp        *time.Time        `json:"disconnectTimestamp,omitempty"`
	DisconnectReason           string            `json:"disconnectReason,omitempty"`
	Attributes                 map[string]string `json:"attributes,omitempty"`
	Recording                  *CTRRecording     `json:"recording,omitempty"`
	LastUpdateTimestamp        time.Time         `json:"lastUpdateTimestamp"`
}

// CTRQueue is the queue part of a CTR; durations in seconds.
type CTRQueue struct {
	ID               string     `json:"id"`
	Name             string     `json:"name,omitempty"`
	EnqueueTimestamp time.Time  `json:"enqueueTimestamp"`
	DequeueTimestamp *time.Time `json:"dequeueTimestamp,omitempty"`
	Duration         int        `json:"duration"`
}

// CTRAgent is the agent part of a CTR; durations in seconds.
type CTRAgent struct {
	ID                             string     `json:"id"`
	Username                       string     `json:"username,omitempty"`
	RoutingProfileID               string     `json:"routingProfileId,omitempty"`
	RoutingProfileName             string     `json:"routingProfileName,omitempty"`
	ConnectedToAgentTimestamp      *time.Time `json:"connectedToAgentTimestamp,omitempty"`
	AgentInteractionDuration       int        `json:"agentInteractionDuration"`
	NumberOfHolds                  int        `json:"numberOfHolds"`
	CustomerHoldDuration           int        `json:"customerHoldDuration"`
	LongestHoldDuration            int        `json:"longestHoldDuration"`
	AfterContactWorkStartTimestamp *time.Time `json:"afterContactWorkStartTimestamp,omitempty"`
	AfterContactWorkEndTimestamp   *time.Time `json:"afterContactWorkEndTimestamp,omitempty"`
	AfterContactWorkDuration       int        `json:"afterContactWorkDuration"`
}

// CTRRecording points at a contact's recording.
type CTRRecording struct {
	Location string `json:"location"`
	Status   string `json:"status"`
	Type     string `json:"type"`
}

// FlowLogEntry is one executed flow action of a contact.
type FlowLogEntry struct {
	Seq       int64             `json:"seq"`
	ContactID string            `json:"contactId"`
	Time      time.Time         `json:"time"`
	FlowID    string            `json:"flowId,omitempty"`
	ActionID  string            `json:"actionId,omitempty"`
	Type      string            `json:"type,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Result    string            `json:"result,omitempty"`
	Error     string            `json:"error,omitempty"`
}
