package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
)

var update = flag.Bool("update", false, "rewrite docs/openapi.json from the route table")

const openAPIFile = "../../docs/openapi.json"

// TestOpenAPIFile keeps docs/openapi.json equal to the document generated from the route table.
func TestOpenAPIFile(t *testing.T) {
	w := newWorld(t)
	got, err := w.server.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(openAPIFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatalf("%v (run go test ./backend/http -run TestOpenAPIFile -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: run go test ./backend/http -run TestOpenAPIFile -update", filepath.Base(openAPIFile))
	}
}

type openAPIDoc struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Security    []any                      `json:"security"`
	Responses   map[string]json.RawMessage `json:"responses"`
	RequestBody json.RawMessage            `json:"requestBody"`
}

// TestOpenAPIAgainstServer reads docs/openapi.json and, for every operation, makes each
// documented status happen on a running server: every route exists, and every documented status
// can occur. A documented status with no way to produce it, or a different answer, fails.
func TestOpenAPIAgainstServer(t *testing.T) {
	data, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	w := newWorld(t)
	f := newFixtures(w)
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			method = strings.ToUpper(method)
			for status := range op.Responses {
				code, _ := strconv.Atoi(status)
				t.Run(fmt.Sprintf("%s %s %d", method, path, code), func(t *testing.T) {
					req, ok := f.scenario(method, path, code)
					if !ok {
						t.Fatalf("no scenario produces %d for %s %s: add one to the fixtures, or remove the status from the route", code, method, path)
					}
					if code == 101 { // a websocket handshake
						if got := dialWS(t, w, req.path, req.client.Token); got != 101 {
							t.Fatalf("websocket handshake on %s = %d, want 101", path, got)
						}
						return
					}
					got, e := w.do(req.client, method, req.path, req.body, nil)
					if got != code {
						t.Fatalf("%s %s (%v) = %d %+v, want %d", method, req.path, req.body, got, e, code)
					}
				})
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d (operation, status) pairs checked", checked)
	}
}

type request struct {
	client *api.Client
	path   string
	body   any
}

// fixtures make each documented status happen.
type fixtures struct {
	w              *world
	routingProfile string
	n              int
	valid          map[string]func() map[string]any // collection path -> a valid new entity
	inUse          map[string]func() string         // collection path -> ID of an entity something refers to
	conflict       map[string]string                // collection path -> the unique field
}

func newFixtures(w *world) *fixtures {
	f := &fixtures{w: w}
	h := w.hours("Fixture hours")
	q := w.queue("Fixture queue", h)
	var rp api.RoutingProfile
	w.must(w.admin, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: "Fixture agents", DefaultOutboundQueueID: q,
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "CHAT", Concurrency: 2}},
		Queues:             []api.RoutingProfileQueue{{QueueID: q, Channel: "CHAT", Priority: 1}}}, &rp)
	f.routingProfile = rp.ID
	agentProfile := string(w.profiles["Agent"])
	flowContent := `{"Version":"2019-10-30","StartAction":"b","Actions":[{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`
	f.valid = map[string]func() map[string]any{
		"/v1/users": func() map[string]any {
			return map[string]any{"username": f.name("user"), "password": "password-123", "securityProfileIds": []string{agentProfile}}
		},
		"/v1/security-profiles": func() map[string]any {
			return map[string]any{"name": f.name("Profile"), "permissions": []string{"Queues.View"}}
		},
		"/v1/agent-statuses": func() map[string]any {
			return map[string]any{"name": f.name("Status"), "type": "CUSTOM", "displayOrder": 5, "enabled": true}
		},
		"/v1/hours-of-operation": func() map[string]any {
			return map[string]any{"name": f.name("Hours"), "timeZone": "UTC", "config": []map[string]any{
				{"day": "MONDAY", "startTime": map[string]int{"hours": 9, "minutes": 0}, "endTime": map[string]int{"hours": 17, "minutes": 0}}}}
		},
		"/v1/queues": func() map[string]any { return map[string]any{"name": f.name("Queue"), "hoursOfOperationId": h} },
		"/v1/routing-profiles": func() map[string]any {
			return map[string]any{"name": f.name("Routing"), "defaultOutboundQueueId": q,
				"mediaConcurrencies": []map[string]any{{"channel": "VOICE", "concurrency": 1}},
				"queues":             []map[string]any{{"queueId": q, "channel": "VOICE", "priority": 1, "delay": 0}}}
		},
		"/v1/quick-connects": func() map[string]any {
			return map[string]any{"name": f.name("QC"), "type": "PHONE_NUMBER", "phoneNumber": "+15555550123"}
		},
		"/v1/phone-numbers": func() map[string]any { f.n++; return map[string]any{"number": fmt.Sprintf("+1555555%04d", f.n)} },
		"/v1/flows": func() map[string]any {
			return map[string]any{"name": f.name("Flow"), "type": "CONTACT_FLOW", "content": flowContent}
		},
		"/v1/prompts": func() map[string]any {
			return map[string]any{"name": f.name("Prompt"), "type": "TEXT", "text": "Hello"}
		},
		"/v1/external-functions": func() map[string]any {
			return map[string]any{"name": f.name("Fn"), "url": "http://127.0.0.1:9/fn", "secret": "0123456789abcdef"}
		},
	}
	f.conflict = map[string]string{"/v1/users": "username", "/v1/phone-numbers": "number"}
	f.inUse = map[string]func() string{
		"/v1/users": func() string { // the last admin
			var me api.Me
			w.must(w.admin, "GET", "/v1/me", nil, &me)
			return me.User.ID
		},
		"/v1/security-profiles": func() string {
			id := f.create("/v1/security-profiles")
			u := f.valid["/v1/users"]()
			u["securityProfileIds"] = []string{id}
			w.must(w.admin, "POST", "/v1/users", u, nil)
			return id
		},
		"/v1/hours-of-operation": func() string { return h },
		"/v1/queues":             func() string { return q },
		"/v1/routing-profiles": func() string {
			id := f.create("/v1/routing-profiles")
			u := f.valid["/v1/users"]()
			u["routingProfileId"] = id
			w.must(w.admin, "POST", "/v1/users", u, nil)
			return id
		},
		"/v1/quick-connects": func() string {
			id := f.create("/v1/quick-connects")
			w.must(w.admin, "POST", "/v1/queues", map[string]any{"name": f.name("Q"), "hoursOfOperationId": h, "quickConnectIds": []string{id}}, nil)
			return id
		},
		"/v1/phone-numbers": func() string {
			id := f.create("/v1/phone-numbers")
			w.must(w.admin, "POST", "/v1/queues", map[string]any{"name": f.name("Q"), "hoursOfOperationId": h, "outboundCallerId": id}, nil)
			return id
		},
		"/v1/flows": func() string {
			id := f.create("/v1/flows")
			p := f.valid["/v1/phone-numbers"]()
			p["flowId"] = id
			w.must(w.admin, "POST", "/v1/phone-numbers", p, nil)
			return id
		},
	}
	return f
}

func (f *fixtures) name(prefix string) string { f.n++; return fmt.Sprintf("%s%d", prefix, f.n) }

func (f *fixtures) create(collection string) string {
	var out struct {
		ID string `json:"id"`
	}
	f.w.must(f.w.admin, "POST", collection, f.valid[collection](), &out)
	return out.ID
}

// updateBody is a valid PUT body for an entity of collection (users are replaced without a password).
func (f *fixtures) updateBody(collection string) map[string]any {
	b := f.valid[collection]()
	delete(b, "password")
	return b
}

// uniqueField is the field that must be unique in collection.
func (f *fixtures) uniqueField(collection string) string {
	if u, ok := f.conflict[collection]; ok {
		return u
	}
	return "name"
}

// liveAgent creates an agent with a routing profile, signs them in and logs them in to routing;
// available makes them Available.
func (f *fixtures) liveAgent(available bool) (*api.Client, string) {
	w := f.w
	name := f.name("live")
	var u api.User
	w.must(w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: name, RoutingProfileID: f.routingProfile,
		SecurityProfileIDs: []string{string(w.profiles["Agent"])}}, Password: "password-123"}, &u)
	c := w.login(name, "password-123")
	w.must(c, "POST", "/v1/agent/session", nil, nil)
	if available {
		w.must(c, "PUT", "/v1/agent/status", api.SetStatusRequest{StatusID: f.status(parley.StatusRoutable)}, nil)
	}
	return c, u.ID
}

// storedContact stores a task contact, as a channel would, and returns its ID.
func (f *fixtures) storedContact() string {
	c := &parley.Contact{Channel: parley.ChannelTask, InitiationMethod: parley.InitAPI, State: parley.ContactQueued,
		Name: f.name("task"), InitiatedAt: time.Now()}
	if err := f.w.svc.Contacts.CreateContact(context.Background(), c); err != nil {
		f.w.t.Fatal(err)
	}
	return string(c.ID)
}

// analyst signs in a user with the QualityAnalyst profile only.
func (f *fixtures) analyst() *api.Client {
	name := f.name("analyst")
	f.w.must(f.w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: name,
		SecurityProfileIDs: []string{string(f.w.profiles["QualityAnalyst"])}}, Password: "password-123"}, nil)
	return f.w.login(name, "password-123")
}

func (f *fixtures) status(t parley.AgentStatusType) string {
	var l api.List[api.AgentStatus]
	f.w.must(f.w.admin, "GET", "/v1/agent-statuses", nil, &l)
	for _, s := range l.Items {
		if s.Type == string(t) {
			return s.ID
		}
	}
	f.w.t.Fatalf("no %s status", t)
	return ""
}

// offer puts a new chat contact in the agent's personal queue: it rings them.
func (f *fixtures) offer(agent string) string {
	f.n++
	id := parley.ContactID(fmt.Sprintf("contact-%d", f.n))
	res, err := f.w.router.Enqueue(context.Background(), routing.EnqueueRequest{QueueID: routing.AgentQueueID(parley.UserID(agent)),
		Contact: &parley.Contact{ID: id, Channel: parley.ChannelChat, InitiationMethod: parley.InitAPI}})
	if err != nil || res.State != parley.ContactIncoming {
		f.w.t.Fatalf("offer to %s: %+v %v", agent, res, err)
	}
	return string(id)
}

// inACW gives the agent a contact in after-contact work.
func (f *fixtures) inACW(c *api.Client, agent string) string {
	id := f.offer(agent)
	f.w.must(c, "POST", "/v1/agent/contacts/"+id+"/accept", nil, nil)
	ctx := context.Background()
	if err := f.w.router.Connected(ctx, parley.ContactID(id)); err != nil {
		f.w.t.Fatal(err)
	}
	if err := f.w.router.Disconnect(ctx, parley.ContactID(id), parley.DisconnectCustomer); err != nil {
		f.w.t.Fatal(err)
	}
	return id
}

// extraScenarios lets other test files of this package produce the statuses of their routes:
// key "METHOD /pattern STATUS". They register in init().
var extraScenarios = map[string]func(f *fixtures) request{}

var itemPath = regexp.MustCompile(`^(/v1/[a-z-]+)/\{id\}$`)

func (f *fixtures) scenario(method, path string, status int) (request, bool) {
	w := f.w
	fill := func(p string, id string) string { return strings.ReplaceAll(p, "{id}", id) }
	// The other routes.
	flow := func() string { return f.create("/v1/flows") }
	published := func() string {
		id := flow()
		w.must(w.admin, "POST", "/v1/flows/"+id+"/publish", nil, nil)
		return id
	}
	key := fmt.Sprintf("%s %s %d", method, path, status)
	if sc, ok := extraScenarios[key]; ok {
		return sc(f), true
	}
	switch key {
	case "GET /v1/events 101":
		return request{client: w.admin, path: path}, true
	case "GET /v1/health 200", "GET /v1/me 200", "GET /v1/permissions 200":
		return request{client: w.admin, path: path}, true
	case "POST /v1/auth/login 200":
		return request{client: w.client(), path: path, body: api.LoginRequest{Username: "agent", Password: adminPassword}}, true
	case "POST /v1/auth/login 400":
		return request{client: w.client(), path: path, body: `{"username": 7}`}, true
	case "POST /v1/auth/login 401":
		return request{client: w.client(), path: path, body: api.LoginRequest{Username: "agent", Password: "wrong-password"}}, true
	case "POST /v1/agent/session 200":
		c, _ := f.liveAgent(false)
		return request{client: c, path: path}, true
	case "POST /v1/agent/session 400": // the agent has no routing profile
		return request{client: w.agent, path: path}, true
	case "DELETE /v1/agent/session 204", "GET /v1/agent 200":
		c, _ := f.liveAgent(false)
		return request{client: c, path: path}, true
	case "DELETE /v1/agent/session 404", "GET /v1/agent 404":
		return request{client: w.agent, path: path}, true
	case "DELETE /v1/agent/session 409": // a contact is ringing
		c, id := f.liveAgent(true)
		f.offer(id)
		return request{client: c, path: path}, true
	case "PUT /v1/agent/status 200":
		c, _ := f.liveAgent(false)
		return request{client: c, path: path, body: api.SetStatusRequest{StatusID: f.status(parley.StatusRoutable)}}, true
	case "PUT /v1/agent/status 400":
		c, _ := f.liveAgent(false)
		return request{client: c, path: path, body: api.SetStatusRequest{}}, true
	case "PUT /v1/agent/status 404":
		c, _ := f.liveAgent(false)
		return request{client: c, path: path, body: api.SetStatusRequest{StatusID: "no-such-status"}}, true
	case "POST /v1/agent/contacts/{id}/accept 204", "POST /v1/agent/contacts/{id}/reject 204":
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.offer(id))}, true
	case "POST /v1/agent/contacts/{id}/accept 404", "POST /v1/agent/contacts/{id}/reject 404", "POST /v1/agent/contacts/{id}/clear 404":
		c, _ := f.liveAgent(true)
		return request{client: c, path: fill(path, "no-such-contact")}, true
	case "POST /v1/agent/contacts/{id}/accept 409", "POST /v1/agent/contacts/{id}/reject 409":
		c, id := f.liveAgent(true)
		contact := f.offer(id)
		w.must(c, "POST", "/v1/agent/contacts/"+contact+"/accept", nil, nil)
		return request{client: c, path: fill(path, contact)}, true
	case "POST /v1/agent/contacts/{id}/clear 204":
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.inACW(c, id))}, true
	case "POST /v1/agent/contacts/{id}/clear 409": // still ringing, not in after-contact work
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.offer(id))}, true
	case "GET /v1/contacts 200":
		return request{client: w.admin, path: path + "?channel=CHAT&limit=10&since=2026-01-01T00:00:00Z"}, true
	case "GET /v1/contacts 400":
		return request{client: w.admin, path: path + "?channel=FAX"}, true
	case "GET /v1/contacts/{id} 200":
		return request{client: w.admin, path: fill(path, f.storedContact())}, true
	case "GET /v1/contacts/{id}/record 200":
		id := f.storedContact()
		if err := w.svc.CTRs.SaveCTR(context.Background(), &parley.CTR{ContactID: parley.ContactID(id), Channel: parley.ChannelTask,
			InitiationMethod: parley.InitAPI, InitiationTimestamp: time.Now()}); err != nil {
			w.t.Fatal(err)
		}
		return request{client: w.admin, path: fill(path, id)}, true
	case "GET /v1/contacts/{id} 404", "GET /v1/contacts/{id}/record 404":
		return request{client: w.admin, path: fill(path, "no-such-contact")}, true
	case "GET /v1/contacts/{id}/flow-logs 200":
		return request{client: w.admin, path: fill(path, f.storedContact())}, true
	case "GET /v1/agent/queues 200", "GET /v1/agent/quick-connects 200":
		return request{client: w.agent, path: path}, true
	case "GET /v1/agent/contacts/{id} 200":
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.offer(id))}, true
	case "GET /v1/agent/contacts/{id} 404", "PUT /v1/agent/contacts/{id}/attributes 404": // someone else's (or completed: gone)
		_, other := f.liveAgent(true)
		c, _ := f.liveAgent(true)
		return request{client: c, path: fill(path, f.offer(other)), body: api.SetAttributesRequest{Attributes: map[string]string{"note": "x"}}}, true
	case "PUT /v1/agent/contacts/{id}/attributes 204":
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.inACW(c, id)), body: api.SetAttributesRequest{Attributes: map[string]string{"disposition": "RESOLVED"}}}, true
	case "PUT /v1/agent/contacts/{id}/attributes 400":
		c, id := f.liveAgent(true)
		return request{client: c, path: fill(path, f.offer(id)), body: api.SetAttributesRequest{Attributes: map[string]string{"parley:flowId": "x"}}}, true
	case "GET /v1/agent/statuses 200":
		return request{client: w.agent, path: path}, true
	case "GET /v1/agents 200", "GET /v1/metrics/current 200":
		f.liveAgent(true)
		return request{client: w.admin, path: path}, true
	case "PUT /v1/agents/{id}/status 200":
		_, id := f.liveAgent(true)
		return request{client: w.admin, path: fill(path, id), body: api.SetStatusRequest{StatusID: f.status(parley.StatusOffline)}}, true
	case "PUT /v1/agents/{id}/status 400":
		_, id := f.liveAgent(true)
		return request{client: w.admin, path: fill(path, id), body: `{"statusId": 3}`}, true
	case "PUT /v1/agents/{id}/status 404":
		return request{client: w.admin, path: fill(path, "no-such-agent"), body: api.SetStatusRequest{StatusID: f.status(parley.StatusOffline)}}, true
	case "GET /v1/metrics/history 200":
		return request{client: w.admin, path: path + "?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&groupBy=QUEUE"}, true
	case "GET /v1/metrics/history 400":
		return request{client: w.admin, path: path + "?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z"}, true
	case "GET /v1/events 400": // not a websocket handshake
		return request{client: w.admin, path: path}, true
	case "POST /v1/auth/login 429":
		for range 5 {
			w.do(w.client(), "POST", path, api.LoginRequest{Username: "analyst", Password: "wrong-password"}, nil)
		}
		return request{client: w.client(), path: path, body: api.LoginRequest{Username: "analyst", Password: "wrong-password"}}, true
	case "POST /v1/auth/logout 204":
		return request{client: w.login("agent", adminPassword), path: path}, true
	case "GET /v1/audit 200":
		return request{client: w.admin, path: path + "?entityType=queue&limit=5"}, true
	case "GET /v1/audit 400":
		return request{client: w.admin, path: path + "?limit=many"}, true
	case "PUT /v1/users/{id}/password 204":
		return request{client: w.admin, path: fill(path, f.create("/v1/users")), body: api.PasswordRequest{Password: "new-password-1"}}, true
	case "PUT /v1/users/{id}/password 400":
		return request{client: w.admin, path: fill(path, f.create("/v1/users")), body: api.PasswordRequest{Password: "short"}}, true
	case "PUT /v1/users/{id}/password 404":
		return request{client: w.admin, path: fill(path, "no-such-id"), body: api.PasswordRequest{Password: "new-password-1"}}, true
	case "POST /v1/flows/{id}/publish 200":
		return request{client: w.admin, path: fill(path, flow())}, true
	case "POST /v1/flows/{id}/publish 400":
		if testFlowValidator == nil {
			return request{}, false
		}
		var fl api.Flow
		w.must(w.admin, "POST", "/v1/flows", map[string]any{"name": f.name("Broken"), "type": "CONTACT_FLOW",
			"content": `{"Version":"2019-10-30","StartAction":"nowhere","Actions":[]}`}, &fl)
		return request{client: w.admin, path: fill(path, fl.ID)}, true
	case "POST /v1/flows/{id}/publish 404", "GET /v1/flows/{id}/versions 404":
		return request{client: w.admin, path: fill(path, "no-such-id")}, true
	case "GET /v1/flows/{id}/versions 200":
		return request{client: w.admin, path: fill(path, published())}, true
	case "GET /v1/flows/{id}/versions/{version} 200":
		return request{client: w.admin, path: strings.ReplaceAll(fill(path, published()), "{version}", "1")}, true
	case "GET /v1/flows/{id}/versions/{version} 400":
		return request{client: w.admin, path: strings.ReplaceAll(fill(path, flow()), "{version}", "latest")}, true
	case "GET /v1/flows/{id}/versions/{version} 404":
		return request{client: w.admin, path: strings.ReplaceAll(fill(path, flow()), "{version}", "3")}, true
	case "POST /v1/flows/{id}/rollback 200":
		return request{client: w.admin, path: fill(path, published()), body: api.FlowRollbackRequest{Version: 1}}, true
	case "POST /v1/flows/{id}/rollback 400":
		return request{client: w.admin, path: fill(path, published()), body: api.FlowRollbackRequest{}}, true
	case "POST /v1/flows/{id}/rollback 404":
		return request{client: w.admin, path: fill(path, published()), body: api.FlowRollbackRequest{Version: 9}}, true
	}
	switch status {
	case 401:
		return request{client: w.client(), path: fill(path, "x")}, true
	case 403:
		if path == "/v1/agent" || strings.HasPrefix(path, "/v1/agent/") || strings.HasPrefix(path, "/v1/tasks") { // agents may; a quality analyst may not
			return request{client: f.analyst(), path: fill(path, "x"), body: map[string]any{}}, true
		}
		return request{client: w.agent, path: fill(path, "x"), body: map[string]any{}}, true
	}
	// Generic CRUD collections and items.
	if _, ok := f.valid[path]; ok {
		switch {
		case method == "GET" && status == 200:
			return request{client: w.admin, path: path}, true
		case method == "POST" && status == 201:
			return request{client: w.admin, path: path, body: f.valid[path]()}, true
		case method == "POST" && status == 400:
			return request{client: w.admin, path: path, body: `{"bogus": true}`}, true
		case method == "POST" && status == 409:
			b := f.valid[path]()
			w.must(w.admin, "POST", path, b, nil)
			return request{client: w.admin, path: path, body: b}, true
		}
	}
	if m := itemPath.FindStringSubmatch(path); m != nil {
		coll := m[1]
		if _, ok := f.valid[coll]; ok {
			switch {
			case status == 404:
				return request{client: w.admin, path: fill(path, "no-such-id"), body: f.updateBody(coll)}, true
			case method == "GET" && status == 200:
				return request{client: w.admin, path: fill(path, f.create(coll))}, true
			case method == "PUT" && status == 200:
				return request{client: w.admin, path: fill(path, f.create(coll)), body: f.updateBody(coll)}, true
			case method == "PUT" && status == 400:
				return request{client: w.admin, path: fill(path, f.create(coll)), body: `{"bogus": true}`}, true
			case method == "PUT" && status == 409:
				a, b := f.create(coll), f.valid[coll]()
				w.must(w.admin, "POST", coll, b, nil)
				body := f.updateBody(coll)
				body[f.uniqueField(coll)] = b[f.uniqueField(coll)]
				return request{client: w.admin, path: fill(path, a), body: body}, true
			case method == "DELETE" && status == 204:
				return request{client: w.admin, path: fill(path, f.create(coll))}, true
			case method == "DELETE" && status == 409 && f.inUse[coll] != nil:
				return request{client: w.admin, path: fill(path, f.inUse[coll]())}, true
			}
		}
	}
	return request{}, false
}
