package http

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func init() { channelRouteSets = append(channelRouteSets, (*Server).chatRoutes) }

func (s *Server) chatRoutes() []route {
	agentChat := func(method, verb, summary string, req, resp any, statuses []int, h func(http.ResponseWriter, *http.Request) error) route {
		return route{Method: method, Pattern: "/v1/agent/chats/{id}/" + verb, Permission: parley.PermBasicAgentAccess, Tag: "chat",
			Summary: summary, Request: req, Response: resp, Statuses: statuses, Handler: s.withChat(h)}
	}
	return []route{
		agentChat("POST", "messages", "Send a message in a chat connected to you", api.ChatMessageRequest{}, api.ChatItem{},
			[]int{201, 400, 401, 403, 404, 409, 429}, s.chatMessage),
		agentChat("POST", "events", "Send TYPING, or a MESSAGE_DELIVERED or MESSAGE_READ receipt (messageId)", api.ChatEventRequest{}, nil,
			[]int{204, 400, 401, 403, 404, 409}, s.chatEvent),
		{Method: "POST", Pattern: "/v1/agent/chats/{id}/attachments", Permission: parley.PermBasicAgentAccess, Tag: "chat",
			Summary:  "Send a file: PNG, JPEG or GIF image or PDF (checked by content); the body is the file (name in ?name=), or a multipart/form-data part \"file\"",
			Query:    []queryParam{{"name", "string", "the file name, for a raw body"}},
			MaxBody:  parley.DefaultChatAttachmentBytes + 1<<20, // the file and a multipart envelope; the chat service checks the size itself
			Response: api.ChatItem{}, Statuses: []int{201, 400, 401, 403, 404, 409, 429}, Handler: s.withChat(s.chatAttachment)},
		agentChat("POST", "transfer",
			"Transfer the chat to a queue, an agent or a quick connect; the chat continues on the new contact", api.ChatTransferRequest{}, api.ChatTransferResponse{},
			[]int{200, 400, 401, 403, 404, 409}, s.chatTransfer),
		agentChat("POST", "end", "End the chat (you enter after-contact work)", nil, nil,
			[]int{204, 401, 403, 404, 409}, s.chatEnd),
		{Method: "GET", Pattern: "/v1/agent/chats/{id}/connect", Permission: parley.PermBasicAgentAccess, Tag: "chat", QueryToken: true,
			Summary: "The chat's websocket for its agent: the items after ?after=ID, then live; send MESSAGE and EVENT frames. Browsers pass the token as ?access_token=.",
			Query: []queryParam{
				{"after", "integer", "the last item ID already seen (0: from the start)"},
				{"access_token", "string", "the session token, for clients that cannot set headers on a websocket"},
			},
			Response: api.ChatFrame{}, Statuses: []int{101, 400, 401, 403, 404, 409}, Handler: s.withChat(s.chatConnect)},
		{Method: "GET", Pattern: "/v1/contacts/{id}/transcript", Tag: "chat",
			Summary:  "The transcript of the chat a contact belongs to (every contact of the chat): for its agents, and users with ContactSearch.View",
			Response: api.ChatTranscript{}, Statuses: []int{200, 401, 403, 404}, Handler: s.withChat(s.chatTranscript)},
		{Method: "GET", Pattern: "/v1/contacts/{id}/attachments/{attachmentId}", Tag: "chat",
			Summary:  "Download an attachment of the chat a contact belongs to: for its agents, and users with ContactSearch.View",
			Statuses: []int{200, 401, 403, 404}, Handler: s.withChat(s.chatDownload)},
	}
}

// withChat answers 503 when the chat channel is not running.
func (s *Server) withChat(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.svc.Chat == nil {
			return parley.Errorf(parley.EUnavailable, "the chat channel is not running")
		}
		return h(w, r)
	}
}

func agentAndContact(r *http.Request) (parley.UserID, parley.ContactID) {
	return sessionFrom(r.Context()).UserID, parley.ContactID(r.PathValue("id"))
}

func (s *Server) chatMessage(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.ChatMessageRequest](r)
	if err != nil {
		return err
	}
	agent, id := agentAndContact(r)
	it, err := s.svc.Chat.SendChatMessage(r.Context(), agent, id, in.Content, in.ClientID)
	if err != nil {
		return err
	}
	return writeWire[api.ChatItem](w, http.StatusCreated, it)
}

func (s *Server) chatEvent(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.ChatEventRequest](r)
	if err != nil {
		return err
	}
	agent, id := agentAndContact(r)
	if err := s.svc.Chat.SendChatEvent(r.Context(), agent, id, parley.ChatEventType(in.Event), in.MessageID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) chatAttachment(w http.ResponseWriter, r *http.Request) error {
	agent, id := agentAndContact(r)
	send := func(name string, body io.Reader) error {
		it, err := s.svc.Chat.SendChatAttachment(r.Context(), agent, id, name, body)
		if err != nil {
			return err
		}
		return writeWire[api.ChatItem](w, http.StatusCreated, it)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return send(r.URL.Query().Get("name"), r.Body)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return parley.Invalidf("file", "the multipart/form-data body cannot be read: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return parley.Invalidf("file", "is required: a multipart/form-data part named \"file\"")
		}
		if err != nil {
			if isMaxBytes(err) {
				return parley.Invalidf("file", "is larger than %d bytes", maxBodyBytes)
			}
			return parley.Invalidf("file", "could not be read: %v", err)
		}
		if part.FormName() == "file" {
			return send(part.FileName(), part)
		}
	}
}

func (s *Server) chatTransfer(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.ChatTransferRequest](r)
	if err != nil {
		return err
	}
	agent, id := agentAndContact(r)
	next, err := s.svc.Chat.TransferChat(r.Context(), agent, id, parley.ChatTransfer{QueueID: parley.QueueID(in.QueueID),
		AgentID: parley.UserID(in.AgentID), QuickConnectID: parley.QuickConnectID(in.QuickConnectID)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.ChatTransferResponse{ContactID: string(next)})
	return nil
}

func (s *Server) chatEnd(w http.ResponseWriter, r *http.Request) error {
	agent, id := agentAndContact(r)
	if err := s.svc.Chat.EndChat(r.Context(), agent, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func chatViewer(r *http.Request) parley.ChatViewer {
	sess := sessionFrom(r.Context())
	return parley.ChatViewer{UserID: sess.UserID, Any: parley.HasPermission(sess.Permissions, parley.PermContactSearchView)}
}

func (s *Server) chatTranscript(w http.ResponseWriter, r *http.Request) error {
	tr, err := s.svc.Chat.ChatTranscript(r.Context(), chatViewer(r), parley.ContactID(r.PathValue("id")))
	if err != nil {
		return err
	}
	out := api.ChatTranscript{ChatID: string(tr.ChatID), Items: make([]api.ChatItem, 0, len(tr.Items))}
	for _, it := range tr.Items {
		wi, err := convert[api.ChatItem](it)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, *wi)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) chatDownload(w http.ResponseWriter, r *http.Request) error {
	att, rc, err := s.svc.Chat.OpenChatAttachment(r.Context(), chatViewer(r), parley.ContactID(r.PathValue("id")), r.PathValue("attachmentId"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(att.Size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(att.Name))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
	return nil
}

// chatClientFrame is what an agent sends on the chat websocket.
type chatClientFrame struct {
	Type      string `json:"type"` // MESSAGE or EVENT
	Content   string `json:"content,omitempty"`
	ClientID  string `json:"clientId,omitempty"`
	Event     string `json:"event,omitempty"`
	MessageID int64  `json:"messageId,omitempty"`
}

const (
	chatWriteWait  = 10 * time.Second
	chatPongWait   = 60 * time.Second
	chatPingPeriod = chatPongWait * 9 / 10
	chatFrameBytes = 16 << 10
)

func (s *Server) chatConnect(w http.ResponseWriter, r *http.Request) error {
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return parley.Invalidf("after", "%q is not an item ID (an integer, 0 or more)", v)
		}
		after = n
	}
	agent, id := agentAndContact(r)
	st, err := s.svc.Chat.SubscribeChat(r.Context(), agent, id, after)
	if err != nil {
		return err
	}
	defer st.Close()
	if !websocket.IsWebSocketUpgrade(r) {
		return parley.Invalidf("connection", "this is a websocket: open it with a websocket client")
	}
	up := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader answered
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wmu sync.Mutex
	write := func(f api.ChatFrame) error {
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		wmu.Lock()
		defer wmu.Unlock()
		_ = conn.SetWriteDeadline(time.Now().Add(chatWriteWait))
		return conn.WriteMessage(websocket.TextMessage, b)
	}
	if write(api.ChatFrame{ChatItem: api.ChatItem{Type: "CONNECTION_ACK", ContactID: string(id), UserID: string(agent)}}) != nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ping := time.NewTicker(chatPingPeriod)
		defer ping.Stop()
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-ping.C:
					if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(chatWriteWait)) != nil {
						return
					}
				}
			}
		}()
		for {
			it, err := st.Next(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				code, text := websocket.CloseNormalClosure, "chat over"
				if !errors.Is(err, io.EOF) {
					code, text = websocket.CloseTryAgainLater, "fell behind; reconnect after the last id"
				}
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(chatWriteWait))
				_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
				return
			}
			wi, err := convert[api.ChatItem](it)
			if err != nil || write(api.ChatFrame{ChatItem: *wi}) != nil {
				cancel()
				_ = conn.SetReadDeadline(time.Now())
				return
			}
		}
	}()
	conn.SetReadLimit(chatFrameBytes)
	_ = conn.SetReadDeadline(time.Now().Add(chatPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(chatPongWait)) })
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			break
		}
		_ = conn.SetReadDeadline(time.Now().Add(chatPongWait))
		f, err := decodeJSON[chatClientFrame](data)
		if err == nil {
			switch f.Type {
			case "MESSAGE":
				_, err = s.svc.Chat.SendChatMessage(r.Context(), agent, id, f.Content, f.ClientID)
			case "EVENT":
				err = s.svc.Chat.SendChatEvent(r.Context(), agent, id, parley.ChatEventType(f.Event), f.MessageID)
			default:
				err = parley.Invalidf("type", "is %q; must be MESSAGE or EVENT", f.Type)
			}
		}
		if err != nil {
			var cid string
			if f != nil {
				cid = f.ClientID
			}
			e := api.Error{Code: string(parley.ErrorCodeOf(err)), Message: parley.ErrorMessage(err)}
			if pe := parley.AsError(err); pe != nil {
				e.Field = pe.Field
			}
			if write(api.ChatFrame{ChatItem: api.ChatItem{Type: "ERROR", ClientID: cid}, Error: &e}) != nil {
				break
			}
		}
	}
	cancel()
	st.Close()
	<-done
	return nil
}
