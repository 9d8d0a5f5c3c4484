package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

var kTrunk = kind{"trunks", "trunk", "trunk", "a", "name_key", "name"}

// TrunkService manages SIP trunks. Passwords are stored as given (the SIP stack answers digest
// challenges with them) and redacted in the audit log.
type TrunkService struct{ db *DB }

var _ parley.TrunkService = (*TrunkService)(nil)

// NewTrunkService returns the trunks of db.
func NewTrunkService(db *DB) *TrunkService { return &TrunkService{db: db} }

// FindTrunkByID returns a trunk, with its password. ENotFound.
func (s *TrunkService) FindTrunkByID(ctx context.Context, id parley.TrunkID) (t *parley.Trunk, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		t, err = findTrunkByID(ctx, tx, id)
		return err
	})
	return t, err
}

// FindTrunks lists trunks by name, with their passwords.
func (s *TrunkService) FindTrunks(ctx context.Context) (ts []*parley.Trunk, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		ts, err = findTrunks(ctx, tx, "", nil)
		return err
	})
	return ts, err
}

// DefaultTrunk returns the default trunk, or the only trunk. ENotFound.
func (s *TrunkService) DefaultTrunk(ctx context.Context) (*parley.Trunk, error) {
	ts, err := s.FindTrunks(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Default {
			return t, nil
		}
	}
	if len(ts) == 1 {
		return ts[0], nil
	}
	return nil, parley.NotFoundf("no default trunk (%d trunks, none marked default)", len(ts))
}

// CreateTrunk stores a new trunk. EInvalid, EConflict.
func (s *TrunkService) CreateTrunk(ctx context.Context, t *parley.Trunk) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUnique(ctx, tx, kTrunk, nameKey(t.Name), t.Name, ""); err != nil {
			return err
		}
		if err := takeDefault(ctx, tx, t); err != nil {
			return err
		}
		t.ID = parley.TrunkID(tx.db.newID())
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO trunks (id, name, name_key, description, host, port, transport, username,
			password, number_format, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(t.ID), t.Name, nameKey(t.Name), t.Description, t.Host, t.Port, string(t.Transport), t.Username,
			t.Password, string(t.NumberFormat), t.Default, formatTime(t.CreatedAt), formatTime(t.UpdatedAt)); err != nil {
			return fmt.Errorf("insert trunk: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kTrunk, t.ID, t.Name, nil, redactTrunk(t))
	})
}

// UpdateTrunk replaces a trunk. An empty password keeps the stored one, unless the username is
// empty too. ENotFound, EInvalid, EConflict.
func (s *TrunkService) UpdateTrunk(ctx context.Context, t *parley.Trunk) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findTrunkByID(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kTrunk, nameKey(t.Name), t.Name, t.ID); err != nil {
			return err
		}
		if t.Password == "" && t.Username != "" {
			t.Password = existing.Password
		}
		if err := takeDefault(ctx, tx, t); err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE trunks SET name = ?, name_key = ?, description = ?, host = ?, port = ?, transport = ?,
			username = ?, password = ?, number_format = ?, is_default = ?, updated_at = ? WHERE id = ?`,
			t.Name, nameKey(t.Name), t.Description, t.Host, t.Port, string(t.Transport), t.Username, t.Password,
			string(t.NumberFormat), t.Default, formatTime(t.UpdatedAt), string(t.ID))
		if err != nil {
			return fmt.Errorf("update trunk: %w", err)
		}
		if err := checkAffected(res, kTrunk, t.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kTrunk, t.ID, t.Name, redactTrunk(existing), redactTrunk(t))
	})
}

// DeleteTrunk deletes a trunk. ENotFound.
func (s *TrunkService) DeleteTrunk(ctx context.Context, id parley.TrunkID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findTrunkByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kTrunk, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kTrunk, id, existing.Name, redactTrunk(existing), nil)
	})
}

// takeDefault clears the default mark of the other trunks when t is the default; each trunk
// that loses it gets an audit entry of its own.
func takeDefault(ctx context.Context, tx *Tx, t *parley.Trunk) error {
	if !t.Default {
		return nil
	}
	others, err := findTrunks(ctx, tx, "is_default = 1 AND id <> ?", []any{string(t.ID)})
	if err != nil {
		return err
	}
	for _, o := range others {
		if _, err := tx.ExecContext(ctx, `UPDATE trunks SET is_default = 0, updated_at = ? WHERE id = ?`, formatTime(tx.now), string(o.ID)); err != nil {
			return fmt.Errorf("clear default trunk: %w", err)
		}
		after := *o
		after.Default, after.UpdatedAt = false, tx.now
		if err := audit(ctx, tx, parley.AuditUpdate, kTrunk, o.ID, o.Name, redactTrunk(o), redactTrunk(&after)); err != nil {
			return err
		}
	}
	return nil
}

// redactTrunk returns a copy of t with the password replaced, for the audit log.
func redactTrunk(t *parley.Trunk) *parley.Trunk {
	c := *t
	if c.Password != "" {
		c.Password = redacted
	}
	return &c
}

func findTrunks(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.Trunk, error) {
	q := `SELECT id, name, description, host, port, transport, username, password, number_format, is_default, created_at, updated_at FROM trunks`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find trunks: %w", err)
	}
	defer rows.Close()
	var out []*parley.Trunk
	for rows.Next() {
		t := &parley.Trunk{}
		if err := rows.Scan(&t.ID, &t.Name, &t.Description, &t.Host, &t.Port, &t.Transport, &t.Username, &t.Password,
			&t.NumberFormat, &t.Default, timeCol{&t.CreatedAt}, timeCol{&t.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan trunk: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func findTrunkByID(ctx context.Context, tx *Tx, id parley.TrunkID) (*parley.Trunk, error) {
	ts, err := findTrunks(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, kTrunk.notFound(id)
	}
	return ts[0], nil
}
