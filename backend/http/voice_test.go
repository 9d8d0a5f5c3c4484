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
}

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
