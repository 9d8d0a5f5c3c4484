package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestRoutingStore_events(t *testing.T) {
	db, _ := mustOpenDB(t)
	s := NewRoutingStore(db)
	ctx := context.Background()
	if seq, err := s.LastRoutingEventSeq(ctx); err != nil || seq != 0 {
		t.Fatalf("empty store: seq %d, %v", seq, err)
	}
	ts := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	batch := []*parley.RoutingEvent{
		{ID: "e1", Seq: 41, Timestamp: ts, Contact: &parley.ContactEvent{Type: parley.ContactEventQueued, ContactID: "c1", QueueID: "q1", Channel: parley.ChannelChat}},
		{Seq: 42, Timestamp: ts.Add(time.Second), Agent: &parley.AgentEvent{Type: parley.AgentStateChange, AgentID: "a1",
			Current: &parley.AgentSnapshot{Status: parley.AgentSnapshotStatus{Name: "Available", Type: parley.StatusRoutable}}}},
	}
	mustNoErr(t, s.AppendRoutingEvents(ctx, batch))
	if batch[0].Seq != 1 || batch[1].Seq != 2 || batch[1].ID == "" {
		t.Fatalf("store did not assign its sequence and IDs: %+v %+v", batch[0], batch[1])
	}
	mustNoErr(t, s.AppendRoutingEvents(ctx, []*parley.RoutingEvent{{ID: "e3", Timestamp: ts}}))
	got, err := s.FindRoutingEvents(ctx, 1, 10)
	mustNoErr(t, err)
	if len(got) != 2 || got[0].Seq != 2 || got[1].ID != "e3" || got[0].Agent == nil || got[0].Agent.Current.Status.Name != "Available" {
		t.Fatalf("events after 1 = %+v", got)
	}
	all, err := s.FindRoutingEvents(ctx, 0, 2)
	mustNoErr(t, err)
	if len(all) != 2 || all[0].Contact.QueueID != "q1" || !all[0].Timestamp.Equal(ts) {
		t.Fatalf("first page = %+v", all)
	}
	if seq, _ := s.LastRoutingEventSeq(ctx); seq != 3 {
		t.Fatalf("last seq = %d, want 3", seq)
	}
	// A duplicate ID fails the whole batch: nothing of it is stored.
	err = s.AppendRoutingEvents(ctx, []*parley.RoutingEvent{{ID: "e4", Timestamp: ts}, {ID: "e1", Timestamp: ts}})
	if err == nil {
		t.Fatal("duplicate event ID stored")
	}
	if seq, _ := s.LastRoutingEventSeq(ctx); seq != 3 {
		t.Fatalf("a failed batch left events behind: last seq %d", seq)
	}
	if _, err := s.FindRoutingEvents(ctx, 0, 0); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Fatalf("limit 0: %v", err)
	}
}

func TestRoutingStore_contacts(t *testing.T) {
	db, clock := mustOpenDB(t)
	s := NewRoutingStore(db)
	ctx := context.Background()
	mustNoErr(t, s.SaveRoutingContact(ctx, "c1", true, json.RawMessage(`{"n":1}`)))
	clock.Advance(time.Second)
	mustNoErr(t, s.SaveRoutingContact(ctx, "c2", true, json.RawMessage(`{"n":2}`)))
	mustNoErr(t, s.SaveRoutingContact(ctx, "c1", true, json.RawMessage(`{"n":3}`))) // update keeps its place
	open, err := s.FindOpenRoutingContacts(ctx)
	mustNoErr(t, err)
	if len(open) != 2 || string(open[0]) != `{"n":3}` || string(open[1]) != `{"n":2}` {
		t.Fatalf("open records = %s", open)
	}
	mustNoErr(t, s.SaveRoutingContact(ctx, "c1", false, json.RawMessage(`{"n":4}`)))
	open, _ = s.FindOpenRoutingContacts(ctx)
	if len(open) != 1 || string(open[0]) != `{"n":2}` {
		t.Fatalf("after closing c1: %s", open)
	}
	if err := s.SaveRoutingContact(ctx, "c3", true, json.RawMessage(`{`)); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Fatalf("bad JSON: %v", err)
	}
}

func TestRoutingStore_lastAgentEvents(t *testing.T) {
	db, _ := mustOpenDB(t)
	s := NewRoutingStore(db)
	ev := NewAgentEventService(db)
	ctx := context.Background()
	for _, e := range []*parley.AgentEvent{
		{Type: parley.AgentLogin, AgentID: "a1"}, {Type: parley.AgentLogin, AgentID: "a2"},
		{Type: parley.AgentStateChange, AgentID: "a1"}, {Type: parley.AgentLogout, AgentID: "a2"},
	} {
		mustNoErr(t, ev.AppendAgentEvent(ctx, e))
	}
	last, err := s.FindLastAgentEvents(ctx)
	mustNoErr(t, err)
	if len(last) != 2 || last[0].AgentID != "a1" || last[0].Type != parley.AgentStateChange || last[1].Type != parley.AgentLogout {
		t.Fatalf("last events = %+v %+v", last[0], last[1])
	}
}
