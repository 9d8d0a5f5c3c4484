package parley

import (
	"context"
	"time"
)

// PhoneNumber is a number the instance answers. An INVITE whose Request-URI user part equals
// Number starts a voice contact running FlowID.
type PhoneNumber struct {
	ID          PhoneNumberID
	Number      string // E.164 (+442071838750) or a local number (2 to 15 digits)
	Description string
	FlowID      FlowID // the inbound flow; empty: calls get 404 until one is set
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the number's own fields.
func (p *PhoneNumber) Validate() error {
	return firstError(ValidatePhoneNumber("number", p.Number), ValidateDescription("description", p.Description))
}

// PhoneNumberFilter narrows a phone number listing.
type PhoneNumberFilter struct {
	Number string // exact
}

// PhoneNumberService manages claimed phone numbers.
type PhoneNumberService interface {
	FindPhoneNumberByID(ctx context.Context, id PhoneNumberID) (*PhoneNumber, error)
	FindPhoneNumbers(ctx context.Context, filter PhoneNumberFilter) ([]*PhoneNumber, error)
	// CreatePhoneNumber claims a number: EInvalid (fields, unknown flow or one that is not a
	// CONTACT_FLOW), EConflict (number taken).
	CreatePhoneNumber(ctx context.Context, p *PhoneNumber) error
	// UpdatePhoneNumber: ENotFound, EInvalid, EConflict.
	UpdatePhoneNumber(ctx context.Context, p *PhoneNumber) error
	// DeletePhoneNumber releases a number: ENotFound; EConflict while a queue uses it as caller ID.
	DeletePhoneNumber(ctx context.Context, id PhoneNumberID) error
}
