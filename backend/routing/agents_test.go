package routing

import (
	"context"
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

func TestUpsertAgentStatus(t *testing.T) {
	f := newFixture(t, queues("q1"), voiceProfile("p1", 0, rq("q1", parley.ChannelVoice, 1, 0)))
	f.ok(f.e.Login(at(0), parley.User{ID: "a1", Username: "a1", RoutingProfileID: "p1"}))
	if err := f.e.SetStatus(at(1), "a1", "lunch"); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("unknown status: %v", err)
	}
	f.ok(f.e.UpsertAgentStatus(at(2), parley.AgentStatus{ID: "lunch", Name: "Lunch", Type: parley.StatusCustom, Enabled: true}))
	f.ok(f.e.SetStatus(at(3), "a1", "lunch"))
	if st, snap, _ := f.e.Agent("a1"); st != AgentNonProductive || snap.Status.Name != "Lunch" {
		t.Fatalf("after choosing the new status: %s %+v", st, snap.Status)
	}
	// A second ROUTABLE status is refused; renaming the existing one is fine.
	if err := f.e.UpsertAgentStatus(at(4), parley.AgentStatus{ID: "avail2", Name: "Ready", Type: parley.StatusRoutable}); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Fatalf("second routable status: %v", err)
	}
	f.ok(f.e.UpsertAgentStatus(at(5), parley.AgentStatus{ID: stAvailable, Name: "Ready", Type: parley.StatusRoutable, Enabled: true}))
	f.ok(f.e.SetStatus(at(6), "a1", stAvailable))
	if _, snap, _ := f.e.Agent("a1"); snap.Status.Name != "Ready" {
		t.Fatalf("renamed routable status shows as %q", snap.Status.Name)
	}
}

func TestRouterAsAgentService(t *testing.T) {
	r, err := New(Config{Queues: queues("q1"), Profiles: []parley.RoutingProfile{voiceProfile("p1", 0, rq("q1", parley.ChannelVoice, 1, 0))}, Statuses: testStatuses()})
	if err != nil {
		t.Fatal(err)
	}
	clk := NewFakeClock(t0)
	r.Clock = clk
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()

	var svc parley.AgentService = r
	if _, err := svc.StartAgentSession(ctx, &parley.User{ID: "a0", Username: "noprofile"}); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Fatalf("agent without routing profile: %v", err)
	}
	u := &parley.User{ID: "a1", Username: "alex", RoutingProfileID: "p1"}
	la, err := svc.StartAgentSession(ctx, u)
	if err != nil || la.State != parley.AgentOffline || la.AgentID != "a1" {
		t.Fatalf("start: %+v %v", la, err)
	}
	if _, err := svc.StartAgentSession(ctx, u); err != nil {
		t.Fatalf("second start is not idempotent: %v", err)
	}
	if la, err = svc.SetAgentStatus(ctx, "a1", stAvailable); err != nil || la.State != parley.AgentAvailable {
		t.Fatalf("set available: %+v %v", la, err)
	}
	all, err := svc.FindLiveAgents(ctx)
	if err != nil || len(all) != 1 || all[0].Snapshot.Status.Name != "Available" {
		t.Fatalf("live agents: %+v %v", all, err)
	}
	if err := svc.AcceptContact(ctx, "a1", "nope"); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("accept unknown contact: %v", err)
	}
	if err := svc.EndAgentSession(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.FindLiveAgent(ctx, "a1"); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("after logout: %v", err)
	}
}
