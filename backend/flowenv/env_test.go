package flowenv

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sqlite"
)

func TestEnvOverStore(t *testing.T) {
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "parley.db"))
	db.Logger = slog.New(slog.DiscardHandler)
	db.PasswordParams = password.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 8, KeyLength: 16}
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.EnsureDefaults(ctx))
	hours := &parley.HoursOfOperation{Name: "Weekdays", TimeZone: "UTC", Config: []parley.HoursRange{
		{Day: parley.Monday, StartTime: parley.TimeOfDay{Hours: 9}, EndTime: parley.TimeOfDay{Hours: 17}}}}
	must(sqlite.NewHoursService(db).CreateHours(ctx, hours))
	queues := sqlite.NewQueueService(db)
	q := &parley.Queue{Name: "Sales", HoursOfOperationID: hours.ID, MaxContacts: 5}
	must(queues.CreateQueue(ctx, q))
	flows := sqlite.NewFlowService(db)
	f := &parley.Flow{Name: "Main", Type: parley.FlowContact, Content: `{"Version":"2019-10-30","StartAction":"b","Actions":[{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`}
	must(flows.CreateFlow(ctx, f))
	draft := &parley.Flow{Name: "Draft only", Type: parley.FlowContact, Content: f.Content}
	must(flows.CreateFlow(ctx, draft))
	_, err := flows.PublishFlow(ctx, f.ID)
	must(err)

	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // a Monday
	env := New(Services{Queues: queues, Users: sqlite.NewUserService(db), Hours: sqlite.NewHoursService(db), Flows: flows, Prompts: sqlite.NewPromptService(db)})
	env.Now = func() time.Time { return now }

	for _, ref := range []string{string(q.ID), "sales", "arn:aws:connect:eu-west-2:1:instance/i/queue/" + string(q.ID)} {
		got, err := env.Queue(ref)
		if err != nil || got.ID != string(q.ID) || got.HoursID != string(hours.ID) {
			t.Errorf("Queue(%q) = %+v, %v", ref, got, err)
		}
	}
	if _, err := env.Queue("Support"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("unknown queue: %v", err)
	}
	if open, err := env.HoursOpen("Weekdays", now); err != nil || !open {
		t.Errorf("HoursOpen Monday 10:00 = %v, %v", open, err)
	}
	if open, _ := env.HoursOpen(string(hours.ID), now.Add(8*time.Hour)); open {
		t.Error("open at 18:00")
	}
	if def, err := env.Flow("main"); err != nil || def.ID != string(f.ID) {
		t.Errorf("Flow(main) = %v, %v", def, err)
	}
	if _, err := env.Flow(string(draft.ID)); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("an unpublished flow is reachable: %v", err)
	}
	if full, err := env.QueueAtCapacity(string(q.ID)); err != nil || full {
		t.Errorf("QueueAtCapacity = %v, %v", full, err)
	}
	// Agents' personal queues: found for users with a routing profile, never at capacity.
	rp := &parley.RoutingProfile{Name: "P", DefaultOutboundQueueID: q.ID,
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelChat, Concurrency: 1}}}
	must(sqlite.NewRoutingProfileService(db).CreateRoutingProfile(ctx, rp))
	profiles := []parley.SecurityProfileID{}
	sps, _ := sqlite.NewSecurityProfileService(db).FindSecurityProfiles(ctx)
	for _, sp := range sps {
		if sp.Name == parley.ProfileAgent {
			profiles = append(profiles, sp.ID)
		}
	}
	u := &parley.User{Username: "alex", RoutingProfileID: rp.ID, SecurityProfileIDs: profiles}
	must(sqlite.NewUserService(db).CreateUser(ctx, u, "password-1"))
	must(env.Reload(ctx))
	aq := string(routing.AgentQueueID(u.ID))
	if got, err := env.Queue(aq); err != nil || got.Name != "alex" {
		t.Errorf("agent queue: %+v %v", got, err)
	}
	if full, err := env.QueueAtCapacity(aq); err != nil || full {
		t.Errorf("agent queue at capacity: %v %v", full, err)
	}
	if ag, err := env.Agent("alex"); err != nil || ag.QueueID != aq {
		t.Errorf("Agent(alex) = %+v %v", ag, err)
	}
	// A new queue shows once the snapshot is older than MaxAge, not before.
	must(queues.CreateQueue(ctx, &parley.Queue{Name: "Support", HoursOfOperationID: hours.ID}))
	if _, err := env.Queue("Support"); !errors.Is(err, flow.ErrNotFound) {
		t.Errorf("snapshot reloaded before MaxAge: %v", err)
	}
	now = now.Add(env.MaxAge)
	if _, err := env.Queue("Support"); err != nil {
		t.Errorf("new queue after MaxAge: %v", err)
	}
	// With the store's change counter, a change shows at once.
	env.svc.Changes = db
	must(queues.CreateQueue(ctx, &parley.Queue{Name: "Billing", HoursOfOperationID: hours.ID}))
	if _, err := env.Queue("Billing"); err != nil {
		t.Errorf("new queue with change tracking: %v", err)
	}
	// A failed change does not move the version.
	v := db.ConfigVersion()
	if err := queues.CreateQueue(ctx, &parley.Queue{Name: "Billing", HoursOfOperationID: hours.ID}); err == nil {
		t.Fatal("duplicate queue created")
	}
	if db.ConfigVersion() != v {
		t.Error("a failed change moved the configuration version")
	}
}
