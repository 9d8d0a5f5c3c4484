package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// AgentStatusService manages agent statuses. The system statuses (the one ROUTABLE and the
// one OFFLINE, made by DB.EnsureDefaults) may be renamed and reordered but not deleted,
// disabled or given another type.
type AgentStatusService struct{ db *DB }

var _ parley.AgentStatusService = (*AgentStatusService)(nil)

// NewAgentStatusService returns the agent statuses of db.
func NewAgentStatusService(db *DB) *AgentStatusService { return &AgentStatusService{db: db} }

// FindAgentStatusByID returns a status. ENotFound.
func (s *AgentStatusService) FindAgentStatusByID(ctx context.Context, id parley.AgentStatusID) (st *parley.AgentStatus, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		st, err = findAgentStatusByID(ctx, tx, id)
		return err
	})
	return st, err
}

// FindAgentStatuses lists statuses by display order, then name.
func (s *AgentStatusService) FindAgentStatuses(ctx context.Context) (sts []*parley.AgentStatus, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		sts, err = findAgentStatuses(ctx, tx, "", nil)
		return err
	})
	return sts, err
}

// CreateAgentStatus creates a CUSTOM status (an empty type means CUSTOM). EInvalid, EConflict.
func (s *AgentStatusService) CreateAgentStatus(ctx context.Context, st *parley.AgentStatus) error {
	if st.Type == "" {
		st.Type = parley.StatusCustom
	}
	if err := st.Validate(); err != nil {
		return err
	}
	if st.Type != parley.StatusCustom {
		return parley.Invalidf("type", "is %q; only CUSTOM statuses can be created (the instance has one ROUTABLE and one OFFLINE status)", st.Type)
	}
	return s.db.update(ctx, func(tx *Tx) error { return createAgentStatus(ctx, tx, st) })
}

// UpdateAgentStatus replaces a status. ENotFound, EInvalid (the type cannot change; a system
// status cannot be disabled), EConflict.
func (s *AgentStatusService) UpdateAgentStatus(ctx context.Context, st *parley.AgentStatus) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findAgentStatusByID(ctx, tx, st.ID)
		if err != nil {
			return err
		}
		if st.Type != existing.Type {
			return parley.Invalidf("type", "is %q; the type of a status cannot change (it is %s)", st.Type, existing.Type)
		}
		if existing.Type != parley.StatusCustom && !st.Enabled {
			return parley.Invalidf("enabled", "the %s status %q cannot be disabled", existing.Type, existing.Name)
		}
		if err := checkUnique(ctx, tx, kAgentStatus, nameKey(st.Name), st.Name, st.ID); err != nil {
			return err
		}
		st.CreatedAt, st.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE agent_statuses SET name = ?, name_key = ?, description = ?, display_order = ?,
			enabled = ?, updated_at = ? WHERE id = ?`,
			st.Name, nameKey(st.Name), st.Description, st.DisplayOrder, st.Enabled, formatTime(st.UpdatedAt), string(st.ID))
		if err != nil {
			return fmt.Errorf("update agent status: %w", err)
		}
		if err := checkAffected(res, kAgentStatus, st.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kAgentStatus, st.ID, st.Name, existing, st)
	})
}

// DeleteAgentStatus deletes a CUSTOM status. ENotFound; EInvalid for a system status.
func (s *AgentStatusService) DeleteAgentStatus(ctx context.Context, id parley.AgentStatusID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findAgentStatusByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if existing.Type != parley.StatusCustom {
			return parley.Invalidf("id", "the %s status %q cannot be deleted", existing.Type, existing.Name)
		}
		if err := deleteRow(ctx, tx, kAgentStatus, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kAgentStatus, id, existing.Name, existing, nil)
	})
}

func createAgentStatus(ctx context.Context, tx *Tx, st *parley.AgentStatus) error {
	if err := st.Validate(); err != nil {
		return err
	}
	if err := checkUnique(ctx, tx, kAgentStatus, nameKey(st.Name), st.Name, ""); err != nil {
		return err
	}
	st.ID = parley.AgentStatusID(tx.db.newID())
	st.CreatedAt, st.UpdatedAt = tx.now, tx.now
	if _, err := tx.ExecContext(ctx, `INSERT INTO agent_statuses (id, name, name_key, description, type, display_order, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(st.ID), st.Name, nameKey(st.Name), st.Description, string(st.Type), st.DisplayOrder, st.Enabled,
		formatTime(st.CreatedAt), formatTime(st.UpdatedAt)); err != nil {
		return fmt.Errorf("insert agent status: %w", err)
	}
	return audit(ctx, tx, parley.AuditCreate, kAgentStatus, st.ID, st.Name, nil, st)
}

func findAgentStatuses(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.AgentStatus, error) {
	q := `SELECT id, name, description, type, display_order, enabled, created_at, updated_at FROM agent_statuses`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY display_order, name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find agent statuses: %w", err)
	}
	defer rows.Close()
	var out []*parley.AgentStatus
	for rows.Next() {
		st := &parley.AgentStatus{}
		if err := rows.Scan(&st.ID, &st.Name, &st.Description, &st.Type, &st.DisplayOrder, &st.Enabled,
			timeCol{&st.CreatedAt}, timeCol{&st.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan agent status: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

func findAgentStatusByID(ctx context.Context, tx *Tx, id parley.AgentStatusID) (*parley.AgentStatus, error) {
	sts, err := findAgentStatuses(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(sts) == 0 {
		return nil, kAgentStatus.notFound(id)
	}
	return sts[0], nil
}
