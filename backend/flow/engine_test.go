package flow_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/flow"
)

func session(t *testing.T) *flow.Session {
	t.Helper()
	return &flow.Session{
		Contact: flow.Contact{
			ContactID: "c-1", Channel: flow.ChannelChat,
			CustomerEndpoint: flow.Endpoint{Address: "+15555550100", Type: "TELEPHONE_NUMBER"},
			SystemEndpoint:   flow.Endpoint{Address: "+15555550199"},
			Queue:            &flow.QueueRef{ID: "q1", ARN: "arn:q1", Name: "Sales"},
			Attributes:       map[string]string{"name": "Ada", "first name": "Ada L", "n": "3"},
		},
		FlowAttributes:      map[string]string{"retries": "2"},
		External:            map[string]any{"tier": "gold", "account": map[string]any{"id": "A-1", "tags": []any{"x", "y"}}, "score": 4.5},
		StoredCustomerInput: "1234",
		Metrics:             map[string]string{"Queue.Size": "7"},
		Lex:                 map[string]string{"IntentName": "Billing", "Slots.account": "99"},
	}
}

func TestInterpolate(t *testing.T) {
	s := session(t)
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"$.Attributes.name", "Ada"},
		{"Hello $.Attributes.name.", "Hello Ada."},
		{"Hi $.Attributes['first name']!", "Hi Ada L!"},
		{`Hi $.Attributes["first name"]`, "Hi Ada L"},
		{"$.External.tier/$.External.account.id/$.External.account.tags.1/$.External.score", "gold/A-1/y/4.5"},
		{"$.External.account", `{"id":"A-1","tags":["x","y"]}`},
		{"$.FlowAttributes.retries", "2"},
		{"$.StoredCustomerInput", "1234"},
		{"$.Channel $.Queue.Name $.Queue.ARN", "CHAT Sales arn:q1"},
		{"$.CustomerEndpoint.Address -> $.SystemEndpoint.Address", "+15555550100 -> +15555550199"},
		{"$.Metrics.Queue.Size waiting", "7 waiting"},
		{"$.Lex.IntentName $.Lex.Slots.account", "Billing 99"},
		{"missing: [$.Attributes.nope]", "missing: []"},
		{"price $5 and ${PLACEHOLDER} and $ alone", "price $5 and ${PLACEHOLDER} and $ alone"},
		{"arn:aws:lambda:$.Attributes.n:fn", "arn:aws:lambda:3:fn"},
		{"$.Attributes['unterminated", "$.Attributes['unterminated"},
		{"$.", "$."},
		{"", ""},
	}
	for _, tt := range tests {
		if got := s.Interpolate(tt.in); got != tt.want {
			t.Errorf("Interpolate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if v, ok := s.Lookup("$.Attributes.name"); !ok || v != "Ada" {
		t.Errorf("Lookup = %q, %v", v, ok)
	}
	for _, ref := range []string{"$.Attributes.nope", "Attributes.name", "$.Attributes.name tail", "$.Queue"} {
		if v, ok := s.Lookup(ref); ok {
			t.Errorf("Lookup(%q) = %q, true; want false", ref, v)
		}
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		op, value, operand string
		want               bool
	}{
		{flow.OpEquals, "a", "a", true},
		{flow.OpEquals, "a", "A", false},
		{flow.OpEquals, "01", "1", true},
		{flow.OpNumberGreaterThan, "10", "9", true},
		{flow.OpNumberGreaterThan, "x", "9", false},
		{flow.OpNumberLessThan, "-1", "0", true},
		{flow.OpNumberGreaterOrEqualTo, "2", "2", true},
		{flow.OpNumberLessOrEqualTo, "2.5", "2", false},
		{flow.OpTextContains, "hello", "ell", true},
		{flow.OpTextStartsWith, "hello", "he", true},
		{flow.OpTextEndsWith, "hello", "he", false},
		{"Nope", "a", "a", false},
	}
	for _, tt := range tests {
		if got := flow.Evaluate(tt.op, tt.value, tt.operand); got != tt.want {
			t.Errorf("Evaluate(%s, %q, %q) = %v, want %v", tt.op, tt.value, tt.operand, got, tt.want)
		}
	}
}

func loadInbound(t testing.TB) *flow.Flow {
	t.Helper()
	data, err := os.ReadFile("testdata/inbound.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := flow.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	f.ID = "inbound"
	return f
}

func inboundEnv(f *flow.Flow) *flow.MemEnv {
	return &flow.MemEnv{
		Flows:   map[string]*flow.Flow{"inbound": f},
		Queues:  []flow.Queue{{ID: "q-sales", Name: "Sales"}, {ID: "q-support", Name: "Support"}},
		Hours:   []flow.Hours{{ID: "office-hours", Config: []flow.HoursRange{{Day: "MONDAY", Start: "09:00", End: "17:00"}}}},
		Metrics: map[string]flow.QueueMetrics{"q-support": {AgentsStaffed: 1}},
	}
}

// TestResumeAfterRestart persists a waiting session as JSON, drops every
// in-memory trace of it, and resumes it with a new engine.
func TestResumeAfterRestart(t *testing.T) {
	f := loadInbound(t)
	now := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	eng := &flow.Engine{Env: inboundEnv(f), Now: func() time.Time { return now }}
	sess, effs, err := eng.Start(f, flow.Contact{ContactID: "c-9", Channel: flow.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := effs[len(effs)-1].(*flow.InvokeFunction); !ok {
		t.Fatalf("last effect %T, want *InvokeFunction", effs[len(effs)-1])
	}
	if _, err := eng.Resume(sess, flow.FunctionResult(map[string]any{"name": "Ada", "tier": "silver"})); err != nil {
		t.Fatal(err)
	}
	if sess.Wait == nil || sess.Wait.Kind != flow.WaitInput || sess.Wait.ActionID != "menu" {
		t.Fatalf("wait = %+v, want input at menu", sess.Wait)
	}
	data, err := json.Marshal(sess)
	if err != nil {
		t.Fatal(err)
	}

	// A new process: a fresh flow parsed from disk, a fresh engine.
	f2 := loadInbound(t)
	eng2 := &flow.Engine{Env: inboundEnv(f2), Now: func() time.Time { return now.Add(time.Minute) }}
	var restored flow.Session
	if err := json.Unmarshal(data, &restored); err != nil {
		t.Fatal(err)
	}
	effs, err = eng2.Resume(&restored, flow.Digits("2"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []flow.EffectKind
	for _, e := range effs {
		kinds = append(kinds, e.Kind())
	}
	want := []flow.EffectKind{flow.KindSetQueue, flow.KindSetEventHooks, flow.KindTransferToQueue}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("effects (-want +got):\n%s", diff)
	}
	if got := restored.Contact.Attributes["customerName"]; got != "Ada" {
		t.Errorf("customerName = %q after restore", got)
	}
	if restored.Wait == nil || restored.Wait.Kind != flow.WaitQueue {
		t.Errorf("wait = %+v, want queue", restored.Wait)
	}
	// The flow log was on: every action left an entry.
	if len(restored.Log) < 10 {
		t.Errorf("log has %d entries, want one per action", len(restored.Log))
	}
	// A session whose flow is unknown cannot resume.
	var lost flow.Session
	json.Unmarshal(data, &lost)
	_, err = (&flow.Engine{Env: &flow.MemEnv{}}).Resume(&lost, flow.Digits("2"))
	if !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("resume with unknown flow: err = %v, want ErrNotFound", err)
	}
}

func TestResumeErrors(t *testing.T) {
	f := loadInbound(t)
	eng := &flow.Engine{Env: inboundEnv(f)}
	sess, _, err := eng.Start(f, flow.Contact{ContactID: "c", Channel: flow.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(sess)
	if _, err := eng.Resume(sess, flow.Digits("1")); !errors.Is(err, flow.ErrUnexpectedInput) {
		t.Errorf("digits while waiting for a function: err = %v, want ErrUnexpectedInput", err)
	}
	after, _ := json.Marshal(sess)
	if string(before) != string(after) {
		t.Error("a refused input changed the session")
	}
	ended := &flow.Session{Status: flow.StatusEnded}
	if _, err := eng.Resume(ended, flow.Timeout()); !errors.Is(err, flow.ErrEnded) {
		t.Errorf("resume ended: err = %v, want ErrEnded", err)
	}
}

func TestStepLimit(t *testing.T) {
	f := flow.MustParse([]byte(`{"Version":"2019-10-30","StartAction":"a","Actions":[
	 {"Identifier":"a","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"x":"1"}},"Transitions":{"NextAction":"b"}},
	 {"Identifier":"b","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"x":"2"}},"Transitions":{"NextAction":"a"}}]}`))
	eng := &flow.Engine{Env: &flow.MemEnv{}, MaxSteps: 50}
	sess, effs, err := eng.Start(f, flow.Contact{})
	if err != nil {
		t.Fatal(err)
	}
	if sess.End != flow.EndStepLimitReached {
		t.Errorf("end = %q, want %q", sess.End, flow.EndStepLimitReached)
	}
	if len(effs) != 51 {
		t.Errorf("%d effects, want 50 + flow_ended", len(effs))
	}
	if len(sess.Log) == 0 || sess.Log[len(sess.Log)-1].Error == "" {
		t.Errorf("the step limit was not logged: %+v", sess.Log)
	}
}

func TestUnsupportedActionTakesErrorBranch(t *testing.T) {
	f, err := flow.Parse([]byte(`{"Version":"2019-10-30","StartAction":"lex","Actions":[
	 {"Identifier":"lex","Type":"ConnectParticipantWithLexBot","Parameters":{"Text":"How can I help?"},
	  "Transitions":{"NextAction":"ok","Errors":[{"NextAction":"fallback","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"ok","Type":"EndFlowExecution","Parameters":{},"Transitions":{}},
	 {"Identifier":"fallback","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	eng := &flow.Engine{Env: &flow.MemEnv{}, Trace: func(s flow.Step) { path = append(path, s.ActionID+" "+s.Result) }}
	sess, _, err := eng.Start(f, flow.Contact{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"lex error:NoMatchingError", "fallback end:disconnected"}, path); diff != "" {
		t.Errorf("path (-want +got):\n%s", diff)
	}
	if len(sess.Log) != 1 || sess.Log[0].Error == "" {
		t.Errorf("log = %+v, want one error entry", sess.Log)
	}
}

func TestHoursOpenAt(t *testing.T) {
	h := flow.Hours{ID: "h", TimeZone: "Europe/Paris", Closed: []string{"2025-12-25"},
		Config: []flow.HoursRange{{Day: "THURSDAY", Start: "09:00", End: "17:30"}, {Day: "FRIDAY", Start: "22:00", End: "00:00"}}}
	tests := []struct {
		at   string
		want bool
	}{
		{"2025-01-02T08:00:00Z", true},  // Thursday 09:00 Paris
		{"2025-01-02T07:59:00Z", false}, // 08:59
		{"2025-01-02T16:30:00Z", false}, // 17:30, end excluded
		{"2025-01-03T22:30:00Z", true},  // Friday 23:30
		{"2025-12-25T10:00:00Z", false}, // Thursday, closed
	}
	for _, tt := range tests {
		at, _ := time.Parse(time.RFC3339, tt.at)
		got, err := h.OpenAt(at)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("OpenAt(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestEffectJSON(t *testing.T) {
	b, err := flow.MarshalEffect(&flow.Message{ActionID: "a", Content: flow.Content{Text: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"type":"message","actionId":"a","text":"hi"}` {
		t.Errorf("got %s", b)
	}
	b, _ = flow.MarshalEffect(&flow.Disconnect{})
	if string(b) != `{"type":"disconnect"}` {
		t.Errorf("got %s", b)
	}
}
