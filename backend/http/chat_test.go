package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/parley"
)

// chatWorld is a world seen from the chat channel's side.
type chatWorld struct {
	*world
	chat    *chat.Service
	f       *fixtures
	chatURL string // the customer side: mounted on the API server, as parleyd does
}

func chatWorldOf(f *fixtures) *chatWorld {
	return &chatWorld{world: f.w, chat: f.w.chat, f: f, chatURL: f.w.url}
}

func newChatWorld(t *testing.T) *chatWorld {
	t.Helper()
	return chatWorldOf(newFixtures(newWorld(t)))
}

// agentFlow publishes a flow that puts a chat in agent's personal queue, and returns its ID.
func (cw *chatWorld) agentFlow(agent string) string {
	var f api.Flow
	cw.must(cw.admin, "POST", "/v1/flows", api.Flow{Name: cw.f.name("To agent"), Type: "CONTACT_FLOW", Content: `{"Version":"2019-10-30","StartAction":"target","Actions":[
	 {"Identifier":"target","Type":"UpdateContactTargetQueue","Parameters":{"AgentId":"` + agent + `"},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"QueueAtCapacity"},{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`}, &f)
	cw.must(cw.admin, "POST", "/v1/flows/"+f.ID+"/publish", nil, nil)
	return f.ID
}

// ringing starts a chat offered to a new agent; it returns the agent's client, their ID, the
// contact and the customer's token.
func (cw *chatWorld) ringing() (*api.Client, string, string, string) {
	cw.t.Helper()
	c, agent := cw.f.liveAgent(true)
	s, err := cw.chat.StartChat(context.Background(), chat.StartRequest{FlowID: cw.agentFlow(agent), DisplayName: "Pat", InitialMessage: "Hello?"})
	if err != nil {
		cw.t.Fatal(err)
	}
	return c, agent, s.ContactID, s.ParticipantToken
}

// connected starts a chat its agent has accepted.
func (cw *chatWorld) connected() (*api.Client, string, string, string) {
	cw.t.Helper()
	c, agent, id, token := cw.ringing()
	cw.must(c, "POST", "/v1/agent/contacts/"+id+"/accept", nil, nil)
	cw.chat.Sync(context.Background())
	return c, agent, id, token
}

// pngFile is a tiny PNG.
const pngFile = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"

func init() {
	register := func(key string, sc func(cw *chatWorld) request) {
		extraScenarios[key] = func(f *fixtures) request { return sc(chatWorldOf(f)) }
	}
	chatPath := func(id, verb string) string { return "/v1/agent/chats/" + id + "/" + verb }
	// Each agent route: 404 for an unknown contact, 409 for a chat that rings (not connected).
	for _, v := range []struct{ verb string }{{"messages"}, {"events"}, {"attachments"}, {"transfer"}, {"end"}, {"connect"}} {
		method := "POST"
		if v.verb == "connect" {
			method = "GET"
		}
		verb := v.verb
		body := map[string]string{"messages": `{"content":"hi"}`, "events": `{"event":"TYPING"}`, "attachments": pngFile, "transfer": `{"agentId":"x"}`}[verb]
		register(method+" /v1/agent/chats/{id}/"+verb+" 404", func(cw *chatWorld) request {
			c, _ := cw.f.liveAgent(true)
			return request{client: c, path: chatPath("no-such-contact", verb), body: body}
		})
		register(method+" /v1/agent/chats/{id}/"+verb+" 409", func(cw *chatWorld) request {
			c, _, id, _ := cw.ringing()
			return request{client: c, path: chatPath(id, verb), body: body}
		})
	}
	register("POST /v1/agent/chats/{id}/messages 201", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "messages"), body: api.ChatMessageRequest{Content: "How can I help?"}}
	})
	register("POST /v1/agent/chats/{id}/messages 400", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "messages"), body: api.ChatMessageRequest{Content: strings.Repeat("x", 1025)}}
	})
	register("POST /v1/agent/chats/{id}/messages 429", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		for range 3 {
			cw.must(c, "POST", chatPath(id, "messages"), api.ChatMessageRequest{Content: "one more"}, nil)
		}
		return request{client: c, path: chatPath(id, "messages"), body: api.ChatMessageRequest{Content: "too many"}}
	})
	register("POST /v1/agent/chats/{id}/events 204", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "events"), body: api.ChatEventRequest{Event: "MESSAGE_READ", MessageID: 2}}
	})
	register("POST /v1/agent/chats/{id}/events 400", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "events"), body: api.ChatEventRequest{Event: "WAVE"}}
	})
	register("POST /v1/agent/chats/{id}/attachments 201", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "attachments") + "?name=pixel.png", body: pngFile}
	})
	register("POST /v1/agent/chats/{id}/attachments 400", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "attachments") + "?name=notes.txt", body: "plain text is not allowed"}
	})
	register("POST /v1/agent/chats/{id}/attachments 429", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		for range 3 {
			cw.must(c, "POST", chatPath(id, "messages"), api.ChatMessageRequest{Content: "one more"}, nil)
		}
		return request{client: c, path: chatPath(id, "attachments") + "?name=pixel.png", body: pngFile}
	})
	register("POST /v1/agent/chats/{id}/transfer 200", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "transfer"), body: api.ChatTransferRequest{QueueID: cw.chatQueue()}}
	})
	register("POST /v1/agent/chats/{id}/transfer 400", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "transfer"), body: api.ChatTransferRequest{}}
	})
	register("POST /v1/agent/chats/{id}/end 204", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "end")}
	})
	register("GET /v1/agent/chats/{id}/connect 400", func(cw *chatWorld) request { // not a websocket handshake
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "connect")}
	})
	register("GET /v1/agent/chats/{id}/connect 101", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: chatPath(id, "connect")}
	})
	register("GET /v1/contacts/{id}/transcript 200", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: "/v1/contacts/" + id + "/transcript"}
	})
	register("GET /v1/contacts/{id}/transcript 403", func(cw *chatWorld) request { // another agent's chat
		_, _, id, _ := cw.connected()
		return request{client: cw.agent, path: "/v1/contacts/" + id + "/transcript"}
	})
	register("GET /v1/contacts/{id}/transcript 404", func(cw *chatWorld) request {
		return request{client: cw.admin, path: "/v1/contacts/no-such-contact/transcript"}
	})
	attachment := func(cw *chatWorld) (*api.Client, string) {
		c, agent, id, _ := cw.connected()
		it, err := cw.chat.SendChatAttachment(context.Background(), parley.UserID(agent), parley.ContactID(id), "pixel.png", strings.NewReader(pngFile))
		if err != nil {
			cw.t.Fatal(err)
		}
		return c, "/v1/contacts/" + id + "/attachments/" + it.Attachment.ID
	}
	register("GET /v1/contacts/{id}/attachments/{attachmentId} 200", func(cw *chatWorld) request {
		c, path := attachment(cw)
		return request{client: c, path: path}
	})
	register("GET /v1/contacts/{id}/attachments/{attachmentId} 403", func(cw *chatWorld) request {
		_, path := attachment(cw)
		return request{client: cw.agent, path: path}
	})
	register("GET /v1/contacts/{id}/attachments/{attachmentId} 404", func(cw *chatWorld) request {
		c, _, id, _ := cw.connected()
		return request{client: c, path: "/v1/contacts/" + id + "/attachments/no-such-file"}
	})
}

// chatQueue is the fixture queue agents take chats from.
func (cw *chatWorld) chatQueue() string {
	var rp api.RoutingProfile
	cw.must(cw.admin, "GET", "/v1/routing-profiles/"+cw.f.routingProfile, nil, &rp)
	return rp.Queues[0].QueueID
}

// TestChatOverTheAPI: an agent takes a chat over the API and its websocket; the customer uses
// the chat channel's own API.
func TestChatOverTheAPI(t *testing.T) {
	cw := newChatWorld(t)
	c, agent, id, token := cw.ringing()
	if st, e := cw.do(c, "POST", "/v1/agent/chats/"+id+"/messages", api.ChatMessageRequest{Content: "hi"}, nil); st != 409 {
		t.Fatalf("message before accepting: %d %+v, want 409", st, e)
	}
	cw.must(c, "POST", "/v1/agent/contacts/"+id+"/accept", nil, nil)

	// The agent's websocket: the chat so far, then live.
	u := "ws" + strings.TrimPrefix(cw.url, "http") + "/v1/agent/chats/" + id + "/connect?access_token=" + url.QueryEscape(c.Token)
	cw.chat.Sync(context.Background()) // the accept reaches the chat through the router's events
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := func() api.ChatFrame {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var f api.ChatFrame
		if err := conn.ReadJSON(&f); err != nil {
			t.Fatalf("agent websocket: %v", err)
		}
		return f
	}
	until := func(match func(api.ChatFrame) bool) api.ChatFrame {
		t.Helper()
		for {
			if f := read(); match(f) {
				return f
			}
		}
	}
	if f := read(); f.Type != "CONNECTION_ACK" || f.ContactID != id {
		t.Fatalf("first frame %+v", f)
	}
	until(func(f api.ChatFrame) bool { return f.Content == "Hello?" && f.ParticipantRole == "CUSTOMER" })
	until(func(f api.ChatFrame) bool { return f.Event == "PARTICIPANT_JOINED" && f.UserID == agent })

	// The customer's websocket on the chat channel's handler.
	cu := "ws" + strings.TrimPrefix(cw.chatURL, "http") + "/v1/chat/connect?token=" + url.QueryEscape(token)
	cust, _, err := websocket.DefaultDialer.Dial(cu, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cust.Close()
	custUntil := func(match func(chat.Frame) bool) chat.Frame {
		t.Helper()
		for {
			_ = cust.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, data, err := cust.ReadMessage()
			if err != nil {
				t.Fatalf("customer websocket: %v", err)
			}
			f, err := chat.DecodeFrame(data)
			if err != nil {
				t.Fatal(err)
			}
			if match(f) {
				return f
			}
		}
	}
	// Agent → customer over the agent's websocket, and over REST.
	b, _ := json.Marshal(map[string]string{"type": "MESSAGE", "content": "Hi Pat, how can I help?", "clientId": "m1"})
	if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatal(err)
	}
	custUntil(func(f chat.Frame) bool { return f.Content == "Hi Pat, how can I help?" && f.ParticipantRole == "AGENT" })
	until(func(f api.ChatFrame) bool { return f.ClientID == "m1" })
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"MESSAGE","content":""}`)); err != nil {
		t.Fatal(err)
	}
	if f := until(func(f api.ChatFrame) bool { return f.Type == "ERROR" }); f.Error.Field != "content" {
		t.Fatalf("error frame %+v", f.Error)
	}
	var sent api.ChatItem
	cw.must(c, "POST", "/v1/agent/chats/"+id+"/messages", api.ChatMessageRequest{Content: "Over REST too."}, &sent)
	custUntil(func(f chat.Frame) bool { return f.ID == sent.ID && f.Content == "Over REST too." })
	// Customer → agent.
	b, _ = json.Marshal(chat.ClientFrame{Type: chat.ClientMessage, Content: "My order is late.", ClientID: "p1"})
	if err := cust.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatal(err)
	}
	until(func(f api.ChatFrame) bool { return f.Content == "My order is late." })

	// An attachment as multipart, downloaded back.
	var body bytes.Buffer
	fmt.Fprintf(&body, "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pixel.png\"\r\nContent-Type: image/png\r\n\r\n%s\r\n--XYZ--\r\n", pngFile)
	req, _ := http.NewRequest("POST", cw.url+"/v1/agent/chats/"+id+"/attachments", &body)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XYZ")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var att api.ChatItem
	_ = json.NewDecoder(resp.Body).Decode(&att)
	resp.Body.Close()
	if resp.StatusCode != 201 || att.Attachment == nil || att.Attachment.ContentType != "image/png" {
		t.Fatalf("multipart upload: %d %+v", resp.StatusCode, att)
	}
	req, _ = http.NewRequest("GET", cw.url+"/v1/contacts/"+id+"/attachments/"+att.Attachment.ID, nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != pngFile || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// Transfer to the fixture queue: the agent leaves; their websocket closes normally.
	var tr api.ChatTransferResponse
	cw.must(c, "POST", "/v1/agent/chats/"+id+"/transfer", api.ChatTransferRequest{QueueID: cw.chatQueue()}, &tr)
	if tr.ContactID == "" || tr.ContactID == id {
		t.Fatalf("transfer answer %+v", tr)
	}
	until(func(f api.ChatFrame) bool { return f.Event == "PARTICIPANT_LEFT" })
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("agent websocket after the transfer: %v, want a normal close", err)
	}
	custUntil(func(f chat.Frame) bool { return f.Event == "TRANSFER_SUCCEEDED" && f.ContactID == tr.ContactID })

	// The transcript: the agent of the chat, a supervisor with ContactSearch.View, not others.
	var transcript api.ChatTranscript
	cw.must(c, "GET", "/v1/contacts/"+tr.ContactID+"/transcript", nil, &transcript)
	var texts []string
	for i, it := range transcript.Items {
		if it.ID != int64(i+1) || it.ChatID != id {
			t.Fatalf("item %d: %+v", i, it)
		}
		if it.Type == "MESSAGE" {
			texts = append(texts, it.Content)
		}
	}
	want := []string{"Hello?", "Hi Pat, how can I help?", "Over REST too.", "My order is late."}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Fatalf("transcript messages %q, want %q", texts, want)
	}
	cw.must(cw.admin, "GET", "/v1/contacts/"+id+"/transcript", nil, nil)
	if st, e := cw.do(cw.agent, "GET", "/v1/contacts/"+id+"/transcript", nil, nil); st != 403 || e.Permission != "ContactSearch.View" {
		t.Fatalf("transcript for another agent: %d %+v", st, e)
	}
}

func TestChatFlowLogs(t *testing.T) {
	cw := newChatWorld(t)
	_, agent := cw.f.liveAgent(true)
	var fl api.Flow
	cw.must(cw.admin, "POST", "/v1/flows", api.Flow{Name: "Logged chat flow", Type: "CONTACT_FLOW", Content: `{"Version":"2019-10-30","StartAction":"log","Actions":[
	 {"Identifier":"log","Type":"UpdateFlowLoggingBehavior","Parameters":{"FlowLoggingBehavior":"Enabled"},"Transitions":{"NextAction":"hello"}},
	 {"Identifier":"hello","Type":"MessageParticipant","Parameters":{"Text":"Hi $.CustomerEndpoint.Address"},"Transitions":{"NextAction":"target","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"target","Type":"UpdateContactTargetQueue","Parameters":{"AgentId":"` + agent + `"},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"QueueAtCapacity"},{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`}, &fl)
	cw.must(cw.admin, "POST", "/v1/flows/"+fl.ID+"/publish", nil, nil)
	s, err := cw.chat.StartChat(context.Background(), chat.StartRequest{FlowID: fl.ID, DisplayName: "Pat"})
	if err != nil {
		t.Fatal(err)
	}
	var logs api.List[api.FlowLogEntry]
	cw.must(cw.admin, "GET", "/v1/contacts/"+s.ContactID+"/flow-logs", nil, &logs)
	var actions []string
	for _, l := range logs.Items {
		actions = append(actions, l.ActionID)
		if l.ActionID == "hello" && l.Params["Text"] != "Hi Pat" {
			t.Errorf("the logged message is %q, want the evaluated text", l.Params["Text"])
		}
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "hello target xfer") {
		t.Fatalf("logged actions %q, want hello, target and xfer in order", got)
	}
}
