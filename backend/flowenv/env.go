package flowenv

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

// Services are what the environment reads.
type Services struct {
	Queues   parley.QueueService
	Users    parley.UserService
	Hours    parley.HoursService
	Flows    parley.FlowService
	Prompts  parley.PromptService
	Realtime parley.RealtimeMetricsService // optional: CheckMetricData and GetMetricData answer zeros without it
	// Changes, when set, makes the snapshot reload as soon as the configuration changed
	// (besides MaxAge, which then only bounds changes made by another process).
	Changes parley.ConfigVersioner
}

// Env implements flow.Env over the stored configuration.
type Env struct {
	svc Services

	// MaxAge is how old the snapshot may get before a lookup reloads it. Default 2 s: an admin's
	// change reaches running flows within that time.
	MaxAge time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger reports failed reloads (the old snapshot is kept). Default slog.Default().
	Logger *slog.Logger

	mu      sync.Mutex
	snap    *snapshot
	loaded  time.Time
	version uint64 // the configuration version the snapshot was read at
}

var _ flow.Env = (*Env)(nil)

// New returns an Env over svc.
func New(svc Services) *Env {
	return &Env{svc: svc, MaxAge: 2 * time.Second, Now: time.Now, Logger: slog.Default()}
}

type snapshot struct {
	queues  []*parley.Queue
	users   []*parley.User
	hours   []*parley.HoursOfOperation
	flows   map[string]*flow.Flow // by ID, parsed published version
	byName  map[string]string     // flow name (lower case) -> ID
	prompts []*parley.Prompt
}

func (e *Env) configVersion() uint64 {
	if e.svc.Changes == nil {
		return 0
	}
	return e.svc.Changes.ConfigVersion()
}

// Reload reads the configuration now.
func (e *Env) Reload(ctx context.Context) error {
	version := e.configVersion() // read first: a change during the reload triggers another
	s := &snapshot{flows: map[string]*flow.Flow{}, byName: map[string]string{}}
	var err error
	if s.queues, err = e.svc.Queues.FindQueues(ctx); err != nil {
		return err
	}
	if s.users, err = e.svc.Users.FindUsers(ctx, parley.UserFilter{}); err != nil {
		return err
	}
	if s.hours, err = e.svc.Hours.FindHours(ctx); err != nil {
		return err
	}
	if s.prompts, err = e.svc.Prompts.FindPrompts(ctx); err != nil {
		return err
	}
	flows, err := e.svc.Flows.FindFlows(ctx)
	if err != nil {
		return err
	}
	for _, f := range flows {
		if f.PublishedVersion == 0 {
			continue
		}
		v, err := e.svc.Flows.FindFlowVersion(ctx, f.ID, f.PublishedVersion)
		if err != nil {
			return err
		}
		def, err := flow.Parse([]byte(v.Content))
		if err != nil {
			e.Logger.Error("a published flow does not parse; flows cannot reach it", slog.String("flow_id", string(f.ID)), slog.Any("err", err))
			continue
		}
		def.ID = string(f.ID)
		s.flows[string(f.ID)] = def
		s.byName[strings.ToLower(f.Name)] = string(f.ID)
	}
	e.mu.Lock()
	e.snap, e.loaded, e.version = s, e.Now(), version
	e.mu.Unlock()
	return nil
}

// current returns a snapshot no older than MaxAge (or the last good one when a reload fails).
func (e *Env) current() *snapshot {
	e.mu.Lock()
	fresh := e.snap != nil && e.Now().Sub(e.loaded) < e.MaxAge && e.version == e.configVersion()
	s := e.snap
	e.mu.Unlock()
	if fresh {
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Reload(ctx); err != nil {
		e.Logger.Error("reload flow environment", slog.Any("err", err))
		if s == nil {
			return &snapshot{flows: map[string]*flow.Flow{}, byName: map[string]string{}}
		}
		return s
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snap
}

// idOf takes the ID out of an Amazon Connect ARN (.../queue/<id>); other refs come back as
// they are.
func idOf(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		if i := strings.LastIndexByte(ref, '/'); i >= 0 {
			return ref[i+1:]
		}
	}
	return ref
}

func match(ref, id, name string) bool {
	r := idOf(ref)
	return r == id || strings.EqualFold(r, name)
}

// Flow implements flow.Env: a published flow by ID, ARN or name.
func (e *Env) Flow(ref string) (*flow.Flow, error) {
	s := e.current()
	if f, ok := s.flows[idOf(ref)]; ok {
		return f, nil
	}
	if id, ok := s.byName[strings.ToLower(idOf(ref))]; ok {
		return s.flows[id], nil
	}
	return nil, flow.ErrNotFound
}

// Queue implements flow.Env. An agent's personal queue (routing.AgentQueueID) is found too,
// named after the agent.
func (e *Env) Queue(ref string) (flow.Queue, error) {
	if agent, ok := routing.AgentOfQueue(parley.QueueID(ref)); ok {
		for _, u := range e.current().users {
			if u.ID == agent && u.RoutingProfileID != "" {
				return flow.Queue{ID: ref, Name: u.Username}, nil
			}
		}
		return flow.Queue{}, flow.ErrNotFound
	}
	for _, q := range e.current().queues {
		if match(ref, string(q.ID), q.Name) {
			return flow.Queue{ID: string(q.ID), Name: q.Name, HoursID: string(q.HoursOfOperationID), OutboundCallerID: string(q.OutboundCallerID)}, nil
		}
	}
	return flow.Queue{}, flow.ErrNotFound
}

// Agent implements flow.Env: a user with a routing profile, by ID or username.
func (e *Env) Agent(ref string) (flow.Agent, error) {
	for _, u := range e.current().users {
		if u.RoutingProfileID != "" && match(ref, string(u.ID), u.Username) {
			return flow.Agent{ID: string(u.ID), Name: u.Username, QueueID: string(routing.AgentQueueID(u.ID))}, nil
		}
	}
	return flow.Agent{}, flow.ErrNotFound
}

// HoursOpen implements flow.Env.
func (e *Env) HoursOpen(ref string, t time.Time) (bool, error) {
	for _, h := range e.current().hours {
		if match(ref, string(h.ID), h.Name) {
			return h.IsOpen(t)
		}
	}
	return false, flow.ErrNotFound
}

// QueueMetrics implements flow.Env from the router's real-time metrics.
func (e *Env) QueueMetrics(queueID string) (flow.QueueMetrics, error) {
	row, err := e.queueRow(queueID)
	if err != nil {
		return flow.QueueMetrics{}, err
	}
	return flow.QueueMetrics{AgentsOnline: row.Online, AgentsAvailable: row.Available, AgentsStaffed: row.Staffed,
		AgentsAfterContactWork: row.AfterContactWork, AgentsBusy: row.OnContact, AgentsMissed: row.Error,
		AgentsNonProductive: row.NonProductive, ContactsInQueue: row.ContactsInQueue,
		OldestContactAgeSeconds: int(row.OldestContactAge / time.Second)}, nil
}

// QueueAtCapacity implements flow.Env: the queue holds MaxContacts contacts or more. Agents'
// personal queues have no limit.
func (e *Env) QueueAtCapacity(queueID string) (bool, error) {
	if _, ok := routing.AgentOfQueue(parley.QueueID(queueID)); ok {
		_, err := e.Queue(queueID)
		return false, err
	}
	var q *parley.Queue
	for _, c := range e.current().queues {
		if match(queueID, string(c.ID), c.Name) {
			q = c
		}
	}
	if q == nil {
		return false, flow.ErrNotFound
	}
	if q.MaxContacts == 0 {
		return false, nil
	}
	row, err := e.queueRow(string(q.ID))
	if err != nil {
		return false, err
	}
	return row.ContactsInQueue >= q.MaxContacts, nil
}

func (e *Env) queueRow(ref string) (parley.RealtimeRow, error) {
	q, err := e.Queue(ref)
	if err != nil {
		return parley.RealtimeRow{}, err
	}
	if _, ok := routing.AgentOfQueue(parley.QueueID(q.ID)); ok {
		return parley.RealtimeRow{QueueID: parley.QueueID(q.ID)}, nil // not in the per-queue metrics
	}
	if e.svc.Realtime == nil {
		return parley.RealtimeRow{QueueID: parley.QueueID(q.ID)}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	m, err := e.svc.Realtime.RealtimeMetrics(ctx)
	if err != nil {
		return parley.RealtimeRow{}, fmt.Errorf("queue metrics: %w", err)
	}
	for _, r := range m.Queues {
		if string(r.QueueID) == q.ID {
			return r, nil
		}
	}
	return parley.RealtimeRow{QueueID: parley.QueueID(q.ID)}, nil
}

// Prompt implements flow.Env. AUDIO prompts carry their file as the URI.
func (e *Env) Prompt(ref string) (flow.Prompt, error) {
	for _, p := range e.current().prompts {
		if match(ref, string(p.ID), p.Name) {
			return flow.Prompt{ID: string(p.ID), Name: p.Name, URI: p.AudioFile}, nil
		}
	}
	return flow.Prompt{}, flow.ErrNotFound
}
