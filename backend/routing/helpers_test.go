package routing

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

const (
	stAvailable parley.AgentStatusID = "available"
	stOffline   parley.AgentStatusID = "offline"
	stBreak     parley.AgentStatusID = "break"
)

func testStatuses() []parley.AgentStatus {
	return []parley.AgentStatus{
		{ID: stAvailable, Name: "Available", Type: parley.StatusRoutable, Enabled: true},
		{ID: stOffline, Name: "Offline", Type: parley.StatusOffline, Enabled: true},
		{ID: stBreak, Name: "Break", Type: parley.StatusCustom, Enabled: true},
	}
}

func seqIDs(prefix string) func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%s%d", prefix, n)
	}
}

func voiceProfile(id parley.RoutingProfileID, acw int, qs ...parley.RoutingProfileQueue) parley.RoutingProfile {
	return parley.RoutingProfile{
		ID: id, Name: string(id),
		MediaConcurrencies:        []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1, CrossChannelBehavior: parley.RouteCurrentChannelOnly}},
		Queues:                    qs,
		AfterContactWorkTimeLimit: acw,
	}
}

func rq(q parley.QueueID, ch parley.Channel, prio, delay int) parley.RoutingProfileQueue {
	return parley.RoutingProfileQueue{QueueID: q, Channel: ch, Priority: prio, Delay: delay}
}

type fixture struct {
	t   *testing.T
	e   *Engine
	pub *MemoryPublisher
	rec *MemoryRecorder
}

func newFixture(t *testing.T, queues []parley.Queue, profiles ...parley.RoutingProfile) *fixture {
	t.Helper()
	pub, rec := &MemoryPublisher{}, NewMemoryRecorder()
	e, err := NewEngine(Config{Queues: queues, Profiles: profiles, Statuses: testStatuses(), NewID: seqIDs("id-"), Publisher: pub, Recorder: rec})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return &fixture{t: t, e: e, pub: pub, rec: rec}
}

func queues(ids ...parley.QueueID) []parley.Queue {
	var out []parley.Queue
	for _, id := range ids {
		out = append(out, parley.Queue{ID: id, Name: string(id), Status: parley.QueueEnabled})
	}
	return out
}

func (f *fixture) ok(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("unexpected error: %v", err)
	}
}

func (f *fixture) login(s int, id parley.UserID, p parley.RoutingProfileID, available bool) {
	f.t.Helper()
	f.ok(f.e.Login(at(s), parley.User{ID: id, Username: string(id), RoutingProfileID: p}))
	if available {
		f.ok(f.e.SetStatus(at(s), id, stAvailable))
	}
}

func contact(id parley.ContactID, ch parley.Channel) *parley.Contact {
	return &parley.Contact{ID: id, Channel: ch, InitiationMethod: parley.InitInbound, State: parley.ContactInFlow}
}

func (f *fixture) enqueue(s int, id parley.ContactID, ch parley.Channel, q parley.QueueID) EnqueueResult {
	f.t.Helper()
	res, err := f.e.Enqueue(at(s), EnqueueRequest{Contact: contact(id, ch), QueueID: q})
	f.ok(err)
	return res
}

// answer accepts and connects a ringing contact.
func (f *fixture) answer(s int, agent parley.UserID, id parley.ContactID) {
	f.t.Helper()
	f.ok(f.e.Accept(at(s), agent, id))
	f.ok(f.e.Connected(at(s), id))
}

func (f *fixture) state(id parley.ContactID) parley.ContactState {
	f.t.Helper()
	c, ok := f.e.Contact(id)
	if !ok {
		return parley.ContactCompleted
	}
	return c.State
}

func (f *fixture) agentOf(id parley.ContactID) parley.UserID {
	c, _ := f.e.Contact(id)
	return c.AgentID
}

func (f *fixture) agentState(id parley.UserID) AgentState {
	s, _, _ := f.e.Agent(id)
	return s
}

func wantCode(t *testing.T, err error, code parley.ErrorCode) {
	t.Helper()
	if got := parley.ErrorCodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func wantIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}
