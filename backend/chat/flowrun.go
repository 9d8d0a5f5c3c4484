package chat

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// startFlow runs the chat's flow from its start. The caller holds c.mu.
func (c *chat) startFlow(ctx context.Context, def *flow.Flow) {
	fc := flow.Contact{
		ContactID: string(c.contact.ID), InitialContactID: string(c.id), Channel: flow.ChannelChat,
		InitiationMethod: string(c.contact.InitiationMethod), Attributes: c.attrs(),
		CustomerEndpoint: flow.Endpoint{Address: c.customer.name},
	}
	sess, effects, err := c.s.engine().Start(def, fc)
	if err != nil {
		c.s.log().Error("chat: start flow", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
		c.end(ctx, parley.DisconnectContactFlow, true)
		return
	}
	c.sess = sess
	c.storeLogs(ctx)
	c.carryOut(ctx, effects)
}

// storeLogs stores the session's new flow log entries (the flow turned logging on, or met a
// problem).
func (c *chat) storeLogs(ctx context.Context) {
	if c.sess == nil {
		return
	}
	entries := c.sess.TakeLog()
	if len(entries) == 0 || c.s.FlowLogs == nil {
		return
	}
	if err := c.s.FlowLogs.AppendFlowLogs(ctx, c.contact.ID, flow.DomainLogEntries(c.contact.ID, entries)); err != nil {
		c.s.log().Error("chat: store flow logs", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
	}
}

// resume gives the waiting flow an input and carries out what it does next.
func (c *chat) resume(ctx context.Context, in flow.Input) {
	if c.sess == nil || c.ended {
		return
	}
	c.stopFlowTimer()
	effects, err := c.s.engine().Resume(c.sess, in)
	if err != nil {
		if !errors.Is(err, flow.ErrEnded) && !errors.Is(err, flow.ErrUnexpectedInput) {
			c.s.log().Error("chat: resume flow", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
		}
		return
	}
	c.storeLogs(ctx)
	c.carryOut(ctx, effects)
}

// customerText hands a customer's message to the flow when it waits for one, and reports
// whether it did.
func (c *chat) customerText(ctx context.Context, text string) bool {
	if c.sess == nil || c.sess.Wait == nil {
		return false
	}
	switch c.sess.Wait.Kind {
	case flow.WaitInput, flow.WaitTimer, flow.WaitPrompt:
		c.resume(ctx, flow.Text(text))
		return true
	}
	return false
}

func (c *chat) stopFlowTimer() {
	c.flowGen++
	if c.flowTime != nil {
		c.flowTime.Stop()
		c.flowTime = nil
	}
}

// flowTimer resumes the flow with Timeout at `at`, unless it moved on meanwhile.
func (c *chat) flowTimer(at time.Time) {
	c.stopFlowTimer()
	gen := c.flowGen
	c.flowTime = c.s.clock().AfterFunc(at.Sub(c.s.now()), func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if gen != c.flowGen || c.ended {
			return
		}
		ctx := context.Background()
		c.flowTime = nil
		c.resume(ctx, flow.Timeout())
		c.store(ctx)
	})
}

// carryOut does what the flow asked, in order. Inputs the channel can give at once (a failed
// enqueue, a function result) resume the flow, whose new effects are carried out in turn.
func (c *chat) carryOut(ctx context.Context, effects []flow.Effect) {
	for len(effects) > 0 && !c.ended {
		e := effects[0]
		effects = effects[1:]
		if in, ok := c.effect(ctx, e); ok && c.sess != nil {
			more, err := c.s.engine().Resume(c.sess, in)
			if err != nil {
				c.s.log().Error("chat: resume flow", slog.String("contact_id", string(c.contact.ID)), slog.Any("err", err))
				continue
			}
			effects = append(effects, more...)
		}
	}
}

// effect carries out one effect; it returns an input to resume the flow with at once.
func (c *chat) effect(ctx context.Context, e flow.Effect) (flow.Input, bool) {
	switch e := e.(type) {
	case *flow.Message:
		c.system(ctx, contentText(e.Content))
	case *flow.CollectInput:
		c.system(ctx, contentText(e.Prompt))
		secs := e.TimeoutSeconds
		if secs <= 0 {
			secs = flow.DefaultInputTimeoutSeconds
		}
		c.flowTimer(c.s.now().Add(time.Duration(secs) * time.Second))
	case *flow.StartTimer:
		c.flowTimer(e.Until)
	case *flow.SetAttributes:
		if e.Target == "" || e.Target == "Current" {
			m := c.attrs()
			for k, v := range e.Attributes {
				m[k] = v
			}
			c.contact.Attributes = m
		}
	case *flow.SetQueue:
		if e.Queue != nil {
			c.contact.QueueID = parley.QueueID(e.Queue.ID)
		} else if e.AgentID != "" {
			c.contact.QueueID = routing.AgentQueueID(parley.UserID(e.AgentID))
		}
	case *flow.TransferToQueue:
		return c.enqueue(ctx, parley.QueueID(e.Queue.ID))
	case *flow.TransferToAgent:
		return c.enqueue(ctx, routing.AgentQueueID(parley.UserID(e.AgentID)))
	case *flow.TransferToThirdParty:
		return flow.TransferResult("CallFailed"), true // voice only
	case *flow.InvokeFunction:
		if e.Async {
			return flow.Input{}, false
		}
		if c.s.Functions == nil {
			return flow.FunctionError("external functions are not configured"), true
		}
		return c.s.Functions.Input(ctx, e), true
	case *flow.Disconnect:
		c.end(ctx, parley.DisconnectContactFlow, true)
	case *flow.FlowEnded:
		if e.Reason != flow.EndTransferred && !c.routed {
			c.end(ctx, parley.DisconnectContactFlow, true)
		}
		c.sess = nil
	default:
		c.s.log().Debug("chat: effect not carried out on chat", slog.String("contact_id", string(c.contact.ID)), slog.String("effect", string(e.Kind())))
	}
	return flow.Input{}, false
}

// enqueue hands the chat to the router. A failure resumes the flow on its error branch.
func (c *chat) enqueue(ctx context.Context, q parley.QueueID) (flow.Input, bool) {
	contact := c.contact
	contact.Attributes = c.attrs()
	req := routing.EnqueueRequest{Contact: &contact, QueueID: q}
	if c.sess != nil {
		req.Priority = c.sess.Priority
		req.TimeAdjustment = time.Duration(c.sess.AgeSeconds) * time.Second
	}
	c.routed = true // events may come before Enqueue returns
	res, err := c.s.router.Enqueue(ctx, req)
	if err != nil {
		c.routed = false
		c.s.log().Info("chat: enqueue failed", slog.String("contact_id", string(c.contact.ID)), slog.String("queue_id", string(q)), slog.Any("err", err))
		if errors.Is(err, routing.ErrQueueAtCapacity) {
			return flow.TransferResult("QueueAtCapacity"), true
		}
		return flow.TransferResult(flow.ErrNoMatchingError), true
	}
	c.contact.QueueID = q
	if c.contact.State == parley.ContactInFlow || c.contact.State == parley.ContactInitiated {
		c.contact.State = res.State
	}
	c.store(ctx)
	return flow.Input{}, false
}

// contentText is what a flow message shows on chat.
func contentText(ct flow.Content) string {
	switch {
	case ct.Text != "":
		return ct.Text
	case ct.SSML != "":
		return stripTags(ct.SSML)
	}
	return ""
}

func stripTags(s string) string {
	out := make([]rune, 0, len(s))
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			out = append(out, r)
		}
	}
	return string(out)
}
