package parley

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the task channel, after Amazon Connect's StartTaskContact, TransferContact and
// task expiry. docs/tasks.md explains them.
const (
	MaxTaskNameLength        = 512  // characters
	MaxTaskDescriptionLength = 4096 // characters
	MaxTaskReferences        = 25
	MaxTaskReferenceName     = 4096 // characters
	MaxTaskReferenceValue    = 4096 // characters
	MaxTaskAttributesBytes   = 32 * 1024
	// MaxTaskScheduleAhead: a task may be scheduled at most this far ahead.
	MaxTaskScheduleAhead = 6 * 24 * time.Hour
	// TaskScheduleTolerance: a scheduled time this much in the past is taken as "now" (clock
	// skew between the client and the server); further in the past is invalid.
	TaskScheduleTolerance = time.Minute
	// TaskExpiry: a task not completed this long after its chain's first contact was initiated
	// ends with DisconnectReason EXPIRED.
	TaskExpiry = 7 * 24 * time.Hour
	// MaxTaskTransfers: a task chain may be transferred this many times; the next transfer
	// fails with EConflict.
	MaxTaskTransfers = 11
)

// ReservedAttributePrefix starts the contact attribute keys Parley keeps for itself. Callers
// may not set such keys; the task channel stores a task's references, flow and pause state
// under them (the contacts table has no columns for these).
const ReservedAttributePrefix = "parley:"

// Reserved attribute keys of task contacts.
const (
	// AttrTaskReferences holds the task's references: a JSON array of
	// {"name", "type", "value"} objects, in the order given.
	AttrTaskReferences = ReservedAttributePrefix + "references"
	// AttrTaskFlowID holds the ID of the flow the task runs (released by the scheduler).
	AttrTaskFlowID = ReservedAttributePrefix + "flowId"
	// AttrTaskPausedAt holds when the task was paused (RFC 3339); absent when not paused.
	AttrTaskPausedAt = ReservedAttributePrefix + "pausedAt"
)

// TaskReferenceType is the kind of a task reference, as in Amazon Connect.
type TaskReferenceType string

// Task reference types. Connect's ATTACHMENT is not supported.
const (
	ReferenceURL    TaskReferenceType = "URL"
	ReferenceString TaskReferenceType = "STRING"
	ReferenceNumber TaskReferenceType = "NUMBER"
	ReferenceDate   TaskReferenceType = "DATE"
	ReferenceEmail  TaskReferenceType = "EMAIL"
)

// TaskReferenceTypes lists the supported reference types.
var TaskReferenceTypes = []TaskReferenceType{ReferenceURL, ReferenceString, ReferenceNumber, ReferenceDate, ReferenceEmail}

// TaskReference is a named value shown to the agent with the task: a link to the ticket, an
// order number, a due date, the customer's e-mail.
type TaskReference struct {
	Name  string            `json:"name"`
	Type  TaskReferenceType `json:"type"`
	Value string            `json:"value"`
}

// Validate checks one reference; field prefixes the names of its fields in errors (for
// example "references[2]").
//
//   - URL: an absolute http or https URL with a host;
//   - NUMBER: a finite decimal number (strconv.ParseFloat syntax, e.g. "42", "-1.5e3");
//   - DATE: an ISO 8601 date ("2026-03-01") or an RFC 3339 date and time
//     ("2026-03-01T09:30:00Z", offset required);
//   - EMAIL: one plain address ("jo@example.com", no display name);
//   - STRING: any text.
//
// Every value is at most MaxTaskReferenceValue characters; all but STRING are required.
func (r TaskReference) Validate(field string) error {
	nameField, typeField, valueField := field+".name", field+".type", field+".value"
	if err := validateTaskText(nameField, r.Name, MaxTaskReferenceName, true); err != nil {
		return err
	}
	if !slices.Contains(TaskReferenceTypes, r.Type) {
		return oneOf(typeField, r.Type, TaskReferenceTypes...)
	}
	if err := validateTaskText(valueField, r.Value, MaxTaskReferenceValue, false); err != nil {
		return err
	}
	if r.Type != ReferenceString && r.Value == "" {
		return Invalidf(valueField, "is required for a %s reference", r.Type)
	}
	switch r.Type {
	case ReferenceURL:
		u, err := url.Parse(r.Value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Invalidf(valueField, "%q is not an absolute http or https URL (e.g. https://crm.example.com/ticket/42)", r.Value)
		}
	case ReferenceNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(r.Value), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.TrimSpace(r.Value) != r.Value {
			return Invalidf(valueField, "%q is not a number (e.g. 42, -1.5, 3e6)", r.Value)
		}
	case ReferenceDate:
		if _, err := ParseTaskDate(r.Value); err != nil {
			return Invalidf(valueField, "%q is not an ISO 8601 date (2026-03-01) or RFC 3339 date and time (2026-03-01T09:30:00Z)", r.Value)
		}
	case ReferenceEmail:
		a, err := mail.ParseAddress(r.Value)
		if err != nil || a.Address != r.Value || a.Name != "" {
			return Invalidf(valueField, "%q is not an e-mail address (e.g. jo@example.com)", r.Value)
		}
	}
	return nil
}

// ParseTaskDate parses a DATE reference value: an ISO 8601 calendar date (YYYY-MM-DD, taken as
// midnight UTC) or an RFC 3339 date and time.
func ParseTaskDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// ParseTaskReferences decodes references from JSON in either of two forms: Amazon Connect's
// map form, {"ticket": {"Type": "URL", "Value": "https://..."}} (ordered by name), or Parley's
// list form, [{"name": "ticket", "type": "URL", "value": "https://..."}] (order kept). null
// or an empty input gives no references. It checks the JSON shape only; call Validate on the
// request (or each reference) for the values. EInvalid, field "references".
func ParseTaskReferences(data []byte) ([]TaskReference, error) {
	trimmed := strings.TrimSpace(string(data))
	if trimmed == "" || trimmed == "null" {
		return nil, nil
	}
	switch trimmed[0] {
	case '[':
		var list []TaskReference
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, Invalidf("references", "is not a list of {\"name\", \"type\", \"value\"} objects: %v", jsonProblem(err))
		}
		return list, nil
	case '{':
		var m map[string]struct {
			Type  TaskReferenceType `json:"Type"`
			Value string            `json:"Value"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, Invalidf("references", "is not an object of {\"Type\", \"Value\"} objects: %v", jsonProblem(err))
		}
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		slices.Sort(names)
		list := make([]TaskReference, 0, len(names))
		for _, k := range names {
			list = append(list, TaskReference{Name: k, Type: m[k].Type, Value: m[k].Value})
		}
		return list, nil
	}
	return nil, Invalidf("references", "must be a JSON list or object")
}

// jsonProblem shortens a JSON error for a user-facing message.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("a %s where %s was expected", te.Value, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// StartTaskRequest creates a task contact (Amazon Connect's StartTaskContact). Tasks created
// through the API, by a flow's CreateTask action and by an agent (a follow-up task linked by
// PreviousContactID) all use it.
type StartTaskRequest struct {
	// Name is shown to the agent: required, 1 to MaxTaskNameLength characters.
	Name string
	// Description: at most MaxTaskDescriptionLength characters.
	Description string
	// References: at most MaxTaskReferences, names unique.
	References []TaskReference
	// Attributes are user-defined contact attributes; keys may not start with
	// ReservedAttributePrefix; keys and values together at most MaxTaskAttributesBytes.
	Attributes map[string]string
	// ScheduledAt, when set, delays the task's flow until then: at most MaxTaskScheduleAhead
	// ahead, not more than TaskScheduleTolerance in the past.
	ScheduledAt *time.Time
	// PreviousContactID links a follow-up task to the contact (any channel) it follows.
	PreviousContactID ContactID
	// FlowID is the flow the task runs; empty: QueueID when given, else the instance's
	// default task flow.
	FlowID FlowID
	// QueueID queues the task directly when there is no flow; with a flow, it is the flow's
	// initial working queue ($.Queue).
	QueueID QueueID
}

// Validate checks the request's fields against now and names the offending field (wire names:
// name, description, references[i].value, attributes, scheduledAt, ...) in the EInvalid error.
// It does not check that the flow, queue or previous contact exist.
func (r *StartTaskRequest) Validate(now time.Time) error {
	if err := validateTaskText("name", r.Name, MaxTaskNameLength, true); err != nil {
		return err
	}
	if err := validateTaskText("description", r.Description, MaxTaskDescriptionLength, false); err != nil {
		return err
	}
	if err := ValidateTaskReferences("references", r.References); err != nil {
		return err
	}
	if err := ValidateTaskAttributes("attributes", r.Attributes); err != nil {
		return err
	}
	if r.ScheduledAt != nil {
		at := *r.ScheduledAt
		switch {
		case at.IsZero():
			return Invalidf("scheduledAt", "is the zero time; omit it to start the task now")
		case at.Before(now.Add(-TaskScheduleTolerance)):
			return Invalidf("scheduledAt", "%s is in the past; a task can be scheduled from now up to %s ahead", at.UTC().Format(time.RFC3339), durationText(MaxTaskScheduleAhead))
		case at.After(now.Add(MaxTaskScheduleAhead)):
			return Invalidf("scheduledAt", "%s is more than %s ahead; a task can be scheduled at most %s ahead", at.UTC().Format(time.RFC3339), durationText(MaxTaskScheduleAhead), durationText(MaxTaskScheduleAhead))
		}
	}
	for _, f := range []struct{ field, v string }{
		{"previousContactId", string(r.PreviousContactID)}, {"flowId", string(r.FlowID)}, {"queueId", string(r.QueueID)},
	} {
		if len(f.v) > 256 || strings.IndexFunc(f.v, unicode.IsControl) >= 0 || !utf8.ValidString(f.v) {
			return Invalidf(f.field, "is not an ID (at most 256 printable characters)")
		}
	}
	return nil
}

func durationText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// ValidateTaskReferences checks a list of references: at most MaxTaskReferences, each valid,
// names unique.
func ValidateTaskReferences(field string, refs []TaskReference) error {
	if len(refs) > MaxTaskReferences {
		return Invalidf(field, "has %d references; at most %d are allowed", len(refs), MaxTaskReferences)
	}
	seen := make(map[string]int, len(refs))
	for i, ref := range refs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := ref.Validate(f); err != nil {
			return err
		}
		if j, dup := seen[ref.Name]; dup {
			return Invalidf(f+".name", "%q is already the name of %s[%d]; reference names must be unique", ref.Name, field, j)
		}
		seen[ref.Name] = i
	}
	return nil
}

// ValidateTaskAttributes checks user-defined attributes: non-empty valid UTF-8 keys that do not
// start with ReservedAttributePrefix, valid UTF-8 values, at most MaxTaskAttributesBytes in all.
func ValidateTaskAttributes(field string, attrs map[string]string) error {
	size := 0
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := attrs[k]
		switch {
		case k == "":
			return Invalidf(field, "has an empty key")
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return Invalidf(field+"."+k, "must be valid UTF-8")
		case strings.HasPrefix(k, ReservedAttributePrefix):
			return Invalidf(field+"."+k, "keys starting with %q are reserved for Parley", ReservedAttributePrefix)
		}
		size += len(k) + len(v)
	}
	if size > MaxTaskAttributesBytes {
		return Invalidf(field, "hold %d bytes of keys and values; at most %d are allowed", size, MaxTaskAttributesBytes)
	}
	return nil
}

func validateTaskText(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return Invalidf(field, "is required (1 to %d characters)", max)
	case !utf8.ValidString(s):
		return Invalidf(field, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		return Invalidf(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(s), max)
	}
	return nil
}

// Task is a task contact as the task channel shows it: the contact (with only the
// user-defined attributes), its references, and its task-specific state.
type Task struct {
	Contact
	References []TaskReference
	// FlowID is the flow the task runs (empty for a task queued directly).
	FlowID FlowID
	// PausedAt is set while the task is paused.
	PausedAt *time.Time
	// Transfers counts the transfers in the task's chain up to this contact.
	Transfers int
	// ExpiresAt is when the task ends with DisconnectReason EXPIRED unless completed first.
	ExpiresAt time.Time
}

// Paused reports whether the task is paused.
func (t *Task) Paused() bool { return t.PausedAt != nil }

// TaskFromContact splits a stored task contact into a Task: reserved attributes become
// References, FlowID and PausedAt, and Attributes keeps the user-defined ones. Transfers and
// ExpiresAt are left for the task channel to fill. EInvalid for a contact that is not a TASK
// or whose reserved attributes do not decode.
func TaskFromContact(c *Contact) (*Task, error) {
	if c.Channel != ChannelTask {
		return nil, Invalidf("channel", "contact %q is a %s contact, not a task", c.ID, c.Channel)
	}
	t := &Task{Contact: *c}
	t.Attributes = map[string]string{}
	for k, v := range c.Attributes {
		if !strings.HasPrefix(k, ReservedAttributePrefix) {
			t.Attributes[k] = v
		}
	}
	if raw, ok := c.Attributes[AttrTaskReferences]; ok && raw != "" {
		refs, err := ParseTaskReferences([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("task %q: %w", c.ID, err)
		}
		t.References = refs
	}
	t.FlowID = FlowID(c.Attributes[AttrTaskFlowID])
	if raw := c.Attributes[AttrTaskPausedAt]; raw != "" {
		at, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return nil, Invalidf("attributes."+AttrTaskPausedAt, "%q is not an RFC 3339 time", raw)
		}
		t.PausedAt = &at
	}
	return t, nil
}

// EncodeTaskReferences returns the value stored under AttrTaskReferences ("" for none).
func EncodeTaskReferences(refs []TaskReference) string {
	if len(refs) == 0 {
		return ""
	}
	b, err := json.Marshal(refs)
	if err != nil {
		panic(fmt.Sprintf("parley: encode task references: %v", err)) // strings only: cannot fail
	}
	return string(b)
}

// TaskTransfer says where a task goes: exactly one of a standard queue and an agent (their
// personal queue).
type TaskTransfer struct {
	QueueID QueueID
	AgentID UserID
}

// TaskService is the task channel (Amazon Connect's StartTaskContact, TransferContact,
// PauseContact, ResumeContact, StopContact for tasks). Methods take the acting user from the
// context (ActorFromContext); permission checks are the caller's (the API's) business. Only
// TASK contacts are tasks: a contact of another channel is ENotFound for these methods.
type TaskService interface {
	// StartTask validates req, stores the new task contact and, unless it is scheduled, runs its
	// flow (or queues it on req.QueueID) before returning; a scheduled task is INITIATED until
	// its time. It returns the task as it stands then (INITIATED, QUEUED, INCOMING,
	// CONNECTED with an auto-accept agent, or COMPLETED when the flow ended it).
	// Errors: EInvalid (a field; an unknown or never-published flow, an unknown queue, an
	// unknown previous contact; no flow and no queue with no default task flow configured),
	// EUnavailable (the direct queue is full or disabled; the router is not running).
	StartTask(ctx context.Context, req StartTaskRequest) (*Task, error)
	// Accept is the acting agent accepting the task offered to them; it is CONNECTED when
	// Accept returns. ENotFound; EConflict unless the task rings that agent.
	Accept(ctx context.Context, id ContactID) (*Task, error)
	// Reject is the acting agent declining the offer; the task goes back to its queue.
	// ENotFound; EConflict unless the task rings that agent.
	Reject(ctx context.Context, id ContactID) (*Task, error)
	// Pause pauses a queued or connected task. A queued task leaves its queue (not counted
	// against its limits) until resumed; a connected task stays with its agent and keeps its
	// slot. ENotFound; EConflict when already paused, or when scheduled, in its flow, ringing,
	// or ended.
	Pause(ctx context.Context, id ContactID) (*Task, error)
	// Resume resumes a paused task: a task paused in queue goes back to its queue (as a new
	// arrival). ENotFound; EConflict unless paused; EUnavailable when its queue is now full
	// or disabled (the task stays paused).
	Resume(ctx context.Context, id ContactID) (*Task, error)
	// Transfer moves a queued, connected or paused task to a queue or an agent: a new task
	// contact (QUEUE_TRANSFER or TRANSFER, linked by PreviousContactID) is queued there and
	// returned; the old one ends with reason TRANSFERRED. EInvalid (target: neither or both
	// of queueId and agentId, an unknown queue), ENotFound, EConflict (ringing, scheduled, in
	// its flow or ended; or the chain was already transferred MaxTaskTransfers times),
	// EUnavailable (the target queue is full or disabled).
	Transfer(ctx context.Context, id ContactID, to TaskTransfer) (*Task, error)
	// Complete ends the task wherever it is (scheduled, in flow, queued, ringing, connected,
	// paused) and returns it COMPLETED. Reason AGENT_DISCONNECT when the acting user is the
	// task's agent, API otherwise. Tasks have no after-contact work: the agent's slot frees
	// at once. ENotFound; EConflict when already completed.
	Complete(ctx context.Context, id ContactID) (*Task, error)
	// FindTask returns a task. ENotFound (also for a contact of another channel).
	FindTask(ctx context.Context, id ContactID) (*Task, error)
}
