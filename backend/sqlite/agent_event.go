package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// AgentEventService stores agent events in one sequence (an INTEGER PRIMARY KEY
// AUTOINCREMENT: increasing, never reused).
type AgentEventService struct{ db *DB }

var _ parley.AgentEventService = (*AgentEventService)(nil)

// NewAgentEventService returns the agent events of db.
func NewAgentEventService(db *DB) *AgentEventService { return &AgentEventService{db: db} }

var agentEventTypes = []parley.AgentEventType{parley.AgentLogin, parley.AgentLogout, parley.AgentStateChange, parley.AgentHeartBeat}

// AppendAgentEvent stores e and sets e.Seq, e.ID (when empty) and e.Timestamp (when zero).
// EInvalid.
func (s *AgentEventService) AppendAgentEvent(ctx context.Context, e *parley.AgentEvent) error {
	if !slices.Contains(agentEventTypes, e.Type) {
		return parley.Invalidf("type", "is %q; must be one of %s", e.Type, joinStrings(agentEventTypes))
	}
	if e.AgentID == "" {
		return parley.Invalidf("agentId", "is required")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		id := e.ID
		if id == "" {
			id = parley.AgentEventID(tx.db.newID())
		}
		ts := e.Timestamp
		if ts.IsZero() {
			ts = tx.now
		}
		var cur, prev any
		var err error
		if e.Current != nil {
			if cur, err = jsonText(e.Current); err != nil {
				return err
			}
		}
		if e.Previous != nil {
			if prev, err = jsonText(e.Previous); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO agent_events (id, type, timestamp, agent_id, current, previous) VALUES (?, ?, ?, ?, ?, ?)`,
			string(id), string(e.Type), formatTime(ts), string(e.AgentID), cur, prev)
		if err != nil {
			if ok, xerr := exists(ctx, tx, kind{table: "agent_events"}, id); xerr == nil && ok {
				return parley.Invalidf("id", "an agent event with ID %q already exists", id)
			}
			return fmt.Errorf("insert agent event: %w", err)
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return err
		}
		e.ID, e.Timestamp, e.Seq = id, ts.UTC(), seq
		return nil
	})
}

// FindAgentEvents lists events in sequence order.
func (s *AgentEventService) FindAgentEvents(ctx context.Context, f parley.AgentEventFilter) ([]*parley.AgentEvent, error) {
	if f.Limit < 0 {
		return nil, parley.Invalidf("limit", "is %d; must not be negative", f.Limit)
	}
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.AgentID != "" {
		add("agent_id = ?", string(f.AgentID))
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if !f.Since.IsZero() {
		add("timestamp >= ?", formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("timestamp < ?", formatTime(f.Until))
	}
	q := `SELECT seq, id, type, timestamp, agent_id, current, previous FROM agent_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return queryAgentEvents(ctx, s.db, q, args...)
}

// queryAgentEvents runs q, which selects seq, id, type, timestamp, agent_id, current, previous.
func queryAgentEvents(ctx context.Context, db *DB, q string, args ...any) ([]*parley.AgentEvent, error) {
	var out []*parley.AgentEvent
	err := db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("find agent events: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e := &parley.AgentEvent{}
			if err := rows.Scan(&e.Seq, &e.ID, &e.Type, timeCol{&e.Timestamp}, &e.AgentID, jsonCol{&e.Current}, jsonCol{&e.Previous}); err != nil {
				return fmt.Errorf("scan agent event: %w", err)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
