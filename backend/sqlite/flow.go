package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// FlowService manages flows: a draft per flow and immutable published versions in
// flow_versions (a trigger refuses to change them).
type FlowService struct{ db *DB }

var _ parley.FlowService = (*FlowService)(nil)

// NewFlowService returns the flows of db.
func NewFlowService(db *DB) *FlowService { return &FlowService{db: db} }

// FindFlowByID returns a flow with its draft. ENotFound.
func (s *FlowService) FindFlowByID(ctx context.Context, id parley.FlowID) (f *parley.Flow, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		f, err = findFlowByID(ctx, tx, id)
		return err
	})
	return f, err
}

// FindFlows lists flows by name.
func (s *FlowService) FindFlows(ctx context.Context) (fs []*parley.Flow, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		fs, err = findFlows(ctx, tx, "", nil)
		return err
	})
	return fs, err
}

// CreateFlow stores a flow with its draft, unpublished. EInvalid, EConflict.
func (s *FlowService) CreateFlow(ctx context.Context, f *parley.Flow) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUnique(ctx, tx, kFlow, nameKey(f.Name), f.Name, ""); err != nil {
			return err
		}
		f.ID = parley.FlowID(tx.db.newID())
		f.PublishedVersion = 0
		f.CreatedAt, f.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO flows (id, name, name_key, description, type, content, published_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			string(f.ID), f.Name, nameKey(f.Name), f.Description, string(f.Type), f.Content,
			formatTime(f.CreatedAt), formatTime(f.UpdatedAt)); err != nil {
			return fmt.Errorf("insert flow: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kFlow, f.ID, f.Name, nil, f)
	})
}

// UpdateFlow replaces the name, description and draft; the published version is untouched and
// f.PublishedVersion is set from the store. ENotFound, EInvalid (including a changed type),
// EConflict.
func (s *FlowService) UpdateFlow(ctx context.Context, f *parley.Flow) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findFlowByID(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		if f.Type != existing.Type {
			return parley.Invalidf("type", "is %s; the type of a flow cannot change (it is %s)", f.Type, existing.Type)
		}
		if err := checkUnique(ctx, tx, kFlow, nameKey(f.Name), f.Name, f.ID); err != nil {
			return err
		}
		f.PublishedVersion = existing.PublishedVersion
		f.CreatedAt, f.UpdatedAt = existing.CreatedAt, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE flows SET name = ?, name_key = ?, description = ?, content = ?, updated_at = ? WHERE id = ?`,
			f.Name, nameKey(f.Name), f.Description, f.Content, formatTime(f.UpdatedAt), string(f.ID)); err != nil {
			return fmt.Errorf("update flow: %w", err)
		}
		return audit(ctx, tx, parley.AuditUpdate, kFlow, f.ID, f.Name, existing, f)
	})
}

// DeleteFlow deletes a flow and its versions. ENotFound; EConflict while a phone number, queue
// or quick connect uses it.
func (s *FlowService) DeleteFlow(ctx context.Context, id parley.FlowID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findFlowByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kFlow, id, existing.Name,
			usage{kPhoneNumber, `SELECT number FROM phone_numbers WHERE flow_id = ? ORDER BY number LIMIT 1`},
			usage{kQueue, `SELECT name FROM queues WHERE outbound_flow_id = ? ORDER BY name_key LIMIT 1`},
			usage{kQuickConnect, `SELECT name FROM quick_connects WHERE flow_id = ? ORDER BY name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kFlow, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kFlow, id, existing.Name, existing, nil)
	})
}

// PublishFlow stores the draft as the next version and makes it live. ENotFound.
func (s *FlowService) PublishFlow(ctx context.Context, id parley.FlowID) (v *parley.FlowVersion, err error) {
	err = s.db.update(ctx, func(tx *Tx) error {
		existing, err := findFlowByID(ctx, tx, id)
		if err != nil {
			return err
		}
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM flow_versions WHERE flow_id = ?`, string(id)).Scan(&last); err != nil {
			return err
		}
		v = &parley.FlowVersion{
			FlowID:      id,
			Version:     last + 1,
			Content:     existing.Content,
			PublishedAt: tx.now,
			PublishedBy: parley.ActorFromContext(ctx).UserID,
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO flow_versions (flow_id, version, content, published_at, published_by) VALUES (?, ?, ?, ?, ?)`,
			string(v.FlowID), v.Version, v.Content, formatTime(v.PublishedAt), string(v.PublishedBy)); err != nil {
			return fmt.Errorf("insert flow version: %w", err)
		}
		after, err := setPublishedVersion(ctx, tx, existing, v.Version, existing.Content)
		if err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditPublish, kFlow, id, existing.Name, existing, after)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// FindFlowVersions lists a flow's versions, newest first. ENotFound for an unknown flow.
func (s *FlowService) FindFlowVersions(ctx context.Context, id parley.FlowID) (vs []*parley.FlowVersion, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		if ok, err := exists(ctx, tx, kFlow, id); err != nil {
			return err
		} else if !ok {
			return kFlow.notFound(id)
		}
		vs, err = findFlowVersions(ctx, tx, "flow_id = ?", []any{string(id)})
		return err
	})
	return vs, err
}

// FindFlowVersion returns one version. ENotFound.
func (s *FlowService) FindFlowVersion(ctx context.Context, id parley.FlowID, version int) (v *parley.FlowVersion, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		v, err = findFlowVersion(ctx, tx, id, version)
		return err
	})
	return v, err
}

// RollbackFlow makes an earlier version live again and copies it into the draft. ENotFound.
func (s *FlowService) RollbackFlow(ctx context.Context, id parley.FlowID, version int) (f *parley.Flow, err error) {
	err = s.db.update(ctx, func(tx *Tx) error {
		existing, err := findFlowByID(ctx, tx, id)
		if err != nil {
			return err
		}
		v, err := findFlowVersion(ctx, tx, id, version)
		if err != nil {
			return err
		}
		f, err = setPublishedVersion(ctx, tx, existing, v.Version, v.Content)
		if err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditRollback, kFlow, id, existing.Name, existing, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// setPublishedVersion makes version live with content as the draft and returns the flow after.
func setPublishedVersion(ctx context.Context, tx *Tx, f *parley.Flow, version int, content string) (*parley.Flow, error) {
	after := *f
	after.PublishedVersion, after.Content, after.UpdatedAt = version, content, tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE flows SET published_version = ?, content = ?, updated_at = ? WHERE id = ?`,
		after.PublishedVersion, after.Content, formatTime(after.UpdatedAt), string(after.ID)); err != nil {
		return nil, fmt.Errorf("update flow: %w", err)
	}
	return &after, nil
}

func findFlows(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.Flow, error) {
	q := `SELECT id, name, description, type, content, published_version, created_at, updated_at FROM flows`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find flows: %w", err)
	}
	defer rows.Close()
	var out []*parley.Flow
	for rows.Next() {
		f := &parley.Flow{}
		if err := rows.Scan(&f.ID, &f.Name, &f.Description, &f.Type, &f.Content, &f.PublishedVersion,
			timeCol{&f.CreatedAt}, timeCol{&f.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan flow: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func findFlowByID(ctx context.Context, tx *Tx, id parley.FlowID) (*parley.Flow, error) {
	fs, err := findFlows(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, kFlow.notFound(id)
	}
	return fs[0], nil
}

func findFlowVersions(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.FlowVersion, error) {
	rows, err := tx.QueryContext(ctx, `SELECT flow_id, version, content, published_at, published_by FROM flow_versions
		WHERE `+where+` ORDER BY version DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find flow versions: %w", err)
	}
	defer rows.Close()
	var out []*parley.FlowVersion
	for rows.Next() {
		v := &parley.FlowVersion{}
		if err := rows.Scan(&v.FlowID, &v.Version, &v.Content, timeCol{&v.PublishedAt}, &v.PublishedBy); err != nil {
			return nil, fmt.Errorf("scan flow version: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func findFlowVersion(ctx context.Context, tx *Tx, id parley.FlowID, version int) (*parley.FlowVersion, error) {
	vs, err := findFlowVersions(ctx, tx, "flow_id = ? AND version = ?", []any{string(id), version})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		if ok, err := exists(ctx, tx, kFlow, id); err != nil {
			return nil, err
		} else if !ok {
			return nil, kFlow.notFound(id)
		}
		return nil, parley.NotFoundf("flow %q has no version %d", string(id), version)
	}
	return vs[0], nil
}
