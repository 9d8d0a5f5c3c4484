package task

import (
	"context"
	"maps"
	"time"

	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// do runs f holding the lock, with the router's pending events applied before and after.
func (s *Service) do(ctx context.Context, f func() error) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	s.drain(ctx)
	err := f()
	s.drain(ctx)
	return err
}

// StartTask implements parley.TaskService.
func (s *Service) StartTask(ctx context.Context, req parley.StartTaskRequest) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() (err error) {
		t, err = s.startTask(ctx, req)
		if err != nil {
			return err
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, t.ID)
		return err
	})
	return t, err
}

// startTask is StartTask with the lock held; flows' CreateTask effects call it directly.
func (s *Service) startTask(ctx context.Context, req parley.StartTaskRequest) (*parley.Task, error) {
	now := s.now()
	if err := req.Validate(now); err != nil {
		return nil, err
	}
	flowID := req.FlowID
	if flowID == "" && req.QueueID == "" {
		if s.DefaultFlowID == "" {
			return nil, parley.Invalidf("flowId", "is required: give flowId or queueId (no default task flow is configured)")
		}
		flowID = s.DefaultFlowID
	}
	if flowID != "" {
		if _, err := s.loadFlow(ctx, flowID); err != nil {
			return nil, err
		}
	}
	if req.QueueID != "" {
		if _, isAgent := routing.AgentOfQueue(req.QueueID); !isAgent {
			if _, err := s.env.Queue(string(req.QueueID)); err != nil {
				return nil, parley.Invalidf("queueId", "no queue with ID %q", req.QueueID)
			}
		}
	}
	if req.PreviousContactID != "" {
		if _, err := s.contacts.FindContactByID(ctx, req.PreviousContactID); parley.ErrorCodeOf(err) == parley.ENotFound {
			return nil, parley.Invalidf("previousContactId", "no contact with ID %q", req.PreviousContactID)
		} else if err != nil {
			return nil, err
		}
	}
	attrs := maps.Clone(req.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	if refs := parley.EncodeTaskReferences(req.References); refs != "" {
		attrs[parley.AttrTaskReferences] = refs
	}
	if flowID != "" {
		attrs[parley.AttrTaskFlowID] = string(flowID)
	}
	id := s.newID()
	row := &parley.Contact{
		ID: id, InitialContactID: id, PreviousContactID: req.PreviousContactID,
		Channel: parley.ChannelTask, InitiationMethod: parley.InitAPI, State: parley.ContactInitiated,
		Name: req.Name, Description: req.Description, QueueID: req.QueueID, Attributes: attrs,
		InitiatedAt: now,
	}
	scheduled := req.ScheduledAt != nil && req.ScheduledAt.After(now)
	if scheduled {
		at := req.ScheduledAt.UTC()
		row.ScheduledAt = &at
	}
	if err := s.contacts.CreateContact(ctx, row); err != nil {
		return nil, err
	}
	s.expires[id] = now.Add(parley.TaskExpiry)
	if scheduled {
		s.release[id] = *row.ScheduledAt
	} else if err := s.begin(ctx, row); err != nil {
		return nil, err
	}
	return s.findTask(ctx, id)
}

// FindTask implements parley.TaskService.
func (s *Service) FindTask(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() (err error) {
		t, err = s.findTask(ctx, id)
		return err
	})
	return t, err
}

// row returns the stored task contact id: ENotFound for an unknown contact or one of another
// channel.
func (s *Service) row(ctx context.Context, id parley.ContactID) (*parley.Contact, error) {
	c, err := s.contacts.FindContactByID(ctx, id)
	if parley.ErrorCodeOf(err) == parley.ENotFound || (err == nil && c.Channel != parley.ChannelTask) {
		return nil, parley.NotFoundf("no task with ID %q", id)
	}
	if err != nil {
		return nil, err
	}
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	return c, nil
}

func (s *Service) findTask(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	c, err := s.row(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := parley.TaskFromContact(c)
	if err != nil {
		return nil, err
	}
	if t.Transfers, err = s.transfers(ctx, c); err != nil {
		return nil, err
	}
	if at, ok := s.expires[id]; ok {
		t.ExpiresAt = at
	} else {
		t.ExpiresAt = s.expiryOf(ctx, c)
	}
	return t, nil
}

// transfers counts the transfers that led to c: the links back through PreviousContactID
// while the contacts were made by a transfer.
func (s *Service) transfers(ctx context.Context, c *parley.Contact) (int, error) {
	n := 0
	for n <= parley.MaxTaskTransfers+1 && c.PreviousContactID != "" &&
		(c.InitiationMethod == parley.InitTransfer || c.InitiationMethod == parley.InitQueueTransfer) {
		n++
		prev, err := s.contacts.FindContactByID(ctx, c.PreviousContactID)
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			break
		} else if err != nil {
			return 0, err
		}
		c = prev
	}
	return n, nil
}

// agentFor returns who acts as the agent: the signed-in user, or for the system (API keys,
// tools) the agent the task is with.
func agentFor(ctx context.Context, c *parley.Contact) parley.UserID {
	if a := parley.ActorFromContext(ctx); a.UserID != "" {
		return a.UserID
	}
	return c.AgentID
}

// Accept implements parley.TaskService.
func (s *Service) Accept(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	return s.offerAnswer(ctx, id, true)
}

// Reject implements parley.TaskService.
func (s *Service) Reject(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	return s.offerAnswer(ctx, id, false)
}

func (s *Service) offerAnswer(ctx context.Context, id parley.ContactID, accept bool) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() error {
		c, err := s.row(ctx, id)
		if err != nil {
			return err
		}
		agent := agentFor(ctx, c)
		verb := "rejected"
		if accept {
			verb = "accepted"
		}
		if c.State != parley.ContactIncoming {
			return parley.Conflictf("task %q is %s; only a task ringing an agent can be %s", id, c.State, verb)
		}
		if c.AgentID != agent {
			return parley.Conflictf("task %q is offered to another agent", id)
		}
		if accept {
			err = s.router.Accept(ctx, agent, id)
		} else {
			err = s.router.Reject(ctx, agent, id)
		}
		if err != nil {
			return err
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, id)
		return err
	})
	return t, err
}

// Pause implements parley.TaskService. A queued task leaves its queue (router Dequeue: it no
// longer counts against the queue's limits); a connected task stays with its agent and keeps
// its slot (the router has no way to free a slot while keeping the contact with the agent).
func (s *Service) Pause(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() error {
		c, err := s.row(ctx, id)
		if err != nil {
			return err
		}
		if c.Attributes[parley.AttrTaskPausedAt] != "" {
			return parley.Conflictf("task %q is already paused", id)
		}
		switch c.State {
		case parley.ContactQueued:
			if err := s.router.Dequeue(ctx, id); err != nil {
				return err
			}
		case parley.ContactConnected, parley.ContactConnectedOnHold:
		default:
			return parley.Conflictf("task %q is %s; only a queued or connected task can be paused", id, c.State)
		}
		c.Attributes[parley.AttrTaskPausedAt] = s.now().Format(time.RFC3339Nano)
		if err := s.contacts.UpdateContact(ctx, c); err != nil {
			return err
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, id)
		return err
	})
	return t, err
}

// Resume implements parley.TaskService.
func (s *Service) Resume(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() error {
		c, err := s.row(ctx, id)
		if err != nil {
			return err
		}
		pausedAt := c.Attributes[parley.AttrTaskPausedAt]
		if pausedAt == "" {
			return parley.Conflictf("task %q is %s and not paused", id, c.State)
		}
		delete(c.Attributes, parley.AttrTaskPausedAt)
		if c.State == parley.ContactInFlow {
			// Paused in queue: back to the queue, as a new arrival.
			if err := s.enqueue(ctx, c, c.QueueID); err != nil {
				c.Attributes[parley.AttrTaskPausedAt] = pausedAt
				if uerr := s.contacts.UpdateContact(ctx, c); uerr != nil {
					s.log().Error("task: keep task paused", "contact_id", string(id), "err", uerr)
				}
				return err
			}
		} else if err := s.contacts.UpdateContact(ctx, c); err != nil {
			return err
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, id)
		return err
	})
	return t, err
}

// Transfer implements parley.TaskService.
func (s *Service) Transfer(ctx context.Context, id parley.ContactID, to parley.TaskTransfer) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() error {
		if (to.QueueID == "") == (to.AgentID == "") {
			return parley.Invalidf("queueId", "give exactly one of queueId and agentId")
		}
		target := to.QueueID
		method := parley.InitQueueTransfer
		if to.AgentID != "" {
			if _, err := s.env.Agent(string(to.AgentID)); err != nil {
				return parley.Invalidf("agentId", "no agent with ID %q", to.AgentID)
			}
			target, method = routing.AgentQueueID(to.AgentID), parley.InitTransfer
		} else if _, err := s.env.Queue(string(to.QueueID)); err != nil {
			return parley.Invalidf("queueId", "no queue with ID %q", to.QueueID)
		}
		c, err := s.row(ctx, id)
		if err != nil {
			return err
		}
		n, err := s.transfers(ctx, c)
		if err != nil {
			return err
		}
		if n >= parley.MaxTaskTransfers {
			return parley.Conflictf("task %q has been transferred %d times; a task can be transferred at most %d times (complete it, or start a follow-up task with previousContactId)", id, n, parley.MaxTaskTransfers)
		}
		paused := c.Attributes[parley.AttrTaskPausedAt] != ""
		var next parley.ContactID
		switch {
		case c.State == parley.ContactConnected || c.State == parley.ContactConnectedOnHold:
			if next, err = s.router.Transfer(ctx, id, target); err != nil {
				return err
			}
		case c.State == parley.ContactQueued || (c.State == parley.ContactInFlow && paused):
			next = s.newID()
			n := &parley.Contact{
				ID: next, InitialContactID: c.InitialContactID, PreviousContactID: id, Channel: parley.ChannelTask,
				InitiationMethod: method, State: parley.ContactInitiated, Name: c.Name, Description: c.Description,
				Attributes: maps.Clone(c.Attributes), InitiatedAt: s.now(),
			}
			if n.InitialContactID == "" {
				n.InitialContactID = id
			}
			delete(n.Attributes, parley.AttrTaskPausedAt)
			if _, err := s.router.Enqueue(ctx, routing.EnqueueRequest{Contact: n, QueueID: target}); err != nil {
				return err
			}
			if c.State == parley.ContactQueued {
				if err := s.router.Dequeue(ctx, id); err != nil {
					return err
				}
			}
			err := s.router.Disconnect(ctx, id, parley.DisconnectTransferred)
			if parley.ErrorCodeOf(err) == parley.ENotFound {
				err = s.finish(ctx, c, parley.DisconnectTransferred) // paused before a restart
			}
			if err != nil {
				return err
			}
			s.drain(ctx)
			if c, err = s.row(ctx, id); err != nil {
				return err
			}
			c.NextContactID = next
			if err := s.contacts.UpdateContact(ctx, c); err != nil {
				return err
			}
		default:
			return parley.Conflictf("task %q is %s; only a queued, connected or paused task can be transferred", id, c.State)
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, next)
		return err
	})
	return t, err
}

// Complete implements parley.TaskService.
func (s *Service) Complete(ctx context.Context, id parley.ContactID) (*parley.Task, error) {
	var t *parley.Task
	err := s.do(ctx, func() error {
		c, err := s.row(ctx, id)
		if err != nil {
			return err
		}
		reason := parley.DisconnectAPI
		if a := parley.ActorFromContext(ctx); a.UserID != "" && a.UserID == c.AgentID {
			reason = parley.DisconnectAgent
		}
		if err := s.end(ctx, c, reason); err != nil {
			return err
		}
		s.drain(ctx)
		t, err = s.findTask(ctx, id)
		return err
	})
	return t, err
}

// end ends a task wherever it is. EConflict when already completed.
func (s *Service) end(ctx context.Context, c *parley.Contact, reason parley.DisconnectReason) error {
	switch c.State {
	case parley.ContactCompleted:
		return parley.Conflictf("task %q is already completed", c.ID)
	case parley.ContactEnded:
		// Ended with an agent whose after-contact work was not cleared (e.g. by another caller).
		if err := s.router.ClearACW(ctx, c.AgentID, c.ID); err != nil && parley.ErrorCodeOf(err) != parley.ENotFound {
			return err
		}
		return nil
	}
	delete(s.release, c.ID)
	delete(s.waits, c.ID)
	err := s.router.Disconnect(ctx, c.ID, reason)
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		return s.finish(ctx, c, reason) // not in the router: scheduled, in its flow
	}
	return err
}

// expire ends a task whose time is up.
func (s *Service) expire(ctx context.Context, id parley.ContactID) error {
	c, err := s.row(ctx, id)
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		return nil
	} else if err != nil {
		return err
	}
	if c.State == parley.ContactCompleted {
		return nil
	}
	return s.end(ctx, c, parley.DisconnectExpired)
}
