package parley

import (
	"context"
	"fmt"
	"time"
)

// QueueStatus says whether a queue takes contacts.
type QueueStatus string

// Queue statuses.
const (
	QueueEnabled  QueueStatus = "ENABLED"
	QueueDisabled QueueStatus = "DISABLED" // takes no new contacts
)

// MaxQueueContacts bounds a queue's capacity setting.
const MaxQueueContacts = 100000

// Queue is a standard queue where contacts wait for an agent. (Every agent also has a personal
// agent queue; those are implicit, owned by the router, and not stored here.)
type Queue struct {
	ID                 QueueID
	Name               string
	Description        string
	HoursOfOperationID HoursOfOperationID
	MaxContacts        int // 0: no limit; above it TransferContactToQueue takes QueueAtCapacity
	OutboundCallerName string
	OutboundCallerID   PhoneNumberID // caller ID for outbound calls from this queue; optional
	OutboundFlowID     FlowID        // outbound whisper flow; optional
	QuickConnectIDs    []QuickConnectID
	Status             QueueStatus
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Validate checks the queue's own fields and fills the default status.
func (q *Queue) Validate() error {
	if q.Status == "" {
		q.Status = QueueEnabled
	}
	return firstError(
		ValidateName("name", q.Name),
		ValidateDescription("description", q.Description),
		ValidateRequiredID("hoursOfOperationId", q.HoursOfOperationID),
		ValidateRange("maxContacts", q.MaxContacts, 0, MaxQueueContacts),
		ValidateDescription("outboundCallerName", q.OutboundCallerName),
		oneOf("status", q.Status, QueueEnabled, QueueDisabled),
		uniqueIDs("quickConnectIds", q.QuickConnectIDs),
	)
}

func uniqueIDs[T ~string](field string, ids []T) error {
	seen := make(map[T]bool, len(ids))
	for i, id := range ids {
		if id == "" {
			return Invalidf(fmt.Sprintf("%s[%d]", field, i), "is empty; an ID is required")
		}
		if seen[id] {
			return Invalidf(fmt.Sprintf("%s[%d]", field, i), "repeats %q, listed earlier", id)
		}
		seen[id] = true
	}
	return nil
}

// QueueService manages queues.
type QueueService interface {
	FindQueueByID(ctx context.Context, id QueueID) (*Queue, error)
	FindQueues(ctx context.Context) ([]*Queue, error)
	// CreateQueue: EInvalid (fields, unknown hours/phone number/quick connect, an outbound flow
	// that is not an OUTBOUND_WHISPER flow), EConflict (name).
	CreateQueue(ctx context.Context, q *Queue) error
	// UpdateQueue: ENotFound, EInvalid, EConflict (name).
	UpdateQueue(ctx context.Context, q *Queue) error
	// DeleteQueue: ENotFound; EConflict while a routing profile or quick connect uses it.
	DeleteQueue(ctx context.Context, id QueueID) error
}
