package ws

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sqlite"
)

// rig is a hub over a real store, fed by a channel, served over HTTP with a session chosen per
// request by the "as" query parameter.
type rig struct {
	t     *testing.T
	store *sqlite.RoutingStore
	hub   *Hub
	in    chan parley.RoutingEvent
	url   string
	n     int
	watch *subscription // sees every broadcast, so publish knows when the hub is done
}

var sessions = map[string]*parley.Session{
	"supervisor": {UserID: "sup", Permissions: []parley.Permission{parley.PermAccessMetrics}},
	"agent1":     {UserID: "agent1", Permissions: []parley.Permission{parley.PermBasicAgentAccess}},
}

func newRig(t *testing.T, buffer int) *rig {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "parley.db"))
	db.Logger = slog.New(slog.DiscardHandler)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := &rig{t: t, store: sqlite.NewRoutingStore(db), in: make(chan parley.RoutingEvent)}
	r.hub = NewHub(r.store)
	r.hub.SubscriberBuffer = buffer
	r.watch, _ = r.hub.subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.hub.Run(ctx, r.in, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := parley.NewContextWithSession(req.Context(), sessions[req.URL.Query().Get("as")])
		if err := r.hub.ServeEvents(w, req.WithContext(ctx)); err != nil {
			http.Error(w, string(parley.ErrorCodeOf(err))+": "+parley.ErrorMessage(err), http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	r.url = "ws" + strings.TrimPrefix(srv.URL, "http")
	return r
}

// publish sends a contact event for agent and returns once the hub has stored and broadcast it.
func (r *rig) publish(agent parley.UserID) {
	r.n++
	r.in <- parley.RoutingEvent{Timestamp: time.Unix(int64(r.n), 0).UTC(), Contact: &parley.ContactEvent{
		Type: parley.ContactEventOffered, ContactID: parley.ContactID("c" + string(rune('0'+r.n))), AgentID: agent, Channel: parley.ChannelChat}}
	if ev := <-r.watch.ch; ev.Seq != int64(r.n) {
		r.t.Fatalf("broadcast seq %d, want %d", ev.Seq, r.n)
	}
}

func (r *rig) dial(query string) *websocket.Conn {
	r.t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(r.url+"?"+query, nil)
	if err != nil {
		r.t.Fatalf("dial %s: %v (%v)", query, err, resp)
	}
	r.t.Cleanup(func() { c.Close() })
	return c
}

func read(t *testing.T, c *websocket.Conn) api.Event {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev api.Event
	if err := c.ReadJSON(&ev); err != nil {
		t.Fatalf("read: %v", err)
	}
	return ev
}

func TestReplayThenLive(t *testing.T) {
	r := newRig(t, 16)
	r.publish("agent1")
	r.publish("agent2")
	r.publish("agent1")
	c := r.dial("as=supervisor&after=1")
	for _, want := range []int64{2, 3} {
		if ev := read(t, c); ev.Seq != want || ev.Type != "contact" || ev.Contact.Type != "OFFERED" {
			t.Fatalf("replayed %+v, want seq %d", ev, want)
		}
	}
	r.publish("agent2")
	if ev := read(t, c); ev.Seq != 4 || ev.Contact.AgentID != "agent2" {
		t.Fatalf("live %+v, want seq 4", ev)
	}
}

func TestLatestSkipsHistory(t *testing.T) {
	r := newRig(t, 16)
	r.publish("agent1")
	r.publish("agent1")
	c := r.dial("as=supervisor&after=latest")
	r.publish("agent2")
	if ev := read(t, c); ev.Seq != 3 {
		t.Fatalf("after=latest read %+v, want the first new event (3)", ev)
	}
}

func TestAgentSeesOwnEvents(t *testing.T) {
	r := newRig(t, 16)
	r.publish("agent1")
	r.publish("agent2")
	c := r.dial("as=agent1")
	if ev := read(t, c); ev.Seq != 1 {
		t.Fatalf("agent1 got %+v, want its own event 1", ev)
	}
	r.publish("agent2")
	r.publish("agent1")
	if ev := read(t, c); ev.Seq != 4 || ev.Contact.AgentID != "agent1" {
		t.Fatalf("agent1 got %+v, want event 4 (not 3, agent2's)", ev)
	}
}

func TestBadRequests(t *testing.T) {
	r := newRig(t, 16)
	_, resp, err := websocket.DefaultDialer.Dial(r.url+"?as=supervisor&after=-3", nil)
	if err == nil || resp.StatusCode != 400 {
		t.Fatalf("after=-3: %v %v", err, resp)
	}
	plain, err := http.Get(strings.Replace(r.url, "ws", "http", 1) + "?as=supervisor")
	if err != nil {
		t.Fatal(err)
	}
	plain.Body.Close()
	if plain.StatusCode != 400 {
		t.Fatalf("plain GET: %d, want 400", plain.StatusCode)
	}
	h := NewHub(nil)
	if err := h.ServeEvents(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1/events", nil)); parley.ErrorCodeOf(err) != parley.EUnauthorized {
		t.Fatalf("no session: %v", err)
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	h := NewHub(nil)
	h.SubscriberBuffer = 2
	slow, _ := h.subscribe()
	fast, _ := h.subscribe()
	for i := range 3 {
		h.broadcast([]*parley.RoutingEvent{{Seq: int64(i + 1)}})
		<-fast.ch
	}
	select {
	case <-slow.dropped:
	default:
		t.Fatal("a subscriber three events behind with a buffer of two was not dropped")
	}
	select {
	case <-fast.dropped:
		t.Fatal("a subscriber that kept up was dropped")
	default:
	}
	if h.lastSeq != 3 {
		t.Fatalf("lastSeq = %d", h.lastSeq)
	}
}

type failingStore struct{ parley.EventStore }

func (failingStore) LastRoutingEventSeq(context.Context) (int64, error) { return 0, nil }
func (failingStore) AppendRoutingEvents(context.Context, []*parley.RoutingEvent) error {
	return errors.New("disk full")
}

func TestPersistFailureDropsSubscribers(t *testing.T) {
	h := NewHub(failingStore{})
	h.Logger = slog.New(slog.DiscardHandler)
	sub, _ := h.subscribe()
	in := make(chan parley.RoutingEvent, 1)
	in <- parley.RoutingEvent{}
	close(in)
	if err := h.Run(context.Background(), in, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sub.dropped:
	default:
		t.Fatal("subscriber kept after events could not be stored")
	}
}

func TestOverflowDropsSubscribers(t *testing.T) {
	r := newRig(t, 16)
	sub, _ := r.hub.subscribe()
	in := make(chan parley.RoutingEvent, 1)
	in <- parley.RoutingEvent{ID: "x"}
	close(in)
	if err := r.hub.Run(context.Background(), in, func() bool { return true }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sub.dropped:
	default:
		t.Fatal("subscriber kept after the publisher overflowed")
	}
}
