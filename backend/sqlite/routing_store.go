package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// RoutingStore persists the router's event stream and its restart state.
type RoutingStore struct{ db *DB }

var (
	_ parley.EventStore        = (*RoutingStore)(nil)
	_ parley.RoutingStateStore = (*RoutingStore)(nil)
)

// NewRoutingStore returns the routing store over db.
func NewRoutingStore(db *DB) *RoutingStore { return &RoutingStore{db: db} }

// AppendRoutingEvents implements parley.EventStore.
func (s *RoutingStore) AppendRoutingEvents(ctx context.Context, events []*parley.RoutingEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.db.update(ctx, func(tx *Tx) error {
		for _, ev := range events {
			if ev.ID == "" {
				ev.ID = tx.db.newID()
			}
			ev.Seq = 0 // the store's sequence replaces the router's
			data, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode routing event: %w", err)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO routing_events (id, timestamp, data) VALUES (?, ?, ?)`,
				ev.ID, formatTime(ev.Timestamp), string(data))
			if err != nil {
				return fmt.Errorf("insert routing event: %w", err)
			}
			if ev.Seq, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("insert routing event: %w", err)
			}
		}
		return nil
	})
}

// FindRoutingEvents implements parley.EventStore.
func (s *RoutingStore) FindRoutingEvents(ctx context.Context, afterSeq int64, limit int) ([]*parley.RoutingEvent, error) {
	if limit <= 0 {
		return nil, parley.Invalidf("limit", "is %d; must be positive", limit)
	}
	var out []*parley.RoutingEvent
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seq, data FROM routing_events WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
		if err != nil {
			return fmt.Errorf("find routing events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var data string
			if err := rows.Scan(&seq, &data); err != nil {
				return fmt.Errorf("scan routing event: %w", err)
			}
			ev := &parley.RoutingEvent{}
			if err := json.Unmarshal([]byte(data), ev); err != nil {
				return fmt.Errorf("decode routing event %d: %w", seq, err)
			}
			ev.Seq = seq
			out = append(out, ev)
		}
		return rows.Err()
	})
	return out, err
}

// LastRoutingEventSeq implements parley.EventStore.
func (s *RoutingStore) LastRoutingEventSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.db.view(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM routing_events`).Scan(&seq)
	})
	return seq, err
}

// SaveRoutingContact implements parley.RoutingStateStore.
func (s *RoutingStore) SaveRoutingContact(ctx context.Context, id parley.ContactID, open bool, record json.RawMessage) error {
	if id == "" {
		return parley.Invalidf("contactId", "is required")
	}
	if !json.Valid(record) {
		return parley.Invalidf("record", "is not valid JSON")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO routing_contacts (contact_id, open, record, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (contact_id) DO UPDATE SET open = excluded.open, record = excluded.record, updated_at = excluded.updated_at`,
			string(id), open, string(record), formatTime(tx.now), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("save routing contact: %w", err)
		}
		return nil
	})
}

// FindOpenRoutingContacts implements parley.RoutingStateStore.
func (s *RoutingStore) FindOpenRoutingContacts(ctx context.Context) ([]json.RawMessage, error) {
	var out []json.RawMessage
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT record FROM routing_contacts WHERE open = 1 ORDER BY created_at, contact_id`)
		if err != nil {
			return fmt.Errorf("find routing contacts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var rec string
			if err := rows.Scan(&rec); err != nil {
				return fmt.Errorf("scan routing contact: %w", err)
			}
			out = append(out, json.RawMessage(rec))
		}
		return rows.Err()
	})
	return out, err
}

// FindLastAgentEvents implements parley.RoutingStateStore.
func (s *RoutingStore) FindLastAgentEvents(ctx context.Context) ([]*parley.AgentEvent, error) {
	return queryAgentEvents(ctx, s.db, `SELECT seq, id, type, timestamp, agent_id, current, previous FROM agent_events
		WHERE seq IN (SELECT MAX(seq) FROM agent_events GROUP BY agent_id) ORDER BY seq`)
}
