package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// CTRService stores contact trace records: the record as JSON, with the columns listings
// filter on (initiation time, channel, queue, agent) beside it.
type CTRService struct{ db *DB }

var _ parley.CTRService = (*CTRService)(nil)

// NewCTRService returns the contact trace records of db.
func NewCTRService(db *DB) *CTRService { return &CTRService{db: db} }

// SaveCTR inserts or replaces the record of r.ContactID and sets r.LastUpdateTimestamp. Its
// times are stored in UTC. EInvalid without a ContactID or an initiation timestamp.
func (s *CTRService) SaveCTR(ctx context.Context, r *parley.CTR) error {
	if r.ContactID == "" {
		return parley.Invalidf("contactId", "is required")
	}
	if r.InitiationTimestamp.IsZero() {
		return parley.Invalidf("initiationTimestamp", "is required")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		r.LastUpdateTimestamp = tx.now
		rec := ctrUTC(r)
		body, err := jsonText(rec)
		if err != nil {
			return err
		}
		var queueID parley.QueueID
		var agentID parley.UserID
		if r.Queue != nil {
			queueID = r.Queue.ID
		}
		if r.Agent != nil {
			agentID = r.Agent.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ctrs (contact_id, initiation_timestamp, channel, queue_id, agent_id, record, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (contact_id) DO UPDATE SET initiation_timestamp = excluded.initiation_timestamp, channel = excluded.channel,
				queue_id = excluded.queue_id, agent_id = excluded.agent_id, record = excluded.record, updated_at = excluded.updated_at`,
			string(r.ContactID), formatTime(r.InitiationTimestamp), string(r.Channel), string(queueID), string(agentID), body,
			formatTime(tx.now)); err != nil {
			return fmt.Errorf("save ctr: %w", err)
		}
		return nil
	})
}

// FindCTR returns the record of a contact. ENotFound.
func (s *CTRService) FindCTR(ctx context.Context, id parley.ContactID) (*parley.CTR, error) {
	var rs []*parley.CTR
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		rs, err = findCTRs(ctx, tx, "contact_id = ?", []any{string(id)}, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, parley.NotFoundf("no contact trace record for contact %q", id)
	}
	return rs[0], nil
}

// FindCTRs lists records by initiation time.
func (s *CTRService) FindCTRs(ctx context.Context, f parley.CTRFilter) ([]*parley.CTR, error) {
	if f.Limit < 0 {
		return nil, parley.Invalidf("limit", "is %d; must not be negative", f.Limit)
	}
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if !f.Since.IsZero() {
		add("initiation_timestamp >= ?", formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("initiation_timestamp < ?", formatTime(f.Until))
	}
	if f.Channel != "" {
		add("channel = ?", string(f.Channel))
	}
	if f.QueueID != "" {
		add("queue_id = ?", string(f.QueueID))
	}
	if f.AgentID != "" {
		add("agent_id = ?", string(f.AgentID))
	}
	var rs []*parley.CTR
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		rs, err = findCTRs(ctx, tx, strings.Join(where, " AND "), args, f.Limit)
		return err
	})
	return rs, err
}

func findCTRs(ctx context.Context, tx *Tx, where string, args []any, limit int) ([]*parley.CTR, error) {
	q := `SELECT record FROM ctrs`
	if where != "" {
		q += " WHERE " + where
	}
	q += " ORDER BY initiation_timestamp, contact_id"
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find ctrs: %w", err)
	}
	defer rows.Close()
	var out []*parley.CTR
	for rows.Next() {
		r := &parley.CTR{}
		if err := rows.Scan(jsonCol{r}); err != nil {
			return nil, fmt.Errorf("scan ctr: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ctrUTC returns a copy of r with every time in UTC.
func ctrUTC(r *parley.CTR) *parley.CTR {
	c := *r
	c.InitiationTimestamp = c.InitiationTimestamp.UTC()
	c.LastUpdateTimestamp = c.LastUpdateTimestamp.UTC()
	c.ConnectedToSystemTimestamp = utcPtr(c.ConnectedToSystemTimestamp)
	c.DisconnectTimestamp = utcPtr(c.DisconnectTimestamp)
	if r.Queue != nil {
		q := *r.Queue
		q.EnqueueTimestamp = q.EnqueueTimestamp.UTC()
		q.DequeueTimestamp = utcPtr(q.DequeueTimestamp)
		c.Queue = &q
	}
	if r.Agent != nil {
		a := *r.Agent
		a.ConnectedToAgentTimestamp = utcPtr(a.ConnectedToAgentTimestamp)
		a.AfterContactWorkStartTimestamp = utcPtr(a.AfterContactWorkStartTimestamp)
		a.AfterContactWorkEndTimestamp = utcPtr(a.AfterContactWorkEndTimestamp)
		c.Agent = &a
	}
	return &c
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
