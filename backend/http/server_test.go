package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/flowenv"
	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sqlite"
	"github.com/parley-cc/parley/backend/task"
	"github.com/parley-cc/parley/backend/ws"
)

// world is a running API over a real SQLite store, with an admin and an agent signed in.
type world struct {
	t        *testing.T
	url      string
	db       *sqlite.DB
	svc      parleyhttp.Services
	server   *parleyhttp.Server
	router   *routing.Router
	chat     *chat.Service
	admin    *api.Client
	agent    *api.Client
	profiles map[string]parley.SecurityProfileID
}

const adminPassword = "admin-password"

func newWorld(t *testing.T) *world {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "parley.db"))
	db.PasswordParams = password.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := db.EnsureDefaults(ctx); err != nil {
		t.Fatal(err)
	}
	svc := parleyhttp.Services{
		Users: sqlite.NewUserService(db), Sessions: sqlite.NewSessionService(db),
		SecurityProfiles: sqlite.NewSecurityProfileService(db), AgentStatuses: sqlite.NewAgentStatusService(db),
		Hours: sqlite.NewHoursService(db), Queues: sqlite.NewQueueService(db),
		RoutingProfiles: sqlite.NewRoutingProfileService(db), QuickConnects: sqlite.NewQuickConnectService(db),
		PhoneNumbers: sqlite.NewPhoneNumberService(db), Flows: sqlite.NewFlowService(db),
		Prompts: sqlite.NewPromptService(db), ExternalFunctions: sqlite.NewExternalFunctionService(db),
		Audit: sqlite.NewAuditService(db),
	}
	w := &world{t: t, db: db, svc: svc, profiles: map[string]parley.SecurityProfileID{}}
	ps, err := svc.SecurityProfiles.FindSecurityProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		w.profiles[p.Name] = p.ID
	}
	for _, u := range []struct{ name, profile string }{{"admin", parley.ProfileAdmin}, {"agent", parley.ProfileAgent}} {
		err := svc.Users.CreateUser(ctx, &parley.User{Username: u.name, SecurityProfileIDs: []parley.SecurityProfileID{w.profiles[u.profile]}}, adminPassword)
		if err != nil {
			t.Fatal(err)
		}
	}
	// The router, its event hub and the metrics services, as parleyd runs them.
	cfg, err := routing.LoadConfig(ctx, svc.Queues, svc.RoutingProfiles, svc.AgentStatuses)
	if err != nil {
		t.Fatal(err)
	}
	pub := routing.NewBufferedPublisher(4096)
	inbox := task.NewInbox()
	var chatSvc *chat.Service // set before the router runs
	cfg.Publisher = routing.Publishers{pub, inbox, publishTo(func(ev parley.RoutingEvent) { chatSvc.Publish(ev) })}
	recorder := routing.NewStoreRecorder(routing.StateStore{Store: sqlite.NewRoutingStore(db)}, sqlite.NewCTRService(db), sqlite.NewAgentEventService(db), 1024)
	cfg.Recorder = recorder
	if w.router, err = routing.New(cfg); err != nil {
		t.Fatal(err)
	}
	hub := ws.NewHub(sqlite.NewRoutingStore(db))
	runCtx, stop := context.WithCancel(ctx)
	svc.Contacts, svc.CTRs, svc.FlowLogs = sqlite.NewContactService(db), sqlite.NewCTRService(db), sqlite.NewFlowLogService(db)
	env := flowenv.New(flowenv.Services{Queues: svc.Queues, Users: svc.Users, Hours: svc.Hours, Flows: svc.Flows, Prompts: svc.Prompts, Realtime: w.router, Changes: db})
	tasks := task.New(w.router, svc.Contacts, task.StoreFlowSource{Flows: svc.Flows}, env, inbox)
	tasks.FlowLogs = svc.FlowLogs
	svc.Tasks = tasks
	chatSvc = chat.New(w.router, svc.Contacts, chat.StoreFlowSource{Flows: svc.Flows}, env, sqlite.NewChatTranscripts(db), t.TempDir())
	chatSvc.Clock = routing.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // no refills, no expiry: deterministic limits
	chatSvc.MessageBurst = 3
	chatSvc.Users, chatSvc.QuickConnects = svc.Users, svc.QuickConnects
	chatSvc.FlowLogs = svc.FlowLogs
	chatSvc.Logger = slog.New(slog.DiscardHandler)
	svc.Chat = chatSvc
	w.chat = chatSvc
	done := make(chan struct{}, 5)
	go func() { chatSvc.Run(runCtx); done <- struct{}{} }()
	go func() { recorder.Run(runCtx); done <- struct{}{} }()
	go func() { w.router.Run(runCtx); done <- struct{}{} }()
	go func() { hub.Run(runCtx, pub.Events(), pub.TakeOverflow); done <- struct{}{} }()
	go func() { tasks.Run(runCtx); done <- struct{}{} }()
	t.Cleanup(func() {
		stop()
		<-done
		<-done
		<-done
		<-done
		<-done
	})
	svc.Queues = routing.SyncedQueues{QueueService: svc.Queues, Router: w.router}
	svc.RoutingProfiles = routing.SyncedRoutingProfiles{RoutingProfileService: svc.RoutingProfiles, Router: w.router}
	svc.AgentStatuses = routing.SyncedAgentStatuses{AgentStatusService: svc.AgentStatuses, Router: w.router}
	svc.Agents, svc.Realtime, svc.Events = w.router, w.router, hub
	svc.Historical = &routing.HistoricalService{CTRs: sqlite.NewCTRService(db), Events: sqlite.NewAgentEventService(db)}
	w.svc = svc

	w.server = parleyhttp.NewServer(svc)
	w.server.Mount("/v1/chat/", chatSvc.Handler())
	w.server.FlowValidator = testFlowValidator
	ts := httptest.NewServer(w.server.Handler())
	t.Cleanup(ts.Close)
	w.url = ts.URL
	w.admin = w.login("admin", adminPassword)
	w.agent = w.login("agent", adminPassword)
	return w
}

func (w *world) client() *api.Client { return &api.Client{BaseURL: w.url} }

func (w *world) login(username, pw string) *api.Client {
	w.t.Helper()
	c := w.client()
	if _, err := c.Login(context.Background(), username, pw); err != nil {
		w.t.Fatalf("login %s: %v", username, err)
	}
	return c
}

// do sends in (a JSON-encodable value, or a string sent as is) and returns the status; a 2xx
// body is decoded into out, an error body returned.
func (w *world) do(c *api.Client, method, path string, in, out any) (int, api.Error) {
	w.t.Helper()
	var body io.Reader
	switch v := in.(type) {
	case nil:
	case string:
		body = strings.NewReader(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			w.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.BaseURL+path, body)
	if err != nil {
		w.t.Fatal(err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		var eb api.ErrorBody
		if err := json.Unmarshal(data, &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" {
			w.t.Fatalf("%s %s: %d with a body that is not an error body: %q", method, path, resp.StatusCode, data)
		}
		return resp.StatusCode, eb.Error
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			w.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, api.Error{}
}

// must sends a request that must succeed.
func (w *world) must(c *api.Client, method, path string, in, out any) {
	w.t.Helper()
	if st, e := w.do(c, method, path, in, out); st/100 != 2 {
		w.t.Fatalf("%s %s: %d %+v", method, path, st, e)
	}
}

// publishTo adapts a function to a routing.Publisher.
type publishTo func(parley.RoutingEvent)

func (p publishTo) Publish(ev parley.RoutingEvent) { p(ev) }
