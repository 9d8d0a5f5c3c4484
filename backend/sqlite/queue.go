package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// QueueService manages standard queues. A queue's quick connects are rows of
// queue_quick_connects, in the queue's order.
type QueueService struct{ db *DB }

var _ parley.QueueService = (*QueueService)(nil)

// NewQueueService returns the queues of db.
func NewQueueService(db *DB) *QueueService { return &QueueService{db: db} }

// FindQueueByID returns a queue. ENotFound.
func (s *QueueService) FindQueueByID(ctx context.Context, id parley.QueueID) (q *parley.Queue, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		q, err = findQueueByID(ctx, tx, id)
		return err
	})
	return q, err
}

// FindQueues lists queues by name.
func (s *QueueService) FindQueues(ctx context.Context) (qs []*parley.Queue, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		qs, err = findQueues(ctx, tx, "", nil)
		return err
	})
	return qs, err
}

// CreateQueue stores a new queue. EInvalid (fields; unknown hours, phone number, flow or quick
// connect; an outbound flow not of type OUTBOUND_WHISPER), EConflict (name).
func (s *QueueService) CreateQueue(ctx context.Context, q *parley.Queue) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkQueueRefs(ctx, tx, q); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kQueue, nameKey(q.Name), q.Name, ""); err != nil {
			return err
		}
		q.ID = parley.QueueID(tx.db.newID())
		q.CreatedAt, q.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO queues (id, name, name_key, description, hours_of_operation_id, max_contacts,
			outbound_caller_name, outbound_caller_id, outbound_flow_id, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(q.ID), q.Name, nameKey(q.Name), q.Description, string(q.HoursOfOperationID), q.MaxContacts,
			q.OutboundCallerName, nullStr(q.OutboundCallerID), nullStr(q.OutboundFlowID), string(q.Status),
			formatTime(q.CreatedAt), formatTime(q.UpdatedAt)); err != nil {
			return fmt.Errorf("insert queue: %w", err)
		}
		if err := insertQueueQuickConnects(ctx, tx, q); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditCreate, kQueue, q.ID, q.Name, nil, q)
	})
}

// UpdateQueue replaces a queue. ENotFound, EInvalid, EConflict.
func (s *QueueService) UpdateQueue(ctx context.Context, q *parley.Queue) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findQueueByID(ctx, tx, q.ID)
		if err != nil {
			return err
		}
		if err := checkQueueRefs(ctx, tx, q); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kQueue, nameKey(q.Name), q.Name, q.ID); err != nil {
			return err
		}
		q.CreatedAt, q.UpdatedAt = existing.CreatedAt, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE queues SET name = ?, name_key = ?, description = ?, hours_of_operation_id = ?,
			max_contacts = ?, outbound_caller_name = ?, outbound_caller_id = ?, outbound_flow_id = ?, status = ?, updated_at = ?
			WHERE id = ?`,
			q.Name, nameKey(q.Name), q.Description, string(q.HoursOfOperationID), q.MaxContacts, q.OutboundCallerName,
			nullStr(q.OutboundCallerID), nullStr(q.OutboundFlowID), string(q.Status), formatTime(q.UpdatedAt), string(q.ID)); err != nil {
			return fmt.Errorf("update queue: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_quick_connects WHERE queue_id = ?`, string(q.ID)); err != nil {
			return fmt.Errorf("update queue: %w", err)
		}
		if err := insertQueueQuickConnects(ctx, tx, q); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kQueue, q.ID, q.Name, existing, q)
	})
}

// DeleteQueue deletes a queue. ENotFound; EConflict while a routing profile or quick connect
// uses it.
func (s *QueueService) DeleteQueue(ctx context.Context, id parley.QueueID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findQueueByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kQueue, id, existing.Name,
			usage{kRoutingProfile, `SELECT rp.name FROM routing_profiles rp WHERE rp.default_outbound_queue_id = ?1
				OR EXISTS (SELECT 1 FROM routing_profile_queues rpq WHERE rpq.routing_profile_id = rp.id AND rpq.queue_id = ?1)
				ORDER BY rp.name_key LIMIT 1`},
			usage{kQuickConnect, `SELECT name FROM quick_connects WHERE queue_id = ? ORDER BY name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kQueue, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kQueue, id, existing.Name, existing, nil)
	})
}

func checkQueueRefs(ctx context.Context, tx *Tx, q *parley.Queue) error {
	if err := checkRef(ctx, tx, kHours, "hoursOfOperationId", q.HoursOfOperationID); err != nil {
		return err
	}
	if err := checkOptionalRef(ctx, tx, kPhoneNumber, "outboundCallerId", q.OutboundCallerID); err != nil {
		return err
	}
	if err := checkFlowRef(ctx, tx, "outboundFlowId", q.OutboundFlowID, parley.FlowOutboundWhisper); err != nil {
		return err
	}
	for i, id := range q.QuickConnectIDs {
		if err := checkRef(ctx, tx, kQuickConnect, fmt.Sprintf("quickConnectIds[%d]", i), id); err != nil {
			return err
		}
	}
	return nil
}

// checkFlowRef checks an optional reference to a flow of one of the allowed types.
func checkFlowRef(ctx context.Context, tx *Tx, field string, id parley.FlowID, allowed ...parley.FlowType) error {
	if id == "" {
		return nil
	}
	var typ parley.FlowType
	err := tx.QueryRowContext(ctx, `SELECT type FROM flows WHERE id = ?`, string(id)).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Invalidf(field, "no flow with ID %q", string(id))
	} else if err != nil {
		return err
	}
	if len(allowed) > 0 && !slices.Contains(allowed, typ) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		return parley.Invalidf(field, "flow %q is of type %s; a flow of type %s is required here", string(id), typ, strings.Join(names, " or "))
	}
	return nil
}

func insertQueueQuickConnects(ctx context.Context, tx *Tx, q *parley.Queue) error {
	for i, id := range q.QuickConnectIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_quick_connects (queue_id, quick_connect_id, position) VALUES (?, ?, ?)`,
			string(q.ID), string(id), i); err != nil {
			return fmt.Errorf("insert queue quick connect: %w", err)
		}
	}
	return nil
}

func findQueues(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.Queue, error) {
	query := `SELECT id, name, description, hours_of_operation_id, max_contacts, outbound_caller_name, outbound_caller_id,
		outbound_flow_id, status, created_at, updated_at FROM queues`
	if where != "" {
		query += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, query+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find queues: %w", err)
	}
	defer rows.Close()
	var out []*parley.Queue
	for rows.Next() {
		q := &parley.Queue{}
		if err := rows.Scan(&q.ID, &q.Name, &q.Description, &q.HoursOfOperationID, &q.MaxContacts, &q.OutboundCallerName,
			strCol[parley.PhoneNumberID]{&q.OutboundCallerID}, strCol[parley.FlowID]{&q.OutboundFlowID}, &q.Status,
			timeCol{&q.CreatedAt}, timeCol{&q.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan queue: %w", err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, q := range out {
		if q.QuickConnectIDs, err = queueQuickConnectIDs(ctx, tx, q.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func queueQuickConnectIDs(ctx context.Context, tx *Tx, id parley.QueueID) ([]parley.QuickConnectID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT quick_connect_id FROM queue_quick_connects WHERE queue_id = ? ORDER BY position`, string(id))
	if err != nil {
		return nil, fmt.Errorf("find queue quick connects: %w", err)
	}
	defer rows.Close()
	var ids []parley.QuickConnectID
	for rows.Next() {
		var id parley.QuickConnectID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func findQueueByID(ctx context.Context, tx *Tx, id parley.QueueID) (*parley.Queue, error) {
	qs, err := findQueues(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, kQueue.notFound(id)
	}
	return qs[0], nil
}
