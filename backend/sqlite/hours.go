package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// HoursService manages hours of operation. The weekly config and the overrides are JSON
// columns: nothing refers into them.
type HoursService struct{ db *DB }

var _ parley.HoursService = (*HoursService)(nil)

// NewHoursService returns the hours of operation of db.
func NewHoursService(db *DB) *HoursService { return &HoursService{db: db} }

// FindHoursByID returns hours of operation. ENotFound.
func (s *HoursService) FindHoursByID(ctx context.Context, id parley.HoursOfOperationID) (h *parley.HoursOfOperation, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		h, err = findHoursByID(ctx, tx, id)
		return err
	})
	return h, err
}

// FindHours lists hours of operation by name.
func (s *HoursService) FindHours(ctx context.Context) (hs []*parley.HoursOfOperation, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		hs, err = findHours(ctx, tx, "", nil)
		return err
	})
	return hs, err
}

// CreateHours stores new hours of operation. EInvalid, EConflict.
func (s *HoursService) CreateHours(ctx context.Context, h *parley.HoursOfOperation) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUnique(ctx, tx, kHours, nameKey(h.Name), h.Name, ""); err != nil {
			return err
		}
		config, overrides, err := hoursJSON(h)
		if err != nil {
			return err
		}
		h.ID = parley.HoursOfOperationID(tx.db.newID())
		h.CreatedAt, h.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO hours_of_operation (id, name, name_key, description, time_zone, config, overrides, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(h.ID), h.Name, nameKey(h.Name), h.Description, h.TimeZone, config, overrides,
			formatTime(h.CreatedAt), formatTime(h.UpdatedAt)); err != nil {
			return fmt.Errorf("insert hours of operation: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kHours, h.ID, h.Name, nil, h)
	})
}

// UpdateHours replaces hours of operation. ENotFound, EInvalid, EConflict.
func (s *HoursService) UpdateHours(ctx context.Context, h *parley.HoursOfOperation) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findHoursByID(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kHours, nameKey(h.Name), h.Name, h.ID); err != nil {
			return err
		}
		config, overrides, err := hoursJSON(h)
		if err != nil {
			return err
		}
		h.CreatedAt, h.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE hours_of_operation SET name = ?, name_key = ?, description = ?, time_zone = ?,
			config = ?, overrides = ?, updated_at = ? WHERE id = ?`,
			h.Name, nameKey(h.Name), h.Description, h.TimeZone, config, overrides, formatTime(h.UpdatedAt), string(h.ID))
		if err != nil {
			return fmt.Errorf("update hours of operation: %w", err)
		}
		if err := checkAffected(res, kHours, h.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kHours, h.ID, h.Name, existing, h)
	})
}

// DeleteHours deletes hours of operation. ENotFound; EConflict while a queue uses them.
func (s *HoursService) DeleteHours(ctx context.Context, id parley.HoursOfOperationID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findHoursByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kHours, id, existing.Name,
			usage{kQueue, `SELECT name FROM queues WHERE hours_of_operation_id = ? ORDER BY name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kHours, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kHours, id, existing.Name, existing, nil)
	})
}

func hoursJSON(h *parley.HoursOfOperation) (config, overrides string, err error) {
	if config, err = jsonText(h.Config); err != nil {
		return "", "", err
	}
	overrides, err = jsonText(h.Overrides)
	return config, overrides, err
}

func findHours(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.HoursOfOperation, error) {
	q := `SELECT id, name, description, time_zone, config, overrides, created_at, updated_at FROM hours_of_operation`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find hours of operation: %w", err)
	}
	defer rows.Close()
	var out []*parley.HoursOfOperation
	for rows.Next() {
		h := &parley.HoursOfOperation{}
		if err := rows.Scan(&h.ID, &h.Name, &h.Description, &h.TimeZone, jsonCol{&h.Config}, jsonCol{&h.Overrides},
			timeCol{&h.CreatedAt}, timeCol{&h.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan hours of operation: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func findHoursByID(ctx context.Context, tx *Tx, id parley.HoursOfOperationID) (*parley.HoursOfOperation, error) {
	hs, err := findHours(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, kHours.notFound(id)
	}
	return hs[0], nil
}
