package task

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sqlite"
)

// t0 is the fake clock's start: a Monday morning.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// harness is a task channel on a real SQLite store and a real router, both on one fake clock.
type harness struct {
	t        *testing.T
	ctx      context.Context
	clock    *routing.FakeClock
	db       *sqlite.DB
	contacts *sqlite.ContactService
	flowsSvc *sqlite.FlowService
	router   *routing.Router
	rec      *routing.MemoryRecorder
	pub      *routing.MemoryPublisher
	svc      *Service
	env      *flow.MemEnv
	queues   map[string]*parley.Queue
	agents   map[string]*parley.User
	avail    parley.AgentStatusID
	offline  parley.AgentStatusID
}

// publishers sends each event to every publisher, as cmd/parleyd's wiring does.
type publishers []routing.Publisher

func (ps publishers) Publish(ev parley.RoutingEvent) {
	for _, p := range ps {
		p.Publish(ev)
	}
}

type counter struct {
	mu     sync.Mutex
	prefix string
	n      int
}

func (c *counter) next() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return fmt.Sprintf("%s-%d", c.prefix, c.n)
}

// newHarness makes queues Tasks (served by the "tasks" profile, TASK concurrency 2),
// Escalations and Backoffice (served by nobody), agents alice and bob on the "tasks" profile
// (not logged in), and starts the router and the task channel.
func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, ctx: ctx, clock: routing.NewFakeClock(t0), queues: map[string]*parley.Queue{}, agents: map[string]*parley.User{}}
	h.db = sqlite.NewDB(filepath.Join(t.TempDir(), "parley.db"))
	h.db.Logger = slog.New(slog.DiscardHandler)
	if err := h.db.Open(); err != nil {
		t.Fatal(err)
	}
	if err := h.db.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	h.contacts = sqlite.NewContactService(h.db)
	h.flowsSvc = sqlite.NewFlowService(h.db)

	hours := &parley.HoursOfOperation{Name: "Always open", TimeZone: "UTC"}
	for _, d := range []parley.Weekday{parley.Sunday, parley.Monday, parley.Tuesday, parley.Wednesday, parley.Thursday, parley.Friday, parley.Saturday} {
		hours.Config = append(hours.Config, parley.HoursRange{Day: d, EndTime: parley.TimeOfDay{Hours: 24}})
	}
	must(t, sqlite.NewHoursService(h.db).CreateHours(ctx, hours))
	qs := sqlite.NewQueueService(h.db)
	h.env = &flow.MemEnv{Flows: map[string]*flow.Flow{}}
	for _, name := range []string{"Tasks", "Escalations", "Backoffice"} {
		q := &parley.Queue{Name: name, HoursOfOperationID: hours.ID}
		must(t, qs.CreateQueue(ctx, q))
		h.queues[name] = q
		h.env.Queues = append(h.env.Queues, flow.Queue{ID: string(q.ID), Name: q.Name, HoursID: string(hours.ID)})
	}
	profile := &parley.RoutingProfile{Name: "tasks", DefaultOutboundQueueID: h.queues["Tasks"].ID,
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}, {Channel: parley.ChannelTask, Concurrency: 2}},
		Queues:             []parley.RoutingProfileQueue{{QueueID: h.queues["Tasks"].ID, Channel: parley.ChannelTask, Priority: 1}}}
	must(t, sqlite.NewRoutingProfileService(h.db).CreateRoutingProfile(ctx, profile))
	sps, err := sqlite.NewSecurityProfileService(h.db).FindSecurityProfiles(ctx)
	must(t, err)
	var agentProfile parley.SecurityProfileID
	for _, p := range sps {
		if p.Name == parley.ProfileAgent {
			agentProfile = p.ID
		}
	}
	users := sqlite.NewUserService(h.db)
	for _, name := range []string{"alice", "bob"} {
		u := &parley.User{Username: name, FirstName: name, SecurityProfileIDs: []parley.SecurityProfileID{agentProfile}, RoutingProfileID: profile.ID}
		must(t, users.CreateUser(ctx, u, "password-"+name))
		h.agents[name] = u
		h.env.Agents = append(h.env.Agents, flow.Agent{ID: string(u.ID), Name: name, QueueID: string(routing.AgentQueueID(u.ID))})
	}
	statuses, err := sqlite.NewAgentStatusService(h.db).FindAgentStatuses(ctx)
	must(t, err)
	var sts []parley.AgentStatus
	for _, s := range statuses {
		sts = append(sts, *s)
		switch s.Type {
		case parley.StatusRoutable:
			h.avail = s.ID
		case parley.StatusOffline:
			h.offline = s.ID
		}
	}
	var queues []parley.Queue
	for _, q := range h.queues {
		queues = append(queues, *q)
	}

	h.rec = routing.NewMemoryRecorder()
	h.pub = &routing.MemoryPublisher{}
	inbox := NewInbox()
	rt, err := routing.New(routing.Config{Queues: queues, Profiles: []parley.RoutingProfile{*profile}, Statuses: sts,
		NewID: (&counter{prefix: "r"}).next, Publisher: publishers{h.pub, inbox}, Recorder: h.rec})
	must(t, err)
	rt.Clock = h.clock
	h.router = rt
	h.svc = New(rt, h.contacts, StoreFlowSource{Flows: h.flowsSvc}, h.env, inbox)
	h.svc.Clock = h.clock
	h.svc.NewID = (&counter{prefix: "task"}).next

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs <- rt.Run(ctx) }()
	go func() { defer wg.Done(); errs <- h.svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		}
		if err := h.db.Close(); err != nil {
			t.Error(err)
		}
	})
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// available logs an agent in and makes them Available.
func (h *harness) available(name string) parley.UserID {
	h.t.Helper()
	u := h.agents[name]
	must(h.t, h.router.Login(h.ctx, *u))
	must(h.t, h.router.SetStatus(h.ctx, u.ID, h.avail))
	h.sync()
	return u.ID
}

// as returns a context whose actor is the agent.
func (h *harness) as(name string) context.Context {
	u := h.agents[name]
	return parley.NewContextWithActor(h.ctx, parley.Actor{UserID: u.ID, Username: u.Username})
}

func (h *harness) sync() {
	h.t.Helper()
	must(h.t, h.svc.Sync(h.ctx))
}

func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	h.sync()
}

// publish stores and publishes a flow, returning its ID.
func (h *harness) publish(name, content string) parley.FlowID {
	h.t.Helper()
	f := &parley.Flow{Name: name, Type: parley.FlowContact, Content: content}
	must(h.t, h.flowsSvc.CreateFlow(h.ctx, f))
	def, err := flow.Parse([]byte(content))
	must(h.t, err)
	_, err = h.flowsSvc.PublishFlow(h.ctx, f.ID)
	must(h.t, err)
	def.ID = string(f.ID)
	h.env.Flows[string(f.ID)] = def
	return f.ID
}

// task returns the stored task.
func (h *harness) task(id parley.ContactID) *parley.Task {
	h.t.Helper()
	tk, err := h.svc.FindTask(h.ctx, id)
	must(h.t, err)
	return tk
}

// wantState fails unless the stored task is in state st with agent (may be "").
func (h *harness) wantState(id parley.ContactID, st parley.ContactState, agent parley.UserID) *parley.Task {
	h.t.Helper()
	tk := h.task(id)
	if tk.State != st || tk.AgentID != agent {
		h.t.Fatalf("task %s: state %s agent %q, want %s agent %q", id, tk.State, tk.AgentID, st, agent)
	}
	return tk
}

// agentContacts returns the contacts in the agent's router snapshot.
func (h *harness) agentContacts(id parley.UserID) []parley.ContactID {
	h.t.Helper()
	info, err := h.router.Agent(h.ctx, id)
	must(h.t, err)
	var out []parley.ContactID
	for _, c := range info.Snapshot.Contacts {
		out = append(out, c.ContactID)
	}
	return out
}

// wantCode fails unless err has the code and (when not "") the field.
func wantCode(t *testing.T, err error, code parley.ErrorCode, field string) *parley.Error {
	t.Helper()
	if got := parley.ErrorCodeOf(err); got != code {
		t.Fatalf("error code %q, want %q (err: %v)", got, code, err)
	}
	e := parley.AsError(err)
	if field != "" && (e == nil || e.Field != field) {
		t.Fatalf("error field %q, want %q (err: %v)", e.Field, field, err)
	}
	return e
}

// queueFlow is a task flow that sets attributes, sets the working queue and transfers there.
func queueFlow(queueID parley.QueueID) string {
	return fmt.Sprintf(`{
  "Version": "2019-10-30",
  "StartAction": "attrs",
  "Actions": [
    {"Identifier": "attrs", "Type": "UpdateContactAttributes",
     "Parameters": {"Attributes": {"priority": "high", "source": "$.Name"}, "TargetContact": "Current"},
     "Transitions": {"NextAction": "set-queue", "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "set-queue", "Type": "UpdateContactTargetQueue",
     "Parameters": {"QueueId": %q},
     "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue",
     "Transitions": {"Errors": [{"NextAction": "end", "ErrorType": "QueueAtCapacity"}, {"NextAction": "end", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}`, queueID)
}
