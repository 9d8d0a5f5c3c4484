package chat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sqlite"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	stAvailable parley.AgentStatusID = "available"
	stOffline   parley.AgentStatusID = "offline"
)

// waitFor bounds every wait on the network; tests never sleep.
const waitFor = 10 * time.Second

// menuFlow greets, asks for 1 (sales) or 2 (support) and queues the chat there.
const menuFlow = `{"Version":"2019-10-30","StartAction":"welcome","Actions":[
 {"Identifier":"welcome","Type":"MessageParticipant","Parameters":{"Text":"Hello $.Attributes.name!"},"Transitions":{"NextAction":"menu"}},
 {"Identifier":"menu","Type":"GetParticipantInput","Parameters":{"Text":"Type 1 for sales, 2 for support.","InputTimeLimitSeconds":"60"},
  "Transitions":{"NextAction":"bye","Conditions":[
   {"NextAction":"set-sales","Condition":{"Operator":"Equals","Operands":["1"]}},
   {"NextAction":"set-support","Condition":{"Operator":"Equals","Operands":["2"]}}],
   "Errors":[{"NextAction":"bye","ErrorType":"InputTimeLimitExceeded"},{"NextAction":"menu","ErrorType":"NoMatchingCondition"},{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"set-sales","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"sales"},"Transitions":{"NextAction":"tag","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"set-support","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"support"},"Transitions":{"NextAction":"tag","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"tag","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"routed":"yes"}},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"Errors":[{"NextAction":"bye","ErrorType":"QueueAtCapacity"},{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"bye","Type":"MessageParticipant","Parameters":{"Text":"Goodbye."},"Transitions":{"NextAction":"end"}},
 {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`

// queueFlow queues the chat on sales at once.
const queueFlow = `{"Version":"2019-10-30","StartAction":"set","Actions":[
 {"Identifier":"set","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"sales"},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
 {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`

// flows is a FlowSource over a map.
type flows map[parley.FlowID]string

func (f flows) PublishedFlowContent(_ context.Context, id parley.FlowID) (string, error) {
	c, ok := f[id]
	if !ok {
		return "", parley.NotFoundf("flow %q not found", id)
	}
	return c, nil
}

// users knows every agent by their ID, as their username.
type users struct{}

func (users) FindUserByID(_ context.Context, id parley.UserID) (*parley.User, error) {
	return &parley.User{ID: id, Username: string(id)}, nil
}

// forward lets the router publish to a service made after it.
type forward struct {
	mu sync.Mutex
	to routing.Publisher
}

func (f *forward) Publish(ev parley.RoutingEvent) {
	f.mu.Lock()
	to := f.to
	f.mu.Unlock()
	if to != nil {
		to.Publish(ev)
	}
}

// world is a chat service on a real router, a real SQLite contact store and real HTTP.
type world struct {
	t        testing.TB
	clk      *routing.FakeClock
	router   *routing.Router
	svc      *chat.Service
	contacts *sqlite.ContactService
	url      string
	dir      string
	ctx      context.Context
}

type worldOpt func(*chat.Service)

func newWorld(t testing.TB, concurrency int, opts ...worldOpt) *world {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(t.TempDir(), "parley.db"))
	db.Logger = slog.New(slog.DiscardHandler)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := routing.NewFakeClock(t0)
	profile := parley.RoutingProfile{ID: "chat", Name: "Chat",
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelChat, Concurrency: concurrency, CrossChannelBehavior: parley.RouteCurrentChannelOnly}},
		Queues: []parley.RoutingProfileQueue{
			{QueueID: "sales", Channel: parley.ChannelChat, Priority: 1},
			{QueueID: "support", Channel: parley.ChannelChat, Priority: 1},
		}}
	pub := &forward{}
	r, err := routing.New(routing.Config{
		Queues: []parley.Queue{
			{ID: "sales", Name: "Sales", Status: parley.QueueEnabled},
			{ID: "support", Name: "Support", Status: parley.QueueEnabled},
		},
		Profiles: []parley.RoutingProfile{profile},
		Statuses: []parley.AgentStatus{
			{ID: stAvailable, Name: "Available", Type: parley.StatusRoutable, Enabled: true},
			{ID: stOffline, Name: "Offline", Type: parley.StatusOffline, Enabled: true},
		},
		RingTimeout: map[parley.Channel]time.Duration{parley.ChannelChat: time.Hour},
		Publisher:   pub,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Clock = clk
	env := &flow.MemEnv{Queues: []flow.Queue{{ID: "sales", Name: "Sales"}, {ID: "support", Name: "Support"}}}
	dir := t.TempDir()
	contacts := sqlite.NewContactService(db)
	svc := chat.New(r, contacts, flows{"menu": menuFlow, "queue": queueFlow}, env, &chat.MemoryTranscripts{}, dir)
	svc.Clock = clk
	svc.DefaultFlowID = "menu"
	svc.StartsPerMinute = -1
	svc.Users = users{}
	for _, o := range opts {
		o(svc)
	}
	pub.mu.Lock()
	pub.to = svc
	pub.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); r.Run(ctx) }()
	go func() { defer wg.Done(); svc.Run(ctx) }()
	ts := httptest.NewServer(svc.Handler())
	t.Cleanup(func() { ts.Close(); cancel(); wg.Wait() })
	return &world{t: t, clk: clk, router: r, svc: svc, contacts: contacts, url: ts.URL, dir: dir, ctx: context.Background()}
}

func (w *world) ok(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// agent logs an agent in and makes them available.
func (w *world) agent(id parley.UserID) {
	w.t.Helper()
	w.ok(w.router.Login(w.ctx, parley.User{ID: id, Username: string(id), RoutingProfileID: "chat"}))
	w.ok(w.router.SetStatus(w.ctx, id, stAvailable))
}

// offered returns the contacts ringing the agent.
func (w *world) offered(agent parley.UserID) []parley.ContactID {
	w.t.Helper()
	info, err := w.router.Agent(w.ctx, agent)
	w.ok(err)
	var out []parley.ContactID
	for _, c := range info.Snapshot.Contacts {
		if c.State == parley.ContactIncoming {
			out = append(out, c.ContactID)
		}
	}
	return out
}

// start starts a chat over HTTP.
func (w *world) start(req chat.StartRequest) chat.StartResponse {
	w.t.Helper()
	var out chat.StartResponse
	if st, e := w.post("/v1/chat/start", "", req, &out); st != 200 {
		w.t.Fatalf("start: %d %+v", st, e)
	}
	return out
}

// post sends JSON (or a string as is) and decodes a 2xx answer into out.
func (w *world) post(path, token string, in, out any) (int, chat.ErrorInfo) {
	w.t.Helper()
	var body []byte
	if s, ok := in.(string); ok {
		body = []byte(s)
	} else if in != nil {
		body, _ = json.Marshal(in)
	}
	u := w.url + path
	if token != "" {
		u += "?token=" + url.QueryEscape(token)
	}
	resp, err := http.Post(u, "application/json", bytes.NewReader(body))
	w.ok(err)
	return w.answer(resp, out)
}

func (w *world) answer(resp *http.Response, out any) (int, chat.ErrorInfo) {
	w.t.Helper()
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	w.ok(err)
	if resp.StatusCode/100 != 2 {
		var eb chat.ErrorBody
		if err := json.Unmarshal(data, &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" {
			w.t.Fatalf("%d with a body that is not an error body: %q", resp.StatusCode, data)
		}
		return resp.StatusCode, eb.Error
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			w.t.Fatalf("decode %q: %v", data, err)
		}
	}
	return resp.StatusCode, chat.ErrorInfo{}
}

// upload sends a file as the customer.
func (w *world) upload(token, name string, content []byte) (int, chat.Frame, chat.ErrorInfo) {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	w.ok(err)
	_, _ = fw.Write(content)
	w.ok(mw.Close())
	resp, err := http.Post(w.url+"/v1/chat/attachments?token="+url.QueryEscape(token), mw.FormDataContentType(), &buf)
	w.ok(err)
	var f chat.Frame
	st, e := w.answer(resp, &f)
	return st, f, e
}

// customer is a customer's websocket.
type customer struct {
	t    testing.TB
	conn *websocket.Conn
	ack  chat.Frame
	seen []chat.Frame // item frames with an ID, in order
	last int64
}

func (w *world) connect(token string, after int64) *customer {
	w.t.Helper()
	u := "ws" + strings.TrimPrefix(w.url, "http") + "/v1/chat/connect?token=" + url.QueryEscape(token) + fmt.Sprintf("&after=%d", after)
	conn, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		st := 0
		if resp != nil {
			st = resp.StatusCode
		}
		w.t.Fatalf("dial %s: %v (%d)", u, err, st)
	}
	c := &customer{t: w.t, conn: conn, last: after}
	w.t.Cleanup(func() { conn.Close() })
	c.ack = c.read()
	if c.ack.Type != chat.FrameAck {
		w.t.Fatalf("first frame %+v, want CONNECTION_ACK", c.ack)
	}
	return c
}

// read returns the next frame. Item frames must come with consecutive IDs.
func (c *customer) read() chat.Frame {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(waitFor))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	f, err := chat.DecodeFrame(data)
	if err != nil {
		c.t.Fatalf("decode frame %q: %v", data, err)
	}
	if f.ID != 0 {
		if f.ID != c.last+1 {
			c.t.Fatalf("frame ID %d after %d: lost or duplicated items (%+v)", f.ID, c.last, f)
		}
		c.last = f.ID
		c.seen = append(c.seen, f)
	}
	return f
}

// until reads frames until one matches.
func (c *customer) until(what string, match func(chat.Frame) bool) chat.Frame {
	c.t.Helper()
	for {
		f := c.read()
		if match(f) {
			return f
		}
		if f.Type == chat.FrameError {
			c.t.Fatalf("waiting for %s: error frame %+v", what, f.Error)
		}
	}
}

func (c *customer) untilText(text string) chat.Frame {
	c.t.Helper()
	return c.until("message "+text, func(f chat.Frame) bool { return f.Type == chat.FrameMessage && f.Content == text })
}

func (c *customer) untilEvent(ev parley.ChatEventType, role parley.ChatParticipantRole) chat.Frame {
	c.t.Helper()
	return c.until(string(ev), func(f chat.Frame) bool {
		return f.Type == chat.FrameEvent && f.Event == string(ev) && (role == "" || f.ParticipantRole == string(role))
	})
}

func (c *customer) send(f chat.ClientFrame) {
	c.t.Helper()
	data, _ := json.Marshal(f)
	if err := c.conn.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *customer) say(text, clientID string) chat.Frame {
	c.t.Helper()
	c.send(chat.ClientFrame{Type: chat.ClientMessage, Content: text, ClientID: clientID})
	return c.until("echo of "+text, func(f chat.Frame) bool {
		return f.Type == chat.FrameMessage && f.ClientID == clientID && f.ParticipantRole == "CUSTOMER"
	})
}

// closed waits for the server to close the socket and returns the close code.
func (c *customer) closed() int {
	c.t.Helper()
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(waitFor))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				return ce.Code
			}
			c.t.Fatalf("read: %v, want a close frame", err)
		}
		if f, err := chat.DecodeFrame(data); err == nil && f.ID != 0 {
			if f.ID != c.last+1 {
				c.t.Fatalf("frame ID %d after %d", f.ID, c.last)
			}
			c.last = f.ID
			c.seen = append(c.seen, f)
		}
	}
}

// agentStream reads an agent's stream.
type agentStream struct {
	t    testing.TB
	st   parley.ChatStream
	last int64
}

func (w *world) agentStream(agent parley.UserID, id parley.ContactID, after int64) *agentStream {
	w.t.Helper()
	st, err := w.svc.SubscribeChat(w.ctx, agent, id, after)
	w.ok(err)
	w.t.Cleanup(st.Close)
	return &agentStream{t: w.t, st: st, last: after}
}

func (a *agentStream) until(what string, match func(*parley.ChatItem) bool) *parley.ChatItem {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	for {
		it, err := a.st.Next(ctx)
		if err != nil {
			a.t.Fatalf("agent waiting for %s: %v", what, err)
		}
		if it.ID != 0 {
			if it.ID != a.last+1 {
				a.t.Fatalf("agent: item %d after %d", it.ID, a.last)
			}
			a.last = it.ID
		}
		if match(it) {
			return it
		}
	}
}

func (a *agentStream) untilText(text string) *parley.ChatItem {
	a.t.Helper()
	return a.until(text, func(it *parley.ChatItem) bool { return it.Type == parley.ChatItemMessage && it.Content == text })
}

// eof waits for the end of the agent's stream.
func (a *agentStream) eof() {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	for {
		it, err := a.st.Next(ctx)
		if err == io.EOF {
			return
		}
		if err != nil {
			a.t.Fatalf("agent stream: %v, want EOF", err)
		}
		if it.ID != 0 {
			a.last = it.ID
		}
	}
}

// pngBytes is a tiny valid PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
