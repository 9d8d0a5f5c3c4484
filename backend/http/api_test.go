package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
)

// testFlowValidator is the validator the test server publishes flows with: the real one.
var testFlowValidator parley.FlowValidator = flow.DomainValidator{}

func TestLoginMeLogout(t *testing.T) {
	w := newWorld(t)
	var me api.Me
	w.must(w.admin, "GET", "/v1/me", nil, &me)
	if me.User.Username != "admin" || len(me.Permissions) != len(parley.AllPermissions) {
		t.Fatalf("me = %s with %d permissions, want admin with all %d", me.User.Username, len(me.Permissions), len(parley.AllPermissions))
	}

	// Wrong password and unknown user get the same answer.
	st1, e1 := w.do(w.client(), "POST", "/v1/auth/login", api.LoginRequest{Username: "admin", Password: "wrong-password"}, nil)
	st2, e2 := w.do(w.client(), "POST", "/v1/auth/login", api.LoginRequest{Username: "nobody", Password: "wrong-password"}, nil)
	if st1 != 401 || st2 != 401 || !cmp.Equal(e1, e2) {
		t.Fatalf("bad logins: %d %+v and %d %+v; want the same 401", st1, e1, st2, e2)
	}
	if st, e := w.do(w.client(), "POST", "/v1/auth/login", api.LoginRequest{Username: "admin"}, nil); st != 400 || e.Field != "password" {
		t.Fatalf("login without password: %d %+v", st, e)
	}

	if st, _ := w.do(w.admin, "POST", "/v1/auth/logout", nil, nil); st != 204 {
		t.Fatalf("logout: %d", st)
	}
	if st, e := w.do(w.admin, "GET", "/v1/me", nil, nil); st != 401 || e.Code != "unauthorized" {
		t.Fatalf("after logout: %d %+v, want 401", st, e)
	}
	if st, _ := w.do(w.client(), "GET", "/v1/queues", nil, nil); st != 401 {
		t.Fatalf("no token: %d, want 401", st)
	}
	bad := w.client()
	bad.Token = "not-a-token"
	if st, _ := w.do(bad, "GET", "/v1/queues", nil, nil); st != 401 {
		t.Fatalf("bad token: %d, want 401", st)
	}
}

func TestPermissionDenied(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		method, path string
		body         any
		perm         parley.Permission
	}{
		{"GET", "/v1/queues", nil, parley.PermQueuesView},
		{"POST", "/v1/queues", api.Queue{Name: "X"}, parley.PermQueuesCreate},
		{"GET", "/v1/users", nil, parley.PermUsersView},
		{"GET", "/v1/audit", nil, parley.PermAuditLogView},
		{"POST", "/v1/flows/x/publish", nil, parley.PermFlowsPublish},
	} {
		st, e := w.do(w.agent, tc.method, tc.path, tc.body, nil)
		if st != 403 || e.Code != "forbidden" || e.Permission != string(tc.perm) || !strings.Contains(e.Message, string(tc.perm)) {
			t.Errorf("%s %s as agent: %d %+v; want 403 naming %s", tc.method, tc.path, st, e, tc.perm)
		}
	}
	// The agent may read their own identity.
	var me api.Me
	w.must(w.agent, "GET", "/v1/me", nil, &me)
	if diff := cmp.Diff([]string{"BasicAgentAccess", "OutboundCallAccess"}, me.Permissions); diff != "" {
		t.Errorf("agent permissions (-want +got):\n%s", diff)
	}
}

// hours creates hours of operation and returns their ID.
func (w *world) hours(name string) string {
	var h api.HoursOfOperation
	w.must(w.admin, "POST", "/v1/hours-of-operation", api.HoursOfOperation{Name: name, TimeZone: "Europe/Paris",
		Config: []api.HoursRange{{Day: "MONDAY", StartTime: api.TimeOfDay{Hours: 9}, EndTime: api.TimeOfDay{Hours: 17, Minutes: 30}}}}, &h)
	return h.ID
}

func (w *world) queue(name, hours string) string {
	var q api.Queue
	w.must(w.admin, "POST", "/v1/queues", api.Queue{Name: name, HoursOfOperationID: hours}, &q)
	return q.ID
}

func TestValidationErrors(t *testing.T) {
	w := newWorld(t)
	h := w.hours("Office")
	q := w.queue("Sales", h)
	for _, tc := range []struct {
		name, method, path string
		body               string
		field              string
		message            string // a fragment the message must contain
	}{
		{"empty body", "POST", "/v1/queues", ``, "body", "JSON object is required"},
		{"not JSON", "POST", "/v1/queues", `{"name":`, "body", "ends before"},
		{"syntax", "POST", "/v1/queues", `{"name" "x"}`, "body", "not valid JSON"},
		{"trailing data", "POST", "/v1/queues", `{"name":"A","hoursOfOperationId":"` + h + `"} {}`, "body", "after the JSON object"},
		{"unknown field", "POST", "/v1/queues", `{"name":"A","colour":"red"}`, "colour", "not a known field"},
		{"wrong type", "POST", "/v1/queues", `{"name":"A","maxContacts":"ten"}`, "maxContacts", "a number is expected"},
		{"missing name", "POST", "/v1/queues", `{"hoursOfOperationId":"` + h + `"}`, "name", "is required"},
		{"name too long", "POST", "/v1/queues", `{"name":"` + strings.Repeat("n", 128) + `","hoursOfOperationId":"` + h + `"}`, "name", "at most 127"},
		{"unknown reference", "POST", "/v1/queues", `{"name":"A","hoursOfOperationId":"nope"}`, "hoursOfOperationId", "nope"},
		{"out of range", "POST", "/v1/queues", `{"name":"A","hoursOfOperationId":"` + h + `","maxContacts":-1}`, "maxContacts", "between 0 and"},
		{"bad enum", "POST", "/v1/queues", `{"name":"A","hoursOfOperationId":"` + h + `","status":"OPEN"}`, "status", "ENABLED, DISABLED"},
		{"bad time zone", "POST", "/v1/hours-of-operation", `{"name":"B","timeZone":"Mars/Olympus","config":[]}`, "timeZone", "IANA"},
		{"bad day", "POST", "/v1/hours-of-operation", `{"name":"B","timeZone":"UTC","config":[{"day":"FUNDAY","startTime":{"hours":1,"minutes":0},"endTime":{"hours":2,"minutes":0}}]}`, "config[0].day", "MONDAY"},
		{"bad priority", "POST", "/v1/routing-profiles", fmt.Sprintf(`{"name":"P","defaultOutboundQueueId":%q,"mediaConcurrencies":[{"channel":"VOICE","concurrency":1}],"queues":[{"queueId":%q,"channel":"VOICE","priority":0,"delay":0}]}`, q, q), "queues[0].priority", "between 1 and 99"},
		{"bad concurrency", "POST", "/v1/routing-profiles", fmt.Sprintf(`{"name":"P","defaultOutboundQueueId":%q,"mediaConcurrencies":[{"channel":"VOICE","concurrency":2}],"queues":[]}`, q), "mediaConcurrencies[0].concurrency", "between 1 and 1"},
		{"bad phone number", "POST", "/v1/phone-numbers", `{"number":"call me"}`, "number", "E.164"},
		{"short password", "POST", "/v1/users", fmt.Sprintf(`{"username":"bob","password":"short","securityProfileIds":[%q]}`, w.profiles["Agent"]), "password", "at least 8"},
		{"bad username", "POST", "/v1/users", fmt.Sprintf(`{"username":"bob smith","password":"long-enough","securityProfileIds":[%q]}`, w.profiles["Agent"]), "username", "letters, digits"},
		{"bad flow", "POST", "/v1/flows", `{"name":"F","type":"CONTACT_FLOW","content":"{\"Version\":\"2017-01-01\"}"}`, "content", "2019-10-30"},
		{"bad audit limit", "GET", "/v1/audit?limit=0", ``, "limit", "between 1 and 1000"},
		{"bad audit time", "GET", "/v1/audit?since=yesterday", ``, "since", "RFC 3339"},
		{"bad permission", "POST", "/v1/security-profiles", `{"name":"S","permissions":["Queues.Fly"]}`, "permissions[0]", "GET /v1/permissions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, e := w.do(w.admin, tc.method, tc.path, tc.body, nil)
			if st != 400 || e.Code != "invalid" || e.Field != tc.field || !strings.Contains(e.Message, tc.message) {
				t.Fatalf("%s %s %s: %d %+v; want 400 invalid on field %q mentioning %q", tc.method, tc.path, tc.body, st, e, tc.field, tc.message)
			}
		})
	}
	// Nothing was created by the failed requests.
	var qs api.List[api.Queue]
	w.must(w.admin, "GET", "/v1/queues", nil, &qs)
	if len(qs.Items) != 1 {
		t.Fatalf("%d queues after failed creates, want 1", len(qs.Items))
	}
}

func TestNotFoundAndConflicts(t *testing.T) {
	w := newWorld(t)
	h := w.hours("Office")
	q := w.queue("Sales", h)
	if st, e := w.do(w.admin, "GET", "/v1/queues/no-such-id", nil, nil); st != 404 || e.Code != "not_found" {
		t.Fatalf("unknown queue: %d %+v", st, e)
	}
	if st, e := w.do(w.admin, "GET", "/v1/no-such-route", nil, nil); st != 404 || e.Code != "not_found" {
		t.Fatalf("unknown route: %d %+v", st, e)
	}
	if st, e := w.do(w.admin, "POST", "/v1/queues", api.Queue{Name: "sales", HoursOfOperationID: h}, nil); st != 409 || e.Code != "conflict" {
		t.Fatalf("duplicate name (other case): %d %+v", st, e)
	}
	var rp api.RoutingProfile
	w.must(w.admin, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: "Sales agents", DefaultOutboundQueueID: q,
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "VOICE", Concurrency: 1}},
		Queues:             []api.RoutingProfileQueue{{QueueID: q, Channel: "VOICE", Priority: 1}}}, &rp)
	if rp.MediaConcurrencies[0].CrossChannelBehavior != "ROUTE_ANY_CHANNEL" {
		t.Errorf("default cross-channel behaviour = %q", rp.MediaConcurrencies[0].CrossChannelBehavior)
	}
	st, e := w.do(w.admin, "DELETE", "/v1/queues/"+q, nil, nil)
	if st != 409 || !strings.Contains(e.Message, "Sales agents") {
		t.Fatalf("delete queue in use: %d %+v; want 409 naming the routing profile", st, e)
	}
	if st, _ := w.do(w.admin, "DELETE", "/v1/hours-of-operation/"+h, nil, nil); st != 409 {
		t.Fatalf("delete hours in use: %d", st)
	}
	w.must(w.admin, "DELETE", "/v1/routing-profiles/"+rp.ID, nil, nil)
	w.must(w.admin, "DELETE", "/v1/queues/"+q, nil, nil)
	if st, _ := w.do(w.admin, "GET", "/v1/queues/"+q, nil, nil); st != 404 {
		t.Fatalf("deleted queue: %d", st)
	}
}

func TestAuditTrail(t *testing.T) {
	w := newWorld(t)
	h := w.hours("Office")
	q := w.queue("Sales", h)
	w.must(w.admin, "PUT", "/v1/queues/"+q, api.Queue{Name: "Sales EMEA", HoursOfOperationID: h, MaxContacts: 10}, nil)
	w.must(w.admin, "DELETE", "/v1/queues/"+q, nil, nil)

	var got api.List[api.AuditEntry]
	w.must(w.admin, "GET", "/v1/audit?entityType=queue&entityId="+q, nil, &got)
	if len(got.Items) != 3 {
		t.Fatalf("%d audit entries for the queue, want 3: %+v", len(got.Items), got.Items)
	}
	del, upd, cre := got.Items[0], got.Items[1], got.Items[2] // newest first
	for i, tc := range []struct {
		e                 api.AuditEntry
		action            string
		hasBefore, hasAft bool
	}{{cre, "create", false, true}, {upd, "update", true, true}, {del, "delete", true, false}} {
		if tc.e.Action != tc.action || tc.e.ActorUsername != "admin" || tc.e.ActorID == "" || tc.e.Time.IsZero() ||
			(len(tc.e.Before) > 0) != tc.hasBefore || (len(tc.e.After) > 0) != tc.hasAft {
			t.Errorf("entry %d: %+v; want %s by admin with before=%v after=%v", i, tc.e, tc.action, tc.hasBefore, tc.hasAft)
		}
	}
	if !strings.Contains(string(upd.Before), `"Sales"`) || !strings.Contains(string(upd.After), `"Sales EMEA"`) {
		t.Errorf("update before/after do not show the rename: %s -> %s", upd.Before, upd.After)
	}
	if !(cre.Seq < upd.Seq && upd.Seq < del.Seq) {
		t.Errorf("sequence numbers not increasing: %d %d %d", cre.Seq, upd.Seq, del.Seq)
	}
	// Paging: entries before the update's seq are the create (and older, other entities).
	var page api.List[api.AuditEntry]
	w.must(w.admin, "GET", fmt.Sprintf("/v1/audit?entityType=queue&before=%d&limit=1", upd.Seq), nil, &page)
	if len(page.Items) != 1 || page.Items[0].ID != cre.ID {
		t.Errorf("page before update = %+v, want the create", page.Items)
	}
	// Logins are audited too.
	var logins api.List[api.AuditEntry]
	w.must(w.admin, "GET", "/v1/audit?entityType=session", nil, &logins)
	if len(logins.Items) < 2 || logins.Items[0].Action != "login" {
		t.Errorf("login audit = %+v", logins.Items)
	}
	// A failed change writes nothing.
	before := len(w.auditAll())
	w.do(w.admin, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: "Broken", DefaultOutboundQueueID: "nope",
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "VOICE", Concurrency: 1}}}, nil)
	if after := len(w.auditAll()); after != before {
		t.Errorf("a failed create wrote %d audit entries", after-before)
	}
}

func (w *world) auditAll() []api.AuditEntry {
	var l api.List[api.AuditEntry]
	w.must(w.admin, "GET", "/v1/audit?limit=1000", nil, &l)
	return l.Items
}

func TestRoutingProfileAllOrNothing(t *testing.T) {
	w := newWorld(t)
	h := w.hours("Office")
	q1, q2 := w.queue("Sales", h), w.queue("Support", h)
	before := len(w.auditAll())
	st, e := w.do(w.admin, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: "Mixed", DefaultOutboundQueueID: q1,
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "VOICE", Concurrency: 1}, {Channel: "CHAT", Concurrency: 2}},
		Queues: []api.RoutingProfileQueue{{QueueID: q1, Channel: "VOICE", Priority: 1}, {QueueID: q2, Channel: "CHAT", Priority: 2},
			{QueueID: "missing", Channel: "VOICE", Priority: 3}}}, nil)
	if st != 400 || e.Field != "queues[2].queueId" {
		t.Fatalf("third entry unknown: %d %+v; want 400 on queues[2].queueId", st, e)
	}
	var l api.List[api.RoutingProfile]
	w.must(w.admin, "GET", "/v1/routing-profiles", nil, &l)
	if len(l.Items) != 0 || len(w.auditAll()) != before {
		t.Fatalf("failed create left %d profiles and %d audit entries", len(l.Items), len(w.auditAll())-before)
	}
	// Queues in use by nothing can still be deleted: no join rows were left behind.
	w.must(w.admin, "DELETE", "/v1/queues/"+q2, nil, nil)
}

func TestNoPrivilegeEscalation(t *testing.T) {
	w := newWorld(t)
	// A call-center manager may create agents but not grant Admin, and may not edit security profiles.
	var mgr api.User
	w.must(w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: "manager",
		SecurityProfileIDs: []string{string(w.profiles["CallCenterManager"])}}, Password: "manager-password"}, &mgr)
	m := w.login("manager", "manager-password")
	w.must(m, "POST", "/v1/users", api.NewUser{User: api.User{Username: "newagent",
		SecurityProfileIDs: []string{string(w.profiles["Agent"])}}, Password: "agent-password"}, nil)
	st, e := w.do(m, "POST", "/v1/users", api.NewUser{User: api.User{Username: "sneaky",
		SecurityProfileIDs: []string{string(w.profiles["Admin"])}}, Password: "sneaky-password"}, nil)
	if st != 403 || e.Permission == "" {
		t.Fatalf("manager granting Admin: %d %+v; want 403 naming a permission", st, e)
	}
	st, e = w.do(m, "PUT", "/v1/users/"+mgr.ID, api.User{Username: "manager", SecurityProfileIDs: []string{string(w.profiles["Admin"])}}, nil)
	if st != 403 || e.Permission != "Users.EditPermission" {
		t.Fatalf("manager promoting self: %d %+v; want 403 Users.EditPermission", st, e)
	}
	if st, _ := w.do(m, "POST", "/v1/security-profiles", api.SecurityProfile{Name: "Mine", Permissions: []string{"Queues.View"}}, nil); st != 403 {
		t.Fatalf("manager creating a security profile: %d, want 403", st)
	}
}

func TestUsersAndPasswords(t *testing.T) {
	w := newWorld(t)
	var u api.User
	w.must(w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: "carol", FirstName: "Carol",
		SecurityProfileIDs: []string{string(w.profiles["Agent"])}}, Password: "first-password"}, &u)
	if u.ID == "" || u.PhoneType != "SOFT_PHONE" || u.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v", u)
	}
	carol := w.login("carol", "first-password")
	w.must(w.admin, "PUT", "/v1/users/"+u.ID+"/password", api.PasswordRequest{Password: "second-password"}, nil)
	if st, _ := w.do(carol, "GET", "/v1/me", nil, nil); st != 401 {
		t.Fatalf("session after password change: %d, want 401", st)
	}
	w.login("carol", "second-password")
	// The last admin cannot be deleted.
	var me api.Me
	w.must(w.admin, "GET", "/v1/me", nil, &me)
	if st, e := w.do(w.admin, "DELETE", "/v1/users/"+me.User.ID, nil, nil); st != 409 {
		t.Fatalf("delete last admin: %d %+v", st, e)
	}
}

func TestFlowVersions(t *testing.T) {
	w := newWorld(t)
	content := func(text string) string {
		return `{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"` + text +
			`"},"Transitions":{"NextAction":"b","Errors":[{"NextAction":"b","ErrorType":"NoMatchingError"}]}},{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`
	}
	var f api.Flow
	w.must(w.admin, "POST", "/v1/flows", api.Flow{Name: "Main", Type: "CONTACT_FLOW", Content: content("one")}, &f)
	var v1, v2 api.FlowVersion
	w.must(w.admin, "POST", "/v1/flows/"+f.ID+"/publish", nil, &v1)
	w.must(w.admin, "PUT", "/v1/flows/"+f.ID, api.Flow{Name: "Main", Type: "CONTACT_FLOW", Content: content("two")}, nil)
	w.must(w.admin, "POST", "/v1/flows/"+f.ID+"/publish", nil, &v2)
	if v1.Version != 1 || v2.Version != 2 || !strings.Contains(v2.Content, "two") {
		t.Fatalf("versions %d %d content %q", v1.Version, v2.Version, v2.Content)
	}
	var rolled api.Flow
	w.must(w.admin, "POST", "/v1/flows/"+f.ID+"/rollback", api.FlowRollbackRequest{Version: 1}, &rolled)
	if rolled.PublishedVersion != 1 || !strings.Contains(rolled.Content, "one") {
		t.Fatalf("after rollback: version %d content %q", rolled.PublishedVersion, rolled.Content)
	}
	var got api.FlowVersion
	w.must(w.admin, "GET", "/v1/flows/"+f.ID+"/versions/2", nil, &got)
	if got.Content != v2.Content {
		t.Fatalf("version 2 changed after rollback")
	}
	var vs api.List[api.FlowVersion]
	w.must(w.admin, "GET", "/v1/flows/"+f.ID+"/versions", nil, &vs)
	if len(vs.Items) != 2 || vs.Items[0].Version != 2 {
		t.Fatalf("versions list = %+v", vs.Items)
	}
	if st, _ := w.do(w.admin, "POST", "/v1/flows/"+f.ID+"/rollback", api.FlowRollbackRequest{Version: 7}, nil); st != 404 {
		t.Fatalf("rollback to a missing version: %d", st)
	}
}

func TestExternalFunctionSecretIsWriteOnly(t *testing.T) {
	w := newWorld(t)
	var f api.ExternalFunction
	w.must(w.admin, "POST", "/v1/external-functions", api.ExternalFunction{Name: "CRM lookup", URL: "https://crm.example/lookup",
		Secret: "0123456789abcdef-secret"}, &f)
	if f.Secret != "" || f.TimeoutSeconds != 3 {
		t.Fatalf("created function = %+v; want no secret and the default 3 s timeout", f)
	}
	for _, e := range w.auditAll() {
		if strings.Contains(string(e.After), "0123456789abcdef-secret") {
			t.Fatalf("the secret is in the audit log: %s", e.After)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	w := newWorld(t)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	w.server.Now = func() time.Time { return now }
	bad := api.LoginRequest{Username: "agent", Password: "wrong-password"}
	for i := range 5 {
		if st, _ := w.do(w.client(), "POST", "/v1/auth/login", bad, nil); st != 401 {
			t.Fatalf("failure %d: %d, want 401", i+1, st)
		}
	}
	// Now even the right password is refused, with a clear error.
	good := api.LoginRequest{Username: "agent", Password: adminPassword}
	st, e := w.do(w.client(), "POST", "/v1/auth/login", good, nil)
	if st != 429 || e.Code != "too_many" || !strings.Contains(e.Message, "300 seconds") {
		t.Fatalf("sixth attempt: %d %+v; want 429 too_many, retry in 300 seconds", st, e)
	}
	// Other users are not affected.
	w.login("admin", adminPassword)
	// After the window, the right password works again and clears the count.
	now = now.Add(5 * time.Minute)
	w.login("agent", adminPassword)
	if st, _ := w.do(w.client(), "POST", "/v1/auth/login", bad, nil); st != 401 {
		t.Fatalf("after the window: %d, want 401", st)
	}
}

func TestPublishReportsEveryFlowProblem(t *testing.T) {
	w := newWorld(t)
	var f api.Flow
	w.must(w.admin, "POST", "/v1/flows", api.Flow{Name: "Broken", Type: "CONTACT_FLOW", Content: `{"Version":"2019-10-30","StartAction":"a","Actions":[
		{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"hi"},"Transitions":{"NextAction":"nowhere"}},
		{"Identifier":"b","Type":"TeleportCaller","Parameters":{},"Transitions":{}}]}`}, &f)
	st, e := w.do(w.admin, "POST", "/v1/flows/"+f.ID+"/publish", nil, nil)
	if st != 400 || e.Code != "invalid" || len(e.Details) < 2 {
		t.Fatalf("publish broken flow: %d %+v; want 400 with every problem in details", st, e)
	}
	var sawNext, sawType bool
	for _, d := range e.Details {
		sawNext = sawNext || (strings.HasPrefix(d.Field, "Actions[a]") && strings.Contains(d.Message, "nowhere"))
		sawType = sawType || (strings.HasPrefix(d.Field, "Actions[b]") && strings.Contains(d.Message, "TeleportCaller"))
	}
	if !sawNext || !sawType {
		t.Fatalf("details do not name both problems: %+v", e.Details)
	}
	var vs api.List[api.FlowVersion]
	w.must(w.admin, "GET", "/v1/flows/"+f.ID+"/versions", nil, &vs)
	if len(vs.Items) != 0 {
		t.Fatal("an invalid flow was published")
	}
}
