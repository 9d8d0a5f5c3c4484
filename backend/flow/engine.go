package flow

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Sentinel errors returned by Start and Resume; callers branch on them.
var (
	// ErrEnded is returned when resuming a session whose flow is over.
	ErrEnded = errors.New("flow ended")
	// ErrUnexpectedInput is returned when an input does not fit what the
	// session waits for (digits while waiting for a function result). The
	// session is left unchanged.
	ErrUnexpectedInput = errors.New("unexpected input")
)

// Defaults for Engine's optional fields.
const (
	DefaultMaxSteps      = 1000
	DefaultMaxLogEntries = 1000
)

// Engine runs flows. It holds no per-contact state and is safe for concurrent
// use once its fields are set; a Session must be used by one goroutine at a
// time (the contact's owner).
type Engine struct {
	// Env answers lookups (queues, hours, flows, prompts). Required.
	Env Env
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// MaxSteps bounds the actions run by one Start or Resume call, so a
	// loop that never waits cannot spin forever; past it the flow ends with
	// EndStepLimitReached. Default DefaultMaxSteps.
	MaxSteps int
	// MaxLogEntries bounds Session.Log; older entries are dropped.
	// Default DefaultMaxLogEntries.
	MaxLogEntries int
	// Trace, if set, is called after each action runs (the simulator uses
	// it for paths and coverage).
	Trace func(Step)
}

// Step is one action run, as reported to Engine.Trace.
type Step struct {
	FlowID   string `json:"flowId"`
	ActionID string `json:"actionId"`
	Type     string `json:"type"`
	// Result is the branch taken, as in LogEntry.Result.
	Result string `json:"result"`
}

// New returns an Engine using env and the real clock.
func New(env Env) *Engine { return &Engine{Env: env} }

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Start runs def for a contact from its StartAction until it waits for input
// or ends. def must be valid (see Validate); its ID is recorded in the
// session so that a persisted session can be resumed through Env.Flow.
func (e *Engine) Start(def *Flow, c Contact) (*Session, []Effect, error) {
	if def == nil {
		return nil, nil, errors.New("start flow: no flow")
	}
	if err := def.ready(); err != nil {
		return nil, nil, fmt.Errorf("start flow %q: %w", def.ref(), err)
	}
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if c.Channel == "" {
		c.Channel = ChannelVoice
	}
	s := &Session{
		Contact: c,
		Frames:  []Frame{{FlowID: def.ref(), ActionID: def.StartAction}},
		flows:   map[string]*Flow{def.ref(): def},
	}
	r := e.newRunner(s)
	r.flow = def
	r.loop()
	return s, r.effects, nil
}

// Resume continues a waiting session with an input and runs it until it waits
// again or ends. It returns ErrEnded for a finished session and
// ErrUnexpectedInput (leaving the session as it was) for an input the
// session does not wait for.
func (e *Engine) Resume(s *Session, in Input) ([]Effect, error) {
	if s.Status == StatusEnded {
		return nil, ErrEnded
	}
	if s.Wait == nil || len(s.Frames) == 0 {
		return nil, fmt.Errorf("resume flow: session is not waiting: %w", ErrUnexpectedInput)
	}
	if !accepts(s.Wait.Kind, in.Kind) {
		return nil, fmt.Errorf("resume flow: waiting for %s, got %s: %w", s.Wait.Kind, in.Kind, ErrUnexpectedInput)
	}
	r := e.newRunner(s)
	f, err := r.flowFor(s.Frames[len(s.Frames)-1].FlowID)
	if err != nil {
		return nil, fmt.Errorf("resume flow: %w", err)
	}
	r.flow = f
	a := f.Action(s.Wait.ActionID)
	if a == nil || specs[a.Type] == nil || specs[a.Type].resume == nil {
		return nil, fmt.Errorf("resume flow: waiting action %q not found in flow %q", s.Wait.ActionID, f.ref())
	}
	w := *s.Wait
	s.Wait = nil
	s.Status = ""
	r.act = a
	r.resuming = true
	flowID := f.ref()
	specs[a.Type].resume(r, a, w, in)
	r.finishStep(flowID, a)
	if !r.stopped {
		r.loop()
	}
	return r.effects, nil
}

func accepts(w WaitKind, in InputKind) bool {
	switch w {
	case WaitInput:
		return in == InputDigits || in == InputTextMessage || in == InputTimeout
	case WaitFunction:
		return in == InputFunctionResult || in == InputFunctionError || in == InputTimeout
	case WaitQueue, WaitTransfer:
		return in == InputTransferResult || in == InputTimeout
	case WaitPrompt:
		return in == InputPromptEnded || in == InputTimeout || in == InputDigits || in == InputTextMessage
	case WaitTimer:
		return in == InputTimeout || in == InputTextMessage
	}
	return false
}

// ready compiles f if needed and reports whether it can run.
func (f *Flow) ready() error {
	if !f.compiled {
		f.compile()
	}
	if len(f.problems) > 0 {
		return &ValidationError{Problems: f.problems}
	}
	return nil
}

// runner carries one Start or Resume call.
type runner struct {
	e        *Engine
	s        *Session
	now      time.Time
	effects  []Effect
	flow     *Flow
	act      *Action
	stopped  bool // waiting or ended
	moved    bool // the action chose where to go
	resuming bool
	result   string
	errText  string
	params   map[string]string
}

func (e *Engine) newRunner(s *Session) *runner {
	if s.flows == nil {
		s.flows = map[string]*Flow{}
	}
	return &runner{e: e, s: s, now: e.now()}
}

func (r *runner) maxSteps() int {
	if r.e.MaxSteps > 0 {
		return r.e.MaxSteps
	}
	return DefaultMaxSteps
}

// flowFor returns the flow a frame runs, from the session's cache or Env.
func (r *runner) flowFor(ref string) (*Flow, error) {
	if f, ok := r.s.flows[ref]; ok {
		return f, nil
	}
	if r.e.Env == nil {
		return nil, fmt.Errorf("flow %q: %w", ref, ErrNotFound)
	}
	f, err := r.e.Env.Flow(ref)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", ref, err)
	}
	if err := f.ready(); err != nil {
		return nil, fmt.Errorf("flow %q: %w", ref, err)
	}
	r.s.flows[ref] = f
	if f.ref() != "" && f.ref() != ref {
		r.s.flows[f.ref()] = f
	}
	return f, nil
}

func (r *runner) frame() *Frame { return &r.s.Frames[len(r.s.Frames)-1] }

// loop runs actions until the session waits or ends.
func (r *runner) loop() {
	for steps := 0; !r.stopped; steps++ {
		if steps >= r.maxSteps() {
			r.logError(nil, fmt.Sprintf("more than %d actions without waiting", r.maxSteps()))
			r.end(EndStepLimitReached)
			return
		}
		fr := r.frame()
		a := r.flow.Action(fr.ActionID)
		if a == nil {
			r.logError(nil, fmt.Sprintf("action %q not found in flow %q", fr.ActionID, r.flow.ref()))
			r.end(EndError)
			return
		}
		r.act = a
		r.moved = false
		r.result = ""
		r.errText = ""
		r.params = nil
		r.s.Steps++
		flowID := r.flow.ref()
		if sp := specs[a.Type]; sp != nil {
			sp.run(r, a)
		} else {
			r.unsupported(a)
		}
		r.finishStep(flowID, a)
	}
}

// finishStep logs and traces the action just run.
func (r *runner) finishStep(flowID string, a *Action) {
	if !r.moved && !r.stopped {
		r.errText = "action chose no branch"
		r.end(EndError)
	}
	if r.s.Logging || r.errText != "" {
		r.appendLog(LogEntry{Time: r.now, FlowID: flowID, ActionID: a.Identifier, Type: a.Type, Params: r.params, Result: r.result, Error: r.errText})
	}
	if r.e.Trace != nil {
		r.e.Trace(Step{FlowID: flowID, ActionID: a.Identifier, Type: a.Type, Result: r.result})
	}
	r.params = nil
	r.errText = ""
}

func (r *runner) appendLog(le LogEntry) {
	max := r.e.MaxLogEntries
	if max <= 0 {
		max = DefaultMaxLogEntries
	}
	if len(r.s.Log) >= max {
		r.s.Log = append(r.s.Log[:0], r.s.Log[len(r.s.Log)-max+1:]...)
	}
	r.s.Log = append(r.s.Log, le)
}

// logError records a problem met outside any action's step.
func (r *runner) logError(a *Action, msg string) {
	le := LogEntry{Time: r.now, FlowID: r.flow.ref(), Error: msg}
	if a != nil {
		le.ActionID, le.Type = a.Identifier, a.Type
	}
	r.appendLog(le)
}

// param records a resolved parameter for the flow log.
func (r *runner) param(k, v string) {
	if !r.s.Logging {
		return
	}
	if r.params == nil {
		r.params = map[string]string{}
	}
	r.params[k] = v
}

func (r *runner) emit(e Effect) { r.effects = append(r.effects, e) }

// goTo moves the current frame to target.
func (r *runner) goTo(target, result string) {
	r.moved = true
	if r.result == "" {
		r.result = result
	}
	if target == "" {
		r.errText = "branch leads nowhere"
		r.end(EndNoNextAction)
		return
	}
	r.frame().ActionID = target
}

// next takes the action's NextAction.
func (r *runner) next(a *Action) {
	r.goTo(a.Transitions.NextAction, "next")
}

// condition takes the i-th condition branch.
func (r *runner) condition(a *Action, i int) {
	c := a.Transitions.Conditions[i]
	op := ""
	if len(c.Condition.Operands) > 0 {
		op = c.Condition.Operands[0]
	}
	r.goTo(c.NextAction, "condition:"+op)
}

// branchOn takes the Equals condition whose operand is v, if any.
func (r *runner) branchOn(a *Action, v string) bool {
	if i := a.conditionWithOperand(v); i >= 0 {
		r.condition(a, i)
		return true
	}
	return false
}

// fail takes the error branch errType. Without one it falls back to the
// NextAction (for NoMatchingCondition only), then to NoMatchingError, and
// otherwise ends the flow with EndError. detail goes to the flow log.
func (r *runner) fail(a *Action, errType, detail string) {
	r.moved = true
	r.result = "error:" + errType
	if detail != "" {
		r.errText = detail
	} else if errType != ErrNoMatchingCondition {
		r.errText = errType
	}
	if t, ok := a.errorTarget(errType); ok {
		r.goTo(t, "")
		return
	}
	if errType == ErrNoMatchingCondition && a.Transitions.NextAction != "" {
		r.goTo(a.Transitions.NextAction, "")
		return
	}
	if t, ok := a.errorTarget(ErrNoMatchingError); ok {
		r.goTo(t, "")
		return
	}
	if r.errText == "" {
		r.errText = errType
	}
	r.end(EndError)
}

// wait suspends the session.
func (r *runner) wait(a *Action, kind WaitKind, deadline time.Time, index int) {
	r.moved = true
	r.stopped = true
	r.result = "wait:" + string(kind)
	r.s.Status = StatusWaiting
	r.s.Wait = &Wait{Kind: kind, FlowID: r.flow.ref(), ActionID: a.Identifier, Deadline: deadline, Index: index}
}

// end finishes the flow. Inside a flow module an error end returns to the
// caller's error branch instead.
func (r *runner) end(reason EndReason) {
	r.moved = true
	if (reason == EndError || reason == EndNoNextAction) && len(r.s.Frames) > 1 {
		r.popModule(func(caller *Action) {
			r.fail(caller, ErrNoMatchingError, "flow module failed: "+string(reason))
		})
		return
	}
	if r.result == "" {
		r.result = "end:" + string(reason)
	}
	r.stopped = true
	r.s.Status = StatusEnded
	r.s.End = reason
	r.s.Wait = nil
	r.emit(&FlowEnded{Reason: reason})
}

// popModule returns from a flow module to its caller and calls then with the
// caller's InvokeFlowModule action. The step being logged stays the module's.
func (r *runner) popModule(then func(caller *Action)) {
	r.s.Frames = r.s.Frames[:len(r.s.Frames)-1]
	f, err := r.flowFor(r.frame().FlowID)
	if err != nil {
		r.s.Frames = r.s.Frames[:1]
		r.errText = err.Error()
		r.end(EndError)
		return
	}
	r.flow = f
	caller := f.Action(r.frame().ActionID)
	if caller == nil {
		r.end(EndError)
		return
	}
	result := r.result
	r.result = ""
	then(caller)
	if result != "" {
		r.result = result
	}
}

// unsupported runs an action type Parley knows but cannot run: it is logged
// and takes NoMatchingError, or NextAction when there is no error branch.
func (r *runner) unsupported(a *Action) {
	msg := fmt.Sprintf("unknown action type %q", a.Type)
	if unsupportedTypes[a.Type] {
		msg = fmt.Sprintf("action type %s is not supported by Parley", a.Type)
	}
	r.errText = msg
	if t, ok := a.errorTarget(ErrNoMatchingError); ok {
		r.result = "error:" + ErrNoMatchingError
		r.goTo(t, "")
		return
	}
	if a.Transitions.NextAction != "" {
		r.goTo(a.Transitions.NextAction, "next")
		return
	}
	r.end(EndError)
}

// number resolves a number parameter; ok is false when a reference does not
// hold a number.
func (r *runner) number(p numParam, def float64) (float64, bool) {
	if !p.Set {
		return def, true
	}
	if p.Static {
		return p.N, true
	}
	v := r.s.Interpolate(p.Raw)
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return def, false
	}
	return n, true
}

// resolve interpolates a string parameter and records it for the log.
func (r *runner) resolve(name, v string) string {
	out := r.s.Interpolate(v)
	if out != "" || v != "" {
		r.param(name, out)
	}
	return out
}

// resolveMap interpolates the values of a parameter object.
func (r *runner) resolveMap(kvs kvList) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, p := range kvs {
		m[p.K] = r.s.Interpolate(p.V)
	}
	return m
}

// content resolves what to say.
func (r *runner) content(c contentParam) (Content, error) {
	out := Content{Text: r.resolve("Text", c.Text), SSML: r.resolve("SSML", c.SSML)}
	if c.PromptID != "" {
		ref := r.resolve("PromptId", c.PromptID)
		if r.e.Env == nil {
			return out, fmt.Errorf("prompt %q: %w", ref, ErrNotFound)
		}
		p, err := r.e.Env.Prompt(ref)
		if err != nil {
			return out, fmt.Errorf("prompt %q: %w", ref, err)
		}
		out.PromptID, out.PromptName, out.PromptURI = p.ID, p.Name, p.URI
	}
	if c.Media {
		return out, errors.New("Media prompts from S3 are not supported")
	}
	return out, nil
}

// spec describes one action type.
type spec struct {
	// compile decodes and checks the parameters; problems go to p.
	compile func(p *paramReader) any
	// run executes the action and chooses a branch, waits or ends.
	run func(r *runner, a *Action)
	// resume continues a waiting action with an input.
	resume func(r *runner, a *Action, w Wait, in Input)
	// errors are the error types the action may branch on besides
	// NoMatchingError.
	errors []string
}

// specs holds every supported action type; each action file registers its own.
var specs = map[string]*spec{}

func register(typ string, s *spec) {
	if s.compile == nil {
		s.compile = func(*paramReader) any { return nil }
	}
	specs[typ] = s
}

// SupportedTypes returns the action types Parley runs.
func SupportedTypes() []string {
	out := make([]string, 0, len(specs))
	for t := range specs {
		out = append(out, t)
	}
	sortStrings(out)
	return out
}
