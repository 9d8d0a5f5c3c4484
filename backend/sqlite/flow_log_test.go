package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestFlowLogService(t *testing.T) {
	db, _ := mustOpenDB(t)
	s := NewFlowLogService(db)
	ctx := context.Background()
	ts := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	mustNoErr(t, s.AppendFlowLogs(ctx, "c1", []parley.FlowLogEntry{
		{Time: ts, FlowID: "f1", ActionID: "menu", Type: "GetParticipantInput", Params: map[string]string{"Text": "Press 1"}, Result: "wait:input"},
		{Time: ts.Add(time.Second), FlowID: "f1", ActionID: "menu", Type: "GetParticipantInput", Result: "condition:1"},
	}))
	mustNoErr(t, s.AppendFlowLogs(ctx, "c2", []parley.FlowLogEntry{{Time: ts, ActionID: "x", Error: "queue not found", Result: "error:NoMatchingError"}}))
	got, err := s.FindFlowLogs(ctx, "c1")
	mustNoErr(t, err)
	if len(got) != 2 || got[0].Params["Text"] != "Press 1" || got[1].Result != "condition:1" || !got[1].Time.Equal(ts.Add(time.Second)) || got[0].Seq >= got[1].Seq {
		t.Fatalf("c1 logs = %+v %+v", got[0], got[1])
	}
	none, err := s.FindFlowLogs(ctx, "c3")
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("no logs: %v %v", none, err)
	}
	if err := s.AppendFlowLogs(ctx, "", nil); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Fatalf("no contact: %v", err)
	}
}
