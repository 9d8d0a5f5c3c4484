package parley

import (
	"context"
	"time"
)

// InitiationMethod says how a contact started, as in Amazon Connect's contact records.
type InitiationMethod string

// Initiation methods.
const (
	InitInbound       InitiationMethod = "INBOUND"
	InitOutbound      InitiationMethod = "OUTBOUND"
	InitTransfer      InitiationMethod = "TRANSFER"
	InitQueueTransfer InitiationMethod = "QUEUE_TRANSFER"
	InitCallback      InitiationMethod = "CALLBACK"
	InitAPI           InitiationMethod = "API"
	InitDisconnect    InitiationMethod = "DISCONNECT"
	InitMonitor       InitiationMethod = "MONITOR"
)

// ContactState is where a contact is in its life. The router owns the transitions between them.
type ContactState string

// Contact states. The agent-facing ones use Amazon Connect's names.
const (
	ContactInitiated       ContactState = "INITIATED"        // created, flow not started
	ContactInFlow          ContactState = "IN_FLOW"          // running its flow
	ContactQueued          ContactState = "QUEUED"           // waiting for an agent
	ContactIncoming        ContactState = "INCOMING"         // offered to an agent, ringing
	ContactConnecting      ContactState = "CONNECTING"       // accepted, media being set up
	ContactConnected       ContactState = "CONNECTED"        // with an agent
	ContactConnectedOnHold ContactState = "CONNECTED_ONHOLD" // with an agent, on hold
	ContactMissed          ContactState = "MISSED"           // the offer timed out
	ContactRejected        ContactState = "REJECTED"         // the agent rejected the offer
	ContactError           ContactState = "ERROR"            // the offer failed (e.g. phone unreachable)
	ContactEnded           ContactState = "ENDED"            // disconnected; the agent may be in ACW
	ContactCompleted       ContactState = "COMPLETED"        // after-contact work done; the CTR is final
)

// DisconnectReason says why a contact ended, as in Amazon Connect's contact records.
type DisconnectReason string

// Disconnect reasons.
const (
	DisconnectCustomer     DisconnectReason = "CUSTOMER_DISCONNECT"
	DisconnectAgent        DisconnectReason = "AGENT_DISCONNECT"
	DisconnectThirdParty   DisconnectReason = "THIRD_PARTY_DISCONNECT"
	DisconnectTelecom      DisconnectReason = "TELECOM_PROBLEM"
	DisconnectContactFlow  DisconnectReason = "CONTACT_FLOW_DISCONNECT"
	DisconnectOther        DisconnectReason = "OTHER"
	DisconnectExpired      DisconnectReason = "EXPIRED"
	DisconnectAPI          DisconnectReason = "API"
	DisconnectTransferred  DisconnectReason = "TRANSFERRED"
	DisconnectSystemDown   DisconnectReason = "SYSTEM_SHUTDOWN"
	DisconnectQueueTimeout DisconnectReason = "QUEUE_TIMEOUT"
)

// EndpointType is the kind of a contact's address.
type EndpointType string

// Endpoint types.
const (
	EndpointTelephone  EndpointType = "TELEPHONE_NUMBER"
	EndpointSIP        EndpointType = "SIP_URI"
	EndpointChat       EndpointType = "CHAT_PARTICIPANT"
	EndpointAgent      EndpointType = "AGENT"
	EndpointQueue      EndpointType = "QUEUE"
	EndpointContactAPI EndpointType = "API"
)

// Endpoint is an address of a contact's party.
type Endpoint struct {
	Type    EndpointType
	Address string
}

// Contact is one customer interaction on one channel, from initiation to completion. A transfer
// or a callback makes a new contact linked to the previous one.
type Contact struct {
	ID                ContactID
	InitialContactID  ContactID
	PreviousContactID ContactID
	NextContactID     ContactID
	Channel           Channel
	InitiationMethod  InitiationMethod
	State             ContactState
	Name              string // tasks: the task's name
	Description       string // tasks
	QueueID           QueueID
	AgentID           UserID
	CustomerEndpoint  *Endpoint
	SystemEndpoint    *Endpoint
	Attributes        map[string]string
	InitiatedAt       time.Time
	ScheduledAt       *time.Time // tasks and callbacks not to route before this time
	DisconnectedAt    *time.Time
	DisconnectReason  DisconnectReason
	UpdatedAt         time.Time
}

// ContactFilter narrows a contact listing.
type ContactFilter struct {
	States  []ContactState
	Channel Channel
	QueueID QueueID
	AgentID UserID
	Since   time.Time // initiated at or after, when not zero
	Until   time.Time // initiated before, when not zero
	Limit   int       // 0: no limit
}

// ContactService stores contacts as they live.
type ContactService interface {
	// CreateContact sets c.ID (when empty) and stores c. EInvalid, EConflict (ID taken).
	CreateContact(ctx context.Context, c *Contact) error
	// UpdateContact replaces a stored contact. ENotFound.
	UpdateContact(ctx context.Context, c *Contact) error
	// FindContactByID: ENotFound.
	FindContactByID(ctx context.Context, id ContactID) (*Contact, error)
	// FindContacts lists contacts in initiation order.
	FindContacts(ctx context.Context, filter ContactFilter) ([]*Contact, error)
}
