package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// redacted replaces secrets in the audit log.
const redacted = "********"

// ExternalFunctionService manages external functions. Secrets are stored as given (the flow
// runtime signs requests with them) and redacted in the audit log.
type ExternalFunctionService struct{ db *DB }

var _ parley.ExternalFunctionService = (*ExternalFunctionService)(nil)

// NewExternalFunctionService returns the external functions of db.
func NewExternalFunctionService(db *DB) *ExternalFunctionService {
	return &ExternalFunctionService{db: db}
}

// FindExternalFunctionByID returns a function, with its secret. ENotFound.
func (s *ExternalFunctionService) FindExternalFunctionByID(ctx context.Context, id parley.ExternalFunctionID) (f *parley.ExternalFunction, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		f, err = findExternalFunctionByID(ctx, tx, id)
		return err
	})
	return f, err
}

// FindExternalFunctions lists functions by name, with their secrets.
func (s *ExternalFunctionService) FindExternalFunctions(ctx context.Context) (fs []*parley.ExternalFunction, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		fs, err = findExternalFunctions(ctx, tx, "", nil)
		return err
	})
	return fs, err
}

// CreateExternalFunction stores a new function. EInvalid, EConflict.
func (s *ExternalFunctionService) CreateExternalFunction(ctx context.Context, f *parley.ExternalFunction) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUnique(ctx, tx, kExternalFunction, nameKey(f.Name), f.Name, ""); err != nil {
			return err
		}
		f.ID = parley.ExternalFunctionID(tx.db.newID())
		f.CreatedAt, f.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO external_functions (id, name, name_key, description, url, secret, timeout_seconds,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(f.ID), f.Name, nameKey(f.Name), f.Description, f.URL, f.Secret, f.TimeoutSeconds,
			formatTime(f.CreatedAt), formatTime(f.UpdatedAt)); err != nil {
			return fmt.Errorf("insert external function: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kExternalFunction, f.ID, f.Name, nil, redactFunction(f))
	})
}

// UpdateExternalFunction replaces a function, secret included. ENotFound, EInvalid, EConflict.
func (s *ExternalFunctionService) UpdateExternalFunction(ctx context.Context, f *parley.ExternalFunction) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findExternalFunctionByID(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kExternalFunction, nameKey(f.Name), f.Name, f.ID); err != nil {
			return err
		}
		f.CreatedAt, f.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE external_functions SET name = ?, name_key = ?, description = ?, url = ?, secret = ?,
			timeout_seconds = ?, updated_at = ? WHERE id = ?`,
			f.Name, nameKey(f.Name), f.Description, f.URL, f.Secret, f.TimeoutSeconds, formatTime(f.UpdatedAt), string(f.ID))
		if err != nil {
			return fmt.Errorf("update external function: %w", err)
		}
		if err := checkAffected(res, kExternalFunction, f.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kExternalFunction, f.ID, f.Name, redactFunction(existing), redactFunction(f))
	})
}

// DeleteExternalFunction deletes a function. ENotFound.
func (s *ExternalFunctionService) DeleteExternalFunction(ctx context.Context, id parley.ExternalFunctionID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findExternalFunctionByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kExternalFunction, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kExternalFunction, id, existing.Name, redactFunction(existing), nil)
	})
}

// redactFunction returns a copy of f with the secret replaced, for the audit log.
func redactFunction(f *parley.ExternalFunction) *parley.ExternalFunction {
	c := *f
	if c.Secret != "" {
		c.Secret = redacted
	}
	return &c
}

func findExternalFunctions(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.ExternalFunction, error) {
	q := `SELECT id, name, description, url, secret, timeout_seconds, created_at, updated_at FROM external_functions`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find external functions: %w", err)
	}
	defer rows.Close()
	var out []*parley.ExternalFunction
	for rows.Next() {
		f := &parley.ExternalFunction{}
		if err := rows.Scan(&f.ID, &f.Name, &f.Description, &f.URL, &f.Secret, &f.TimeoutSeconds,
			timeCol{&f.CreatedAt}, timeCol{&f.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan external function: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func findExternalFunctionByID(ctx context.Context, tx *Tx, id parley.ExternalFunctionID) (*parley.ExternalFunction, error) {
	fs, err := findExternalFunctions(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, kExternalFunction.notFound(id)
	}
	return fs[0], nil
}
