package http_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/parley-cc/parley/backend/api"
	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sqlite"
)

// fakeVoice is a parley.VoiceService with calls the test sets up. The voice channel itself
// (backend/sip) is tested with real SIP peers; here the API's mapping is: statuses, bodies, the
// signed-in agent passed through.
type fakeVoice struct {
	mu    sync.Mutex
	calls map[parley.ContactID]parley.UserID // contact -> connected agent
	held  map[parley.ContactID]bool
	sent  map[parley.ContactID]string
	n     int

	trunks parley.TrunkService
}

// TrunkStore makes the fake a trunk store for /v1/trunks (the real store, in the world's DB).
func (v *fakeVoice) TrunkStore() parley.TrunkService { return v.trunks }

// StartOutbound: a call connected to the agent at once; EConflict when they are on one.
func (v *fakeVoice) StartOutbound(_ context.Context, agent parley.UserID, oc parley.OutboundCall) (parley.ContactID, error) {
	if err := oc.Validate(); err != nil {
		return "", err
	}
	v.mu.Lock()
	for _, a := range v.calls {
		if a == agent {
			v.mu.Unlock()
			return "", parley.Conflictf("agent %q is already on a call", agent)
		}
	}
	v.mu.Unlock()
	return v.connect(agent), nil
}

var _ parley.VoiceCallService = (*fakeVoice)(nil)

func newFakeVoice() *fakeVoice {
	return &fakeVoice{calls: map[parley.ContactID]parley.UserID{}, held: map[parley.ContactID]bool{}, sent: map[parley.ContactID]string{}}
}

// connect makes a call connected to agent and returns its contact ID.
func (v *fakeVoice) connect(agent parley.UserID) parley.ContactID {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	id := parley.ContactID("call-" + string(rune('a'+v.n%26)) + "-" + string(agent))
	v.calls[id] = agent
	return id
}

func (v *fakeVoice) SIPCredentials(_ context.Context, agent parley.UserID) (*parley.SIPCredentials, error) {
	return &parley.SIPCredentials{Username: "agent-" + string(agent)[:4], Password: "secret", Registrar: "sip:127.0.0.1:5060", Realm: "parley"}, nil
}

func (v *fakeVoice) call(agent parley.UserID, id parley.ContactID) error {
	a, ok := v.calls[id]
	if !ok {
		return parley.NotFoundf("no call for contact %q", id)
	}
	if a != agent {
		return parley.Conflictf("contact %q is not connected to agent %q", id, agent)
	}
	return nil
}

func (v *fakeVoice) Hold(_ context.Context, agent parley.UserID, id parley.ContactID) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.call(agent, id); err != nil {
		return err
	}
	if v.held[id] {
		return parley.Conflictf("already on hold")
	}
	v.held[id] = true
	return nil
}

func (v *fakeVoice) Resume(_ context.Context, agent parley.UserID, id parley.ContactID) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.call(agent, id); err != nil {
		return err
	}
	if !v.held[id] {
		return parley.Conflictf("not on hold")
	}
	v.held[id] = false
	return nil
}

func (v *fakeVoice) SendDigits(_ context.Context, agent parley.UserID, id parley.ContactID, digits string) error {
	if err := parley.ValidateDTMF("digits", digits); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.call(agent, id); err != nil {
		return err
	}
	v.sent[id] += digits
	return nil
}

func (v *fakeVoice) Transfer(_ context.Context, agent parley.UserID, id parley.ContactID, to parley.VoiceTransfer) (parley.ContactID, error) {
	if err := to.Validate(); err != nil {
		return "", err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.call(agent, id); err != nil {
		return "", err
	}
	if to.QueueID == "full" {
		return "", parley.Errorf(parley.EUnavailable, "queue %q is at capacity", to.QueueID)
	}
	delete(v.calls, id)
	return id + "-next", nil
}

func (v *fakeVoice) Hangup(_ context.Context, agent parley.UserID, id parley.ContactID) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.call(agent, id); err != nil {
		return err
	}
	delete(v.calls, id)
	return nil
}

var _ parley.VoiceService = (*fakeVoice)(nil)

// voiceAPI is the world's API with a voice channel (the world's own API has none and answers
// 503). It shares the world's store, so the world's sessions work on it.
type voiceAPI struct {
	url   string
	voice *fakeVoice
}

var (
	voiceAPIsMu sync.Mutex
	voiceAPIs   = map[*world]*voiceAPI{}
)

func voiceAPIOf(w *world) *voiceAPI {
	voiceAPIsMu.Lock()
	defer voiceAPIsMu.Unlock()
	if v := voiceAPIs[w]; v != nil {
		return v
	}
	svc := w.svc
	v := &voiceAPI{voice: newFakeVoice()}
	v.voice.trunks = sqlite.NewTrunkService(w.db)
	svc.Voice = v.voice
	ts := httptest.NewServer(parleyhttp.NewServer(svc).Handler())
	v.url = ts.URL
	voiceAPIs[w] = v
	w.t.Cleanup(func() {
		ts.Close()
		voiceAPIsMu.Lock()
		delete(voiceAPIs, w)
		voiceAPIsMu.Unlock()
	})
	return v
}

// voiceAgent returns a client of the voice API signed in as a new agent, and the agent's ID.
func (f *fixtures) voiceAgent() (*api.Client, parley.UserID, *fakeVoice) {
	v := voiceAPIOf(f.w)
	name := f.name("caller-agent")
	var u api.User
	f.w.must(f.w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: name,
		SecurityProfileIDs: []string{string(f.w.profiles["Agent"])}}, Password: "password-123"}, &u)
	c := f.w.login(name, "password-123")
	c.BaseURL = v.url
	return c, parley.UserID(u.ID), v.voice
}

func init() {
	register := func(key string, sc func(f *fixtures) request) { extraScenarios[key] = sc }
	callPath := func(id parley.ContactID, verb string) string { return "/v1/agent/calls/" + string(id) + "/" + verb }
	register("GET /v1/agent/sip 200", func(f *fixtures) request {
		c, _, _ := f.voiceAgent()
		return request{client: c, path: "/v1/agent/sip"}
	})
	register("GET /v1/agent/sip 503", func(f *fixtures) request { // the world's API runs no voice channel
		return request{client: f.w.agent, path: "/v1/agent/sip"}
	})
	bodies := map[string]any{"dtmf": api.VoiceDigitsRequest{Digits: "12#"}, "transfer": api.VoiceTransferRequest{QueueID: "support"}}
	for _, verb := range []string{"hold", "resume", "dtmf", "transfer", "hangup"} {
		key := "POST /v1/agent/calls/{id}/" + verb
		ok := 204
		if verb == "transfer" {
			ok = 200
		}
		register(key+" "+strconv.Itoa(ok), func(f *fixtures) request {
			c, agent, v := f.voiceAgent()
			id := v.connect(agent)
			if verb == "resume" {
				f.w.must(c, "POST", callPath(id, "hold"), nil, nil)
			}
			return request{client: c, path: callPath(id, verb), body: bodies[verb]}
		})
		register(key+" 404", func(f *fixtures) request {
			c, _, _ := f.voiceAgent()
			return request{client: c, path: callPath("no-such-call", verb), body: bodies[verb]}
		})
		register(key+" 409", func(f *fixtures) request { // connected to another agent
			c, _, v := f.voiceAgent()
			return request{client: c, path: callPath(v.connect("someone-else"), verb), body: bodies[verb]}
		})
	}
	register("POST /v1/agent/calls/{id}/dtmf 400", func(f *fixtures) request {
		c, agent, v := f.voiceAgent()
		return request{client: c, path: callPath(v.connect(agent), "dtmf"), body: api.VoiceDigitsRequest{Digits: "12x"}}
	})
	register("POST /v1/agent/calls/{id}/transfer 400", func(f *fixtures) request { // two destinations
		c, agent, v := f.voiceAgent()
		return request{client: c, path: callPath(v.connect(agent), "transfer"), body: api.VoiceTransferRequest{QueueID: "q", AgentID: "a"}}
	})
	register("POST /v1/agent/calls/{id}/transfer 503", func(f *fixtures) request { // the queue is full
		c, agent, v := f.voiceAgent()
		return request{client: c, path: callPath(v.connect(agent), "transfer"), body: api.VoiceTransferRequest{QueueID: "full"}}
	})

	// Outbound calls.
	const out = "POST /v1/contacts/outbound "
	dial := api.OutboundCallRequest{DestinationPhoneNumber: "+15555550199"}
	register(out+"200", func(f *fixtures) request {
		c, _, _ := f.voiceAgent()
		return request{client: c, path: "/v1/contacts/outbound", body: dial}
	})
	register(out+"400", func(f *fixtures) request {
		c, _, _ := f.voiceAgent()
		return request{client: c, path: "/v1/contacts/outbound", body: api.OutboundCallRequest{DestinationPhoneNumber: "call me"}}
	})
	register(out+"403", func(f *fixtures) request { // a quality analyst has no OutboundCallAccess
		return request{client: f.analyst(), path: "/v1/contacts/outbound", body: dial}
	})
	register(out+"409", func(f *fixtures) request { // already on a call
		c, agent, v := f.voiceAgent()
		v.connect(agent)
		return request{client: c, path: "/v1/contacts/outbound", body: dial}
	})
	register(out+"503", func(f *fixtures) request { // the world's API runs no voice channel
		return request{client: f.w.agent, path: "/v1/contacts/outbound", body: dial}
	})

	// Trunks: served by the voice API (its voice service is the trunk store); the world's
	// API has none and answers 503.
	admin := func(f *fixtures) *api.Client {
		v := voiceAPIOf(f.w)
		c := f.w.login("admin", adminPassword)
		c.BaseURL = v.url
		return c
	}
	trunk := func(f *fixtures) api.Trunk {
		return api.Trunk{Name: f.name("Carrier"), Host: "sip.carrier.example", Username: "parley", Password: "trunk-secret"}
	}
	create := func(f *fixtures, c *api.Client) api.Trunk {
		var t api.Trunk
		f.w.must(c, "POST", "/v1/trunks", trunk(f), &t)
		return t
	}
	item := func(id string) string { return "/v1/trunks/" + id }
	register("GET /v1/trunks 200", func(f *fixtures) request { return request{client: admin(f), path: "/v1/trunks"} })
	register("POST /v1/trunks 201", func(f *fixtures) request { return request{client: admin(f), path: "/v1/trunks", body: trunk(f)} })
	register("POST /v1/trunks 400", func(f *fixtures) request {
		return request{client: admin(f), path: "/v1/trunks", body: api.Trunk{Name: f.name("Bad"), Host: "sip.example", Transport: "sctp"}}
	})
	register("POST /v1/trunks 409", func(f *fixtures) request {
		c := admin(f)
		t := create(f, c)
		return request{client: c, path: "/v1/trunks", body: api.Trunk{Name: t.Name, Host: "other.example"}}
	})
	register("GET /v1/trunks/{id} 200", func(f *fixtures) request {
		c := admin(f)
		return request{client: c, path: item(create(f, c).ID)}
	})
	register("PUT /v1/trunks/{id} 200", func(f *fixtures) request {
		c := admin(f)
		t := create(f, c)
		t.Password, t.Port = "", 5080
		return request{client: c, path: item(t.ID), body: t}
	})
	register("PUT /v1/trunks/{id} 400", func(f *fixtures) request {
		c := admin(f)
		t := create(f, c)
		t.Host = "sip.example:5060"
		return request{client: c, path: item(t.ID), body: t}
	})
	register("PUT /v1/trunks/{id} 409", func(f *fixtures) request {
		c := admin(f)
		a, b := create(f, c), create(f, c)
		b.Name = a.Name
		return request{client: c, path: item(b.ID), body: b}
	})
	register("DELETE /v1/trunks/{id} 204", func(f *fixtures) request {
		c := admin(f)
		return request{client: c, path: item(create(f, c).ID)}
	})
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		register(m+" /v1/trunks/{id} 404", func(f *fixtures) request {
			return request{client: admin(f), path: item("no-such-trunk"), body: trunk(f)}
		})
		register(m+" /v1/trunks/{id} 503", func(f *fixtures) request {
			return request{client: f.w.admin, path: item("x"), body: trunk(f)}
		})
	}
	register("GET /v1/trunks 503", func(f *fixtures) request { return request{client: f.w.admin, path: "/v1/trunks"} })
	register("POST /v1/trunks 503", func(f *fixtures) request { return request{client: f.w.admin, path: "/v1/trunks", body: trunk(f)} })
}

// TestTrunksOverTheAPI: the password is write-only and kept by a PUT without it; outbound
// calls answer with the new contact.
func TestTrunksOverTheAPI(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	v := voiceAPIOf(w)
	c := w.login("admin", adminPassword)
	c.BaseURL = v.url
	var tr api.Trunk
	w.must(c, "POST", "/v1/trunks", api.Trunk{Name: "Carrier", Host: "10.1.2.3", Username: "parley", Password: "trunk-secret", Default: true}, &tr)
	if tr.Password != "" || tr.Port != 5060 || tr.Transport != "udp" || tr.NumberFormat != "E164" || !tr.Default {
		t.Fatalf("created trunk %+v: want no password, defaults filled", tr)
	}
	tr.Transport = "tcp"
	w.must(c, "PUT", "/v1/trunks/"+tr.ID, tr, &tr)
	stored, err := v.voice.trunks.FindTrunkByID(context.Background(), parley.TrunkID(tr.ID))
	if err != nil || stored.Password != "trunk-secret" || stored.Transport != "tcp" {
		t.Fatalf("stored trunk %+v, %v: want the password kept", stored, err)
	}
	ac, agent, _ := f.voiceAgent()
	var res api.OutboundCallResponse
	w.must(ac, "POST", "/v1/contacts/outbound", api.OutboundCallRequest{DestinationPhoneNumber: "+15555550199"}, &res)
	if res.ContactID == "" {
		t.Fatal("no contact ID")
	}
	if st, e := w.do(ac, "POST", "/v1/agent/calls/"+res.ContactID+"/hold", nil, nil); st != 204 {
		t.Errorf("hold the outbound call of %s: %d %+v", agent, st, e)
	}
}

func TestVoiceOverTheAPI(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	c, agent, v := f.voiceAgent()
	var creds api.SIPCredentials
	w.must(c, "GET", "/v1/agent/sip", nil, &creds)
	if creds.Registrar != "sip:127.0.0.1:5060" || creds.Password == "" || creds.Realm != "parley" {
		t.Fatalf("credentials %+v", creds)
	}
	id := v.connect(agent)
	path := "/v1/agent/calls/" + string(id) + "/"
	w.must(c, "POST", path+"hold", nil, nil)
	if st, e := w.do(c, "POST", path+"hold", nil, nil); st != 409 || e.Code != "conflict" {
		t.Fatalf("hold twice: %d %+v", st, e)
	}
	w.must(c, "POST", path+"resume", nil, nil)
	w.must(c, "POST", path+"dtmf", api.VoiceDigitsRequest{Digits: "1#"}, nil)
	if st, e := w.do(c, "POST", path+"dtmf", api.VoiceDigitsRequest{Digits: "9!"}, nil); st != 400 || e.Field != "digits" {
		t.Fatalf("bad digits: %d %+v", st, e)
	}
	if st, e := w.do(c, "POST", path+"dtmf", `{"digits": "1", "tone": true}`, nil); st != 400 {
		t.Fatalf("unknown field: %d %+v", st, e)
	}
	var moved api.VoiceTransferResponse
	w.must(c, "POST", path+"transfer", api.VoiceTransferRequest{QuickConnectID: "qc-1"}, &moved)
	if moved.ContactID != string(id)+"-next" {
		t.Fatalf("transfer response %+v", moved)
	}
	if st, _ := w.do(c, "POST", path+"hangup", nil, nil); st != 404 {
		t.Fatalf("hang up a transferred call: %d, want 404", st)
	}
	v.mu.Lock()
	sent := v.sent[id]
	v.mu.Unlock()
	if sent != "1#" {
		t.Fatalf("digits sent %q", sent)
	}
}
