package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// ContactService stores contacts as they live. Contacts are traffic: not audited, and their
// queue and agent IDs are not foreign keys (a contact outlives a deleted queue).
type ContactService struct{ db *DB }

var _ parley.ContactService = (*ContactService)(nil)

// NewContactService returns the contacts of db.
func NewContactService(db *DB) *ContactService { return &ContactService{db: db} }

var (
	initiationMethods = []parley.InitiationMethod{parley.InitInbound, parley.InitOutbound, parley.InitTransfer,
		parley.InitQueueTransfer, parley.InitCallback, parley.InitAPI, parley.InitDisconnect, parley.InitMonitor}
	contactStates = []parley.ContactState{parley.ContactInitiated, parley.ContactInFlow, parley.ContactQueued,
		parley.ContactIncoming, parley.ContactConnecting, parley.ContactConnected, parley.ContactConnectedOnHold,
		parley.ContactMissed, parley.ContactRejected, parley.ContactError, parley.ContactEnded, parley.ContactCompleted}
)

// validateContact checks the fields the store relies on and fills the default state.
func validateContact(c *parley.Contact) error {
	if !c.Channel.Valid() {
		return parley.Invalidf("channel", "is %q; must be one of VOICE, CHAT, TASK", c.Channel)
	}
	if !slices.Contains(initiationMethods, c.InitiationMethod) {
		return parley.Invalidf("initiationMethod", "is %q; must be one of %s", c.InitiationMethod, joinStrings(initiationMethods))
	}
	if c.State == "" {
		c.State = parley.ContactInitiated
	}
	if !slices.Contains(contactStates, c.State) {
		return parley.Invalidf("state", "is %q; must be one of %s", c.State, joinStrings(contactStates))
	}
	return nil
}

func joinStrings[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// CreateContact sets c.ID (when empty), c.InitiatedAt (when zero) and c.UpdatedAt and stores c.
// An empty state is INITIATED. EInvalid, EConflict (ID taken).
func (s *ContactService) CreateContact(ctx context.Context, c *parley.Contact) error {
	if err := validateContact(c); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if c.ID == "" {
			c.ID = parley.ContactID(tx.db.newID())
		} else if ok, err := exists(ctx, tx, kind{table: "contacts"}, c.ID); err != nil {
			return err
		} else if ok {
			return parley.Conflictf("a contact with ID %q already exists", c.ID)
		}
		if c.InitiatedAt.IsZero() {
			c.InitiatedAt = tx.now
		}
		c.UpdatedAt = tx.now
		args, err := contactArgs(c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (initial_contact_id, previous_contact_id, next_contact_id, channel,
			initiation_method, state, name, description, queue_id, agent_id, customer_endpoint, system_endpoint, attributes,
			initiated_at, scheduled_at, disconnected_at, disconnect_reason, updated_at, id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
		return nil
	})
}

// UpdateContact replaces a stored contact and sets c.UpdatedAt. ENotFound, EInvalid.
func (s *ContactService) UpdateContact(ctx context.Context, c *parley.Contact) error {
	if err := validateContact(c); err != nil {
		return err
	}
	if c.InitiatedAt.IsZero() {
		return parley.Invalidf("initiatedAt", "is required")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		prev := c.UpdatedAt
		c.UpdatedAt = tx.now
		args, err := contactArgs(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE contacts SET initial_contact_id = ?, previous_contact_id = ?, next_contact_id = ?,
			channel = ?, initiation_method = ?, state = ?, name = ?, description = ?, queue_id = ?, agent_id = ?,
			customer_endpoint = ?, system_endpoint = ?, attributes = ?, initiated_at = ?, scheduled_at = ?,
			disconnected_at = ?, disconnect_reason = ?, updated_at = ? WHERE id = ?`, args...)
		if err != nil {
			return fmt.Errorf("update contact: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			c.UpdatedAt = prev
			return parley.NotFoundf("no contact with ID %q", c.ID)
		}
		return nil
	})
}

// contactArgs returns the column values of c in the order of the INSERT and UPDATE above, the
// ID last.
func contactArgs(c *parley.Contact) ([]any, error) {
	var cust, sys, attrs any
	var err error
	if c.CustomerEndpoint != nil {
		if cust, err = jsonText(c.CustomerEndpoint); err != nil {
			return nil, err
		}
	}
	if c.SystemEndpoint != nil {
		if sys, err = jsonText(c.SystemEndpoint); err != nil {
			return nil, err
		}
	}
	if c.Attributes != nil {
		if attrs, err = jsonText(c.Attributes); err != nil {
			return nil, err
		}
	}
	return []any{string(c.InitialContactID), string(c.PreviousContactID), string(c.NextContactID), string(c.Channel),
		string(c.InitiationMethod), string(c.State), c.Name, c.Description, string(c.QueueID), string(c.AgentID),
		cust, sys, attrs, formatTime(c.InitiatedAt), nullTime(c.ScheduledAt), nullTime(c.DisconnectedAt),
		string(c.DisconnectReason), formatTime(c.UpdatedAt), string(c.ID)}, nil
}

// FindContactByID returns a contact. ENotFound.
func (s *ContactService) FindContactByID(ctx context.Context, id parley.ContactID) (*parley.Contact, error) {
	var cs []*parley.Contact
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		cs, err = findContacts(ctx, tx, "id = ?", []any{string(id)}, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, parley.NotFoundf("no contact with ID %q", id)
	}
	return cs[0], nil
}

// FindContacts lists contacts in initiation order.
func (s *ContactService) FindContacts(ctx context.Context, f parley.ContactFilter) ([]*parley.Contact, error) {
	if f.Limit < 0 {
		return nil, parley.Invalidf("limit", "is %d; must not be negative", f.Limit)
	}
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.Channel != "" {
		add("channel = ?", string(f.Channel))
	}
	if f.QueueID != "" {
		add("queue_id = ?", string(f.QueueID))
	}
	if f.AgentID != "" {
		add("agent_id = ?", string(f.AgentID))
	}
	if !f.Since.IsZero() {
		add("initiated_at >= ?", formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("initiated_at < ?", formatTime(f.Until))
	}
	var cs []*parley.Contact
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		cs, err = findContacts(ctx, tx, strings.Join(where, " AND "), args, f.Limit)
		return err
	})
	return cs, err
}

func findContacts(ctx context.Context, tx *Tx, where string, args []any, limit int) ([]*parley.Contact, error) {
	q := `SELECT id, initial_contact_id, previous_contact_id, next_contact_id, channel, initiation_method, state, name,
		description, queue_id, agent_id, customer_endpoint, system_endpoint, attributes, initiated_at, scheduled_at,
		disconnected_at, disconnect_reason, updated_at FROM contacts`
	if where != "" {
		q += " WHERE " + where
	}
	q += " ORDER BY initiated_at, rowid"
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find contacts: %w", err)
	}
	defer rows.Close()
	var out []*parley.Contact
	for rows.Next() {
		c := &parley.Contact{}
		if err := rows.Scan(&c.ID, &c.InitialContactID, &c.PreviousContactID, &c.NextContactID, &c.Channel,
			&c.InitiationMethod, &c.State, &c.Name, &c.Description, &c.QueueID, &c.AgentID,
			jsonCol{&c.CustomerEndpoint}, jsonCol{&c.SystemEndpoint}, jsonCol{&c.Attributes}, timeCol{&c.InitiatedAt},
			nullTimeCol{&c.ScheduledAt}, nullTimeCol{&c.DisconnectedAt}, &c.DisconnectReason, timeCol{&c.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan contact: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
