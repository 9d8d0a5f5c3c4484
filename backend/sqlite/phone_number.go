package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// PhoneNumberService manages claimed phone numbers. A number is claimed once.
type PhoneNumberService struct{ db *DB }

var _ parley.PhoneNumberService = (*PhoneNumberService)(nil)

// NewPhoneNumberService returns the phone numbers of db.
func NewPhoneNumberService(db *DB) *PhoneNumberService { return &PhoneNumberService{db: db} }

// FindPhoneNumberByID returns a phone number. ENotFound.
func (s *PhoneNumberService) FindPhoneNumberByID(ctx context.Context, id parley.PhoneNumberID) (p *parley.PhoneNumber, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findPhoneNumberByID(ctx, tx, id)
		return err
	})
	return p, err
}

// FindPhoneNumbers lists phone numbers by number.
func (s *PhoneNumberService) FindPhoneNumbers(ctx context.Context, f parley.PhoneNumberFilter) (ps []*parley.PhoneNumber, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		if f.Number != "" {
			ps, err = findPhoneNumbers(ctx, tx, "number = ?", []any{f.Number})
		} else {
			ps, err = findPhoneNumbers(ctx, tx, "", nil)
		}
		return err
	})
	return ps, err
}

// CreatePhoneNumber claims a number. EInvalid (fields; unknown flow or one not of type
// CONTACT_FLOW), EConflict (number taken).
func (s *PhoneNumberService) CreatePhoneNumber(ctx context.Context, p *parley.PhoneNumber) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkFlowRef(ctx, tx, "flowId", p.FlowID, parley.FlowContact); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kPhoneNumber, p.Number, p.Number, ""); err != nil {
			return err
		}
		p.ID = parley.PhoneNumberID(tx.db.newID())
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO phone_numbers (id, number, description, flow_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, string(p.ID), p.Number, p.Description, nullStr(p.FlowID),
			formatTime(p.CreatedAt), formatTime(p.UpdatedAt)); err != nil {
			return fmt.Errorf("insert phone number: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kPhoneNumber, p.ID, p.Number, nil, p)
	})
}

// UpdatePhoneNumber replaces a phone number. ENotFound, EInvalid, EConflict.
func (s *PhoneNumberService) UpdatePhoneNumber(ctx context.Context, p *parley.PhoneNumber) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findPhoneNumberByID(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := checkFlowRef(ctx, tx, "flowId", p.FlowID, parley.FlowContact); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kPhoneNumber, p.Number, p.Number, p.ID); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE phone_numbers SET number = ?, description = ?, flow_id = ?, updated_at = ? WHERE id = ?`,
			p.Number, p.Description, nullStr(p.FlowID), formatTime(p.UpdatedAt), string(p.ID))
		if err != nil {
			return fmt.Errorf("update phone number: %w", err)
		}
		if err := checkAffected(res, kPhoneNumber, p.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kPhoneNumber, p.ID, p.Number, existing, p)
	})
}

// DeletePhoneNumber releases a number. ENotFound; EConflict while a queue uses it as caller ID.
func (s *PhoneNumberService) DeletePhoneNumber(ctx context.Context, id parley.PhoneNumberID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findPhoneNumberByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kPhoneNumber, id, existing.Number,
			usage{kQueue, `SELECT name FROM queues WHERE outbound_caller_id = ? ORDER BY name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kPhoneNumber, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kPhoneNumber, id, existing.Number, existing, nil)
	})
}

func findPhoneNumbers(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.PhoneNumber, error) {
	q := `SELECT id, number, description, flow_id, created_at, updated_at FROM phone_numbers`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY number, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find phone numbers: %w", err)
	}
	defer rows.Close()
	var out []*parley.PhoneNumber
	for rows.Next() {
		p := &parley.PhoneNumber{}
		if err := rows.Scan(&p.ID, &p.Number, &p.Description, strCol[parley.FlowID]{&p.FlowID},
			timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan phone number: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func findPhoneNumberByID(ctx context.Context, tx *Tx, id parley.PhoneNumberID) (*parley.PhoneNumber, error) {
	ps, err := findPhoneNumbers(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, kPhoneNumber.notFound(id)
	}
	return ps[0], nil
}
