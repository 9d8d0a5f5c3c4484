package http_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// dialWS opens the websocket at path with token (as ?access_token=) and returns the
// handshake's status; the connection is closed again.
func dialWS(t *testing.T, w *world, path, token string) int {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(w.url, "http")+path+"?access_token="+url.QueryEscape(token), nil)
	if err != nil {
		if resp != nil {
			return resp.StatusCode
		}
		t.Fatalf("dial events: %v", err)
	}
	c.Close()
	return resp.StatusCode
}

func eventsURL(w *world, token, after string) string {
	q := url.Values{"access_token": {token}}
	if after != "" {
		q.Set("after", after)
	}
	return "ws" + strings.TrimPrefix(w.url, "http") + "/v1/events?" + q.Encode()
}

func readEvent(t *testing.T, c *websocket.Conn) api.Event {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev api.Event
	if err := c.ReadJSON(&ev); err != nil {
		t.Fatalf("read event: %v", err)
	}
	return ev
}

func TestAgentDayOverTheAPI(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	// A supervisor watches the stream while an agent starts their day.
	sup, _, err := websocket.DefaultDialer.Dial(eventsURL(w, w.admin.Token, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sup.Close()
	c, agentID := f.liveAgent(true)
	login := readEvent(t, sup)
	if login.Type != "agent" || login.Agent.Type != "LOGIN" || login.Agent.AgentID != agentID || login.Seq == 0 {
		t.Fatalf("first event = %+v, want the agent's LOGIN", login)
	}
	change := readEvent(t, sup)
	if change.Agent == nil || change.Agent.Type != "STATE_CHANGE" || change.Agent.Current.Status.Type != "ROUTABLE" ||
		change.Agent.Previous.Status.Type != "OFFLINE" || change.Seq != login.Seq+1 {
		t.Fatalf("second event = %+v, want STATE_CHANGE Offline -> Available", change)
	}
	var statuses api.List[api.AgentStatus]
	w.must(c, "GET", "/v1/agent/statuses", nil, &statuses)
	if len(statuses.Items) != 2 || statuses.Items[0].Type != "ROUTABLE" || statuses.Items[1].Type != "OFFLINE" {
		t.Fatalf("agent statuses = %+v, want Available then Offline", statuses.Items)
	}
	var m api.RealtimeMetrics
	w.must(w.admin, "GET", "/v1/metrics/current", nil, &m)
	var online, available int
	for _, row := range m.Channels {
		if row.Channel == "CHAT" {
			online, available = row.AgentsOnline, row.AgentsAvailable
		}
	}
	if online != 1 || available != 1 {
		t.Fatalf("CHAT metrics: %d online, %d available; want 1 and 1 (%+v)", online, available, m.Channels)
	}
	// A contact rings, the agent accepts, it ends; the agent notes a disposition and clears it.
	id := f.inACW(c, agentID)
	var pop api.Contact
	w.must(c, "GET", "/v1/agent/contacts/"+id, nil, &pop)
	if pop.ID != id || pop.Channel != "CHAT" || pop.AgentID != agentID {
		t.Fatalf("screen pop = %+v", pop)
	}
	w.must(c, "PUT", "/v1/agent/contacts/"+id+"/attributes", api.SetAttributesRequest{Attributes: map[string]string{"disposition": "RESOLVED", "notes": "Sent the label."}}, nil)
	var me api.LiveAgent
	w.must(c, "GET", "/v1/agent", nil, &me)
	if len(me.Snapshot.Contacts) != 1 || me.Snapshot.Contacts[0].ContactID != id || me.Snapshot.Contacts[0].State != "ENDED" {
		t.Fatalf("agent in ACW: %+v", me.Snapshot)
	}
	w.must(c, "POST", "/v1/agent/contacts/"+id+"/clear", nil, nil)
	deadline := time.Now().Add(5 * time.Second)
	for { // the recorder stores the final record from its own goroutine
		var r api.CTR
		if st, _ := w.do(w.admin, "GET", "/v1/contacts/"+id+"/record", nil, &r); st == 200 && r.Agent != nil && r.Agent.AfterContactWorkEndTimestamp != nil {
			if r.Attributes["disposition"] != "RESOLVED" || r.Attributes["notes"] != "Sent the label." {
				t.Fatalf("the record lacks the ACW attributes: %v", r.Attributes)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the final record was not stored")
		}
	}
	// The supervisor saw the contact's life.
	var types []string
	for len(types) == 0 || types[len(types)-1] != "COMPLETED" {
		ev := readEvent(t, sup)
		if ev.Contact != nil && ev.Contact.ContactID == id {
			types = append(types, ev.Contact.Type)
		}
	}
	want := "QUEUED OFFERED CONNECTING CONNECTED_TO_AGENT DISCONNECTED COMPLETED"
	if got := strings.Join(types, " "); got != want {
		t.Fatalf("contact events = %s, want %s", got, want)
	}
	// Resuming after the LOGIN replays from the next event, in order.
	again, _, err := websocket.DefaultDialer.Dial(eventsURL(w, w.admin.Token, itoa(login.Seq)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if ev := readEvent(t, again); ev.Seq != change.Seq {
		t.Fatalf("resumed at %d, want %d", ev.Seq, change.Seq)
	}
	// The agent goes offline (force, by a supervisor) and logs out.
	var forced api.LiveAgent
	w.must(w.admin, "PUT", "/v1/agents/"+agentID+"/status", api.SetStatusRequest{StatusID: f.status(parley.StatusOffline)}, &forced)
	if forced.State != "OFFLINE" {
		t.Fatalf("forced offline: %+v", forced)
	}
	w.must(c, "DELETE", "/v1/agent/session", nil, nil)
	if st, _ := w.do(c, "GET", "/v1/agent", nil, nil); st != 404 {
		t.Fatalf("after logout: %d", st)
	}
}

func TestAgentSeesOnlyOwnEvents(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	c1, a1 := f.liveAgent(false)
	_, a2 := f.liveAgent(false)
	stream, _, err := websocket.DefaultDialer.Dial(eventsURL(w, c1.Token, "0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	ev := readEvent(t, stream)
	if ev.Agent == nil || ev.Agent.AgentID != a1 {
		t.Fatalf("agent 1 saw %+v", ev)
	}
	w.must(w.admin, "PUT", "/v1/agents/"+a2+"/status", api.SetStatusRequest{StatusID: f.status(parley.StatusRoutable)}, nil)
	w.must(c1, "PUT", "/v1/agent/status", api.SetStatusRequest{StatusID: f.status(parley.StatusRoutable)}, nil)
	if ev := readEvent(t, stream); ev.Agent == nil || ev.Agent.AgentID != a1 || ev.Agent.Type != "STATE_CHANGE" {
		t.Fatalf("agent 1 saw %+v, want only its own change", ev)
	}
}

func TestHistoricalMetricsCSV(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	start := time.Now().UTC().Add(-time.Minute)
	c, agent := f.liveAgent(true)
	id := f.inACW(c, agent)
	w.must(c, "POST", "/v1/agent/contacts/"+id+"/clear", nil, nil)
	// The recorder stores the final record from its own goroutine: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var r api.CTR
		st, _ := w.do(w.admin, "GET", "/v1/contacts/"+id+"/record", nil, &r)
		if st == 200 && r.Agent != nil && r.Agent.AfterContactWorkEndTimestamp != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the final record of %s was not stored", id)
		}
	}
	end := time.Now().UTC().Add(time.Minute)
	q := "/v1/metrics/history?start=" + start.Format(time.RFC3339) + "&end=" + end.Format(time.RFC3339) + "&groupBy=AGENT"
	req, _ := http.NewRequestWithContext(context.Background(), "GET", w.url+q+"&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+w.admin.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, resp.Body)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(lines[0], "queueId,agentId,channel,contactsQueued,contactsHandled") || !strings.Contains(lines[0], "serviceLevel600") {
		t.Fatalf("CSV: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), buf)
	}
	var row string
	for _, l := range lines[1:] {
		if strings.Contains(l, ","+agent+",") {
			row = l
		}
	}
	// queueId, agentId, channel, then contacts queued 1 and handled 1.
	if !strings.HasPrefix(row, ","+agent+",,1,1,") {
		t.Fatalf("agent row %q, want 1 contact queued and handled; CSV:\n%s", row, buf)
	}
	// The JSON form says the same.
	var m api.HistoricalMetrics
	w.must(w.admin, "GET", q, nil, &m)
	for _, r := range m.Rows {
		if r.AgentID == agent && (r.ContactsHandled != 1 || r.AvgHandleTime == nil) {
			t.Fatalf("JSON row %+v", r)
		}
	}
	if st, e := w.do(w.admin, "GET", "/v1/metrics/history?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&groupBy=TEAM", nil, nil); st != 400 || e.Field != "groupBy" {
		t.Fatalf("bad groupBy: %d %+v", st, e)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
