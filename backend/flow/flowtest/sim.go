package flowtest

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/flow"
)

// DefaultStart is the virtual time a case starts at when it sets none:
// a Monday, 10:00 UTC.
var DefaultStart = time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)

// DefaultHangUpAfter is how many times a simulated customer lets input time
// out, once the scripted inputs are used up, before hanging up.
const DefaultHangUpAfter = 10

// EndHungUp is the end of a simulation where the customer hung up.
const EndHungUp = "hung_up"

// MaxResumes bounds the inputs fed to one simulation.
const MaxResumes = 500

// Case is one simulated contact.
type Case struct {
	Name string `json:"name"`
	// Contact is the contact the flow starts with; channel defaults to VOICE.
	Contact flow.Contact `json:"contact"`
	// Start is the virtual time at the start (default DefaultStart).
	Start time.Time `json:"start,omitzero"`
	// Inputs are the customer's inputs, fed in order each time the flow
	// waits for input. When they run out, the flow gets a timeout.
	Inputs []InputStep `json:"inputs,omitempty"`
	// Functions holds scripted external-function responses by function
	// name (the LambdaFunctionARN value, resolved), used in order; the
	// last one repeats. A function without a script returns {}.
	Functions map[string][]FunctionResponse `json:"functions,omitempty"`
	// Transfers are the results of transfers to agents and third parties,
	// in order: "" for success or a Connect error type. Default success.
	Transfers []string `json:"transfers,omitempty"`
	// QueueResult, when set, resumes a flow that transferred to a queue:
	// "success" ends it; an error type (QueueAtCapacity...) takes that
	// branch. By default the simulation stops when the contact is queued.
	QueueResult string `json:"queueResult,omitempty"`
	// HangUpAfter is the number of unscripted input timeouts after which
	// the customer hangs up (end "hung_up"); default DefaultHangUpAfter.
	HangUpAfter int    `json:"hangUpAfter,omitempty"`
	Expect      Expect `json:"expect"`
}

// InputStep is one customer input: digits, text or a timeout.
type InputStep struct {
	Digits  string `json:"digits,omitempty"`
	Text    string `json:"text,omitempty"`
	Timeout bool   `json:"timeout,omitempty"`
}

// FunctionResponse is a scripted external-function result: a response
// object, or an error (which takes the error branch).
type FunctionResponse struct {
	Response map[string]any `json:"response,omitempty"`
	Error    string         `json:"error,omitempty"`
}

// Expect lists what a case must see. Empty fields are not checked.
type Expect struct {
	// Prompts must appear in this order among the prompts and messages
	// played; each is matched as a substring of the text, the SSML or the
	// prompt name. Other prompts may come in between.
	Prompts []string `json:"prompts,omitempty"`
	// NoPrompts, when true, requires that nothing was played.
	NoPrompts bool `json:"noPrompts,omitempty"`
	// Attributes are contact attributes at the end ("" requires absence).
	Attributes map[string]string `json:"attributes,omitempty"`
	// FlowAttributes are flow attributes at the end.
	FlowAttributes map[string]string `json:"flowAttributes,omitempty"`
	// Queue is the queue the contact was transferred to (ID or name).
	Queue string `json:"queue,omitempty"`
	// End is the end state: "queue" (waiting in a queue), "hung_up" (the
	// customer gave up after repeated timeouts), "disconnected",
	// "flow_ended", "transferred", "error", "no_next_action",
	// "step_limit_reached", or "waiting:<kind>" when the simulation stopped
	// while the flow waited for something it had no script for.
	End string `json:"end,omitempty"`
	// Visits are action identifiers the path must go through.
	Visits []string `json:"visits,omitempty"`
	// NotVisits are action identifiers the path must not go through.
	NotVisits []string `json:"notVisits,omitempty"`
	// Functions are the external functions called, in order.
	Functions []string `json:"functions,omitempty"`
}

// Result is the outcome of a simulation.
type Result struct {
	Name     string
	Path     []flow.Step
	Effects  []flow.Effect
	Prompts  []string
	Calls    []string
	Queue    *flow.QueueRef
	End      string
	Session  *flow.Session
	Failures []string
	// Err is set when the engine itself failed (an invalid flow).
	Err error
}

// Passed reports whether the case met its expectations.
func (r *Result) Passed() bool { return r.Err == nil && len(r.Failures) == 0 }

// Run simulates one case of def in env.
func Run(def *flow.Flow, env flow.Env, c Case) *Result {
	res := &Result{Name: c.Name}
	now := c.Start
	if now.IsZero() {
		now = DefaultStart
	}
	eng := &flow.Engine{
		Env:   env,
		Now:   func() time.Time { return now },
		Trace: func(s flow.Step) { res.Path = append(res.Path, s) },
	}
	contact := c.Contact
	if contact.ContactID == "" {
		contact.ContactID = "sim-" + strings.ReplaceAll(strings.ToLower(c.Name), " ", "-")
	}
	contact.Attributes = copyMap(contact.Attributes)
	sess, effs, err := eng.Start(def, contact)
	if err != nil {
		res.Err = err
		return res
	}
	res.Session = sess
	inputs := c.Inputs
	transfers := c.Transfers
	fnCalls := map[string]int{}
	var lastInvoke *flow.InvokeFunction
	queueResumed := false
	hangUpAfter := c.HangUpAfter
	if hangUpAfter <= 0 {
		hangUpAfter = DefaultHangUpAfter
	}
	idle := 0
	for n := 0; ; n++ {
		for _, e := range effs {
			res.record(e)
			if inv, ok := e.(*flow.InvokeFunction); ok && !inv.Async {
				lastInvoke = inv
			}
		}
		if sess.Ended() {
			res.End = string(sess.End)
			break
		}
		if n >= MaxResumes {
			res.Failures = append(res.Failures, fmt.Sprintf("simulation stopped after %d inputs", MaxResumes))
			res.End = "waiting:" + string(sess.Wait.Kind)
			break
		}
		w := sess.Wait
		var in flow.Input
		stop := false
		switch w.Kind {
		case flow.WaitInput:
			now = now.Add(time.Second)
			if len(inputs) == 0 {
				if idle >= hangUpAfter {
					stop = true
					res.End = EndHungUp
					break
				}
				idle++
				in = flow.Timeout()
				if !w.Deadline.IsZero() && w.Deadline.After(now) {
					now = w.Deadline
				}
				break
			}
			step := inputs[0]
			inputs = inputs[1:]
			switch {
			case step.Timeout:
				in = flow.Timeout()
				if !w.Deadline.IsZero() && w.Deadline.After(now) {
					now = w.Deadline
				}
			case step.Text != "":
				in = flow.Text(step.Text)
			default:
				in = flow.Digits(step.Digits)
			}
		case flow.WaitFunction:
			name := ""
			if lastInvoke != nil {
				name = lastInvoke.Function
			}
			res.Calls = append(res.Calls, name)
			in = flow.FunctionResult(map[string]any{})
			if script := c.Functions[name]; len(script) > 0 {
				i := fnCalls[name]
				if i >= len(script) {
					i = len(script) - 1
				}
				fnCalls[name]++
				if script[i].Error != "" {
					in = flow.FunctionError(script[i].Error)
				} else {
					in = flow.FunctionResult(copyAny(script[i].Response))
				}
			}
		case flow.WaitQueue:
			if c.QueueResult == "" || queueResumed {
				stop = true
				res.End = "queue"
				break
			}
			queueResumed = true
			if c.QueueResult == "success" {
				in = flow.TransferResult("")
			} else {
				in = flow.TransferResult(c.QueueResult)
			}
		case flow.WaitTransfer:
			in = flow.TransferResult("")
			if len(transfers) > 0 {
				in = flow.TransferResult(transfers[0])
				transfers = transfers[1:]
			}
		case flow.WaitPrompt, flow.WaitTimer:
			if w.Deadline.IsZero() {
				stop = true
				res.End = "waiting:" + string(w.Kind)
				break
			}
			now = w.Deadline
			in = flow.Timeout()
		default:
			stop = true
			res.End = "waiting:" + string(w.Kind)
		}
		if stop {
			break
		}
		effs, err = eng.Resume(sess, in)
		if err != nil {
			res.Err = err
			return res
		}
	}
	res.check(c.Expect)
	return res
}

func (r *Result) record(e flow.Effect) {
	r.Effects = append(r.Effects, e)
	switch e := e.(type) {
	case *flow.Message:
		r.Prompts = append(r.Prompts, contentText(e.Content))
	case *flow.CollectInput:
		if !e.Prompt.Empty() {
			r.Prompts = append(r.Prompts, contentText(e.Prompt))
		}
	case *flow.TransferToQueue:
		q := e.Queue
		r.Queue = &q
	}
}

func contentText(c flow.Content) string {
	switch {
	case c.Text != "":
		return c.Text
	case c.SSML != "":
		return c.SSML
	case c.PromptName != "":
		return "prompt:" + c.PromptName
	}
	return "prompt:" + c.PromptID
}

func (r *Result) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

func (r *Result) check(x Expect) {
	if len(x.Prompts) > 0 {
		i := 0
		for _, p := range r.Prompts {
			if i < len(x.Prompts) && strings.Contains(p, x.Prompts[i]) {
				i++
			}
		}
		if i < len(x.Prompts) {
			r.fail("prompt %q not played (in order); played: %q", x.Prompts[i], r.Prompts)
		}
	}
	if x.NoPrompts && len(r.Prompts) > 0 {
		r.fail("expected no prompts, played %q", r.Prompts)
	}
	s := r.Session
	for _, k := range sortedKeys(x.Attributes) {
		want := x.Attributes[k]
		got, ok := s.Contact.Attributes[k]
		if want == "" && ok {
			r.fail("attribute %q is %q, want it unset", k, got)
		} else if want != "" && got != want {
			r.fail("attribute %q is %q, want %q", k, got, want)
		}
	}
	for _, k := range sortedKeys(x.FlowAttributes) {
		if got := s.FlowAttributes[k]; got != x.FlowAttributes[k] {
			r.fail("flow attribute %q is %q, want %q", k, got, x.FlowAttributes[k])
		}
	}
	if x.Queue != "" {
		if r.Queue == nil {
			r.fail("no transfer to a queue, want queue %q", x.Queue)
		} else if r.Queue.ID != x.Queue && r.Queue.Name != x.Queue && r.Queue.ARN != x.Queue {
			r.fail("transferred to queue %q (%s), want %q", r.Queue.Name, r.Queue.ID, x.Queue)
		}
	}
	if x.End != "" && r.End != x.End {
		r.fail("ended %q, want %q", r.End, x.End)
	}
	visited := map[string]bool{}
	for _, st := range r.Path {
		visited[st.ActionID] = true
	}
	for _, id := range x.Visits {
		if !visited[id] {
			r.fail("action %q not visited", id)
		}
	}
	for _, id := range x.NotVisits {
		if visited[id] {
			r.fail("action %q visited, want not", id)
		}
	}
	if x.Functions != nil && strings.Join(x.Functions, "\x00") != strings.Join(r.Calls, "\x00") {
		r.fail("functions called %q, want %q", r.Calls, x.Functions)
	}
}

// PathString renders the path as "id -> id -> ...", at most the last max
// steps when max > 0.
func (r *Result) PathString(max int) string {
	path := r.Path
	prefix := ""
	if max > 0 && len(path) > max {
		prefix = fmt.Sprintf("(%d steps) ... -> ", len(path)-max)
		path = path[len(path)-max:]
	}
	ids := make([]string, len(path))
	for i, s := range path {
		ids[i] = s.ActionID
		if s.Result != "" && s.Result != "next" {
			ids[i] += " [" + s.Result + "]"
		}
	}
	return prefix + strings.Join(ids, " -> ")
}

// Coverage counts, per flow, the actions any of a set of simulations ran.
type Coverage struct {
	flows   map[string]*flow.Flow
	visited map[string]map[string]bool
}

// NewCoverage starts counting coverage of the given flows (keyed by ID).
func NewCoverage(flows map[string]*flow.Flow) *Coverage {
	return &Coverage{flows: flows, visited: map[string]map[string]bool{}}
}

// Add records the actions of a path.
func (c *Coverage) Add(path []flow.Step) {
	for _, s := range path {
		if c.visited[s.FlowID] == nil {
			c.visited[s.FlowID] = map[string]bool{}
		}
		c.visited[s.FlowID][s.ActionID] = true
	}
}

// FlowCoverage is the coverage of one flow.
type FlowCoverage struct {
	FlowID    string
	Covered   int
	Total     int
	Unvisited []string
}

// Percent is Covered/Total in percent.
func (f FlowCoverage) Percent() float64 {
	if f.Total == 0 {
		return 100
	}
	return 100 * float64(f.Covered) / float64(f.Total)
}

// Report returns the coverage of each flow, sorted by ID.
func (c *Coverage) Report() []FlowCoverage {
	var out []FlowCoverage
	for _, id := range sortedKeys(c.flows) {
		f := c.flows[id]
		fc := FlowCoverage{FlowID: id, Total: len(f.Actions)}
		for _, a := range f.Actions {
			if c.visited[id][a.Identifier] {
				fc.Covered++
			} else {
				fc.Unvisited = append(fc.Unvisited, a.Identifier)
			}
		}
		out = append(out, fc)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyAny(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
