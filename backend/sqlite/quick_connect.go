package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// QuickConnectService manages quick connects.
type QuickConnectService struct{ db *DB }

var _ parley.QuickConnectService = (*QuickConnectService)(nil)

// NewQuickConnectService returns the quick connects of db.
func NewQuickConnectService(db *DB) *QuickConnectService { return &QuickConnectService{db: db} }

// FindQuickConnectByID returns a quick connect. ENotFound.
func (s *QuickConnectService) FindQuickConnectByID(ctx context.Context, id parley.QuickConnectID) (q *parley.QuickConnect, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		q, err = findQuickConnectByID(ctx, tx, id)
		return err
	})
	return q, err
}

// FindQuickConnects lists quick connects by name.
func (s *QuickConnectService) FindQuickConnects(ctx context.Context) (qs []*parley.QuickConnect, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		qs, err = findQuickConnects(ctx, tx, "", nil)
		return err
	})
	return qs, err
}

// CreateQuickConnect stores a new quick connect. EInvalid (fields; unknown user, queue or flow;
// a flow of the wrong type: USER needs AGENT_TRANSFER, QUEUE needs QUEUE_TRANSFER), EConflict.
func (s *QuickConnectService) CreateQuickConnect(ctx context.Context, q *parley.QuickConnect) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkQuickConnectRefs(ctx, tx, q); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kQuickConnect, nameKey(q.Name), q.Name, ""); err != nil {
			return err
		}
		q.ID = parley.QuickConnectID(tx.db.newID())
		q.CreatedAt, q.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO quick_connects (id, name, name_key, description, type, user_id, queue_id,
			flow_id, phone_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(q.ID), q.Name, nameKey(q.Name), q.Description, string(q.Type), nullStr(q.UserID), nullStr(q.QueueID),
			nullStr(q.FlowID), q.PhoneNumber, formatTime(q.CreatedAt), formatTime(q.UpdatedAt)); err != nil {
			return fmt.Errorf("insert quick connect: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kQuickConnect, q.ID, q.Name, nil, q)
	})
}

// UpdateQuickConnect replaces a quick connect. ENotFound, EInvalid, EConflict.
func (s *QuickConnectService) UpdateQuickConnect(ctx context.Context, q *parley.QuickConnect) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findQuickConnectByID(ctx, tx, q.ID)
		if err != nil {
			return err
		}
		if err := checkQuickConnectRefs(ctx, tx, q); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kQuickConnect, nameKey(q.Name), q.Name, q.ID); err != nil {
			return err
		}
		q.CreatedAt, q.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE quick_connects SET name = ?, name_key = ?, description = ?, type = ?, user_id = ?,
			queue_id = ?, flow_id = ?, phone_number = ?, updated_at = ? WHERE id = ?`,
			q.Name, nameKey(q.Name), q.Description, string(q.Type), nullStr(q.UserID), nullStr(q.QueueID), nullStr(q.FlowID),
			q.PhoneNumber, formatTime(q.UpdatedAt), string(q.ID))
		if err != nil {
			return fmt.Errorf("update quick connect: %w", err)
		}
		if err := checkAffected(res, kQuickConnect, q.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kQuickConnect, q.ID, q.Name, existing, q)
	})
}

// DeleteQuickConnect deletes a quick connect. ENotFound; EConflict while a queue lists it.
func (s *QuickConnectService) DeleteQuickConnect(ctx context.Context, id parley.QuickConnectID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findQuickConnectByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kQuickConnect, id, existing.Name,
			usage{kQueue, `SELECT q.name FROM queues q JOIN queue_quick_connects qqc ON qqc.queue_id = q.id
				WHERE qqc.quick_connect_id = ? ORDER BY q.name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kQuickConnect, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kQuickConnect, id, existing.Name, existing, nil)
	})
}

func checkQuickConnectRefs(ctx context.Context, tx *Tx, q *parley.QuickConnect) error {
	switch q.Type {
	case parley.QuickConnectUser:
		if err := checkRef(ctx, tx, kUser, "userId", q.UserID); err != nil {
			return err
		}
		return checkFlowRef(ctx, tx, "flowId", q.FlowID, parley.FlowAgentTransfer)
	case parley.QuickConnectQueue:
		if err := checkRef(ctx, tx, kQueue, "queueId", q.QueueID); err != nil {
			return err
		}
		return checkFlowRef(ctx, tx, "flowId", q.FlowID, parley.FlowQueueTransfer)
	}
	return nil
}

func findQuickConnects(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.QuickConnect, error) {
	q := `SELECT id, name, description, type, user_id, queue_id, flow_id, phone_number, created_at, updated_at FROM quick_connects`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find quick connects: %w", err)
	}
	defer rows.Close()
	var out []*parley.QuickConnect
	for rows.Next() {
		qc := &parley.QuickConnect{}
		if err := rows.Scan(&qc.ID, &qc.Name, &qc.Description, &qc.Type, strCol[parley.UserID]{&qc.UserID},
			strCol[parley.QueueID]{&qc.QueueID}, strCol[parley.FlowID]{&qc.FlowID}, &qc.PhoneNumber,
			timeCol{&qc.CreatedAt}, timeCol{&qc.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan quick connect: %w", err)
		}
		out = append(out, qc)
	}
	return out, rows.Err()
}

func findQuickConnectByID(ctx context.Context, tx *Tx, id parley.QuickConnectID) (*parley.QuickConnect, error) {
	qs, err := findQuickConnects(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, kQuickConnect.notFound(id)
	}
	return qs[0], nil
}
