package parley

import (
	"context"
	"time"
)

// QuickConnectType says where a quick connect transfers to.
type QuickConnectType string

// Quick connect types, as in Amazon Connect.
const (
	QuickConnectUser        QuickConnectType = "USER"
	QuickConnectQueue       QuickConnectType = "QUEUE"
	QuickConnectPhoneNumber QuickConnectType = "PHONE_NUMBER"
)

// QuickConnect is a transfer destination agents pick from a list.
type QuickConnect struct {
	ID          QuickConnectID
	Name        string
	Description string
	Type        QuickConnectType
	UserID      UserID  // for USER
	QueueID     QueueID // for QUEUE
	FlowID      FlowID  // transfer flow for USER and QUEUE; optional
	PhoneNumber string  // for PHONE_NUMBER
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks that exactly the fields of the quick connect's type are set.
func (q *QuickConnect) Validate() error {
	if err := firstError(
		ValidateName("name", q.Name),
		ValidateDescription("description", q.Description),
		oneOf("type", q.Type, QuickConnectUser, QuickConnectQueue, QuickConnectPhoneNumber),
	); err != nil {
		return err
	}
	switch q.Type {
	case QuickConnectUser:
		if q.UserID == "" {
			return Invalidf("userId", "is required for a USER quick connect")
		}
		if q.QueueID != "" || q.PhoneNumber != "" {
			return Invalidf("type", "a USER quick connect takes userId and flowId only")
		}
	case QuickConnectQueue:
		if q.QueueID == "" {
			return Invalidf("queueId", "is required for a QUEUE quick connect")
		}
		if q.UserID != "" || q.PhoneNumber != "" {
			return Invalidf("type", "a QUEUE quick connect takes queueId and flowId only")
		}
	case QuickConnectPhoneNumber:
		if err := ValidatePhoneNumber("phoneNumber", q.PhoneNumber); err != nil {
			return err
		}
		if q.UserID != "" || q.QueueID != "" || q.FlowID != "" {
			return Invalidf("type", "a PHONE_NUMBER quick connect takes phoneNumber only")
		}
	}
	return nil
}

// QuickConnectService manages quick connects.
type QuickConnectService interface {
	FindQuickConnectByID(ctx context.Context, id QuickConnectID) (*QuickConnect, error)
	FindQuickConnects(ctx context.Context) ([]*QuickConnect, error)
	// CreateQuickConnect: EInvalid (fields, unknown user/queue/flow; the flow must be an
	// AGENT_TRANSFER flow for USER and a QUEUE_TRANSFER flow for QUEUE), EConflict (name).
	CreateQuickConnect(ctx context.Context, q *QuickConnect) error
	// UpdateQuickConnect: ENotFound, EInvalid, EConflict (name).
	UpdateQuickConnect(ctx context.Context, q *QuickConnect) error
	// DeleteQuickConnect: ENotFound; EConflict while a queue lists it.
	DeleteQuickConnect(ctx context.Context, id QuickConnectID) error
}
