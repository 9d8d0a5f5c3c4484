package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// FlowLogService stores flow logs.
type FlowLogService struct{ db *DB }

var _ parley.FlowLogService = (*FlowLogService)(nil)

// NewFlowLogService returns the flow log service over db.
func NewFlowLogService(db *DB) *FlowLogService { return &FlowLogService{db: db} }

// AppendFlowLogs implements parley.FlowLogService.
func (s *FlowLogService) AppendFlowLogs(ctx context.Context, contact parley.ContactID, entries []parley.FlowLogEntry) error {
	if contact == "" {
		return parley.Invalidf("contactId", "is required")
	}
	if len(entries) == 0 {
		return nil
	}
	return s.db.update(ctx, func(tx *Tx) error {
		for _, e := range entries {
			var params any
			if len(e.Params) > 0 {
				p, err := jsonText(e.Params)
				if err != nil {
					return err
				}
				params = p
			}
			t := e.Time
			if t.IsZero() {
				t = tx.now
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO flow_logs (contact_id, time, flow_id, action_id, type, params, result, error)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, string(contact), formatTime(t), e.FlowID, e.ActionID, e.Type, params, e.Result, e.Error); err != nil {
				return fmt.Errorf("insert flow log: %w", err)
			}
		}
		return nil
	})
}

// FindFlowLogs implements parley.FlowLogService.
func (s *FlowLogService) FindFlowLogs(ctx context.Context, contact parley.ContactID) ([]*parley.FlowLogEntry, error) {
	out := []*parley.FlowLogEntry{}
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seq, contact_id, time, flow_id, action_id, type, params, result, error
			FROM flow_logs WHERE contact_id = ? ORDER BY seq`, string(contact))
		if err != nil {
			return fmt.Errorf("find flow logs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e := &parley.FlowLogEntry{}
			if err := rows.Scan(&e.Seq, &e.ContactID, timeCol{&e.Time}, &e.FlowID, &e.ActionID, &e.Type, jsonCol{&e.Params}, &e.Result, &e.Error); err != nil {
				return fmt.Errorf("scan flow log: %w", err)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}
