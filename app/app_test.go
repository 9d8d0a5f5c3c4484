package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
)

func statusID(t *testing.T, sts []api.AgentStatus, name string) string {
	t.Helper()
	for _, s := range sts {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no status %q in %+v", name, sts)
	return ""
}

func isAgentEvent(status string) func(emitted) bool {
	return func(e emitted) bool {
		if e.Name != EventStream {
			return false
		}
		var ev api.Event
		_ = json.Unmarshal(e.Data, &ev)
		return ev.Agent != nil && ev.Agent.Current != nil && ev.Agent.Current.Status.Name == status
	}
}

func isConnection(state string) func(emitted) bool {
	return func(e emitted) bool {
		var c Connection
		return e.Name == EventConnection && json.Unmarshal(e.Data, &c) == nil && c.State == state
	}
}

func TestSignInStatusEventsSignOut(t *testing.T) {
	b := startBackend(t)
	a, rt := newTestApp(t)

	info, err := a.SignIn(strings.TrimPrefix(b.URL, "http://")+"/v1", "agent1", "agent1-demo")
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if info.BackendURL != b.URL || !info.IsAgent || info.IsSupervisor || info.Agent == nil || info.AgentError != nil {
		t.Fatalf("SignIn = %+v", info)
	}
	if info.Agent.State != "OFFLINE" {
		t.Errorf("state after going online = %q, want OFFLINE", info.Agent.State)
	}
	if rt.title != "Parley — agent1" {
		t.Errorf("window title = %q", rt.title)
	}
	// address and username remembered, the password never
	raw, err := os.ReadFile(a.Settings.Path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "agent1-demo") {
		t.Errorf("the settings file holds the password:\n%s", raw)
	}
	st, _ := a.GetSettings()
	if st.BackendURL != b.URL || st.Username != "agent1" {
		t.Errorf("settings = %+v", st)
	}
	rt.waitEvent(t, 10*time.Second, "connected stream", isConnection("connected"))

	sts, err := a.AgentStatuses()
	if err != nil {
		t.Fatalf("AgentStatuses: %v", err)
	}
	var names []string
	for _, s := range sts {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "Available,Break,Lunch,Training,Offline" && !strings.HasPrefix(got, "Available,Break,Lunch,Training") {
		t.Errorf("statuses in order = %s", got)
	}
	la, err := a.SetStatus(statusID(t, sts, "Available"))
	if err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if la.State != "AVAILABLE" || la.Snapshot.Status.Name != "Available" {
		t.Errorf("after SetStatus: %+v", la)
	}
	rt.waitEvent(t, 10*time.Second, "agent event to Available", isAgentEvent("Available"))

	if _, err := a.SetStatus(statusID(t, sts, "Break")); err != nil {
		t.Fatal(err)
	}
	rt.waitEvent(t, 10*time.Second, "agent event to Break", isAgentEvent("Break"))
	got, err := a.Agent()
	if err != nil || got.Snapshot.Status.Name != "Break" || got.State != "CUSTOM" {
		t.Fatalf("Agent() = %+v, %v", got, err)
	}
	// the agent may not read the supervisor routes
	if _, err := a.LiveAgents(); codeOf(err) != "forbidden" {
		t.Errorf("LiveAgents as an agent: %v, want forbidden", err)
	}

	if err := a.SignOut(); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if _, err := a.Agent(); codeOf(err) != CodeNotSignedIn {
		t.Errorf("Agent after SignOut: %v", err)
	}
	sup := b.client(t, "supervisor", "supervisor-demo")
	var live api.List[api.LiveAgent]
	if err := sup.Do(context.Background(), http.MethodGet, "/v1/agents", nil, &live); err != nil {
		t.Fatal(err)
	}
	for _, l := range live.Items {
		if l.AgentID == info.User.ID {
			t.Errorf("agent1 is still logged in to routing after SignOut: %+v", l)
		}
	}
	rt.waitEvent(t, 5*time.Second, "closed stream", isConnection("closed"))
}

func TestSignInErrors(t *testing.T) {
	b := startBackend(t)
	a, _ := newTestApp(t)
	for _, tc := range []struct {
		name, addr, user, pass string
		code, field            string
	}{
		{"wrong password", b.URL, "agent1", "nope", "unauthorized", ""},
		{"unknown user", b.URL, "nobody", "nope", "unauthorized", ""},
		{"nothing listens", "http://" + freePort(t), "agent1", "agent1-demo", CodeUnreachable, ""},
		{"no address", " ", "agent1", "x", CodeInvalid, "address"},
		{"bad scheme", "ftp://x", "agent1", "x", CodeInvalid, "address"},
		{"no username", b.URL, "", "x", CodeInvalid, "username"},
		{"no password", b.URL, "agent1", "", CodeInvalid, "password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.SignIn(tc.addr, tc.user, tc.pass)
			e, ok := ErrorObject(err).(*Error)
			if !ok || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("SignIn error = %#v, want code %q field %q", ErrorObject(err), tc.code, tc.field)
			}
		})
	}
	// the demo admin has no routing profile: signed in, but cannot take contacts
	info, err := a.SignIn(b.URL, "admin", "admin-demo")
	if err != nil || !info.IsSupervisor || info.Agent != nil || info.AgentError == nil || info.AgentError.Code != CodeInvalid {
		t.Fatalf("admin SignIn = %+v, %v", info, err)
	}
}

func TestStreamReconnectsAfterBackendRestart(t *testing.T) {
	b := startBackend(t)
	a, rt := newTestApp(t)
	if _, err := a.SignIn(b.URL, "agent1", "agent1-demo"); err != nil {
		t.Fatal(err)
	}
	rt.waitEvent(t, 10*time.Second, "connected stream", isConnection("connected"))
	first := "sip:" + b.SIPAddr
	rt.waitEvent(t, 10*time.Second, "the softphone registered", isPhone(func(s SoftphoneState) bool { return s.Registered && s.Registrar == first }))
	rt.reset()
	b.restart()
	rt.waitEvent(t, 20*time.Second, "lost connection", isConnection("lost"))
	rt.waitEvent(t, 30*time.Second, "reconnection", isConnection("connected"))
	rt.waitEvent(t, 5*time.Second, "resync after reconnecting", func(e emitted) bool { return e.Name == EventResync })

	// the session survived the restart; the stream resumed and carries new events
	sts, err := a.AgentStatuses()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStatus(statusID(t, sts, "Lunch")); err != nil {
		// a restart logs agents out of routing only if the backend says so: go online again
		if _, err := a.GoOnline(); err != nil {
			t.Fatalf("GoOnline after restart: %v", err)
		}
		if _, err := a.SetStatus(statusID(t, sts, "Lunch")); err != nil {
			t.Fatalf("SetStatus after restart: %v", err)
		}
	}
	rt.waitEvent(t, 10*time.Second, "agent event after reconnecting", isAgentEvent("Lunch"))
	// the restarted backend forgot the phone (its registrar is in memory, on a new port here):
	// the phone fetched new credentials and registered again
	again := "sip:" + b.SIPAddr
	if again == first {
		t.Fatalf("the restarted backend kept SIP address %s", first)
	}
	rt.waitEvent(t, 15*time.Second, "the softphone registered again", isPhone(func(s SoftphoneState) bool { return s.Registered && s.Registrar == again }))
}

func TestSupervisorCalls(t *testing.T) {
	b := startBackend(t)
	// agent1 goes online through the API directly
	ag := b.client(t, "agent1", "agent1-demo")
	var la api.LiveAgent
	if err := ag.Do(context.Background(), http.MethodPost, "/v1/agent/session", nil, &la); err != nil {
		t.Fatal(err)
	}

	a, rt := newTestApp(t)
	info, err := a.SignIn(b.URL, "supervisor", "supervisor-demo")
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsSupervisor || !info.CanSetAgentStatus || !info.IsAgent {
		t.Fatalf("supervisor SignIn = %+v", info)
	}
	dir, _ := a.GetDirectory()
	if len(dir.Queues) != 3 || dir.Users[la.AgentID] != "Alex Agent (agent1)" {
		t.Errorf("directory = %+v", dir)
	}
	m, err := a.CurrentMetrics()
	if err != nil || len(m.Queues) == 0 {
		t.Fatalf("CurrentMetrics = %+v, %v", m, err)
	}
	live, err := a.LiveAgents()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range live {
		found = found || l.AgentID == la.AgentID
	}
	if !found {
		t.Fatalf("agent1 missing from LiveAgents: %+v", live)
	}
	sts, err := a.AgentStatuses()
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.SetAgentStatus(la.AgentID, statusID(t, sts, "Available"))
	if err != nil || got.State != "AVAILABLE" {
		t.Fatalf("SetAgentStatus = %+v, %v", got, err)
	}
	// supervisors see every agent's events
	rt.waitEvent(t, 10*time.Second, "agent1's event", func(e emitted) bool {
		var ev api.Event
		return e.Name == EventStream && json.Unmarshal(e.Data, &ev) == nil && ev.Agent != nil && ev.Agent.AgentID == la.AgentID &&
			ev.Agent.Current != nil && ev.Agent.Current.Status.Name == "Available"
	})
	if _, err := a.SetAgentStatus("no-such-agent", statusID(t, sts, "Available")); codeOf(err) != "not_found" {
		t.Errorf("SetAgentStatus of an unknown agent: %v", err)
	}
}

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080":                 "http://127.0.0.1:8080",
		" http://127.0.0.1:8080/v1/ ":    "http://127.0.0.1:8080",
		"https://parley.example.com/":    "https://parley.example.com",
		"https://example.com/parley/v1":  "https://example.com/parley",
		"http://h:1/v1?access_token=x#y": "http://h:1",
	} {
		got, err := NormalizeAddress(in)
		if err != nil || got != want {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ftp://x", "http://"} {
		if _, err := NormalizeAddress(in); codeOf(err) != CodeInvalid {
			t.Errorf("NormalizeAddress(%q) error = %v, want invalid", in, err)
		}
	}
}

func TestErrorObject(t *testing.T) {
	re := &api.ResponseError{Status: 403, Err: api.Error{Code: "forbidden", Message: "m", Permission: "AccessMetrics"}}
	if e := ErrorObject(re).(*Error); e.Code != "forbidden" || e.Permission != "AccessMetrics" || e.Status != 403 {
		t.Errorf("ErrorObject(forbidden) = %+v", e)
	}
	if e := ErrorObject(errors.New("boom")).(*Error); e.Code != CodeInternal {
		t.Errorf("ErrorObject(plain) = %+v", e)
	}
	if ErrorObject(nil) != nil {
		t.Error("ErrorObject(nil) != nil")
	}
}

func TestSettingsStore(t *testing.T) {
	s := &SettingsStore{Path: t.TempDir() + "/a/b/settings.json"}
	if st, err := s.Load(); err != nil || st != (Settings{}) {
		t.Fatalf("Load of no file = %+v, %v", st, err)
	}
	if _, err := s.Update(func(st *Settings) { st.Audio.Microphone = "USB headset" }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(func(st *Settings) { st.Username = "agent1" }); err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	if err != nil || st.Audio.Microphone != "USB headset" || st.Username != "agent1" {
		t.Fatalf("Load = %+v, %v", st, err)
	}
	if err := os.WriteFile(s.Path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); err == nil {
		t.Error("Load of a broken file: no error")
	}
	if st, err := s.Update(func(st *Settings) { st.Username = "x" }); err != nil || st.Username != "x" {
		t.Errorf("Update over a broken file = %+v, %v", st, err)
	}
}
