package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// DefaultAuditLimit is how many entries FindAuditEntries returns when the filter sets no limit.
const DefaultAuditLimit = 100

// MaxAuditLimit bounds an audit listing.
const MaxAuditLimit = 1000

// AuditService reads and writes the audit log.
type AuditService struct{ db *DB }

var _ parley.AuditService = (*AuditService)(nil)

// NewAuditService returns the audit log of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// FindAuditEntries lists entries newest first.
func (s *AuditService) FindAuditEntries(ctx context.Context, f parley.AuditFilter) ([]*parley.AuditEntry, error) {
	if f.Limit < 0 {
		return nil, parley.Invalidf("limit", "is %d; must not be negative", f.Limit)
	}
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.EntityType != "" {
		add("entity_type = ?", f.EntityType)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if f.ActorID != "" {
		add("actor_id = ?", string(f.ActorID))
	}
	if !f.Since.IsZero() {
		add("time >= ?", formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("time < ?", formatTime(f.Until))
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultAuditLimit
	}
	limit = min(limit, MaxAuditLimit)
	q := `SELECT seq, id, time, actor_id, actor_username, action, entity_type, entity_id, entity_name, before, after FROM audit_entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit)
	var out []*parley.AuditEntry
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := &parley.AuditEntry{}
			var before, after *string
			if err := rows.Scan(&e.Seq, &e.ID, timeCol{&e.Time}, &e.ActorID, &e.ActorUsername, &e.Action,
				&e.EntityType, &e.EntityID, &e.EntityName, &before, &after); err != nil {
				return err
			}
			if before != nil {
				e.Before = json.RawMessage(*before)
			}
			if after != nil {
				e.After = json.RawMessage(*after)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find audit entries: %w", err)
	}
	return out, nil
}

// RecordAudit writes a standalone entry and sets its ID, Seq and Time (when zero). The actor
// is the entry's own, or the context's when the entry names none.
func (s *AuditService) RecordAudit(ctx context.Context, e *parley.AuditEntry) error {
	if e.Action == "" {
		return parley.Invalidf("action", "is required")
	}
	if e.EntityType == "" {
		return parley.Invalidf("entityType", "is required")
	}
	for _, raw := range []struct {
		field string
		v     json.RawMessage
	}{{"before", e.Before}, {"after", e.After}} {
		if raw.v != nil && !json.Valid(raw.v) {
			return parley.Invalidf(raw.field, "is not valid JSON")
		}
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if e.ActorID == "" && e.ActorUsername == "" {
			a := parley.ActorFromContext(ctx)
			e.ActorID, e.ActorUsername = a.UserID, a.Username
		}
		if e.Time.IsZero() {
			e.Time = tx.now
		}
		e.Time = e.Time.UTC()
		return insertAudit(ctx, tx, e)
	})
}

func insertAudit(ctx context.Context, tx *Tx, e *parley.AuditEntry) error {
	if e.ID == "" {
		e.ID = parley.AuditEntryID(tx.db.newID())
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_entries
		(id, time, actor_id, actor_username, action, entity_type, entity_id, entity_name, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(e.ID), formatTime(e.Time), string(e.ActorID), e.ActorUsername, string(e.Action),
		e.EntityType, e.EntityID, e.EntityName, rawOrNull(e.Before), rawOrNull(e.After))
	if err != nil {
		return fmt.Errorf("insert audit entry: %w", err)
	}
	e.Seq, err = res.LastInsertId()
	return err
}

func rawOrNull(m json.RawMessage) any {
	if m == nil {
		return nil
	}
	return string(m)
}

// audit writes the entry for a change of a configuration entity, in the change's transaction,
// by the context's actor. before and after are the entity (marshalled to JSON) or nil.
func audit(ctx context.Context, tx *Tx, action parley.AuditAction, k kind, id any, name string, before, after any) error {
	tx.configChanged = true
	a := parley.ActorFromContext(ctx)
	e := &parley.AuditEntry{
		Time:          tx.now,
		ActorID:       a.UserID,
		ActorUsername: a.Username,
		Action:        action,
		EntityType:    k.typ,
		EntityID:      fmt.Sprint(id),
		EntityName:    name,
	}
	var err error
	if e.Before, err = auditJSON(before); err != nil {
		return err
	}
	if e.After, err = auditJSON(after); err != nil {
		return err
	}
	return insertAudit(ctx, tx, e)
}

func auditJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %T for the audit log: %w", v, err)
	}
	return b, nil
}
