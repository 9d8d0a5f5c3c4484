package task

import (
	"context"
	"maps"

	"github.com/parley-cc/parley/backend/parley"
)

// apply brings the stored task contact in line with one router event and does what the task
// channel does on it: a CONNECTING task is connected at once (no media to set up), a task that
// ends with an agent has its after-contact work cleared, a completed task is forgotten.
func (s *Service) apply(ctx context.Context, ev parley.ContactEvent) error {
	row, err := s.contacts.FindContactByID(ctx, ev.ContactID)
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		if ev.PreviousContactID == "" {
			return nil // not a task this channel started
		}
		if row, err = s.adopt(ctx, ev); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if row.Channel != parley.ChannelTask {
		return nil
	}
	row.State = ev.State
	row.QueueID = ev.QueueID
	row.AgentID = ev.AgentID
	if ev.NextContactID != "" {
		row.NextContactID = ev.NextContactID
	}
	if ev.DisconnectReason != "" {
		row.DisconnectReason = ev.DisconnectReason
		if row.DisconnectedAt == nil {
			t := ev.Timestamp.UTC()
			row.DisconnectedAt = &t
		}
	}
	if ev.Type == parley.ContactEventCompleted || ev.Type == parley.ContactEventDisconnected {
		delete(row.Attributes, parley.AttrTaskPausedAt)
	}
	if err := s.contacts.UpdateContact(ctx, row); err != nil {
		return err
	}
	switch ev.Type {
	case parley.ContactEventConnecting:
		if err := s.router.Connected(ctx, ev.ContactID); err != nil && !benign(err) {
			return err
		}
	case parley.ContactEventDisconnected:
		if ev.AgentID != "" {
			if err := s.router.ClearACW(ctx, ev.AgentID, ev.ContactID); err != nil && !benign(err) {
				return err
			}
		}
	case parley.ContactEventCompleted:
		s.forget(ev.ContactID)
	}
	return nil
}

// benign reports errors that mean the router already moved on (another command got there
// first).
func benign(err error) bool {
	c := parley.ErrorCodeOf(err)
	return c == parley.EConflict || c == parley.ENotFound
}

// adopt stores a task contact the router made (the new contact of a transfer): from the
// router's copy when it still holds it, otherwise from the event and the previous contact.
// The task's references and flow come from the previous contact; a pause does not carry over.
func (s *Service) adopt(ctx context.Context, ev parley.ContactEvent) (*parley.Contact, error) {
	prev, err := s.contacts.FindContactByID(ctx, ev.PreviousContactID)
	if err != nil {
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			return nil, parley.NotFoundf("no contact %q before %q", ev.PreviousContactID, ev.ContactID)
		}
		return nil, err
	}
	if prev.Channel != parley.ChannelTask {
		return &parley.Contact{Channel: prev.Channel}, nil
	}
	c, err := s.router.Contact(ctx, ev.ContactID)
	if err != nil {
		c = parley.Contact{
			ID: ev.ContactID, InitialContactID: ev.InitialContactID, PreviousContactID: ev.PreviousContactID,
			Channel: parley.ChannelTask, InitiationMethod: ev.InitiationMethod, Name: prev.Name,
			Description: prev.Description, InitiatedAt: ev.Timestamp,
		}
	}
	attrs := maps.Clone(c.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	for _, k := range []string{parley.AttrTaskReferences, parley.AttrTaskFlowID} {
		if v, ok := prev.Attributes[k]; ok {
			attrs[k] = v
		} else {
			delete(attrs, k)
		}
	}
	delete(attrs, parley.AttrTaskPausedAt)
	c.Attributes = attrs
	c.InitiatedAt = c.InitiatedAt.UTC()
	if c.InitialContactID == "" {
		c.InitialContactID = prev.InitialContactID
	}
	c.State = ev.State
	if err := s.contacts.CreateContact(ctx, &c); err != nil {
		return nil, err
	}
	if at, ok := s.expires[prev.ID]; ok {
		s.expires[c.ID] = at
	} else {
		s.expires[c.ID] = s.expiryOf(ctx, &c)
	}
	return &c, nil
}
