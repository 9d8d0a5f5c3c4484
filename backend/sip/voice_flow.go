package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// flowMode says which of a call's flows runs: the inbound flow (it may queue the contact), a
// customer queue flow or a hold flow (played while the contact waits: transfers fail), or a
// whisper.
type flowMode int

const (
	flowInbound flowMode = iota
	flowQueue
)

// flowOutcome is how a flow run stopped.
type flowOutcome struct {
	gone       bool // ctx ended (the customer hung up, or the run was stopped)
	queued     bool // the contact was handed to the router (inbound flows)
	disconnect bool // the flow disconnected the contact
}

// runFlow carries out a flow session's effects on the call until the flow ends, queues the
// contact (inbound mode) or ctx ends. Digits and prompts are the call's; the flow's waits are
// answered here: input (CollectDigits), functions, timers and looping prompts.
func (r *callRun) runFlow(ctx context.Context, sess *flow.Session, effects []flow.Effect, mode flowMode) flowOutcome {
	eng := r.v.engine()
	for {
		r.appendLogs(ctx, sess)
		var last flow.Effect
		var out flowOutcome
		skipMessages := false // a digit interrupted a prompt: skip to the input collection
		played := false
		for i, e := range effects {
			if ctx.Err() != nil {
				return flowOutcome{gone: true}
			}
			switch e := e.(type) {
			case *flow.Message:
				if skipMessages {
					continue
				}
				pctx, cancel := ctx, context.CancelFunc(func() {})
				if i == len(effects)-1 && sess.Wait != nil && sess.Wait.Kind == flow.WaitPrompt && !sess.Wait.Deadline.IsZero() {
					pctx, cancel = context.WithTimeout(ctx, sess.Wait.Deadline.Sub(r.v.now()))
				}
				barge := collectFollows(effects[i+1:])
				interrupted, ok := r.say(pctx, e.Content, barge)
				cancel()
				played = played || ok
				skipMessages = interrupted
			case *flow.CollectInput:
				if !skipMessages && !e.Prompt.Empty() {
					r.say(ctx, e.Prompt, true)
				}
				last = e
			case *flow.SetAttributes:
				if e.Target == "" || strings.EqualFold(e.Target, "Current") {
					r.setAttributes(ctx, e.Attributes)
				}
			case *flow.InvokeFunction:
				if e.Async {
					r.invokeAsync(ctx, e)
				} else {
					last = e
				}
			case *flow.TransferToQueue, *flow.TransferToAgent, *flow.TransferToThirdParty, *flow.StartTimer:
				last = e
			case *flow.Disconnect:
				out.disconnect = true
			case *flow.CreateTask:
				r.createTask(ctx, e)
			case *flow.CreateCallback:
				r.createCallback(ctx, e)
			case *flow.SetRecording:
				r.record = slices.ContainsFunc(e.Participants, func(p string) bool {
					return strings.EqualFold(p, "Agent") || strings.EqualFold(p, "Customer")
				})
			case *flow.SetEventHooks:
				maps.Copy(r.hooks, e.Hooks)
			case *flow.SetRoutingBehavior:
				if r.queued {
					rb := routing.RoutingBehavior{}
					if e.Priority > 0 {
						rb.Priority = &e.Priority
					}
					if e.AgeSeconds != 0 {
						d := time.Duration(e.AgeSeconds) * time.Second
						rb.TimeAdjustment = &d
					}
					if err := r.v.svc.Router.UpdateRoutingBehavior(ctx, r.contact.ID, rb); err != nil {
						r.log.Info("voice: routing behaviour", slog.Any("err", err))
					}
				}
			}
		}
		if ctx.Err() != nil {
			return flowOutcome{gone: true}
		}
		if sess.Ended() || out.disconnect {
			r.appendLogs(ctx, sess)
			return out
		}
		if sess.Wait == nil {
			return out
		}
		var in flow.Input
		switch w := sess.Wait; w.Kind {
		case flow.WaitInput:
			ci, _ := last.(*flow.CollectInput)
			in = r.collect(ctx, ci)
		case flow.WaitFunction:
			fe, _ := last.(*flow.InvokeFunction)
			in = r.invoke(ctx, fe)
		case flow.WaitQueue, flow.WaitTransfer:
			var q parley.QueueID
			switch e := last.(type) {
			case *flow.TransferToQueue:
				q = parley.QueueID(e.Queue.ID)
				if sess.TargetAgentID != "" {
					q = routing.AgentQueueID(parley.UserID(sess.TargetAgentID))
				}
			case *flow.TransferToAgent:
				if e.AgentID != "" {
					q = routing.AgentQueueID(parley.UserID(e.AgentID))
				}
			case *flow.TransferToThirdParty:
				r.log.Info("voice: TransferParticipantToThirdParty is not supported yet (no outbound calls)")
				in = flow.TransferResult("CallFailed")
			}
			if in.Kind == "" {
				switch {
				case q == "" || mode != flowInbound || r.queued:
					in = flow.TransferResult(flow.ErrNoMatchingError)
				default:
					if res := r.enqueue(ctx, q); res != "" {
						in = flow.TransferResult(res)
					} else {
						r.appendLogs(ctx, sess)
						return flowOutcome{queued: true}
					}
				}
			}
		case flow.WaitPrompt:
			if !played {
				// Nothing could be played (a prompt that failed): do not spin.
				r.pause(ctx, time.Second)
			}
			in = flow.PromptEnded()
			if !w.Deadline.IsZero() && !r.v.now().Before(w.Deadline) {
				in = flow.Timeout()
			}
		case flow.WaitTimer:
			r.pause(ctx, w.Deadline.Sub(r.v.now()))
			in = flow.Timeout()
		default:
			r.log.Error("voice: flow waits for something a call cannot give", slog.String("wait", string(w.Kind)))
			return out
		}
		if ctx.Err() != nil {
			return flowOutcome{gone: true}
		}
		more, err := eng.Resume(sess, in)
		if err != nil {
			r.log.Error("voice: resume flow", slog.Any("err", err))
			return out
		}
		effects = more
	}
}

func collectFollows(effects []flow.Effect) bool {
	for _, e := range effects {
		if _, ok := e.(*flow.CollectInput); ok {
			return true
		}
	}
	return false
}

// pause waits d (on the channel's clock) or until ctx ends.
func (r *callRun) pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	done := make(chan struct{})
	t := r.v.clock().AfterFunc(d, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// audio returns what a message says.
func (r *callRun) audio(ctx context.Context, c flow.Content) (*Audio, error) {
	p := r.v.svc.Prompts
	switch {
	case c.Text != "":
		return p.Text(ctx, c.Text)
	case c.SSML != "":
		return p.Text(ctx, c.SSML)
	case c.PromptID != "":
		if r.v.PromptStore != nil {
			pr, err := r.v.PromptStore.FindPromptByID(ctx, parley.PromptID(c.PromptID))
			if err == nil {
				return p.Prompt(ctx, pr)
			}
			if parley.ErrorCodeOf(err) != parley.ENotFound {
				return nil, err
			}
		}
		if c.PromptURI != "" {
			path := c.PromptURI
			if !filepath.IsAbs(path) {
				path = filepath.Join(p.AudioDir, path)
			}
			return p.File(path)
		}
		return nil, fmt.Errorf("prompt %q not found", c.PromptID)
	}
	return &Audio{}, nil
}

// say plays a message to the caller. It reports whether a digit interrupted it (bargeIn) and
// whether anything played.
func (r *callRun) say(ctx context.Context, c flow.Content, bargeIn bool) (interrupted, played bool) {
	a, err := r.audio(ctx, c)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("voice: prompt", slog.Any("err", err))
		}
		return false, false
	}
	if len(a.Samples) == 0 {
		return false, false
	}
	interrupted, err = r.call.Play(ctx, a, PlayOptions{BargeIn: bargeIn})
	if err != nil && ctx.Err() == nil {
		r.log.Warn("voice: play", slog.Any("err", err))
	}
	return interrupted, err == nil
}

// collect gathers the digits a CollectInput asks for.
func (r *callRun) collect(ctx context.Context, ci *flow.CollectInput) flow.Input {
	if ci == nil {
		return flow.Timeout()
	}
	opts := CollectOptions{MaxDigits: ci.MaxDigits, Timeout: time.Duration(ci.TimeoutSeconds) * time.Second}
	if ci.InterdigitTimeoutSeconds > 0 {
		opts.InterDigitTimeout = time.Duration(ci.InterdigitTimeoutSeconds) * time.Second
	}
	if t := []rune(ci.Terminator); len(t) > 0 {
		opts.Terminator = t[0]
	}
	res, err := r.call.CollectDigits(ctx, opts)
	if err != nil || res.Digits == "" {
		return flow.Timeout()
	}
	return flow.Digits(res.Digits)
}

// invoke calls an external function and waits for its result.
func (r *callRun) invoke(ctx context.Context, e *flow.InvokeFunction) flow.Input {
	if e == nil || r.v.Functions == nil {
		return flow.FunctionError("external functions are not available to voice flows on this server")
	}
	return r.v.Functions.Input(ctx, e)
}

func (r *callRun) invokeAsync(ctx context.Context, e *flow.InvokeFunction) {
	if r.v.Functions == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(max(e.TimeoutSeconds, 1))*time.Second)
	go func() {
		defer cancel()
		r.v.Functions.Input(fctx, e)
	}()
}

// setAttributes sets contact attributes on the call's contact and its stored row. Reserved
// keys (parley:...) are not the flow's to set.
func (r *callRun) setAttributes(ctx context.Context, attrs map[string]string) {
	if r.contact.Attributes == nil {
		r.contact.Attributes = map[string]string{}
	}
	for k, val := range attrs {
		if !strings.HasPrefix(k, parley.ReservedAttributePrefix) {
			r.contact.Attributes[k] = val
		}
	}
	err := r.v.updateRow(ctx, r.contact.ID, func(c *parley.Contact) {
		if c.Attributes == nil {
			c.Attributes = map[string]string{}
		}
		maps.Copy(c.Attributes, r.contact.Attributes)
	})
	if err != nil && ctx.Err() == nil {
		r.log.Error("voice: store contact attributes", slog.Any("err", err))
	}
}

// createTask starts the task a flow's CreateTask asks for (as task.RequestFromCreateTask).
func (r *callRun) createTask(ctx context.Context, e *flow.CreateTask) {
	if r.v.Tasks == nil {
		r.log.Warn("voice: CreateTask: no task channel on this server; skipped")
		return
	}
	req := parley.StartTaskRequest{Name: e.Name, Description: e.Description, FlowID: parley.FlowID(e.FlowID),
		Attributes: maps.Clone(e.Attributes), PreviousContactID: r.contact.ID}
	for _, name := range slices.Sorted(maps.Keys(e.References)) {
		val := e.References[name]
		typ := parley.ReferenceString
		if u, err := url.Parse(val); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			typ = parley.ReferenceURL
		}
		req.References = append(req.References, parley.TaskReference{Name: name, Type: typ, Value: val})
	}
	switch {
	case !e.ScheduledTime.IsZero():
		t := e.ScheduledTime
		req.ScheduledAt = &t
	case e.DelaySeconds > 0:
		t := r.v.now().Add(time.Duration(e.DelaySeconds) * time.Second)
		req.ScheduledAt = &t
	}
	if _, err := r.v.Tasks.StartTask(ctx, req); err != nil {
		r.log.Warn("voice: CreateTask failed", slog.Any("err", err))
	}
}

// appendLogs stores the session's new flow log entries.
func (r *callRun) appendLogs(ctx context.Context, sess *flow.Session) {
	entries := sess.TakeLog()
	if len(entries) == 0 || r.v.svc.FlowLogs == nil {
		return
	}
	out := make([]parley.FlowLogEntry, 0, len(entries))
	for _, l := range entries {
		out = append(out, parley.FlowLogEntry{ContactID: r.contact.ID, Time: l.Time, FlowID: l.FlowID, ActionID: l.ActionID,
			Type: l.Type, Params: l.Params, Result: l.Result, Error: l.Error})
		if l.Error != "" {
			r.log.Info("voice: flow problem", slog.String("flow_id", l.FlowID), slog.String("action", l.ActionID), slog.String("error", l.Error))
		}
	}
	lctx, cancel := bg(ctx)
	defer cancel()
	if err := r.v.svc.FlowLogs.AppendFlowLogs(lctx, r.contact.ID, out); err != nil {
		r.log.Error("voice: store flow logs", slog.Any("err", err))
	}
}

// runQueueFlow plays the customer queue flow (the flow's CustomerQueue hook, else
// DefaultQueueFlow, else QueuePrompt in a loop) until ctx ends. It reports whether the queue
// flow disconnected the contact.
func (r *callRun) runQueueFlow(ctx context.Context) (disconnect bool) {
	r.call.ClearDigits()
	ref := r.hooks["CustomerQueue"]
	if ref == "" {
		ref = r.v.DefaultQueueFlow
		if ref == "" {
			ref = DefaultQueueFlowName
		}
	}
	if out, ok := r.runHookFlow(ctx, ref); ok {
		if out.disconnect {
			return true
		}
	}
	text := r.v.QueuePrompt
	if text == "" {
		text = DefaultQueuePrompt
	}
	r.loopAudio(ctx, nil, text, false)
	return false
}

// runHookFlow runs an event hook's flow (customer queue, hold) on the caller. ok is false when
// the flow does not exist or cannot start.
func (r *callRun) runHookFlow(ctx context.Context, ref string) (flowOutcome, bool) {
	def, err := r.v.svc.Env.Flow(ref)
	if err != nil {
		return flowOutcome{}, false
	}
	var q *flow.QueueRef
	if r.contact.QueueID != "" {
		q = &flow.QueueRef{ID: string(r.contact.QueueID)}
	}
	if r.sess != nil && r.sess.Contact.Queue != nil {
		q = r.sess.Contact.Queue
	}
	sess, effects, err := r.v.engine().Start(def, r.flowContact(q))
	if err != nil {
		r.log.Warn("voice: hook flow cannot start", slog.String("flow", ref), slog.Any("err", err))
		return flowOutcome{}, false
	}
	return r.runFlow(ctx, sess, effects, flowQueue), true
}

// loopAudio plays a (or text) over and over, with a pause between, until ctx ends.
func (r *callRun) loopAudio(ctx context.Context, a *Audio, text string, unrecorded bool) {
	for ctx.Err() == nil {
		au := a
		if au == nil {
			var err error
			if au, err = r.v.svc.Prompts.Text(ctx, text); err != nil {
				if ctx.Err() == nil {
					r.log.Warn("voice: prompt", slog.Any("err", err))
				}
				au = nil
			}
		}
		if au != nil && len(au.Samples) > 0 {
			if _, err := r.call.Play(ctx, au, PlayOptions{Unrecorded: unrecorded}); err != nil && ctx.Err() == nil {
				r.log.Warn("voice: play", slog.Any("err", err))
				r.pause(ctx, time.Second)
			}
		}
		if a == nil {
			r.pause(ctx, 2*time.Second)
		}
	}
}

// holdPlayer plays hold audio to the caller until stopped.
type holdPlayer struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (h *holdPlayer) stop() {
	h.cancel()
	<-h.done
}

// startHold plays the CustomerHold flow, HoldAudio or HoldPrompt to the caller, unrecorded.
func (r *callRun) startHold(ctx context.Context) *holdPlayer {
	hctx, cancel := context.WithCancel(ctx)
	h := &holdPlayer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		if ref := r.hooks["CustomerHold"]; ref != "" {
			if _, ok := r.runHookFlow(hctx, ref); ok && hctx.Err() != nil {
				return
			}
		}
		text := r.v.HoldPrompt
		if text == "" {
			text = DefaultHoldPrompt
		}
		r.loopAudio(hctx, r.v.HoldAudio, text, true)
	}()
	return h
}

// whisper plays the AgentWhisper flow's messages to the agent and the CustomerWhisper flow's
// to the caller, when the inbound flow set them.
func (r *callRun) whisper(ctx context.Context, oc *OutboundCall) {
	if ref := r.hooks["AgentWhisper"]; ref != "" {
		for _, a := range r.messagesOf(ctx, ref) {
			if err := oc.Play(ctx, a); err != nil {
				break
			}
		}
	}
	if ref := r.hooks["CustomerWhisper"]; ref != "" {
		for _, a := range r.messagesOf(ctx, ref) {
			if _, err := r.call.Play(ctx, a, PlayOptions{}); err != nil {
				break
			}
		}
	}
}

// messagesOf runs a whisper flow to its end (or first wait) and returns the audio of its
// messages.
func (r *callRun) messagesOf(ctx context.Context, ref string) []*Audio {
	def, err := r.v.svc.Env.Flow(ref)
	if err != nil {
		r.log.Warn("voice: whisper flow not found", slog.String("flow", ref))
		return nil
	}
	var q *flow.QueueRef
	if r.sess != nil {
		q = r.sess.Contact.Queue
	}
	sess, effects, err := r.v.engine().Start(def, r.flowContact(q))
	if err != nil {
		r.log.Warn("voice: whisper flow cannot start", slog.String("flow", ref), slog.Any("err", err))
		return nil
	}
	r.appendLogs(ctx, sess)
	var out []*Audio
	for _, e := range effects {
		if m, ok := e.(*flow.Message); ok {
			a, err := r.audio(ctx, m.Content)
			if err != nil {
				r.log.Warn("voice: whisper prompt", slog.Any("err", errors.Unwrap(err)))
				continue
			}
			out = append(out, a)
		}
	}
	return out
}

// voiceHeaders are the headers of the INVITE to an agent's phone: the contact it is for, and
// for an offer the agent already accepted (auto-accept, or accepted in the app), a request to
// answer at once (Call-Info answer-after, as desk phones and softphones implement it).
func voiceHeaders(id parley.ContactID, accepted bool) []sipmsg.Header {
	hs := []sipmsg.Header{contactHeader(id)}
	if accepted {
		hs = append(hs, sipmsg.NewHeader("Call-Info", "<sip:parley>;answer-after=0"))
	}
	return hs
}
