package task

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

func TestFlowSetsAttributesAndQueues(t *testing.T) {
	h := newHarness(t)
	fid := h.publish("Task routing", queueFlow(h.queues["Tasks"].ID))
	alice := h.available("alice")

	refs := []parley.TaskReference{
		{Name: "ticket", Type: parley.ReferenceURL, Value: "https://crm.example.com/t/42"},
		{Name: "amount", Type: parley.ReferenceNumber, Value: "12.50"},
	}
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "Refund order 42", Description: "Customer asked twice",
		References: refs, Attributes: map[string]string{"customer": "c-7"}, FlowID: fid})
	must(t, err)
	if tk.State != parley.ContactIncoming || tk.AgentID != alice || tk.QueueID != h.queues["Tasks"].ID {
		t.Fatalf("started task: state %s agent %q queue %q; want INCOMING to alice in Tasks", tk.State, tk.AgentID, tk.QueueID)
	}
	wantAttrs := map[string]string{"customer": "c-7", "priority": "high", "source": "Refund order 42"}
	if d := cmp.Diff(wantAttrs, tk.Attributes); d != "" {
		t.Errorf("attributes (-want +got):\n%s", d)
	}
	if d := cmp.Diff(refs, tk.References); d != "" {
		t.Errorf("references (-want +got):\n%s", d)
	}
	if tk.FlowID != fid || tk.Channel != parley.ChannelTask || tk.InitiationMethod != parley.InitAPI {
		t.Errorf("task: flow %q channel %s method %s", tk.FlowID, tk.Channel, tk.InitiationMethod)
	}
	if want := t0.Add(parley.TaskExpiry); !tk.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt %v, want %v", tk.ExpiresAt, want)
	}
	// The references are stored on the contact, under a reserved attribute.
	stored, err := h.contacts.FindContactByID(h.ctx, tk.ID)
	must(t, err)
	if !strings.Contains(stored.Attributes[parley.AttrTaskReferences], "crm.example.com") {
		t.Errorf("stored attributes %v lack the references", stored.Attributes)
	}

	// Bob cannot accept alice's task.
	_, err = h.svc.Accept(h.as("bob"), tk.ID)
	wantCode(t, err, parley.EConflict, "")
	tk, err = h.svc.Accept(h.as("alice"), tk.ID)
	must(t, err)
	if tk.State != parley.ContactConnected {
		t.Fatalf("accepted task is %s, want CONNECTED", tk.State)
	}
	tk, err = h.svc.Complete(h.as("alice"), tk.ID)
	must(t, err)
	if tk.State != parley.ContactCompleted || tk.DisconnectReason != parley.DisconnectAgent {
		t.Errorf("completed task: %s %s, want COMPLETED AGENT_DISCONNECT", tk.State, tk.DisconnectReason)
	}
	if got := h.agentContacts(alice); len(got) != 0 {
		t.Errorf("alice still holds %v after completing", got)
	}
	ctr, final := h.rec.CTR(tk.ID)
	if ctr == nil || !final || ctr.Attributes["priority"] != "high" || ctr.Agent == nil || ctr.Agent.ID != alice {
		t.Errorf("CTR %+v final %v; want a final record with the flow's attributes and alice", ctr, final)
	}
	_, err = h.svc.Complete(h.ctx, tk.ID)
	wantCode(t, err, parley.EConflict, "")
}

func TestScheduledTaskReleasedAtItsTime(t *testing.T) {
	h := newHarness(t)
	alice := h.available("alice")
	at := t0.Add(2 * time.Hour)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "Call back at 11", QueueID: h.queues["Tasks"].ID, ScheduledAt: &at})
	must(t, err)
	if tk.State != parley.ContactInitiated || tk.ScheduledAt == nil || !tk.ScheduledAt.Equal(at) {
		t.Fatalf("scheduled task: state %s scheduled %v", tk.State, tk.ScheduledAt)
	}
	h.advance(2*time.Hour - time.Second)
	h.wantState(tk.ID, parley.ContactInitiated, "")
	if _, err := h.router.Contact(h.ctx, tk.ID); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("the router holds the task before its time (err %v)", err)
	}
	h.advance(time.Second)
	h.wantState(tk.ID, parley.ContactIncoming, alice)
	ctr, _ := h.rec.CTR(tk.ID)
	if ctr == nil || ctr.Queue == nil || !ctr.Queue.EnqueueTimestamp.Equal(at) {
		t.Errorf("CTR queue %+v, want enqueued at %v", ctr, at)
	}
}

func TestScheduledTaskRunsItsFlowAtItsTime(t *testing.T) {
	h := newHarness(t)
	fid := h.publish("Task routing", queueFlow(h.queues["Tasks"].ID))
	at := t0.Add(6 * 24 * time.Hour) // the furthest allowed
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "Renewal", FlowID: fid, ScheduledAt: &at})
	must(t, err)
	h.advance(6*24*time.Hour - time.Minute)
	if tk = h.wantState(tk.ID, parley.ContactInitiated, ""); tk.Attributes["priority"] != "" {
		t.Errorf("the flow ran early: %v", tk.Attributes)
	}
	h.advance(time.Minute)
	tk = h.wantState(tk.ID, parley.ContactQueued, "")
	if tk.Attributes["priority"] != "high" {
		t.Errorf("the flow did not run at the scheduled time: %v", tk.Attributes)
	}
}

func TestTaskConcurrency(t *testing.T) {
	h := newHarness(t)
	alice := h.available("alice") // TASK concurrency 2
	var ids []parley.ContactID
	for _, name := range []string{"first", "second", "third"} {
		tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: name, QueueID: h.queues["Tasks"].ID})
		must(t, err)
		ids = append(ids, tk.ID)
		h.advance(time.Second)
	}
	h.wantState(ids[0], parley.ContactIncoming, alice)
	h.wantState(ids[1], parley.ContactIncoming, alice)
	h.wantState(ids[2], parley.ContactQueued, "")
	for _, id := range ids[:2] {
		_, err := h.svc.Accept(h.as("alice"), id)
		must(t, err)
	}
	h.advance(time.Hour)
	h.wantState(ids[0], parley.ContactConnected, alice)
	h.wantState(ids[2], parley.ContactQueued, "")

	_, err := h.svc.Complete(h.as("alice"), ids[1])
	must(t, err)
	h.sync()
	h.wantState(ids[1], parley.ContactCompleted, alice)
	h.wantState(ids[2], parley.ContactIncoming, alice)
	if d := cmp.Diff([]parley.ContactID{ids[0], ids[2]}, h.agentContacts(alice)); d != "" {
		t.Errorf("alice's contacts (-want +got):\n%s", d)
	}
}

func TestAutoAcceptAgentIsConnected(t *testing.T) {
	h := newHarness(t)
	h.agents["alice"].AutoAccept = true
	alice := h.available("alice")
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "auto", QueueID: h.queues["Tasks"].ID})
	must(t, err)
	if tk.State != parley.ContactConnected || tk.AgentID != alice {
		t.Fatalf("task with an auto-accept agent: %s %q, want CONNECTED to alice", tk.State, tk.AgentID)
	}
}

func TestMissedOfferGoesBackToQueue(t *testing.T) {
	h := newHarness(t)
	alice := h.available("alice")
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "ring", QueueID: h.queues["Tasks"].ID})
	must(t, err)
	h.wantState(tk.ID, parley.ContactIncoming, alice)
	h.advance(routing.DefaultRingTimeout)
	h.wantState(tk.ID, parley.ContactQueued, "")
	_, err = h.svc.Accept(h.as("alice"), tk.ID)
	wantCode(t, err, parley.EConflict, "")

	bob := h.available("bob")
	h.wantState(tk.ID, parley.ContactIncoming, bob)
	tk, err = h.svc.Reject(h.as("bob"), tk.ID)
	must(t, err)
	if tk.State != parley.ContactQueued {
		t.Errorf("rejected task is %s, want QUEUED", tk.State)
	}
}

func TestTransferLimit(t *testing.T) {
	h := newHarness(t)
	alice := h.available("alice")
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "hot potato", QueueID: h.queues["Tasks"].ID,
		References: []parley.TaskReference{{Name: "order", Type: parley.ReferenceString, Value: "A-1"}}})
	must(t, err)
	first := tk.ID
	_, err = h.svc.Accept(h.as("alice"), tk.ID)
	must(t, err)
	_, err = h.svc.Pause(h.as("alice"), tk.ID)
	must(t, err)

	// 1: a connected (and paused) task: the router makes the new contact; alice's slot frees.
	tk, err = h.svc.Transfer(h.as("alice"), tk.ID, parley.TaskTransfer{QueueID: h.queues["Escalations"].ID})
	must(t, err)
	if tk.State != parley.ContactQueued || tk.InitiationMethod != parley.InitQueueTransfer || tk.PreviousContactID != first ||
		tk.InitialContactID != first || tk.Transfers != 1 || tk.Paused() || tk.Name != "hot potato" {
		t.Fatalf("transferred task: %+v", tk)
	}
	if d := cmp.Diff([]parley.TaskReference{{Name: "order", Type: parley.ReferenceString, Value: "A-1"}}, tk.References); d != "" {
		t.Errorf("references after transfer (-want +got):\n%s", d)
	}
	old := h.wantState(first, parley.ContactCompleted, alice)
	if old.DisconnectReason != parley.DisconnectTransferred || old.NextContactID != tk.ID {
		t.Errorf("old contact: reason %s next %q", old.DisconnectReason, old.NextContactID)
	}
	if got := h.agentContacts(alice); len(got) != 0 {
		t.Errorf("alice still holds %v after transferring", got)
	}

	// 2..11: queued transfers between two queues nobody serves.
	targets := []string{"Backoffice", "Escalations"}
	for i := 2; i <= parley.MaxTaskTransfers; i++ {
		prev := tk.ID
		tk, err = h.svc.Transfer(h.ctx, tk.ID, parley.TaskTransfer{QueueID: h.queues[targets[i%2]].ID})
		must(t, err)
		if tk.Transfers != i || tk.QueueID != h.queues[targets[i%2]].ID || tk.State != parley.ContactQueued {
			t.Fatalf("transfer %d: %d transfers, queue %q, state %s", i, tk.Transfers, tk.QueueID, tk.State)
		}
		if p := h.task(prev); p.State != parley.ContactCompleted || p.NextContactID != tk.ID {
			t.Fatalf("transfer %d: previous contact %s next %q", i, p.State, p.NextContactID)
		}
	}
	_, err = h.svc.Transfer(h.ctx, tk.ID, parley.TaskTransfer{QueueID: h.queues["Tasks"].ID})
	e := wantCode(t, err, parley.EConflict, "")
	if !strings.Contains(e.Message, "at most 11 times") {
		t.Errorf("message %q does not state the limit", e.Message)
	}
	h.wantState(tk.ID, parley.ContactQueued, "") // unchanged

	_, err = h.svc.Transfer(h.ctx, tk.ID, parley.TaskTransfer{})
	wantCode(t, err, parley.EInvalid, "queueId")
}

func TestTransferErrors(t *testing.T) {
	h := newHarness(t)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "x", QueueID: h.queues["Escalations"].ID})
	must(t, err)
	for _, tc := range []struct {
		to    parley.TaskTransfer
		field string
	}{
		{parley.TaskTransfer{}, "queueId"},
		{parley.TaskTransfer{QueueID: h.queues["Tasks"].ID, AgentID: h.agents["bob"].ID}, "queueId"},
		{parley.TaskTransfer{QueueID: "nope"}, "queueId"},
		{parley.TaskTransfer{AgentID: "nobody"}, "agentId"},
	} {
		_, err := h.svc.Transfer(h.ctx, tk.ID, tc.to)
		wantCode(t, err, parley.EInvalid, tc.field)
	}
	h.wantState(tk.ID, parley.ContactQueued, "")
	at := t0.Add(time.Hour)
	later, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "later", QueueID: h.queues["Tasks"].ID, ScheduledAt: &at})
	must(t, err)
	_, err = h.svc.Transfer(h.ctx, later.ID, parley.TaskTransfer{QueueID: h.queues["Tasks"].ID})
	wantCode(t, err, parley.EConflict, "")
	_, err = h.svc.Transfer(h.ctx, "nope", parley.TaskTransfer{QueueID: h.queues["Tasks"].ID})
	wantCode(t, err, parley.ENotFound, "")
}

func TestTransferToAgent(t *testing.T) {
	h := newHarness(t)
	bob := h.available("bob")
	must(t, h.router.SetStatus(h.ctx, bob, h.offline))
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "for bob", QueueID: h.queues["Escalations"].ID})
	must(t, err)
	tk, err = h.svc.Transfer(h.ctx, tk.ID, parley.TaskTransfer{AgentID: bob})
	must(t, err)
	if tk.InitiationMethod != parley.InitTransfer || tk.QueueID != routing.AgentQueueID(bob) || tk.State != parley.ContactQueued {
		t.Fatalf("task transferred to bob: %s %q %s", tk.InitiationMethod, tk.QueueID, tk.State)
	}
	must(t, h.router.SetStatus(h.ctx, bob, h.avail))
	h.sync()
	h.wantState(tk.ID, parley.ContactIncoming, bob)
}

func TestTaskExpires(t *testing.T) {
	h := newHarness(t)
	alice := h.available("alice")
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "long", QueueID: h.queues["Tasks"].ID})
	must(t, err)
	_, err = h.svc.Accept(h.as("alice"), tk.ID)
	must(t, err)
	queued, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "waiting", QueueID: h.queues["Escalations"].ID})
	must(t, err)
	h.advance(time.Hour)
	paused, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "paused", QueueID: h.queues["Escalations"].ID})
	must(t, err)
	_, err = h.svc.Pause(h.ctx, paused.ID)
	must(t, err)

	h.advance(parley.TaskExpiry - time.Hour - time.Second)
	h.wantState(tk.ID, parley.ContactConnected, alice)
	h.wantState(queued.ID, parley.ContactQueued, "")
	h.advance(time.Second)
	for _, id := range []parley.ContactID{tk.ID, queued.ID} {
		got := h.task(id)
		if got.State != parley.ContactCompleted || got.DisconnectReason != parley.DisconnectExpired {
			t.Errorf("task %s after 7 days: %s %s, want COMPLETED EXPIRED", id, got.State, got.DisconnectReason)
		}
	}
	if got := h.agentContacts(alice); len(got) != 0 {
		t.Errorf("alice still holds %v after expiry", got)
	}
	h.wantState(paused.ID, parley.ContactInFlow, "")
	h.advance(time.Hour)
	if got := h.task(paused.ID); got.State != parley.ContactCompleted || got.DisconnectReason != parley.DisconnectExpired {
		t.Errorf("paused task after 7 days: %s %s", got.State, got.DisconnectReason)
	}
}

func TestExpiryAfterRestart(t *testing.T) {
	h := newHarness(t)
	at := t0.Add(24 * time.Hour)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "later", QueueID: h.queues["Tasks"].ID, ScheduledAt: &at})
	must(t, err)
	// A second task channel over the same store (a restart) finds the scheduled task.
	svc2 := New(h.router, h.contacts, StoreFlowSource{Flows: h.flowsSvc}, h.env, NewInbox())
	svc2.Clock = h.clock
	must(t, svc2.lock(h.ctx))
	must(t, svc2.load(h.ctx))
	rel, exp := svc2.release[tk.ID], svc2.expires[tk.ID]
	svc2.unlock()
	if !rel.Equal(at) || !exp.Equal(t0.Add(parley.TaskExpiry)) {
		t.Errorf("after restart: release %v expiry %v; want %v and %v", rel, exp, at, t0.Add(parley.TaskExpiry))
	}
}

func TestPauseResume(t *testing.T) {
	h := newHarness(t)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "waiting on approval", QueueID: h.queues["Tasks"].ID})
	must(t, err)
	tk, err = h.svc.Pause(h.ctx, tk.ID)
	must(t, err)
	if !tk.Paused() || tk.State != parley.ContactInFlow || tk.QueueID != h.queues["Tasks"].ID {
		t.Fatalf("paused queued task: paused %v state %s queue %q", tk.Paused(), tk.State, tk.QueueID)
	}
	_, err = h.svc.Pause(h.ctx, tk.ID)
	wantCode(t, err, parley.EConflict, "")
	alice := h.available("alice")
	h.wantState(tk.ID, parley.ContactInFlow, "") // not offered while paused

	tk, err = h.svc.Resume(h.ctx, tk.ID)
	must(t, err)
	if tk.Paused() || tk.State != parley.ContactIncoming || tk.AgentID != alice {
		t.Fatalf("resumed task: paused %v %s %q, want INCOMING to alice", tk.Paused(), tk.State, tk.AgentID)
	}
	_, err = h.svc.Resume(h.ctx, tk.ID)
	wantCode(t, err, parley.EConflict, "")
	_, err = h.svc.Pause(h.ctx, tk.ID)
	wantCode(t, err, parley.EConflict, "") // ringing

	_, err = h.svc.Accept(h.as("alice"), tk.ID)
	must(t, err)
	tk, err = h.svc.Pause(h.as("alice"), tk.ID)
	must(t, err)
	if !tk.Paused() || tk.State != parley.ContactConnected || tk.PausedAt == nil || !tk.PausedAt.Equal(h.clock.Now()) {
		t.Fatalf("paused connected task: %v %s %v", tk.Paused(), tk.State, tk.PausedAt)
	}
	if got := h.agentContacts(alice); len(got) != 1 {
		t.Errorf("a paused connected task keeps its slot: alice holds %v", got)
	}
	tk, err = h.svc.Resume(h.as("alice"), tk.ID)
	must(t, err)
	if tk.Paused() || tk.State != parley.ContactConnected {
		t.Errorf("resumed connected task: %v %s", tk.Paused(), tk.State)
	}
}

func TestFollowUpTasks(t *testing.T) {
	h := newHarness(t)
	routeFlow := h.publish("Route tasks", queueFlow(h.queues["Tasks"].ID))
	creator := h.publish("Create a follow-up", `{
  "Version": "2019-10-30",
  "StartAction": "create",
  "Actions": [
    {"Identifier": "create", "Type": "CreateTask",
     "Parameters": {"Name": "Follow up on $.Name", "ContactFlowId": "`+string(routeFlow)+`",
       "Attributes": {"origin": "$.ContactId"},
       "References": {"case": {"Type": "URL", "Value": "https://crm.example.com/c/9"}, "note": {"Type": "STRING", "Value": "call after 5"}},
       "DelaySeconds": "3600"},
     "Transitions": {"NextAction": "done", "Errors": [{"NextAction": "done", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "done", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}`)
	parent, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "Claim 9", FlowID: creator})
	must(t, err)
	if parent.State != parley.ContactCompleted || parent.DisconnectReason != parley.DisconnectContactFlow {
		t.Fatalf("parent task: %s %s, want COMPLETED by its flow", parent.State, parent.DisconnectReason)
	}
	cs, err := h.contacts.FindContacts(h.ctx, parley.ContactFilter{Channel: parley.ChannelTask})
	must(t, err)
	if len(cs) != 2 {
		t.Fatalf("%d task contacts, want the parent and its follow-up", len(cs))
	}
	child := h.task(cs[1].ID)
	if child.PreviousContactID != parent.ID || child.Name != "Follow up on Claim 9" || child.State != parley.ContactInitiated ||
		child.ScheduledAt == nil || !child.ScheduledAt.Equal(t0.Add(time.Hour)) || child.Attributes["origin"] != string(parent.ID) {
		t.Fatalf("follow-up task: %+v", child)
	}
	wantRefs := []parley.TaskReference{{Name: "case", Type: parley.ReferenceURL, Value: "https://crm.example.com/c/9"},
		{Name: "note", Type: parley.ReferenceString, Value: "call after 5"}}
	if d := cmp.Diff(wantRefs, child.References); d != "" {
		t.Errorf("follow-up references (-want +got):\n%s", d)
	}
	h.advance(time.Hour)
	h.wantState(child.ID, parley.ContactQueued, "")

	// An agent's follow-up task links to the contact it follows.
	agentTask, err := h.svc.StartTask(h.as("alice"), parley.StartTaskRequest{Name: "Send the form", PreviousContactID: child.ID, QueueID: h.queues["Tasks"].ID})
	must(t, err)
	if agentTask.PreviousContactID != child.ID || agentTask.Transfers != 0 {
		t.Errorf("agent's follow-up: previous %q transfers %d", agentTask.PreviousContactID, agentTask.Transfers)
	}
}

func TestFlowWaitThenQueue(t *testing.T) {
	h := newHarness(t)
	fid := h.publish("Wait then queue", `{
  "Version": "2019-10-30",
  "StartAction": "wait",
  "Actions": [
    {"Identifier": "wait", "Type": "Wait", "Parameters": {"TimeLimitSeconds": "600"},
     "Transitions": {"Conditions": [{"NextAction": "set-queue", "Condition": {"Operator": "Equals", "Operands": ["WaitCompleted"]}}],
       "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "set-queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "Escalations"},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue",
     "Transitions": {"Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}`)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "cool down", FlowID: fid})
	must(t, err)
	if tk.State != parley.ContactInFlow {
		t.Fatalf("task in a Wait block is %s, want IN_FLOW", tk.State)
	}
	h.advance(599 * time.Second)
	h.wantState(tk.ID, parley.ContactInFlow, "")
	h.advance(time.Second)
	tk = h.wantState(tk.ID, parley.ContactQueued, "")
	if tk.QueueID != h.queues["Escalations"].ID {
		t.Errorf("queue %q, want Escalations", tk.QueueID)
	}
}

func TestStartTaskValidation(t *testing.T) {
	h := newHarness(t)
	fid := h.publish("Task routing", queueFlow(h.queues["Tasks"].ID))
	draft := &parley.Flow{Name: "Draft", Type: parley.FlowContact, Content: queueFlow(h.queues["Tasks"].ID)}
	must(t, h.flowsSvc.CreateFlow(h.ctx, draft))
	q := h.queues["Tasks"].ID
	past, near, tooFar, edge := t0.Add(-2*time.Minute), t0.Add(-30*time.Second), t0.Add(6*24*time.Hour+time.Second), t0.Add(6*24*time.Hour)
	refs := func(rs ...parley.TaskReference) []parley.TaskReference { return rs }
	many := make([]parley.TaskReference, 26)
	for i := range many {
		many[i] = parley.TaskReference{Name: strings.Repeat("r", i+1), Type: parley.ReferenceString, Value: "x"}
	}
	for _, tc := range []struct {
		name  string
		req   parley.StartTaskRequest
		field string // "" for a valid request
	}{
		{"ok", parley.StartTaskRequest{Name: "ok", QueueID: q}, ""},
		{"scheduled 30 s ago is now", parley.StartTaskRequest{Name: "ok", QueueID: q, ScheduledAt: &near}, ""},
		{"scheduled 6 days ahead", parley.StartTaskRequest{Name: "ok", QueueID: q, ScheduledAt: &edge}, ""},
		{"no name", parley.StartTaskRequest{QueueID: q}, "name"},
		{"blank name", parley.StartTaskRequest{Name: "  ", QueueID: q}, "name"},
		{"long name", parley.StartTaskRequest{Name: strings.Repeat("n", 513), QueueID: q}, "name"},
		{"long description", parley.StartTaskRequest{Name: "x", Description: strings.Repeat("d", 4097), QueueID: q}, "description"},
		{"26 references", parley.StartTaskRequest{Name: "x", QueueID: q, References: many}, "references"},
		{"duplicate reference", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(
			parley.TaskReference{Name: "a", Type: parley.ReferenceString}, parley.TaskReference{Name: "a", Type: parley.ReferenceString})}, "references[1].name"},
		{"reference without name", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Type: parley.ReferenceString, Value: "v"})}, "references[0].name"},
		{"reference type", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: "ATTACHMENT", Value: "v"})}, "references[0].type"},
		{"relative URL", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceURL, Value: "/t/1"})}, "references[0].value"},
		{"ftp URL", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceURL, Value: "ftp://h/x"})}, "references[0].value"},
		{"number", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceNumber, Value: "12a"})}, "references[0].value"},
		{"NaN", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceNumber, Value: "NaN"})}, "references[0].value"},
		{"date", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceDate, Value: "03/01/2026"})}, "references[0].value"},
		{"email", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceEmail, Value: "Jo <jo@example.com>"})}, "references[0].value"},
		{"empty email", parley.StartTaskRequest{Name: "x", QueueID: q, References: refs(parley.TaskReference{Name: "a", Type: parley.ReferenceEmail})}, "references[0].value"},
		{"reserved attribute", parley.StartTaskRequest{Name: "x", QueueID: q, Attributes: map[string]string{"parley:flowId": "f"}}, "attributes.parley:flowId"},
		{"huge attributes", parley.StartTaskRequest{Name: "x", QueueID: q, Attributes: map[string]string{"k": strings.Repeat("v", 33*1024)}}, "attributes"},
		{"scheduled in the past", parley.StartTaskRequest{Name: "x", QueueID: q, ScheduledAt: &past}, "scheduledAt"},
		{"scheduled too far", parley.StartTaskRequest{Name: "x", QueueID: q, ScheduledAt: &tooFar}, "scheduledAt"},
		{"unknown flow", parley.StartTaskRequest{Name: "x", FlowID: "nope"}, "flowId"},
		{"unpublished flow", parley.StartTaskRequest{Name: "x", FlowID: draft.ID}, "flowId"},
		{"unknown queue", parley.StartTaskRequest{Name: "x", QueueID: "nope"}, "queueId"},
		{"no flow, no queue, no default", parley.StartTaskRequest{Name: "x"}, "flowId"},
		{"unknown previous contact", parley.StartTaskRequest{Name: "x", FlowID: fid, PreviousContactID: "nope"}, "previousContactId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := h.contacts.FindContacts(h.ctx, parley.ContactFilter{})
			must(t, err)
			_, err = h.svc.StartTask(h.ctx, tc.req)
			if tc.field == "" {
				must(t, err)
				return
			}
			wantCode(t, err, parley.EInvalid, tc.field)
			after, err := h.contacts.FindContacts(h.ctx, parley.ContactFilter{})
			must(t, err)
			if len(after) != len(before) {
				t.Errorf("an invalid request stored a contact")
			}
		})
	}

	// With a default task flow, a request with neither flow nor queue runs it.
	h.svc.DefaultFlowID = fid
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "default"})
	must(t, err)
	if tk.FlowID != fid || tk.State != parley.ContactQueued {
		t.Errorf("task on the default flow: flow %q state %s", tk.FlowID, tk.State)
	}
}

func TestFlowQueueErrorEndsTask(t *testing.T) {
	h := newHarness(t)
	// A flow whose target queue the router does not know takes the error branch and disconnects.
	h.env.Queues = append(h.env.Queues, flow.Queue{ID: "ghost", Name: "Ghost"})
	fid := h.publish("To a ghost queue", queueFlow("ghost"))
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "lost", FlowID: fid})
	must(t, err)
	if tk.State != parley.ContactCompleted || tk.DisconnectReason != parley.DisconnectContactFlow {
		t.Errorf("task: %s %s, want COMPLETED CONTACT_FLOW_DISCONNECT", tk.State, tk.DisconnectReason)
	}
}

func TestCompleteScheduledAndUnknown(t *testing.T) {
	h := newHarness(t)
	at := t0.Add(time.Hour)
	tk, err := h.svc.StartTask(h.ctx, parley.StartTaskRequest{Name: "never mind", QueueID: h.queues["Tasks"].ID, ScheduledAt: &at})
	must(t, err)
	tk, err = h.svc.Complete(h.ctx, tk.ID)
	must(t, err)
	if tk.State != parley.ContactCompleted || tk.DisconnectReason != parley.DisconnectAPI {
		t.Errorf("completed scheduled task: %s %s", tk.State, tk.DisconnectReason)
	}
	h.advance(2 * time.Hour)
	h.wantState(tk.ID, parley.ContactCompleted, "") // not released after all

	_, err = h.svc.FindTask(h.ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")
	voice := &parley.Contact{Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound}
	must(t, h.contacts.CreateContact(h.ctx, voice))
	_, err = h.svc.Complete(h.ctx, voice.ID)
	wantCode(t, err, parley.ENotFound, "")
}
