package ws

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

const (
	replayPage   = 500
	writeTimeout = 10 * time.Second
	pingInterval = 30 * time.Second
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 16 * 1024,
	// The stream is authenticated by a bearer token, not by cookies, so a page from another
	// origin cannot ride on a user's session: any origin may connect.
	CheckOrigin: func(*http.Request) bool { return true },
}

// ServeEvents serves GET /v1/events?after=SEQ for the session in r's context: the stored events
// after SEQ that the session may see, then live ones, as api.Event JSON messages. It returns an
// error (and writes nothing) when the request is not acceptable; once upgraded it returns nil.
// Users with AccessMetrics or MonitorContacts see every event; others see their own.
func (h *Hub) ServeEvents(w http.ResponseWriter, r *http.Request) error {
	sess := parley.SessionFromContext(r.Context())
	if sess == nil {
		return parley.Errorf(parley.EUnauthorized, "sign in first")
	}
	var after int64
	latest := r.URL.Query().Get("after") == "latest"
	if v := r.URL.Query().Get("after"); v != "" && !latest {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return parley.Invalidf("after", "%q is not a sequence number (0 or more) or \"latest\"", v)
		}
		after = n
	}
	if !websocket.IsWebSocketUpgrade(r) {
		return parley.Invalidf("Upgrade", "GET /v1/events is a websocket: send a websocket handshake (Upgrade: websocket)")
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil // Upgrade has answered the client
	}
	defer conn.Close()
	visible := visibility(sess)
	sub, live := h.subscribe()
	defer h.unsubscribe(sub)
	if latest {
		after = live // nothing to replay: from the next event on
	}

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // read pump: answers pings, notices the client leaving
		defer cancel()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	send := func(ev api.Event) error {
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		return conn.WriteJSON(ev)
	}
	last := after
	resync := func() {
		_ = send(api.Event{Type: "resync", Seq: last})
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater,
			"resync: reconnect with after="+strconv.FormatInt(last, 10)), time.Now().Add(time.Second))
	}
	// Replay what is stored, up to where the live stream begins.
	for last < live {
		page, err := h.store.FindRoutingEvents(ctx, last, replayPage)
		if err != nil {
			resync()
			return nil
		}
		progressed := false
		for _, ev := range page {
			if ev.Seq > live {
				break
			}
			last, progressed = ev.Seq, true
			if visible(ev) {
				if err := send(wire(ev)); err != nil {
					return nil
				}
			}
		}
		if !progressed || len(page) < replayPage {
			break
		}
	}
	last = max(last, live)
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.dropped:
			resync()
			return nil
		case ev := <-sub.ch:
			if ev.Seq <= last {
				continue
			}
			last = ev.Seq
			if visible(ev) {
				if err := send(wire(ev)); err != nil {
					return nil
				}
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				return nil
			}
		}
	}
}

// visibility returns the filter of events a session may see.
func visibility(s *parley.Session) func(*parley.RoutingEvent) bool {
	if parley.HasPermission(s.Permissions, parley.PermAccessMetrics) || parley.HasPermission(s.Permissions, parley.PermMonitorContacts) {
		return func(*parley.RoutingEvent) bool { return true }
	}
	return func(ev *parley.RoutingEvent) bool {
		switch {
		case ev.Agent != nil:
			return ev.Agent.AgentID == s.UserID
		case ev.Contact != nil:
			return ev.Contact.AgentID == s.UserID
		}
		return false
	}
}

// wire converts an event to its wire form.
func wire(ev *parley.RoutingEvent) api.Event {
	out := api.Event{Seq: ev.Seq, ID: ev.ID, Timestamp: ev.Timestamp}
	switch {
	case ev.Contact != nil:
		out.Type = "contact"
		out.Contact, _ = api.Convert[api.ContactEvent](ev.Contact)
	case ev.Agent != nil:
		out.Type = "agent"
		out.Agent, _ = api.Convert[api.AgentEvent](ev.Agent)
	}
	return out
}
