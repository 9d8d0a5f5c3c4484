package sqlite

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
)

// testParams make password hashing cheap in tests.
var testParams = password.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// testClock is a fake clock: every reading is one millisecond after the previous one, so
// timestamps of successive changes differ; Advance jumps ahead.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestDB returns a DB on a fresh file, not opened, with a fake clock and cheap passwords.
func newTestDB(t *testing.T) (*DB, *testClock) {
	t.Helper()
	db := NewDB(filepath.Join(t.TempDir(), "data", "parley.db"))
	clock := newTestClock()
	db.Now = clock.Now
	db.PasswordParams = testParams
	db.Logger = slog.New(slog.DiscardHandler)
	return db, clock
}

// mustOpenDB returns an open DB that is closed when the test ends.
func mustOpenDB(t *testing.T) (*DB, *testClock) {
	t.Helper()
	db, clock := newTestDB(t)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db, clock
}

// adminCtx is a context whose actor is a named admin.
func adminCtx() context.Context {
	return parley.NewContextWithActor(context.Background(), parley.Actor{UserID: "actor-1", Username: "boss"})
}

// wantCode fails the test unless err has the code (and, when field is not "", the field).
func wantCode(t *testing.T, err error, code parley.ErrorCode, field string) *parley.Error {
	t.Helper()
	if got := parley.ErrorCodeOf(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	e := parley.AsError(err)
	if field != "" && (e == nil || e.Field != field) {
		t.Fatalf("error field = %q, want %q (err: %v)", e.Field, field, err)
	}
	return e
}

func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// diff fails the test when got and want differ.
func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// auditOf lists the audit entries of one entity, oldest first.
func auditOf(t *testing.T, db *DB, entityType, id string) []*parley.AuditEntry {
	t.Helper()
	es, err := NewAuditService(db).FindAuditEntries(context.Background(), parley.AuditFilter{EntityType: entityType, EntityID: id})
	mustNoErr(t, err)
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

// countRows returns the number of rows of a table.
func countRows(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	mustNoErr(t, db.db.QueryRow(`SELECT count(*) FROM `+table).Scan(&n))
	return n
}

// decode unmarshals an audit JSON snapshot into a new T.
func decode[T any](t *testing.T, raw json.RawMessage) *T {
	t.Helper()
	if raw == nil {
		return nil
	}
	v := new(T)
	mustNoErr(t, json.Unmarshal(raw, v))
	return v
}

// checkAudit checks an audit entry's action, actor and decoded before/after snapshots.
func checkAudit[T any](t *testing.T, e *parley.AuditEntry, action parley.AuditAction, name string, before, after *T) {
	t.Helper()
	if e.Action != action || e.EntityName != name || e.ActorID != "actor-1" || e.ActorUsername != "boss" {
		t.Errorf("audit entry = %s %q by %q/%q, want %s %q by actor-1/boss", e.Action, e.EntityName, e.ActorID, e.ActorUsername, action, name)
	}
	diff(t, "audit before", decode[T](t, e.Before), before)
	diff(t, "audit after", decode[T](t, e.After), after)
}

const validFlow = `{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`

// fixtures creates configuration entities for tests of the entities that refer to them.
type fixtures struct {
	t   *testing.T
	db  *DB
	ctx context.Context
}

func fix(t *testing.T, db *DB) fixtures { return fixtures{t, db, adminCtx()} }

func (f fixtures) hours(name string) *parley.HoursOfOperation {
	f.t.Helper()
	h := &parley.HoursOfOperation{Name: name, TimeZone: "Europe/London",
		Config: []parley.HoursRange{{Day: parley.Monday, StartTime: parley.TimeOfDay{Hours: 9}, EndTime: parley.TimeOfDay{Hours: 17}}}}
	mustNoErr(f.t, NewHoursService(f.db).CreateHours(f.ctx, h))
	return h
}

func (f fixtures) queue(name string, h *parley.HoursOfOperation) *parley.Queue {
	f.t.Helper()
	q := &parley.Queue{Name: name, HoursOfOperationID: h.ID}
	mustNoErr(f.t, NewQueueService(f.db).CreateQueue(f.ctx, q))
	return q
}

func (f fixtures) flow(name string, typ parley.FlowType) *parley.Flow {
	f.t.Helper()
	fl := &parley.Flow{Name: name, Type: typ, Content: validFlow}
	mustNoErr(f.t, NewFlowService(f.db).CreateFlow(f.ctx, fl))
	return fl
}

func (f fixtures) routingProfile(name string, q *parley.Queue) *parley.RoutingProfile {
	f.t.Helper()
	p := &parley.RoutingProfile{Name: name, DefaultOutboundQueueID: q.ID,
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}},
		Queues:             []parley.RoutingProfileQueue{{QueueID: q.ID, Channel: parley.ChannelVoice, Priority: 1}}}
	mustNoErr(f.t, NewRoutingProfileService(f.db).CreateRoutingProfile(f.ctx, p))
	return p
}

func (f fixtures) securityProfile(name string, perms ...parley.Permission) *parley.SecurityProfile {
	f.t.Helper()
	p := &parley.SecurityProfile{Name: name, Permissions: perms}
	mustNoErr(f.t, NewSecurityProfileService(f.db).CreateSecurityProfile(f.ctx, p))
	return p
}

func (f fixtures) user(username string, profiles ...*parley.SecurityProfile) *parley.User {
	f.t.Helper()
	u := &parley.User{Username: username}
	for _, p := range profiles {
		u.SecurityProfileIDs = append(u.SecurityProfileIDs, p.ID)
	}
	mustNoErr(f.t, NewUserService(f.db).CreateUser(f.ctx, u, "correct horse"))
	return u
}

// adminProfile returns the Admin profile made by EnsureDefaults.
func (f fixtures) adminProfile() *parley.SecurityProfile {
	f.t.Helper()
	mustNoErr(f.t, f.db.EnsureDefaults(context.Background()))
	p, err := NewSecurityProfileService(f.db).FindSecurityProfileByName(context.Background(), parley.ProfileAdmin)
	mustNoErr(f.t, err)
	return p
}
