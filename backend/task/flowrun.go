package task

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// loadFlow returns the published version of a flow, parsed. EInvalid (field flowId) when it is
// unknown, unpublished or does not run.
func (s *Service) loadFlow(ctx context.Context, id parley.FlowID) (*flow.Flow, error) {
	content, err := s.flows.PublishedFlowContent(ctx, id)
	switch parley.ErrorCodeOf(err) {
	case "":
	case parley.ENotFound:
		return nil, parley.Invalidf("flowId", "no flow with ID %q", id)
	default:
		return nil, err
	}
	def, err := flow.Parse([]byte(content))
	if err != nil {
		return nil, parley.Invalidf("flowId", "flow %q cannot run: %v", id, err)
	}
	def.ID = string(id)
	return def, nil
}

func (s *Service) engine() *flow.Engine {
	return &flow.Engine{Env: s.env, Now: s.now}
}

// begin starts a task on its way: its flow, or its queue when it has no flow. A task whose
// flow ends without queueing it is completed (CONTACT_FLOW_DISCONNECT). The caller holds the
// lock and has stored row.
func (s *Service) begin(ctx context.Context, row *parley.Contact) error {
	flowID := parley.FlowID(row.Attributes[parley.AttrTaskFlowID])
	if flowID == "" {
		if err := s.enqueue(ctx, row, row.QueueID); err != nil {
			if ferr := s.finish(ctx, row, parley.DisconnectOther); ferr != nil {
				return errors.Join(err, ferr)
			}
			return err
		}
		return nil
	}
	def, err := s.loadFlow(ctx, flowID)
	if err != nil {
		if ferr := s.finish(ctx, row, parley.DisconnectOther); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	row.State = parley.ContactInFlow
	if err := s.contacts.UpdateContact(ctx, row); err != nil {
		return err
	}
	fc := flow.Contact{
		ContactID: string(row.ID), InitialContactID: string(row.InitialContactID),
		PreviousContactID: string(row.PreviousContactID), Channel: flow.ChannelTask,
		InitiationMethod: string(row.InitiationMethod), Name: row.Name, Description: row.Description,
		Attributes: userAttributes(row.Attributes),
	}
	if row.QueueID != "" {
		fc.Queue = &flow.QueueRef{ID: string(row.QueueID)}
		if q, err := s.env.Queue(string(row.QueueID)); err == nil {
			fc.Queue = q.Ref()
		}
	}
	sess, effects, err := s.engine().Start(def, fc)
	if err != nil {
		if ferr := s.finish(ctx, row, parley.DisconnectOther); ferr != nil {
			return errors.Join(err, ferr)
		}
		return parley.Invalidf("flowId", "flow %q cannot run: %v", flowID, err)
	}
	return s.carry(ctx, row, sess, effects)
}

// carry carries out a task flow's effects until the flow waits (a Wait block), queues the task
// or ends. Voice and chat effects are ignored; collecting input times out at once (a task has
// no customer to answer).
func (s *Service) carry(ctx context.Context, row *parley.Contact, sess *flow.Session, effects []flow.Effect) error {
	eng := s.engine()
	queued := false
	resume := func(in flow.Input) error {
		more, err := eng.Resume(sess, in)
		if err != nil {
			return fmt.Errorf("resume flow of task %q: %w", row.ID, err)
		}
		effects = append(effects, more...)
		return nil
	}
	for len(effects) > 0 {
		e := effects[0]
		effects = effects[1:]
		var err error
		switch e := e.(type) {
		case *flow.SetAttributes:
			if e.Target == "" || strings.EqualFold(e.Target, "Current") {
				for k, v := range e.Attributes {
					if !strings.HasPrefix(k, parley.ReservedAttributePrefix) {
						row.Attributes[k] = v
					}
				}
			}
		case *flow.TransferToQueue:
			q := parley.QueueID(e.Queue.ID)
			if sess.TargetAgentID != "" {
				q = routing.AgentQueueID(parley.UserID(sess.TargetAgentID))
			}
			res := s.enqueueFromFlow(ctx, row, q)
			queued = queued || res == ""
			err = resume(flow.TransferResult(res))
		case *flow.TransferToAgent:
			res := flow.ErrNoMatchingError
			if e.AgentID != "" {
				res = s.enqueueFromFlow(ctx, row, routing.AgentQueueID(parley.UserID(e.AgentID)))
			}
			queued = queued || res == ""
			err = resume(flow.TransferResult(res))
		case *flow.CollectInput:
			err = resume(flow.Timeout())
		case *flow.InvokeFunction:
			if e.Async {
				break
			}
			in := flow.FunctionError("external functions are not available to task flows on this server")
			if s.Functions != nil {
				in = s.Functions.Input(ctx, e)
			}
			err = resume(in)
		case *flow.StartTimer:
			s.waits[row.ID] = &flowWait{until: e.Until, sess: sess}
			return s.contacts.UpdateContact(ctx, row)
		case *flow.CreateTask:
			req := RequestFromCreateTask(e, s.now(), row.ID)
			if _, err := s.startTask(ctx, req); err != nil {
				s.log().Warn("task: CreateTask from a task flow failed", slog.String("contact_id", string(row.ID)), slog.Any("err", err))
			}
		}
		if err != nil {
			return err
		}
	}
	logs := sess.TakeLog()
	for _, l := range logs {
		if l.Error != "" {
			s.log().Info("task: flow problem", slog.String("contact_id", string(row.ID)), slog.String("flow_id", l.FlowID),
				slog.String("action", l.ActionID), slog.String("error", l.Error))
		}
	}
	if len(logs) > 0 && s.FlowLogs != nil {
		if err := s.FlowLogs.AppendFlowLogs(ctx, row.ID, flow.DomainLogEntries(row.ID, logs)); err != nil {
			s.log().Error("task: store flow logs", slog.String("contact_id", string(row.ID)), slog.Any("err", err))
		}
	}
	if queued {
		return nil // the router has it; events keep the stored row up to date
	}
	if sess.Ended() {
		return s.finish(ctx, row, parley.DisconnectContactFlow)
	}
	return s.contacts.UpdateContact(ctx, row)
}

// enqueueFromFlow stores the task as the flow left it and hands it to the router. It returns
// the flow error type to resume with: "" on success.
func (s *Service) enqueueFromFlow(ctx context.Context, row *parley.Contact, q parley.QueueID) string {
	err := s.enqueue(ctx, row, q)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, routing.ErrQueueAtCapacity):
		return "QueueAtCapacity"
	default:
		s.log().Info("task: flow could not queue the task", slog.String("contact_id", string(row.ID)),
			slog.String("queue_id", string(q)), slog.Any("err", err))
		return flow.ErrNoMatchingError
	}
}

// enqueue stores row and hands it to the router on queue q. Errors: EInvalid (queueId: none,
// unknown), EUnavailable (full, disabled, router stopped), EConflict.
func (s *Service) enqueue(ctx context.Context, row *parley.Contact, q parley.QueueID) error {
	if q == "" {
		return parley.Invalidf("queueId", "is required when the task has no flow")
	}
	row.QueueID = q
	if err := s.contacts.UpdateContact(ctx, row); err != nil {
		return err
	}
	c := *row
	c.Attributes = maps.Clone(row.Attributes)
	delete(c.Attributes, parley.AttrTaskPausedAt)
	if c.State != parley.ContactInitiated {
		c.State = parley.ContactInFlow
	}
	_, err := s.router.Enqueue(ctx, routing.EnqueueRequest{Contact: &c, QueueID: q})
	if parley.ErrorCodeOf(err) == parley.ENotFound {
		return parley.Invalidf("queueId", "no queue with ID %q", q)
	}
	return err
}

// finish completes a task the router does not hold (scheduled, in its flow, failed to start).
func (s *Service) finish(ctx context.Context, row *parley.Contact, reason parley.DisconnectReason) error {
	now := s.now()
	row.State = parley.ContactCompleted
	row.DisconnectedAt = &now
	row.DisconnectReason = reason
	delete(row.Attributes, parley.AttrTaskPausedAt)
	s.forget(row.ID)
	return s.contacts.UpdateContact(ctx, row)
}

// resumeWait continues a flow whose Wait block has ended.
func (s *Service) resumeWait(ctx context.Context, id parley.ContactID, w *flowWait) error {
	row, err := s.contacts.FindContactByID(ctx, id)
	if err != nil {
		return err
	}
	if row.State != parley.ContactInFlow {
		return nil // completed meanwhile
	}
	if row.Attributes == nil {
		row.Attributes = map[string]string{}
	}
	w.sess.Contact.Attributes = userAttributes(row.Attributes)
	effects, err := s.engine().Resume(w.sess, flow.Timeout())
	if err != nil {
		return s.finish(ctx, row, parley.DisconnectContactFlow)
	}
	return s.carry(ctx, row, w.sess, effects)
}

// releaseScheduled starts a scheduled task's flow at its time.
func (s *Service) releaseScheduled(ctx context.Context, id parley.ContactID) error {
	row, err := s.contacts.FindContactByID(ctx, id)
	if err != nil {
		return err
	}
	if row.State != parley.ContactInitiated {
		return nil
	}
	if row.Attributes == nil {
		row.Attributes = map[string]string{}
	}
	return s.begin(ctx, row)
}

func userAttributes(attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		if !strings.HasPrefix(k, parley.ReservedAttributePrefix) {
			out[k] = v
		}
	}
	return out
}

// RequestFromCreateTask turns a flow's CreateTask effect into a StartTaskRequest for the task
// channel; voice and chat channels use it too. previous is the contact whose flow created the
// task. References from a flow carry no type: a value that is an absolute http(s) URL becomes
// a URL reference, anything else a STRING. DelaySeconds (or ScheduledTime) schedules the task.
// A TaskTemplateId without a flow runs the default task flow (templates are not supported).
func RequestFromCreateTask(e *flow.CreateTask, now time.Time, previous parley.ContactID) parley.StartTaskRequest {
	req := parley.StartTaskRequest{
		Name: e.Name, Description: e.Description, FlowID: parley.FlowID(e.FlowID),
		Attributes: maps.Clone(e.Attributes), PreviousContactID: previous,
	}
	names := slices.Sorted(maps.Keys(e.References))
	for _, name := range names {
		v := e.References[name]
		typ := parley.ReferenceString
		if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			typ = parley.ReferenceURL
		}
		req.References = append(req.References, parley.TaskReference{Name: name, Type: typ, Value: v})
	}
	switch {
	case !e.ScheduledTime.IsZero():
		t := e.ScheduledTime
		req.ScheduledAt = &t
	case e.DelaySeconds > 0:
		t := now.Add(time.Duration(e.DelaySeconds) * time.Second)
		req.ScheduledAt = &t
	}
	return req
}
