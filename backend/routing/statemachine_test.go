package routing

import (
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

// TestContactTransitions checks every (from, to) pair against the machine drawn in
// docs/routing.md, written out again here on purpose.
func TestContactTransitions(t *testing.T) {
	S := func(s string) parley.ContactState { return parley.ContactState(s) }
	legal := map[[2]parley.ContactState]bool{}
	for _, p := range [][2]string{
		{"INITIATED", "IN_FLOW"}, {"INITIATED", "QUEUED"}, {"INITIATED", "ENDED"},
		{"IN_FLOW", "QUEUED"}, {"IN_FLOW", "ENDED"},
		{"QUEUED", "INCOMING"}, {"QUEUED", "IN_FLOW"}, {"QUEUED", "ENDED"},
		{"INCOMING", "CONNECTING"}, {"INCOMING", "MISSED"}, {"INCOMING", "REJECTED"}, {"INCOMING", "ERROR"}, {"INCOMING", "ENDED"},
		{"CONNECTING", "CONNECTED"}, {"CONNECTING", "ERROR"}, {"CONNECTING", "ENDED"},
		{"CONNECTED", "CONNECTED_ONHOLD"}, {"CONNECTED", "ENDED"},
		{"CONNECTED_ONHOLD", "CONNECTED"}, {"CONNECTED_ONHOLD", "ENDED"},
		{"MISSED", "QUEUED"}, {"REJECTED", "QUEUED"}, {"ERROR", "QUEUED"},
		{"ENDED", "COMPLETED"},
	} {
		legal[[2]parley.ContactState{S(p[0]), S(p[1])}] = true
	}
	n := 0
	for _, from := range ContactStates {
		for _, to := range ContactStates {
			err := ContactTransition(from, to)
			if legal[[2]parley.ContactState{from, to}] {
				n++
				if err != nil {
					t.Errorf("%s -> %s: %v, want legal", from, to, err)
				}
			} else if parley.ErrorCodeOf(err) != parley.EConflict {
				t.Errorf("%s -> %s: %v, want an EConflict error", from, to, err)
			}
		}
	}
	if n != len(legal) {
		t.Errorf("checked %d legal transitions, want %d (a state is missing from ContactStates)", n, len(legal))
	}
	if err := ContactTransition("", parley.ContactQueued); err == nil {
		t.Error("empty state -> QUEUED is legal, want an error")
	}
}

// TestAgentTransitions checks every (state, trigger) pair.
func TestAgentTransitions(t *testing.T) {
	in := []AgentState{AgentOffline, AgentAvailable, AgentNonProductive, AgentMissed, AgentError}
	want := map[AgentTrigger]map[AgentState]AgentState{
		TriggerLogin:           {AgentLoggedOut: AgentOffline},
		TriggerLogout:          {},
		TriggerChooseAvailable: {},
		TriggerChooseCustom:    {},
		TriggerChooseOffline:   {},
		TriggerOfferMissed:     {AgentAvailable: AgentMissed},
		TriggerOfferFailed:     {AgentAvailable: AgentError},
	}
	for _, s := range in {
		want[TriggerLogout][s] = AgentLoggedOut
		want[TriggerChooseAvailable][s] = AgentAvailable
		want[TriggerChooseCustom][s] = AgentNonProductive
		want[TriggerChooseOffline][s] = AgentOffline
	}
	for _, tr := range AgentTriggers {
		for _, from := range AgentStates {
			got, err := AgentTransition(from, tr)
			to, ok := want[tr][from]
			switch {
			case ok && err != nil:
				t.Errorf("%s on %s: %v, want -> %s", from, tr, err, to)
			case ok && got != to:
				t.Errorf("%s on %s -> %s, want %s", from, tr, got, to)
			case !ok && parley.ErrorCodeOf(err) != parley.EConflict:
				t.Errorf("%s on %s: err %v, want EConflict", from, tr, err)
			case !ok && got != from:
				t.Errorf("%s on %s: illegal, but the state changed to %s", from, tr, got)
			}
		}
	}
	if _, err := AgentTransition(AgentAvailable, "DANCE"); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("unknown trigger: %v, want EInvalid", err)
	}
}

// TestIllegalCommands checks that commands in the wrong state are errors and change nothing.
func TestIllegalCommands(t *testing.T) {
	f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
	f.enqueue(0, "c1", parley.ChannelVoice, "q")
	f.enqueue(0, "chat", parley.ChannelChat, "q")
	wantCode(t, f.e.Connected(at(1), "c1"), parley.EConflict)
	wantCode(t, f.e.Hold(at(1), "c1"), parley.EConflict)
	wantCode(t, f.e.Hold(at(1), "chat"), parley.EInvalid)
	wantCode(t, f.e.Resume(at(1), "c1"), parley.EConflict)
	wantCode(t, f.e.Accept(at(1), "a", "c1"), parley.ENotFound) // a not logged in
	wantCode(t, f.e.SetStatus(at(1), "a", stAvailable), parley.ENotFound)
	f.login(2, "a", "p", false)
	wantCode(t, f.e.Login(at(2), parley.User{ID: "a", RoutingProfileID: "p"}), parley.EConflict)
	wantCode(t, f.e.Login(at(2), parley.User{ID: "z", RoutingProfileID: "nope"}), parley.ENotFound)
	wantCode(t, f.e.Accept(at(2), "a", "c1"), parley.EConflict) // not offered to a
	wantCode(t, f.e.SetStatus(at(2), "a", "nope"), parley.ENotFound)
	f.ok(f.e.SetStatus(at(3), "a", stAvailable))
	wantCode(t, f.e.Connected(at(3), "c1"), parley.EConflict) // ringing, not accepted
	wantCode(t, f.e.ClearACW(at(3), "a", "c1"), parley.EConflict)
	wantCode(t, f.e.Logout(at(3), "a"), parley.EConflict)
	wantCode(t, f.e.Dequeue(at(3), "c1"), parley.EConflict)
	_, err := f.e.CallbackNoAnswer(at(3), "c1")
	wantCode(t, err, parley.EInvalid)
	wantCode(t, f.e.Disconnect(at(3), "c1", ""), parley.EInvalid)
	wantCode(t, f.e.Disconnect(at(3), "nope", parley.DisconnectCustomer), parley.ENotFound)
	_, err = f.e.Transfer(at(3), "c1", "q")
	wantCode(t, err, parley.EConflict)
	f.answer(4, "a", "c1")
	wantCode(t, f.e.Accept(at(4), "a", "c1"), parley.EConflict)
	wantCode(t, f.e.Reject(at(4), "a", "c1"), parley.EConflict)
	wantCode(t, f.e.OfferFailed(at(4), "c1"), parley.EConflict)
	f.ok(f.e.Disconnect(at(5), "c1", parley.DisconnectAgent))
	wantCode(t, f.e.Disconnect(at(5), "c1", parley.DisconnectAgent), parley.EConflict)
	wantCode(t, f.e.Hold(at(5), "c1"), parley.EConflict)
	if f.state("c1") != parley.ContactEnded || f.agentState("a") != AgentAvailable {
		t.Fatalf("state changed by illegal commands: contact %s agent %s", f.state("c1"), f.agentState("a"))
	}
	_, err = f.e.Enqueue(at(6), EnqueueRequest{Contact: contact("c1", parley.ChannelVoice), QueueID: "q"})
	wantCode(t, err, parley.EConflict)
	_, err = f.e.Enqueue(at(6), EnqueueRequest{Contact: &parley.Contact{ID: "x", Channel: parley.ChannelVoice, State: parley.ContactConnected}, QueueID: "q"})
	wantCode(t, err, parley.EConflict)
	_, err = f.e.Enqueue(at(6), EnqueueRequest{Contact: contact("y", "FAX"), QueueID: "q"})
	wantCode(t, err, parley.EInvalid)
	_, err = f.e.Enqueue(at(6), EnqueueRequest{Contact: contact("y", parley.ChannelChat), QueueID: "q", Callback: &CallbackOptions{}})
	wantCode(t, err, parley.EInvalid)
	_, err = f.e.Enqueue(at(6), EnqueueRequest{Contact: contact("y", parley.ChannelChat), QueueID: "nope"})
	wantCode(t, err, parley.ENotFound)
}
