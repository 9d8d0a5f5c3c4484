package flow

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a flow definition.
type Problem struct {
	// ActionID is the identifier of the action at fault; empty for problems
	// with the flow as a whole.
	ActionID string `json:"actionId,omitempty"`
	// Field is the JSON path of the faulty field inside the action (or the
	// flow), such as "Parameters.Text" or "Transitions.NextAction".
	Field string `json:"field"`
	// Message says what is wrong and what is expected.
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.ActionID == "" {
		return fmt.Sprintf("%s: %s", p.Field, p.Message)
	}
	return fmt.Sprintf("action %q: %s: %s", p.ActionID, p.Field, p.Message)
}

// Unsupported names an action whose type is part of the Flow language but
// that Parley cannot run yet. Such an action takes its error branch at run
// time (see docs/flow-language.md).
type Unsupported struct {
	ActionID string `json:"actionId"`
	Type     string `json:"type"`
}

// ValidationError lists every problem found in a flow. It is returned by
// Parse and Validate; callers read Problems rather than the message.
type ValidationError struct {
	Problems []Problem
	// Unsupported is informational: unsupported actions do not make a flow
	// invalid.
	Unsupported []Unsupported
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid flow: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Report is the full result of checking a flow.
type Report struct {
	Problems    []Problem
	Unsupported []Unsupported
}

// UnsupportedTypes returns the distinct unsupported action types, sorted.
func (r Report) UnsupportedTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range r.Unsupported {
		if !seen[u.Type] {
			seen[u.Type] = true
			out = append(out, u.Type)
		}
	}
	sort.Strings(out)
	return out
}

// Check validates f and reports every problem and every unsupported action.
func Check(f *Flow) Report {
	return f.compile()
}

// Validate returns a *ValidationError if f has any problem, nil otherwise.
// Use it on import and before publishing.
func Validate(f *Flow) error {
	rep := f.compile()
	if len(rep.Problems) > 0 {
		return &ValidationError{Problems: rep.Problems, Unsupported: rep.Unsupported}
	}
	return nil
}

// identifierForbidden holds the characters Connect does not allow in an
// action identifier.
const identifierForbidden = "%:()\\/=$,;[]{}"

var identifierReserved = map[string]bool{
	"__proto__": true, "constructor": true, "__defineGetter__": true, "__defineSetter__": true,
	"toString": true, "hasOwnProperty": true, "isPrototypeOf": true, "propertyIsEnumerable": true,
	"toLocaleString": true, "valueOf": true,
}

// checkIdentifier returns what is wrong with an action identifier, or "".
func checkIdentifier(id string) string {
	switch {
	case id == "":
		return "is required"
	case len([]rune(id)) > 50:
		return fmt.Sprintf("is %d characters long, at most 50 allowed", len([]rune(id)))
	case strings.ContainsAny(id, identifierForbidden):
		return "must not contain any of the characters " + identifierForbidden
	case identifierReserved[id]:
		return fmt.Sprintf("%q is a reserved word", id)
	}
	return ""
}

// compile checks the whole flow and decodes each action's parameters. It never
// stops at the first problem.
func (f *Flow) compile() Report {
	var rep Report
	add := func(actionID, field, msg string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{ActionID: actionID, Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	if f.Version != Version {
		if f.Version == "" {
			add("", "Version", "is required and must be %q", Version)
		} else {
			add("", "Version", "is %q, must be %q", f.Version, Version)
		}
	}
	if len(f.Actions) == 0 {
		add("", "Actions", "must hold at least one action")
	}
	if len(f.Actions) > MaxActions {
		add("", "Actions", "holds %d actions, at most %d allowed", len(f.Actions), MaxActions)
	}
	f.byID = make(map[string]*Action, len(f.Actions))
	for i, a := range f.Actions {
		if a == nil {
			add("", fmt.Sprintf("Actions[%d]", i), "must be an object, not null")
			continue
		}
		a.index = i
		if msg := checkIdentifier(a.Identifier); msg != "" {
			add(a.Identifier, fmt.Sprintf("Actions[%d].Identifier", i), "%s", msg)
		}
		if _, dup := f.byID[a.Identifier]; dup && a.Identifier != "" {
			add(a.Identifier, fmt.Sprintf("Actions[%d].Identifier", i), "is used by more than one action; identifiers must be unique")
			continue
		}
		f.byID[a.Identifier] = a
	}
	if f.StartAction == "" {
		add("", "StartAction", "is required: the identifier of the first action")
	} else if f.byID[f.StartAction] == nil {
		add("", "StartAction", "refers to %q, which is not an action of this flow", f.StartAction)
	}
	for _, a := range f.Actions {
		if a == nil {
			continue
		}
		f.compileAction(a, &rep)
	}
	f.compiled = true
	f.problems = rep.Problems
	return rep
}

func (f *Flow) compileAction(a *Action, rep *Report) {
	id := a.Identifier
	add := func(field, msg string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{ActionID: id, Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	checkTarget := func(field, target string) {
		if target == "" {
			add(field, "is required: the identifier of the next action")
		} else if f.byID[target] == nil {
			add(field, "refers to %q, which is not an action of this flow", target)
		}
	}
	if a.Transitions.NextAction != "" {
		checkTarget("Transitions.NextAction", a.Transitions.NextAction)
	}
	for i, c := range a.Transitions.Conditions {
		field := fmt.Sprintf("Transitions.Conditions[%d]", i)
		checkTarget(field+".NextAction", c.NextAction)
		if !knownOperators[c.Condition.Operator] {
			add(field+".Condition.Operator", "is %q, must be one of %s", c.Condition.Operator, strings.Join(operatorNames, ", "))
		}
		if len(c.Condition.Operands) == 0 {
			add(field+".Condition.Operands", "must hold one operand")
		}
	}
	seenErr := map[string]bool{}
	for i, e := range a.Transitions.Errors {
		field := fmt.Sprintf("Transitions.Errors[%d]", i)
		checkTarget(field+".NextAction", e.NextAction)
		if e.ErrorType == "" {
			add(field+".ErrorType", "is required")
		} else if seenErr[e.ErrorType] {
			add(field+".ErrorType", "%q appears more than once", e.ErrorType)
		}
		seenErr[e.ErrorType] = true
	}

	if a.Type == "" {
		add("Type", "is required")
		return
	}
	spec := specs[a.Type]
	if spec == nil {
		if unsupportedTypes[a.Type] {
			rep.Unsupported = append(rep.Unsupported, Unsupported{ActionID: id, Type: a.Type})
			return
		}
		add("Type", "unknown action type %q", a.Type)
		return
	}
	for i, e := range a.Transitions.Errors {
		if e.ErrorType != "" && e.ErrorType != ErrNoMatchingError && !contains(spec.errors, e.ErrorType) {
			allowed := append([]string{ErrNoMatchingError}, spec.errors...)
			add(fmt.Sprintf("Transitions.Errors[%d].ErrorType", i), "%q is not an error of %s; allowed: %s", e.ErrorType, a.Type, strings.Join(allowed, ", "))
		}
	}
	pr := newParamReader(a, rep)
	a.params = spec.compile(pr)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
