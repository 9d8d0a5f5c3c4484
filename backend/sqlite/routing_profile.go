package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// RoutingProfileService manages routing profiles. Queue entries are rows of
// routing_profile_queues in the profile's order; media concurrencies are a JSON column.
type RoutingProfileService struct{ db *DB }

var _ parley.RoutingProfileService = (*RoutingProfileService)(nil)

// NewRoutingProfileService returns the routing profiles of db.
func NewRoutingProfileService(db *DB) *RoutingProfileService { return &RoutingProfileService{db: db} }

// FindRoutingProfileByID returns a profile. ENotFound.
func (s *RoutingProfileService) FindRoutingProfileByID(ctx context.Context, id parley.RoutingProfileID) (p *parley.RoutingProfile, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findRoutingProfileByID(ctx, tx, id)
		return err
	})
	return p, err
}

// FindRoutingProfiles lists profiles by name.
func (s *RoutingProfileService) FindRoutingProfiles(ctx context.Context) (ps []*parley.RoutingProfile, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		ps, err = findRoutingProfiles(ctx, tx, "", nil)
		return err
	})
	return ps, err
}

// CreateRoutingProfile stores a new profile. EInvalid (fields, unknown queues), EConflict.
func (s *RoutingProfileService) CreateRoutingProfile(ctx context.Context, p *parley.RoutingProfile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkRef(ctx, tx, kQueue, "defaultOutboundQueueId", p.DefaultOutboundQueueID); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kRoutingProfile, nameKey(p.Name), p.Name, ""); err != nil {
			return err
		}
		media, err := jsonText(p.MediaConcurrencies)
		if err != nil {
			return err
		}
		p.ID = parley.RoutingProfileID(tx.db.newID())
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO routing_profiles (id, name, name_key, description, media_concurrencies,
			default_outbound_queue_id, after_contact_work_time_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(p.ID), p.Name, nameKey(p.Name), p.Description, media, nullStr(p.DefaultOutboundQueueID),
			p.AfterContactWorkTimeLimit, formatTime(p.CreatedAt), formatTime(p.UpdatedAt)); err != nil {
			return fmt.Errorf("insert routing profile: %w", err)
		}
		if err := insertRoutingProfileQueues(ctx, tx, p); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditCreate, kRoutingProfile, p.ID, p.Name, nil, p)
	})
}

// UpdateRoutingProfile replaces a profile. ENotFound, EInvalid, EConflict.
func (s *RoutingProfileService) UpdateRoutingProfile(ctx context.Context, p *parley.RoutingProfile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findRoutingProfileByID(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := checkRef(ctx, tx, kQueue, "defaultOutboundQueueId", p.DefaultOutboundQueueID); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kRoutingProfile, nameKey(p.Name), p.Name, p.ID); err != nil {
			return err
		}
		media, err := jsonText(p.MediaConcurrencies)
		if err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = existing.CreatedAt, tx.now
		if _, err := tx.ExecContext(ctx, `DELETE FROM routing_profile_queues WHERE routing_profile_id = ?`, string(p.ID)); err != nil {
			return fmt.Errorf("update routing profile: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE routing_profiles SET name = ?, name_key = ?, description = ?, media_concurrencies = ?,
			default_outbound_queue_id = ?, after_contact_work_time_limit = ?, updated_at = ? WHERE id = ?`,
			p.Name, nameKey(p.Name), p.Description, media, nullStr(p.DefaultOutboundQueueID), p.AfterContactWorkTimeLimit,
			formatTime(p.UpdatedAt), string(p.ID)); err != nil {
			return fmt.Errorf("update routing profile: %w", err)
		}
		if err := insertRoutingProfileQueues(ctx, tx, p); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kRoutingProfile, p.ID, p.Name, existing, p)
	})
}

// DeleteRoutingProfile deletes a profile. ENotFound; EConflict while a user has it.
func (s *RoutingProfileService) DeleteRoutingProfile(ctx context.Context, id parley.RoutingProfileID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findRoutingProfileByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kRoutingProfile, id, existing.Name,
			usage{kUser, `SELECT username FROM users WHERE routing_profile_id = ? ORDER BY username_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kRoutingProfile, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kRoutingProfile, id, existing.Name, existing, nil)
	})
}

// insertRoutingProfileQueues checks each entry's queue and writes its row. It runs after the
// profile row is written, so an unknown queue in a later entry relies on the transaction's
// rollback to leave nothing behind.
func insertRoutingProfileQueues(ctx context.Context, tx *Tx, p *parley.RoutingProfile) error {
	for i, q := range p.Queues {
		if err := checkRef(ctx, tx, kQueue, fmt.Sprintf("queues[%d].queueId", i), q.QueueID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO routing_profile_queues (routing_profile_id, queue_id, channel, priority, delay, position)
			VALUES (?, ?, ?, ?, ?, ?)`, string(p.ID), string(q.QueueID), string(q.Channel), q.Priority, q.Delay, i); err != nil {
			return fmt.Errorf("insert routing profile queue: %w", err)
		}
	}
	return nil
}

func findRoutingProfiles(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.RoutingProfile, error) {
	q := `SELECT id, name, description, media_concurrencies, default_outbound_queue_id, after_contact_work_time_limit,
		created_at, updated_at FROM routing_profiles`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find routing profiles: %w", err)
	}
	defer rows.Close()
	var out []*parley.RoutingProfile
	for rows.Next() {
		p := &parley.RoutingProfile{}
		if err := rows.Scan(&p.ID, &p.Name, &p.Description, jsonCol{&p.MediaConcurrencies}, &p.DefaultOutboundQueueID,
			&p.AfterContactWorkTimeLimit, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan routing profile: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, p := range out {
		if p.Queues, err = routingProfileQueues(ctx, tx, p.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func routingProfileQueues(ctx context.Context, tx *Tx, id parley.RoutingProfileID) ([]parley.RoutingProfileQueue, error) {
	rows, err := tx.QueryContext(ctx, `SELECT queue_id, channel, priority, delay FROM routing_profile_queues
		WHERE routing_profile_id = ? ORDER BY position`, string(id))
	if err != nil {
		return nil, fmt.Errorf("find routing profile queues: %w", err)
	}
	defer rows.Close()
	var out []parley.RoutingProfileQueue
	for rows.Next() {
		var q parley.RoutingProfileQueue
		if err := rows.Scan(&q.QueueID, &q.Channel, &q.Priority, &q.Delay); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

func findRoutingProfileByID(ctx context.Context, tx *Tx, id parley.RoutingProfileID) (*parley.RoutingProfile, error) {
	ps, err := findRoutingProfiles(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, kRoutingProfile.notFound(id)
	}
	return ps[0], nil
}
