package routing

import (
	"reflect"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestOfferAcceptHoldDisconnectACW(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	res := f.enqueue(10, "c1", parley.ChannelVoice, "q")
	if res.State != parley.ContactIncoming || res.AgentID != "a" {
		t.Fatalf("Enqueue result = %+v, want INCOMING to a", res)
	}
	f.ok(f.e.Accept(at(14), "a", "c1"))
	f.ok(f.e.Connected(at(15), "c1"))
	f.ok(f.e.Hold(at(30), "c1"))
	f.ok(f.e.Resume(at(40), "c1"))
	f.ok(f.e.Hold(at(50), "c1"))
	f.ok(f.e.Disconnect(at(75), "c1", parley.DisconnectCustomer))
	partial, final := f.rec.CTR("c1")
	if final || partial.DisconnectTimestamp == nil || partial.Agent.AfterContactWorkStartTimestamp == nil {
		t.Fatalf("at disconnect: want a partial record with disconnect and ACW start, got final=%v %+v", final, partial)
	}
	if f.state("c1") != parley.ContactEnded {
		t.Fatalf("contact %s, want ENDED (agent in ACW)", f.state("c1"))
	}
	// ACW holds the slot: another contact waits.
	f.enqueue(80, "c2", parley.ChannelVoice, "q")
	if f.state("c2") != parley.ContactQueued {
		t.Fatalf("c2 offered during ACW: %s", f.state("c2"))
	}
	f.ok(f.e.ClearACW(at(100), "a", "c1"))
	got, final := f.rec.CTR("c1")
	if !final {
		t.Fatal("CTR not final after ACW")
	}
	want := &parley.CTR{
		ContactID: "c1", InitialContactID: "c1", Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound,
		InitiationTimestamp: at(10),
		Queue:               &parley.CTRQueue{ID: "q", Name: "q", EnqueueTimestamp: at(10), DequeueTimestamp: ptr(at(15)), Duration: 5},
		Agent: &parley.CTRAgent{ID: "a", Username: "a", RoutingProfileID: "p", RoutingProfileName: "p",
			ConnectedToAgentTimestamp: ptr(at(15)), AgentInteractionDuration: 60 - 35, NumberOfHolds: 2,
			CustomerHoldDuration: 35, LongestHoldDuration: 25,
			AfterContactWorkStartTimestamp: ptr(at(75)), AfterContactWorkEndTimestamp: ptr(at(100)), AfterContactWorkDuration: 25},
		DisconnectTimestamp: ptr(at(75)), DisconnectReason: parley.DisconnectCustomer, LastUpdateTimestamp: at(100),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CTR:\n got %+v\n     %+v %+v\nwant %+v\n     %+v %+v", got, got.Queue, got.Agent, want, want.Queue, want.Agent)
	}
	if f.agentOf("c2") != "a" {
		t.Errorf("after ACW, c2 should ring a: %s", f.state("c2"))
	}
	wantTypes := []parley.ContactEventType{parley.ContactEventQueued, parley.ContactEventOffered, parley.ContactEventConnecting,
		parley.ContactEventConnected, parley.ContactEventOnHold, parley.ContactEventResumed, parley.ContactEventOnHold,
		parley.ContactEventDisconnected, parley.ContactEventCompleted}
	if got := f.pub.ContactEventTypes("c1"); !reflect.DeepEqual(got, wantTypes) {
		t.Errorf("events of c1 = %v, want %v", got, wantTypes)
	}
	var last int64
	for _, ev := range f.pub.Events() {
		if ev.Seq != last+1 || ev.ID == "" {
			t.Fatalf("event seq %d after %d (id %q): want consecutive with IDs", ev.Seq, last, ev.ID)
		}
		last = ev.Seq
	}
}

func TestRingTimeoutMissedAndRequeue(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.enqueue(0, "c1", parley.ChannelVoice, "q")
	f.enqueue(1, "c2", parley.ChannelVoice, "q")
	f.login(5, "a", "p", true)
	if f.agentOf("c1") != "a" {
		t.Fatalf("c1 should ring a: %s", f.state("c1"))
	}
	f.e.Advance(at(5).Add(DefaultRingTimeout - time.Nanosecond))
	if f.state("c1") != parley.ContactIncoming {
		t.Fatalf("missed too early: %s", f.state("c1"))
	}
	f.e.Advance(at(25))
	if f.state("c1") != parley.ContactQueued || f.agentState("a") != AgentMissed {
		t.Fatalf("after ring timeout: contact %s agent %s; want QUEUED, MISSED", f.state("c1"), f.agentState("a"))
	}
	_, snap, _ := f.e.Agent("a")
	if len(snap.Contacts) != 1 || snap.Contacts[0].State != parley.ContactMissed {
		t.Fatalf("agent snapshot should show the missed contact: %+v", snap.Contacts)
	}
	// Original position: b gets c1, not c2.
	f.login(30, "b", "p", true)
	if f.agentOf("c1") != "b" || f.state("c2") != parley.ContactQueued {
		t.Fatalf("c1 should go back to the head of the queue: c1 %q c2 %s", f.agentOf("c1"), f.state("c2"))
	}
	// a chooses a status: leaves Missed, gets c2.
	f.ok(f.e.SetStatus(at(40), "a", stAvailable))
	if f.agentState("a") != AgentAvailable || f.agentOf("c2") != "a" {
		t.Fatalf("a %s, c2 %q", f.agentState("a"), f.agentOf("c2"))
	}
	// Reject: same as missed, immediately.
	f.ok(f.e.Reject(at(41), "a", "c2"))
	if f.agentState("a") != AgentMissed || f.state("c2") != parley.ContactQueued {
		t.Fatalf("after reject: a %s c2 %s", f.agentState("a"), f.state("c2"))
	}
	types := f.pub.ContactEventTypes("c1")
	want := []parley.ContactEventType{parley.ContactEventQueued, parley.ContactEventOffered, parley.ContactEventMissed, parley.ContactEventQueued, parley.ContactEventOffered}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("c1 events %v, want %v", types, want)
	}
}

func TestOfferFailedErrorState(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.enqueue(1, "c1", parley.ChannelVoice, "q")
	f.ok(f.e.OfferFailed(at(2), "c1"))
	if f.agentState("a") != AgentError || f.state("c1") != parley.ContactQueued {
		t.Fatalf("a %s c1 %s, want ERROR, QUEUED", f.agentState("a"), f.state("c1"))
	}
	f.ok(f.e.SetStatus(at(3), "a", stBreak))
	if f.agentState("a") != AgentNonProductive || f.state("c1") != parley.ContactQueued {
		t.Fatalf("a %s c1 %s", f.agentState("a"), f.state("c1"))
	}
}

func TestAutoAcceptAndACWTimeout(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 30, rq("q", parley.ChannelVoice, 1, 0)))
	f.ok(f.e.Login(at(0), parley.User{ID: "a", RoutingProfileID: "p", AutoAccept: true}))
	f.ok(f.e.SetStatus(at(0), "a", stAvailable))
	f.enqueue(1, "c1", parley.ChannelVoice, "q")
	if f.state("c1") != parley.ContactConnecting {
		t.Fatalf("auto-accept: %s, want CONNECTING", f.state("c1"))
	}
	f.ok(f.e.Connected(at(2), "c1"))
	f.ok(f.e.Disconnect(at(10), "c1", parley.DisconnectAgent))
	f.e.Advance(at(39))
	if f.state("c1") != parley.ContactEnded {
		t.Fatalf("ACW ended early: %s", f.state("c1"))
	}
	f.e.Advance(at(40))
	if r, final := f.rec.CTR("c1"); !final || r.Agent.AfterContactWorkDuration != 30 {
		t.Fatalf("ACW timeout: final=%v %+v", final, r.Agent)
	}
}

func TestAbandon(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.enqueue(0, "c1", parley.ChannelVoice, "q")
	f.ok(f.e.Disconnect(at(42), "c1", parley.DisconnectCustomer))
	r, final := f.rec.CTR("c1")
	if !final || r.Queue.Duration != 42 || r.Agent != nil || r.DisconnectReason != parley.DisconnectCustomer {
		t.Fatalf("abandoned CTR: final=%v %+v %+v", final, r, r.Queue)
	}
	// Abandon while ringing frees the agent.
	f.login(50, "a", "p", true)
	f.enqueue(51, "c2", parley.ChannelVoice, "q")
	f.ok(f.e.Disconnect(at(52), "c2", parley.DisconnectCustomer))
	if f.agentState("a") != AgentAvailable {
		t.Fatalf("agent after abandon while ringing: %s", f.agentState("a"))
	}
	f.enqueue(53, "c3", parley.ChannelVoice, "q")
	if f.agentOf("c3") != "a" {
		t.Fatal("agent not offered after an abandon while ringing")
	}
}

func TestNextStatus(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.enqueue(1, "c1", parley.ChannelVoice, "q")
	f.answer(2, "a", "c1")
	f.ok(f.e.SetStatus(at(3), "a", stOffline))
	_, snap, _ := f.e.Agent("a")
	if snap.NextStatus != "Offline" || snap.Status.Name != "Available" {
		t.Fatalf("next status: %+v", snap)
	}
	f.ok(f.e.Disconnect(at(4), "c1", parley.DisconnectCustomer))
	f.enqueue(5, "c2", parley.ChannelVoice, "q")
	f.ok(f.e.ClearACW(at(6), "a", "c1"))
	if f.agentState("a") != AgentOffline || f.state("c2") != parley.ContactQueued {
		t.Fatalf("after last contact: a %s, c2 %s; want OFFLINE, QUEUED", f.agentState("a"), f.state("c2"))
	}
	f.ok(f.e.Logout(at(7), "a"))
	evs := f.rec.AgentEvents()
	if evs[0].Type != parley.AgentLogin || evs[len(evs)-1].Type != parley.AgentLogout {
		t.Fatalf("first/last agent events: %s, %s", evs[0].Type, evs[len(evs)-1].Type)
	}
	for _, ev := range evs[1:] {
		if ev.Previous == nil {
			t.Errorf("%s event at %v has no previous snapshot", ev.Type, ev.Timestamp)
		}
	}
	// choosing Available while on a contact cancels a next status
	f.login(10, "a", "p", true)
	f.answer(10, "a", "c2")
	f.ok(f.e.SetStatus(at(11), "a", stBreak))
	f.ok(f.e.SetStatus(at(12), "a", stAvailable))
	f.ok(f.e.Disconnect(at(13), "c2", parley.DisconnectCustomer))
	f.ok(f.e.ClearACW(at(14), "a", "c2"))
	if f.agentState("a") != AgentAvailable {
		t.Fatalf("next status not cancelled: %s", f.agentState("a"))
	}
}

func TestQueueCapacityAndDisabled(t *testing.T) {
	qs := []parley.Queue{{ID: "small", Name: "small", MaxContacts: 2}, {ID: "off", Name: "off", Status: parley.QueueDisabled}}
	f := newFixture(t, qs, voiceProfile("p", 0, rq("small", parley.ChannelVoice, 1, 0)))
	f.enqueue(0, "c1", parley.ChannelVoice, "small")
	f.enqueue(0, "c2", parley.ChannelVoice, "small")
	_, err := f.e.Enqueue(at(1), EnqueueRequest{Contact: contact("c3", parley.ChannelVoice), QueueID: "small"})
	wantIs(t, err, ErrQueueAtCapacity)
	wantCode(t, err, parley.EUnavailable)
	_, err = f.e.Enqueue(at(1), EnqueueRequest{Contact: contact("c4", parley.ChannelVoice), QueueID: "off"})
	wantIs(t, err, ErrQueueDisabled)
	f.ok(f.e.Disconnect(at(2), "c1", parley.DisconnectCustomer))
	f.enqueue(3, "c3", parley.ChannelVoice, "small")
	// Disabling keeps waiting contacts routable.
	f.ok(f.e.UpsertQueue(at(4), parley.Queue{ID: "small", Name: "small", MaxContacts: 2, Status: parley.QueueDisabled}))
	f.login(5, "a", "p", true)
	if f.agentOf("c2") != "a" {
		t.Fatalf("disabled queue should still route its contacts: %s", f.state("c2"))
	}
}

func TestTransferToAgentAndQueue(t *testing.T) {
	f := newFixture(t, queues("q", "q2"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)), voiceProfile("p2", 0, rq("q2", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.login(0, "b", "p2", true)
	f.enqueue(1, "c1", parley.ChannelVoice, "q")
	f.answer(2, "a", "c1")
	n, err := f.e.Transfer(at(10), "c1", AgentQueueID("b"))
	f.ok(err)
	if f.agentOf(n) != "b" {
		t.Fatalf("transfer to b's queue: %s", f.state(n))
	}
	nc, _ := f.e.Contact(n)
	if nc.PreviousContactID != "c1" || nc.InitialContactID != "c1" || nc.InitiationMethod != parley.InitTransfer {
		t.Fatalf("new contact links: %+v", nc)
	}
	f.ok(f.e.ClearACW(at(11), "a", "c1"))
	old, _ := f.rec.CTR("c1")
	if old.NextContactID != n || old.DisconnectReason != parley.DisconnectTransferred || old.TransferredToEndpoint.Type != parley.EndpointAgent {
		t.Fatalf("old CTR: %+v", old)
	}
	f.answer(12, "b", n)
	n2, err := f.e.Transfer(at(20), n, "q")
	f.ok(err)
	if f.agentOf(n2) != "a" {
		t.Fatalf("queue transfer should ring a: %s", f.state(n2))
	}
	c2, _ := f.e.Contact(n2)
	if c2.InitiationMethod != parley.InitQueueTransfer || c2.PreviousContactID != n || c2.InitialContactID != "c1" {
		t.Fatalf("queue transfer contact: %+v", c2)
	}
}

func TestQueuedCallback(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	cb := &CallbackOptions{InitialDelay: 60 * time.Second, MaxAttempts: 2, RetryInterval: 120 * time.Second}
	_, err := f.e.Enqueue(at(0), EnqueueRequest{Contact: &parley.Contact{ID: "cb1", Channel: parley.ChannelVoice, InitiationMethod: parley.InitCallback}, QueueID: "q", Callback: cb})
	f.ok(err)
	st := f.e.Snapshot(at(59))
	if st.Queues[0].Channels[0].Scheduled != 1 || f.state("cb1") != parley.ContactQueued {
		t.Fatalf("before the delay: %+v %s", st.Queues[0].Channels[0], f.state("cb1"))
	}
	f.e.Advance(at(60))
	if f.agentOf("cb1") != "a" {
		t.Fatalf("callback not offered at its delay: %s", f.state("cb1"))
	}
	f.answer(61, "a", "cb1")
	next, err := f.e.CallbackNoAnswer(at(80), "cb1")
	f.ok(err)
	if next == "" {
		t.Fatal("no second attempt")
	}
	f.ok(f.e.ClearACW(at(81), "a", "cb1"))
	f.e.Advance(at(199))
	if f.state(next) != parley.ContactQueued {
		t.Fatalf("retry before its interval: %s", f.state(next))
	}
	f.e.Advance(at(200))
	if f.agentOf(next) != "a" {
		t.Fatalf("retry not offered after the interval: %s", f.state(next))
	}
	f.answer(201, "a", next)
	last, err := f.e.CallbackNoAnswer(at(210), next)
	f.ok(err)
	if last != "" {
		t.Fatalf("a third attempt %q beyond MaxAttempts", last)
	}
	f.ok(f.e.ClearACW(at(211), "a", next))
	first, _ := f.rec.CTR("cb1")
	second, _ := f.rec.CTR(next)
	if first.NextContactID != next || second.PreviousContactID != "cb1" || second.InitiationMethod != parley.InitCallback || second.Queue.EnqueueTimestamp != at(200) {
		t.Fatalf("attempt records: %+v / %+v", first, second)
	}
}

func TestDequeueToFlowAndRequeue(t *testing.T) {
	f := newFixture(t, queues("q", "q2"), voiceProfile("p", 0, rq("q2", parley.ChannelVoice, 1, 0)))
	f.enqueue(0, "c1", parley.ChannelVoice, "q")
	f.ok(f.e.Dequeue(at(5), "c1"))
	if f.state("c1") != parley.ContactInFlow {
		t.Fatalf("%s, want IN_FLOW", f.state("c1"))
	}
	f.enqueue(6, "c1", parley.ChannelVoice, "q2")
	f.login(7, "a", "p", true)
	if f.agentOf("c1") != "a" {
		t.Fatalf("requeued contact: %s", f.state("c1"))
	}
}

func TestRestore(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.enqueue(1, "call", parley.ChannelVoice, "q") // to a
	f.answer(2, "a", "call")
	f.enqueue(3, "chat2", parley.ChannelChat, "q")
	f.enqueue(4, "chat1", parley.ChannelChat, "q")
	f.enqueue(5, "task", parley.ChannelTask, "q")
	f.enqueue(6, "voiceq", parley.ChannelVoice, "q")
	_, err := f.e.Enqueue(at(7), EnqueueRequest{Contact: &parley.Contact{ID: "cb", Channel: parley.ChannelVoice, InitiationMethod: parley.InitCallback}, QueueID: "q", Callback: &CallbackOptions{InitialDelay: time.Hour}})
	f.ok(err)
	adj := 10 * time.Second
	f.ok(f.e.UpdateRoutingBehavior(at(8), "chat1", RoutingBehavior{TimeAdjustment: &adj})) // chat1 now before chat2

	// Crash. The store has the last records; a new engine restores them.
	var recs []ContactRecord
	for _, r := range f.rec.Contacts() {
		recs = append(recs, r)
	}
	ctrs := map[parley.ContactID]*parley.CTR{}
	all, _ := f.rec.CTRs()
	for _, r := range all {
		ctrs[r.ContactID] = r
	}
	evs := f.rec.AgentEvents()
	g := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)), parley.RoutingProfile{ID: "chat", Name: "chat",
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelChat, Concurrency: 1}},
		Queues:             []parley.RoutingProfileQueue{rq("q", parley.ChannelChat, 1, 0)}})
	rep, err := g.e.Restore(at(100), RestoreInput{Contacts: recs, CTRs: ctrs, LastAgentEvents: evs[len(evs)-1:]})
	g.ok(err)
	if g.state("call") != parley.ContactCompleted || g.state("voiceq") != parley.ContactCompleted {
		t.Fatalf("voice contacts should be closed: call %s voiceq %s", g.state("call"), g.state("voiceq"))
	}
	if r, final := g.rec.CTR("call"); !final || r.DisconnectReason != parley.DisconnectSystemDown || r.Agent == nil {
		t.Fatalf("closed call CTR: final=%v %+v", final, r)
	}
	for _, id := range []parley.ContactID{"chat1", "chat2", "task", "cb"} {
		if g.state(id) != parley.ContactQueued {
			t.Errorf("%s: %s, want QUEUED", id, g.state(id))
		}
	}
	if len(rep.Requeued) != 4 || len(rep.Closed) != 2 {
		t.Errorf("report: %+v", rep)
	}
	if _, _, ok := g.e.Agent("a"); ok {
		t.Error("agent a should come back logged out")
	}
	if le := g.rec.AgentEvents(); len(le) != 1 || le[0].Type != parley.AgentLogout || le[0].AgentID != "a" {
		t.Errorf("restore should log a out: %+v", le)
	}
	g.login(101, "x", "chat", true)
	if g.agentOf("chat1") != "x" {
		t.Fatalf("original order (with time adjustment): chat1 should be first, chat2 %s chat1 %s", g.state("chat2"), g.state("chat1"))
	}
	if g.state("cb") != parley.ContactQueued {
		t.Fatal("callback lost")
	}
	st := g.e.Snapshot(at(102))
	if st.Queues[0].Channels[0].Scheduled != 1 {
		t.Errorf("callback should still be scheduled: %+v", st.Queues[0].Channels[0])
	}
	_, err = g.e.Restore(at(103), RestoreInput{Contacts: recs})
	wantCode(t, err, parley.EConflict)
}

func TestUpsertRoutingProfileMovesAgents(t *testing.T) {
	f := newFixture(t, queues("q", "q2"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.enqueue(1, "c1", parley.ChannelVoice, "q2")
	if f.state("c1") != parley.ContactQueued {
		t.Fatal("q2 not in profile yet")
	}
	f.ok(f.e.UpsertRoutingProfile(at(2), voiceProfile("p", 0, rq("q2", parley.ChannelVoice, 1, 0))))
	if f.agentOf("c1") != "a" {
		t.Fatalf("after profile change: %s", f.state("c1"))
	}
	wantCode(t, f.e.UpsertRoutingProfile(at(3), voiceProfile("p", 0, rq("nope", parley.ChannelVoice, 1, 0))), parley.ENotFound)
}

func TestRealtimeMetrics(t *testing.T) {
	chat := parley.RoutingProfile{ID: "chat", Name: "chat",
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelChat, Concurrency: 3, CrossChannelBehavior: parley.RouteAnyChannel}},
		Queues:             []parley.RoutingProfileQueue{rq("q", parley.ChannelChat, 1, 0)}}
	f := newFixture(t, queues("q", "q2"), voiceProfile("v", 0, rq("q", parley.ChannelVoice, 1, 0), rq("q2", parley.ChannelVoice, 2, 0)), chat)
	f.login(0, "a", "v", true) // will be on a call
	f.login(0, "b", "v", true) // will be in ACW
	f.login(0, "c", "v", true) // will miss an offer
	f.login(0, "d", "v", false)
	f.ok(f.e.SetStatus(at(0), "d", stBreak))
	f.login(0, "e", "chat", true) // one chat of 3
	f.login(0, "o", "v", false)   // logged in, Offline
	f.enqueue(1, "c1", parley.ChannelVoice, "q")
	f.answer(2, "a", "c1")
	f.enqueue(3, "c2", parley.ChannelVoice, "q")
	f.answer(4, "b", "c2")
	f.ok(f.e.Disconnect(at(5), "c2", parley.DisconnectCustomer))
	f.enqueue(6, "c3", parley.ChannelVoice, "q")
	f.e.Advance(at(26)) // c3 missed by c
	f.enqueue(30, "chat1", parley.ChannelChat, "q")
	f.answer(31, "e", "chat1")
	f.enqueue(40, "c4", parley.ChannelVoice, "q2")
	m := ComputeRealtime(f.e.Snapshot(at(50)))
	find := func(rows []parley.RealtimeRow, q parley.QueueID, p parley.RoutingProfileID, ch parley.Channel) parley.RealtimeRow {
		for _, r := range rows {
			if r.QueueID == q && r.RoutingProfileID == p && r.Channel == ch {
				return r
			}
		}
		t.Fatalf("no row %s/%s/%s", q, p, ch)
		return parley.RealtimeRow{}
	}
	want := parley.RealtimeRow{QueueID: "q", Channel: parley.ChannelVoice,
		AgentCounts:     parley.AgentCounts{Online: 4, Available: 0, OnContact: 2, AfterContactWork: 1, NonProductive: 1, Staffed: 3, Error: 1, SlotsActive: 2, SlotsAvailable: 0},
		ContactsInQueue: 1, OldestContactAge: 44 * time.Second}
	if got := find(m.QueueChannels, "q", "", parley.ChannelVoice); got != want {
		t.Errorf("q/VOICE:\n got %+v\nwant %+v", got, want)
	}
	want = parley.RealtimeRow{QueueID: "q", Channel: parley.ChannelChat,
		AgentCounts: parley.AgentCounts{Online: 1, Available: 1, OnContact: 1, Staffed: 1, SlotsActive: 1, SlotsAvailable: 2}}
	if got := find(m.QueueChannels, "q", "", parley.ChannelChat); got != want {
		t.Errorf("q/CHAT:\n got %+v\nwant %+v", got, want)
	}
	if got := find(m.Queues, "q2", "", ""); got.ContactsInQueue != 1 || got.Online != 4 || got.OldestContactAge != 10*time.Second {
		t.Errorf("q2: %+v", got)
	}
	if got := find(m.Queues, "q", "", ""); got.ContactsInQueue != 1 || got.Online != 5 || got.SlotsAvailable != 2 {
		t.Errorf("q: %+v", got)
	}
	if got := find(m.RoutingProfiles, "", "v", ""); got.ContactsInQueue != 2 || got.Online != 4 || got.Error != 1 {
		t.Errorf("profile v: %+v", got)
	}
	if got := find(m.Channels, "", "", parley.ChannelVoice); got.ContactsInQueue != 2 || got.OnContact != 2 {
		t.Errorf("channel VOICE: %+v", got)
	}
}

// A contact whose stored record already says it ended, while its contact record (written after
// it) does not, completes with its own end, not SYSTEM_SHUTDOWN.
func TestRestoreKeepsAnEndTheRecordKnows(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", true)
	f.enqueue(1, "call", parley.ChannelVoice, "q")
	f.answer(2, "a", "call")
	connected := f.rec.Contacts()["call"] // the contact record as it was while connected
	f.ok(f.e.Disconnect(at(30), "call", parley.DisconnectCustomer))
	ended, _ := f.rec.CTR("call")

	g := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	_, err := g.e.Restore(at(100), RestoreInput{Contacts: []ContactRecord{connected}, CTRs: map[parley.ContactID]*parley.CTR{"call": ended}})
	g.ok(err)
	r, final := g.rec.CTR("call")
	if !final || r.DisconnectReason != parley.DisconnectCustomer || !r.DisconnectTimestamp.Equal(at(30)) {
		t.Fatalf("restored record: final=%v reason=%s at %v; want CUSTOMER_DISCONNECT at %v", final, r.DisconnectReason, r.DisconnectTimestamp, at(30))
	}
}
