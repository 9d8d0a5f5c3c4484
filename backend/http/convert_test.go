package http

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// wirePairs lists every wire type with its domain twin.
var wirePairs = []struct{ wire, domain any }{
	{api.User{}, parley.User{}},
	{api.SecurityProfile{}, parley.SecurityProfile{}},
	{api.AgentStatus{}, parley.AgentStatus{}},
	{api.HoursOfOperation{}, parley.HoursOfOperation{}},
	{api.Queue{}, parley.Queue{}},
	{api.RoutingProfile{}, parley.RoutingProfile{}},
	{api.QuickConnect{}, parley.QuickConnect{}},
	{api.PhoneNumber{}, parley.PhoneNumber{}},
	{api.Flow{}, parley.Flow{}},
	{api.FlowVersion{}, parley.FlowVersion{}},
	{api.Prompt{}, parley.Prompt{}},
	{api.ExternalFunction{}, parley.ExternalFunction{}},
	{api.AuditEntry{}, parley.AuditEntry{}},
	{api.ContactEvent{}, parley.ContactEvent{}},
	{api.AgentEvent{}, parley.AgentEvent{}},
	{api.Contact{}, parley.Contact{}},
	{api.CTR{}, parley.CTR{}},
	{api.FlowLogEntry{}, parley.FlowLogEntry{}},
	{api.Task{}, parley.Task{}},
	{api.StartTaskRequest{}, parley.StartTaskRequest{}},
	{api.TaskReference{}, parley.TaskReference{}},
}

// TestWireTypesMatchDomain checks what convert relies on: every field of a wire type has a
// domain field of the same name (case-insensitively) and a compatible kind, recursively, and
// every domain field has a wire field, so that nothing is silently dropped either way.
func TestWireTypesMatchDomain(t *testing.T) {
	for _, p := range wirePairs {
		matchFields(t, reflect.TypeOf(p.wire), reflect.TypeOf(p.domain), reflect.TypeOf(p.wire).Name())
	}
}

func matchFields(t *testing.T, w, d reflect.Type, where string) {
	t.Helper()
	for w.Kind() == reflect.Pointer || w.Kind() == reflect.Slice {
		w = w.Elem()
	}
	for d.Kind() == reflect.Pointer || d.Kind() == reflect.Slice {
		d = d.Elem()
	}
	if w.Kind() != reflect.Struct || d.Kind() != reflect.Struct {
		if kindClass(w) != kindClass(d) {
			t.Errorf("%s: wire %s vs domain %s", where, w, d)
		}
		return
	}
	if w.String() == "time.Time" || d.String() == "time.Time" {
		if w != d {
			t.Errorf("%s: wire %s vs domain %s", where, w, d)
		}
		return
	}
	wf := fieldsByName(w)
	df := fieldsByName(d)
	for name, f := range wf {
		g, ok := df[name]
		if !ok {
			t.Errorf("%s.%s: no domain field of that name in %s", where, f.Name, d)
			continue
		}
		matchFields(t, f.Type, g.Type, where+"."+f.Name)
	}
	for name, g := range df {
		if _, ok := wf[name]; !ok {
			t.Errorf("%s: domain field %s.%s has no wire field", where, d, g.Name)
		}
	}
}

// fieldsByName indexes a struct's JSON fields (embedded structs flattened) by lower-case name.
func fieldsByName(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range fieldsByName(f.Type) {
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = f
	}
	return out
}

func kindClass(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "int"
	case reflect.Uint8: // json.RawMessage is []byte
		return "bytes"
	}
	return t.Kind().String()
}

func TestConvertRoundTrip(t *testing.T) {
	in := api.RoutingProfile{ID: "p1", Name: "Sales", MediaConcurrencies: []api.MediaConcurrency{{Channel: "CHAT", Concurrency: 3, CrossChannelBehavior: "ROUTE_CURRENT_CHANNEL_ONLY"}},
		Queues: []api.RoutingProfileQueue{{QueueID: "q1", Channel: "CHAT", Priority: 2, Delay: 30}}, DefaultOutboundQueueID: "q1", AfterContactWorkTimeLimit: 60}
	d, err := convert[parley.RoutingProfile](in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Queues[0].Delay != 30 || d.MediaConcurrencies[0].CrossChannelBehavior != parley.RouteCurrentChannelOnly || d.DefaultOutboundQueueID != "q1" {
		t.Fatalf("domain = %+v", d)
	}
	back, err := convert[api.RoutingProfile](d)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*back, in) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", *back, in)
	}
}
