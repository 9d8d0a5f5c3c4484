package chat_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/parley"
)

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestChatEndToEnd: a customer chats through a menu flow into a queue, an agent accepts through
// the router, they exchange messages and attachments, the customer reconnects and resumes
// without loss or duplicates, the agent transfers the chat to another queue, a second agent
// accepts and ends it, and the transcript holds everything.
func TestChatEndToEnd(t *testing.T) {
	w := newWorld(t, 3)
	w.agent("ann")
	ctx := w.ctx

	start := w.start(chat.StartRequest{DisplayName: "Chris", Attributes: map[string]string{"name": "Chris"}})
	id := parley.ContactID(start.ContactID)
	cust := w.connect(start.ParticipantToken, 0)
	if cust.ack.ParticipantID != start.ParticipantID || cust.ack.ContactID != start.ContactID {
		t.Fatalf("ack %+v does not match the start %+v", cust.ack, start)
	}
	joined := cust.untilEvent(parley.ChatEventParticipantJoined, parley.ChatRoleCustomer)
	if joined.DisplayName != "Chris" || joined.ID != 1 {
		t.Fatalf("customer joined = %+v", joined)
	}
	if hello := cust.untilText("Hello Chris!"); hello.ParticipantRole != "SYSTEM" {
		t.Fatalf("greeting from %s", hello.ParticipantRole)
	}
	cust.untilText("Type 1 for sales, 2 for support.")
	cust.say("3", "c1") // no such option: the menu again
	cust.untilText("Type 1 for sales, 2 for support.")
	one := cust.say("1", "c2")
	// A read receipt after the choice: once it comes back, the choice was handled.
	cust.send(chat.ClientFrame{Type: chat.ClientEvent, Event: "MESSAGE_READ", MessageID: one.ID})
	cust.until("read receipt", func(f chat.Frame) bool { return f.Event == "MESSAGE_READ" && f.MessageID == one.ID })
	if got := w.offered("ann"); len(got) != 1 || got[0] != id {
		t.Fatalf("ann is offered %v, want %s", got, id)
	}
	stored, err := w.contacts.FindContactByID(ctx, id)
	w.ok(err)
	if stored.Channel != parley.ChannelChat || stored.QueueID != "sales" || stored.Attributes["routed"] != "yes" || stored.Attributes["name"] != "Chris" {
		t.Fatalf("stored contact = %+v", stored)
	}

	// Ann accepts through the router; the chat learns of it from the router's events.
	w.ok(w.router.Accept(ctx, "ann", id))
	if f := cust.untilEvent(parley.ChatEventParticipantJoined, parley.ChatRoleAgent); f.DisplayName != "ann" {
		t.Fatalf("agent joined = %+v", f)
	}
	ann := w.agentStream("ann", id, 0)
	ann.until("customer's choice", func(it *parley.ChatItem) bool { return it.Content == "1" })
	if c, err := w.router.Contact(ctx, id); err != nil || c.State != parley.ContactConnected {
		t.Fatalf("router contact = %+v %v, want CONNECTED", c, err)
	}
	_, err = w.svc.SendChatMessage(ctx, "ann", id, "Hi Chris, Ann here.", "a1")
	w.ok(err)
	if f := cust.untilText("Hi Chris, Ann here."); f.ParticipantRole != "AGENT" || f.DisplayName != "ann" {
		t.Fatalf("agent message = %+v", f)
	}
	w.ok(w.svc.SendChatEvent(ctx, "ann", id, parley.ChatEventTyping, 0))
	if f := cust.untilEvent(parley.ChatEventTyping, parley.ChatRoleAgent); f.ID != 0 {
		t.Fatalf("typing has ID %d; typing is ephemeral", f.ID)
	}
	cust.send(chat.ClientFrame{Type: chat.ClientEvent, Event: "TYPING"})
	ann.until("customer typing", func(it *parley.ChatItem) bool { return it.Event == parley.ChatEventTyping })
	cust.say("I need a quote.", "c3")
	ann.untilText("I need a quote.")

	// Attachments both ways.
	st, img, e := w.upload(start.ParticipantToken, "photo.png", pngBytes)
	if st != 201 || img.Type != chat.FrameAttachment || img.Attachment.ContentType != "image/png" || img.Attachment.Name != "photo.png" {
		t.Fatalf("upload = %d %+v %+v", st, img, e)
	}
	got := ann.until("attachment", func(it *parley.ChatItem) bool { return it.Type == parley.ChatItemAttachment })
	att, rc, err := w.svc.OpenChatAttachment(ctx, parley.ChatViewer{UserID: "ann"}, id, got.Attachment.ID)
	w.ok(err)
	data, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(data, pngBytes) || att.Size != int64(len(pngBytes)) {
		t.Fatalf("agent downloaded %d bytes (%+v)", len(data), att)
	}
	doc, err := w.svc.SendChatAttachment(ctx, "ann", id, "quote.pdf", bytes.NewReader(pdfBytes))
	w.ok(err)
	f := cust.until("agent's attachment", func(f chat.Frame) bool { return f.Type == chat.FrameAttachment && f.ParticipantRole == "AGENT" })
	resp, err := http.Get(w.url + "/v1/chat/attachments/" + f.Attachment.ID + "?token=" + url.QueryEscape(start.ParticipantToken))
	w.ok(err)
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(data, pdfBytes) || resp.Header.Get("Content-Type") != "application/pdf" || doc.Attachment.Name != "quote.pdf" {
		t.Fatalf("customer download: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}

	// The customer's connection drops; the agent writes meanwhile; the customer comes back
	// after the last ID seen and gets exactly what they missed.
	cust.conn.Close()
	_, err = w.svc.SendChatMessage(ctx, "ann", id, "Are you there?", "a2")
	w.ok(err)
	_, err = w.svc.SendChatMessage(ctx, "ann", id, "The quote is attached.", "a3")
	w.ok(err)
	before := cust.last
	cust = w.connect(start.ParticipantToken, before)
	if cust.ack.LastID != before+2 {
		t.Fatalf("ack lastId = %d, want %d", cust.ack.LastID, before+2)
	}
	if f := cust.read(); f.Content != "Are you there?" || f.ID != before+1 {
		t.Fatalf("first frame after resume = %+v", f)
	}
	if f := cust.read(); f.Content != "The quote is attached." {
		t.Fatalf("second frame after resume = %+v", f)
	}
	// A resend of a message the server already has (same clientId) is not a new item.
	cust.send(chat.ClientFrame{Type: chat.ClientMessage, Content: "I need a quote.", ClientID: "c3"})
	if f := cust.say("Thanks!", "c4"); f.ID != before+3 {
		t.Fatalf("message after a resend has ID %d, want %d (the resend made an item)", f.ID, before+3)
	}
	ann.untilText("Thanks!")

	// Ann transfers the chat to support and goes offline after it.
	w.ok(w.router.SetStatus(ctx, "ann", stOffline))
	next, err := w.svc.TransferChat(ctx, "ann", id, parley.ChatTransfer{QueueID: "support"})
	w.ok(err)
	cust.untilEvent(parley.ChatEventParticipantLeft, parley.ChatRoleAgent)
	if f := cust.untilEvent(parley.ChatEventTransferred, ""); f.ContactID != string(next) {
		t.Fatalf("transfer event %+v, want contact %s", f, next)
	}
	ann.eof()
	if _, err := w.svc.SendChatMessage(ctx, "ann", id, "still here?", ""); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Fatalf("ann writing after the transfer: %v, want conflict", err)
	}
	w.ok(w.router.ClearACW(ctx, "ann", id))

	w.agent("bob")
	if got := w.offered("bob"); len(got) != 1 || got[0] != next {
		t.Fatalf("bob is offered %v, want %s", got, next)
	}
	w.ok(w.router.Accept(ctx, "bob", next))
	cust.untilEvent(parley.ChatEventParticipantJoined, parley.ChatRoleAgent)
	bob := w.agentStream("bob", next, 0) // the whole chat, from the start
	bob.untilText("I need a quote.")
	_, err = w.svc.SendChatMessage(ctx, "bob", next, "Bob from support: done.", "")
	w.ok(err)
	cust.untilText("Bob from support: done.")
	cust.say("Great, bye.", "c5")
	bob.untilText("Great, bye.")
	w.ok(w.svc.EndChat(ctx, "bob", next))
	if f := cust.untilEvent(parley.ChatEventEnded, ""); f.Content != string(parley.DisconnectAgent) {
		t.Fatalf("chat ended = %+v", f)
	}
	if code := cust.closed(); code != websocket.CloseNormalClosure {
		t.Fatalf("close code %d", code)
	}
	bob.eof()
	w.ok(w.router.ClearACW(ctx, "bob", next))

	// The transcript: everything, in order, from either contact of the chat.
	tr, err := w.svc.ChatTranscript(ctx, parley.ChatViewer{UserID: "bob"}, id)
	w.ok(err)
	var kinds []string
	for i, it := range tr.Items {
		if it.ID != int64(i+1) || it.ChatID != id {
			t.Fatalf("item %d = %+v", i, it)
		}
		k := string(it.Type)
		if it.Type == parley.ChatItemEvent {
			k = string(it.Event)
		}
		kinds = append(kinds, k)
	}
	want := []string{"PARTICIPANT_JOINED", "MESSAGE", "MESSAGE", "MESSAGE", "MESSAGE", "MESSAGE", "MESSAGE_READ",
		"PARTICIPANT_JOINED", "MESSAGE", "MESSAGE", "ATTACHMENT", "ATTACHMENT", "MESSAGE", "MESSAGE", "MESSAGE",
		"PARTICIPANT_LEFT", "TRANSFER_SUCCEEDED", "PARTICIPANT_JOINED", "MESSAGE", "MESSAGE", "PARTICIPANT_LEFT", "CHAT_ENDED"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Fatalf("transcript kinds:\n got %v\nwant %v", kinds, want)
	}
	last := tr.Items[len(tr.Items)-1]
	if last.ContactID != next || tr.Items[0].ContactID != id {
		t.Fatalf("contact IDs of the items: first %s, last %s", tr.Items[0].ContactID, last.ContactID)
	}
	if _, err := w.svc.ChatTranscript(ctx, parley.ChatViewer{UserID: "eve"}, next); parley.ErrorCodeOf(err) != parley.EForbidden {
		t.Fatalf("transcript for a stranger: %v", err)
	}
	if _, err := w.svc.ChatTranscript(ctx, parley.ChatViewer{UserID: "eve", Any: true}, next); err != nil {
		t.Fatalf("transcript with ContactSearch.View: %v", err)
	}
	row, err := w.contacts.FindContactByID(ctx, next)
	w.ok(err)
	if row.InitialContactID != id || row.PreviousContactID != id || row.InitiationMethod != parley.InitQueueTransfer || row.DisconnectReason != parley.DisconnectAgent {
		t.Fatalf("stored transferred contact = %+v", row)
	}
}

// TestChatConcurrency: an agent with chat concurrency 3 gets the 4th chat only when one of the
// three ends and its after-contact work is cleared.
func TestChatConcurrency(t *testing.T) {
	w := newWorld(t, 3)
	w.agent("ann")
	ctx := w.ctx
	var ids []parley.ContactID
	var custs []*customer
	for i := range 4 {
		s := w.start(chat.StartRequest{FlowID: "queue", DisplayName: "Customer " + string(rune('A'+i))})
		ids = append(ids, parley.ContactID(s.ContactID))
		custs = append(custs, w.connect(s.ParticipantToken, 0))
	}
	if got := w.offered("ann"); len(got) != 3 {
		t.Fatalf("ann is offered %d chats, want 3", len(got))
	}
	for i := range 3 {
		w.ok(w.router.Accept(ctx, "ann", ids[i]))
		custs[i].untilEvent(parley.ChatEventParticipantJoined, parley.ChatRoleAgent)
	}
	state := func(id parley.ContactID) parley.ContactState {
		c, err := w.router.Contact(ctx, id)
		w.ok(err)
		return c.State
	}
	if s := state(ids[3]); s != parley.ContactQueued {
		t.Fatalf("4th chat is %s while ann has 3, want QUEUED", s)
	}
	w.ok(w.svc.EndChat(ctx, "ann", ids[0]))
	custs[0].untilEvent(parley.ChatEventEnded, "")
	if s := state(ids[3]); s != parley.ContactQueued {
		t.Fatalf("4th chat is %s while ann is in after-contact work, want QUEUED", s)
	}
	w.ok(w.router.ClearACW(ctx, "ann", ids[0]))
	if s := state(ids[3]); s != parley.ContactIncoming {
		t.Fatalf("4th chat is %s once a slot is free, want INCOMING", s)
	}
	w.ok(w.router.Accept(ctx, "ann", ids[3]))
	custs[3].untilEvent(parley.ChatEventParticipantJoined, parley.ChatRoleAgent)
}

// TestChatIdleExpiry: a chat nobody writes in for IdleTimeout ends with reason EXPIRED; any
// message restarts the time.
func TestChatIdleExpiry(t *testing.T) {
	w := newWorld(t, 1, func(s *chat.Service) { s.IdleTimeout = 10 * time.Minute })
	ctx := w.ctx
	s := w.start(chat.StartRequest{FlowID: "queue", DisplayName: "Dana"})
	id := parley.ContactID(s.ContactID)
	cust := w.connect(s.ParticipantToken, 0)
	w.clk.Advance(9 * time.Minute)
	cust.say("anyone?", "d1")
	w.clk.Advance(9 * time.Minute)
	if c, err := w.router.Contact(ctx, id); err != nil || c.State != parley.ContactQueued {
		t.Fatalf("after 9 idle minutes: %+v %v, want QUEUED", c, err)
	}
	w.clk.Advance(time.Minute) // fires the idle timer, synchronously
	if f := cust.untilEvent(parley.ChatEventEnded, ""); f.Content != string(parley.DisconnectExpired) {
		t.Fatalf("ended = %+v", f)
	}
	if code := cust.closed(); code != websocket.CloseNormalClosure {
		t.Fatalf("close code %d", code)
	}
	if _, err := w.router.Contact(ctx, id); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("router still holds the expired chat: %v", err)
	}
	row, err := w.contacts.FindContactByID(ctx, id)
	w.ok(err)
	if row.DisconnectReason != parley.DisconnectExpired {
		t.Fatalf("stored reason %q", row.DisconnectReason)
	}
	// The customer can still read the ended chat, and cannot write.
	again := w.connect(s.ParticipantToken, 0)
	again.untilEvent(parley.ChatEventEnded, "")
	if code := again.closed(); code != websocket.CloseNormalClosure {
		t.Fatalf("close code %d", code)
	}
}

// TestChatInputTimeLimit: GetParticipantInput's time limit runs on the service's clock.
func TestChatInputTimeLimit(t *testing.T) {
	w := newWorld(t, 1)
	s := w.start(chat.StartRequest{DisplayName: "Eli"})
	cust := w.connect(s.ParticipantToken, 0)
	cust.untilText("Type 1 for sales, 2 for support.")
	w.clk.Advance(59 * time.Second)
	cust.say("hm", "e1") // not an option: the menu again, with a new time limit
	cust.untilText("Type 1 for sales, 2 for support.")
	w.clk.Advance(60 * time.Second)
	cust.untilText("Goodbye.")
	if f := cust.untilEvent(parley.ChatEventEnded, ""); f.Content != string(parley.DisconnectContactFlow) {
		t.Fatalf("ended = %+v", f)
	}
}

func TestChatLimits(t *testing.T) {
	w := newWorld(t, 1, func(s *chat.Service) { s.MaxAttachmentBytes = 1024; s.MessageBurst = 3 })
	s := w.start(chat.StartRequest{FlowID: "queue", DisplayName: "Flo"})
	cust := w.connect(s.ParticipantToken, 0)
	refused := func(f chat.ClientFrame, code, field string) {
		t.Helper()
		cust.send(f)
		e := cust.until("error", func(f chat.Frame) bool { return f.Type == chat.FrameError })
		if e.Error.Code != code || e.Error.Field != field || e.ClientID != f.ClientID {
			t.Fatalf("%+v: error %+v (clientId %q), want %s on %q", f, e.Error, e.ClientID, code, field)
		}
	}
	refused(chat.ClientFrame{Type: chat.ClientMessage, Content: strings.Repeat("x", 1025), ClientID: "long"}, "invalid", "content")
	cust.say(strings.Repeat("é", 1024), "max") // 1,024 characters is fine
	refused(chat.ClientFrame{Type: "SHOUT"}, "invalid", "type")
	refused(chat.ClientFrame{Type: chat.ClientEvent, Event: "MESSAGE_READ", MessageID: 999}, "invalid", "messageId")
	cust.say("two", "r2")
	cust.say("three", "r3")
	refused(chat.ClientFrame{Type: chat.ClientMessage, Content: "four", ClientID: "r4"}, "too_many", "")
	w.clk.Advance(time.Second) // the bucket refills
	cust.say("four", "r4")

	st, _, e := w.upload(s.ParticipantToken, "notes.txt", []byte("just text"))
	if st != 400 || e.Field != "file" || !strings.Contains(e.Message, "text/plain") {
		t.Fatalf("text upload: %d %+v", st, e)
	}
	big := append(append([]byte{}, pngBytes...), make([]byte, 2048)...)
	if st, _, e := w.upload(s.ParticipantToken, "big.png", big); st != 400 || e.Field != "file" || !strings.Contains(e.Message, "larger") {
		t.Fatalf("big upload: %d %+v", st, e)
	}
	if st, _, e := w.upload("nope", "a.png", pngBytes); st != 401 || e.Code != "unauthorized" {
		t.Fatalf("upload without a token: %d %+v", st, e)
	}
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"displayName": ""}`, "displayName"},
		{`{"displayName": "A", "colour": "red"}`, "colour"},
		{`{"displayName": "A", "flowId": "nope"}`, "flowId"},
		{`{"displayName": "A", "attributes": {"parley:x": "1"}}`, "attributes.parley:x"},
		{`[1]`, "body"},
	} {
		if st, e := w.post("/v1/chat/start", "", tc.body, nil); st != 400 || e.Field != tc.field {
			t.Errorf("start %s: %d %+v, want 400 on %s", tc.body, st, e, tc.field)
		}
	}
	resp, err := http.Get(w.url + "/v1/chat/connect?token=nope")
	w.ok(err)
	if st, e := w.answer(resp, nil); st != 401 {
		t.Fatalf("connect without a valid token: %d %+v", st, e)
	}
	resp, err = http.Get(w.url + "/v1/chat/connect?after=x&token=" + url.QueryEscape(s.ParticipantToken))
	w.ok(err)
	if st, e := w.answer(resp, nil); st != 400 || e.Field != "after" {
		t.Fatalf("bad after: %d %+v", st, e)
	}
	req, _ := http.NewRequest("OPTIONS", w.url+"/v1/chat/start", nil)
	req.Header.Set("Origin", "https://shop.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = http.DefaultClient.Do(req)
	w.ok(err)
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	var tr chat.TranscriptResponse
	resp, err = http.Get(w.url + "/v1/chat/transcript?after=1&token=" + url.QueryEscape(s.ParticipantToken))
	w.ok(err)
	if st, _ := w.answer(resp, &tr); st != 200 || len(tr.Items) == 0 || tr.Items[0].ID != 2 {
		t.Fatalf("transcript: %d %+v", st, tr)
	}
	if st, _ := w.post("/v1/chat/disconnect", s.ParticipantToken, nil, nil); st != 204 {
		t.Fatalf("disconnect: %d", st)
	}
	if f := cust.untilEvent(parley.ChatEventEnded, ""); f.Content != string(parley.DisconnectCustomer) {
		t.Fatalf("ended = %+v", f)
	}
}

func TestWidgetServed(t *testing.T) {
	w := newWorld(t, 1)
	for path, ctype := range map[string]string{"/chat/widget.js": "text/javascript", "/chat/": "text/html"} {
		resp, err := http.Get(w.url + path)
		w.ok(err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || len(body) < 100 {
			t.Errorf("GET %s: %d %q, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
	}
}
