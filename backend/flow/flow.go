package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Version is the only Flow language version Amazon Connect defines, and the
// only one Parley accepts.
const Version = "2019-10-30"

// MaxActions is the largest number of actions a flow may hold (Connect's limit).
const MaxActions = 250

// Flow is a parsed flow or flow module in the Amazon Connect Flow language.
//
// Fields Parley does not interpret (Metadata, Settings) are kept as raw JSON so
// that a flow exported from Amazon Connect imports, and exports, unchanged.
type Flow struct {
	// ID names the flow for TransferToFlow, InvokeFlowModule, logs and
	// persisted sessions. It is not part of the flow content: the store or
	// the caller sets it after Parse.
	ID string `json:"-"`
	// Name is a human name for logs and lookups; not part of the content.
	Name string `json:"-"`

	Version     string          `json:"Version"`
	StartAction string          `json:"StartAction"`
	Metadata    json.RawMessage `json:"Metadata,omitempty"`
	Settings    json.RawMessage `json:"Settings,omitempty"`
	Actions     []*Action       `json:"Actions"`

	byID     map[string]*Action
	compiled bool
	problems []Problem
}

// Action is one step of a flow.
type Action struct {
	Identifier  string          `json:"Identifier"`
	Type        string          `json:"Type"`
	Parameters  json.RawMessage `json:"Parameters,omitempty"`
	Transitions Transitions     `json:"Transitions"`

	// params holds the decoded, typed parameters once the flow is compiled.
	params any
	// index is the position in Flow.Actions.
	index int
}

// Transitions says where a flow goes after an action.
type Transitions struct {
	NextAction string        `json:"NextAction,omitempty"`
	Conditions []Condition   `json:"Conditions,omitempty"`
	Errors     []ErrorBranch `json:"Errors,omitempty"`
}

// Condition is one conditional branch of an action.
type Condition struct {
	NextAction string       `json:"NextAction"`
	Condition  ConditionDef `json:"Condition"`
}

// ConditionDef is the test of a Condition.
type ConditionDef struct {
	Operator string   `json:"Operator"`
	Operands []string `json:"Operands"`
}

// ErrorBranch is the branch an action takes on a given error type.
type ErrorBranch struct {
	NextAction string `json:"NextAction"`
	ErrorType  string `json:"ErrorType"`
}

// Parse decodes a flow from its JSON content and compiles it: parameters are
// decoded into typed values and every problem is collected. A syntax error is
// returned as is; a flow that decodes but breaks the language's rules is
// returned together with a *ValidationError listing every problem, so callers
// that only need to inspect the flow (the CLI, an importer showing problems)
// can still use it. Unsupported action types are not errors: see Check.
func Parse(data []byte) (*Flow, error) {
	var f Flow
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse flow: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("parse flow: unexpected data after the flow object")
	}
	rep := f.compile()
	if len(rep.Problems) > 0 {
		return &f, &ValidationError{Problems: rep.Problems, Unsupported: rep.Unsupported}
	}
	return &f, nil
}

// MustParse is Parse for flows known to be valid (tests, embedded flows); it
// panics on any problem.
func MustParse(data []byte) *Flow {
	f, err := Parse(data)
	if err != nil {
		panic(err)
	}
	return f
}

// Action returns the action with the given identifier, or nil.
func (f *Flow) Action(id string) *Action {
	if f.byID == nil {
		f.index()
	}
	return f.byID[id]
}

func (f *Flow) index() {
	f.byID = make(map[string]*Action, len(f.Actions))
	for i, a := range f.Actions {
		if a == nil {
			continue
		}
		a.index = i
		if _, dup := f.byID[a.Identifier]; !dup {
			f.byID[a.Identifier] = a
		}
	}
}

// ref is the name used for the flow in logs and session frames.
func (f *Flow) ref() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

// errorTarget returns the NextAction of the error branch of the given type.
func (a *Action) errorTarget(errType string) (string, bool) {
	for _, e := range a.Transitions.Errors {
		if e.ErrorType == errType {
			return e.NextAction, true
		}
	}
	return "", false
}

// conditionWithOperand returns the index of the first Equals condition whose
// operand is v, or -1.
func (a *Action) conditionWithOperand(v string) int {
	for i, c := range a.Transitions.Conditions {
		if c.Condition.Operator == OpEquals && len(c.Condition.Operands) > 0 && c.Condition.Operands[0] == v {
			return i
		}
	}
	return -1
}
