package parley

import (
	"context"
	"time"
)

// CTR is a contact trace record, shaped after Amazon Connect's contact record data model. There
// is one per contact; a contact transferred to another agent gets a new contact and a new CTR,
// linked by PreviousContactID / NextContactID.
type CTR struct {
	ContactID                  ContactID
	InitialContactID           ContactID
	PreviousContactID          ContactID
	NextContactID              ContactID
	Channel                    Channel
	InitiationMethod           InitiationMethod
	InitiationTimestamp        time.Time
	ConnectedToSystemTimestamp *time.Time
	Queue                      *CTRQueue
	Agent                      *CTRAgent
	CustomerEndpoint           *Endpoint
	SystemEndpoint             *Endpoint
	TransferredToEndpoint      *Endpoint
	DisconnectTimestamp        *time.Time
	DisconnectReason           DisconnectReason
	Attributes                 map[string]string
	Recording                  *CTRRecording
	LastUpdateTimestamp        time.Time
}

// CTRQueue is the queue part of a CTR.
type CTRQueue struct {
	ID               QueueID
	Name             string
	EnqueueTimestamp time.Time
	DequeueTimestamp *time.Time
	Duration         int // seconds in queue
}

// CTRAgent is the agent part of a CTR.
type CTRAgent struct {
	ID                             UserID
	Username                       string
	RoutingProfileID               RoutingProfileID
	RoutingProfileName             string
	ConnectedToAgentTimestamp      *time.Time
	AgentInteractionDuration       int // seconds
	NumberOfHolds                  int
	CustomerHoldDuration           int // seconds
	LongestHoldDuration            int // seconds
	AfterContactWorkStartTimestamp *time.Time
	AfterContactWorkEndTimestamp   *time.Time
	AfterContactWorkDuration       int // seconds
}

// CTRRecording points at a contact's recording.
type CTRRecording struct {
	Location string // path relative to the data directory
	Status   string // AVAILABLE, DELETED
	Type     string // AUDIO
}

// CTRFilter narrows a CTR listing, by initiation time.
type CTRFilter struct {
	Since   time.Time // initiated at or after, when not zero
	Until   time.Time // initiated before, when not zero
	Channel Channel
	QueueID QueueID
	AgentID UserID
	Limit   int
}

// CTRService stores contact trace records.
type CTRService interface {
	// SaveCTR inserts or replaces the record of r.ContactID. EInvalid without a ContactID.
	SaveCTR(ctx context.Context, r *CTR) error
	// FindCTR: ENotFound.
	FindCTR(ctx context.Context, id ContactID) (*CTR, error)
	// FindCTRs lists records by initiation time.
	FindCTRs(ctx context.Context, filter CTRFilter) ([]*CTR, error)
}
