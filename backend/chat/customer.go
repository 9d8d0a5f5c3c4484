package chat

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

//go:embed web/widget.js web/index.html
var web embed.FS

// Websocket keep-alive (wall-clock time, whatever the service's Clock).
const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	closeGrace = 2 * time.Second
)

// maxStartBody bounds the body of POST /v1/chat/start.
const maxStartBody = 64 << 10

var errNoToken = parley.Errorf(parley.EUnauthorized, "a valid participant token is required (?token= or Authorization: Bearer); start a chat with POST /v1/chat/start")

// Handler serves the customer side: the API under /v1/chat/ and the web widget under /chat/.
// Mount it at both prefixes.
//
//	POST /v1/chat/start                 start a chat (StartRequest → StartResponse)
//	GET  /v1/chat/connect?token=&after= the chat's websocket (Frame / ClientFrame)
//	GET  /v1/chat/transcript?token=&after=  the items after an ID, as JSON
//	POST /v1/chat/attachments?token=&name=  send a file (the body, or multipart part "file")
//	GET  /v1/chat/attachments/{id}?token=   download an attachment
//	POST /v1/chat/disconnect?token=     end the chat
//	GET  /chat/widget.js                the embeddable widget
//	GET  /chat/                         a demo page with the widget
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/start", s.handle(s.start))
	mux.HandleFunc("GET /v1/chat/connect", s.handle(s.connect))
	mux.HandleFunc("GET /v1/chat/transcript", s.handle(s.transcript))
	mux.HandleFunc("POST /v1/chat/attachments", s.handle(s.upload))
	mux.HandleFunc("GET /v1/chat/attachments/{id}", s.handle(s.download))
	mux.HandleFunc("POST /v1/chat/disconnect", s.handle(s.disconnect))
	mux.HandleFunc("GET /chat/widget.js", func(w http.ResponseWriter, r *http.Request) {
		s.static(w, "web/widget.js", "text/javascript; charset=utf-8")
	})
	mux.HandleFunc("GET /chat/{$}", func(w http.ResponseWriter, r *http.Request) {
		s.static(w, "web/index.html", "text/html; charset=utf-8")
	})
	mux.HandleFunc("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return parley.NotFoundf("no such route; see docs/chat.md")
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && s.originAllowed(origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions && strings.HasPrefix(r.URL.Path, "/v1/chat/") {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Service) originAllowed(origin string) bool {
	return len(s.AllowedOrigins) == 0 || slices.Contains(s.AllowedOrigins, origin)
}

func (s *Service) static(w http.ResponseWriter, name, ctype string) {
	b, err := web.ReadFile(name)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

func (s *Service) handle(f func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := parley.ErrorCodeOf(err)
	if code == parley.EInternal {
		s.log().Error("chat: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == parley.EUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley-chat"`)
	}
	writeJSON(w, api.HTTPStatus(string(code)), ErrorBody{Error: *errorInfo(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// customerChat authenticates the request's participant token.
func (s *Service) customerChat(r *http.Request) (*chat, error) {
	token := r.URL.Query().Get("token")
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token == "" {
		token = strings.TrimSpace(h)
	}
	c := s.chatByToken(token)
	if c == nil {
		return nil, errNoToken
	}
	return c, nil
}

func parseAfter(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, parley.Invalidf("after", "%q is not an item ID (an integer, 0 or more)", v)
	}
	return n, nil
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Service) start(w http.ResponseWriter, r *http.Request) error {
	if !s.allowStart(clientAddr(r)) {
		return parley.Errorf(parley.ETooMany, "too many chats started from your address; try again in a minute")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxStartBody))
	if err != nil {
		return parley.Invalidf("body", "is larger than %d bytes or could not be read", maxStartBody)
	}
	var req StartRequest
	if err := strictJSON(data, &req); err != nil {
		if pe := parley.AsError(err); pe != nil && pe.Field == "frame" {
			pe.Field = "body"
			pe.Message = strings.Replace(pe.Message, "frame", "body", 1)
		}
		return err
	}
	resp, err := s.StartChat(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// TranscriptResponse is the body of GET /v1/chat/transcript.
type TranscriptResponse struct {
	ContactID string  `json:"contactId"`
	Ended     bool    `json:"ended"`
	Items     []Frame `json:"items"`
}

func (s *Service) transcript(w http.ResponseWriter, r *http.Request) error {
	c, err := s.customerChat(r)
	if err != nil {
		return err
	}
	after, err := parseAfter(r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	c.mu.Lock()
	out := TranscriptResponse{ContactID: string(c.contact.ID), Ended: c.ended, Items: []Frame{}}
	if after < int64(len(c.items)) {
		for _, it := range c.items[after:] {
			out.Items = append(out.Items, FrameOf(it))
		}
	}
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) disconnect(w http.ResponseWriter, r *http.Request) error {
	c, err := s.customerChat(r)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ended {
		c.end(r.Context(), parley.DisconnectCustomer, true)
		c.store(r.Context())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) upload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.customerChat(r)
	if err != nil {
		return err
	}
	it, err := receiveAttachment(w, r, s.maxAttachmentBytes(), func(name string, body io.Reader) (*parley.ChatItem, error) {
		return s.attach(r.Context(), c, c.customer, name, body)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, FrameOf(it))
	return nil
}

// receiveAttachment reads an uploaded file of at most max bytes and hands it to send: either
// the part named "file" of a multipart/form-data body, or the whole body with the file name in
// ?name=.
func receiveAttachment(w http.ResponseWriter, r *http.Request, max int64, send func(name string, body io.Reader) (*parley.ChatItem, error)) (*parley.ChatItem, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+64<<10)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return send(r.URL.Query().Get("name"), r.Body)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, parley.Invalidf("file", "the multipart/form-data body cannot be read: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, parley.Invalidf("file", "is required: a multipart/form-data part named \"file\"")
		}
		if err != nil {
			return nil, readError(err, max)
		}
		if part.FormName() != "file" {
			continue
		}
		return send(part.FileName(), part)
	}
}

func (s *Service) download(w http.ResponseWriter, r *http.Request) error {
	c, err := s.customerChat(r)
	if err != nil {
		return err
	}
	att, rc, err := s.files.open(c.id, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	serveAttachment(w, att, rc)
	return nil
}

// serveAttachment writes an attachment as a download.
func serveAttachment(w http.ResponseWriter, att *parley.ChatAttachment, content io.Reader) {
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(att.Size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	disp := "attachment"
	if strings.HasPrefix(att.ContentType, "image/") {
		disp = "inline"
	}
	w.Header().Set("Content-Disposition", disp+"; filename*=UTF-8''"+urlPathEscape(att.Name))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, content)
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

func (s *Service) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096,
		CheckOrigin: func(r *http.Request) bool {
			o := r.Header.Get("Origin")
			return o == "" || s.originAllowed(o)
		}}
}

func (s *Service) connect(w http.ResponseWriter, r *http.Request) error {
	c, err := s.customerChat(r)
	if err != nil {
		return err
	}
	after, err := parseAfter(r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	if !websocket.IsWebSocketUpgrade(r) {
		return parley.Invalidf("connection", "this is a websocket: open it with a websocket client")
	}
	conn, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader answered
	}
	c.mu.Lock()
	st := c.subscribe(after, c.customer)
	ack := Frame{Type: FrameAck, ContactID: string(c.contact.ID), ParticipantID: c.customer.id, LastID: int64(len(c.items))}
	c.mu.Unlock()
	serveStream(conn, st, ack, func(ctx context.Context, f ClientFrame) error { return s.customerFrame(ctx, c, f) })
	return nil
}

func (s *Service) customerFrame(ctx context.Context, c *chat, f ClientFrame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch f.Type {
	case ClientMessage:
		_, err := c.message(ctx, c.customer, f.Content, f.ClientID)
		return err
	case ClientEvent:
		return c.sendEvent(ctx, c.customer, parley.ChatEventType(f.Event), f.MessageID)
	case ClientDisconnect:
		if !c.ended {
			c.end(ctx, parley.DisconnectCustomer, true)
			c.store(ctx)
		}
	}
	return nil
}

// serveStream runs a chat websocket until either side ends it: it writes ack, then the stream's
// items as Frames, and hands the client's frames to handle (refused frames get an ERROR frame).
// When the stream ends the socket is closed normally (1000, the chat or the reader's part of it
// is over) or with 1013 (the reader fell behind: reconnect after the last ID).
func serveStream(conn *websocket.Conn, st parley.ChatStream, ack Frame, handle func(context.Context, ClientFrame) error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer conn.Close()
	defer st.Close()
	var wmu sync.Mutex
	write := func(f Frame) error {
		wmu.Lock()
		defer wmu.Unlock()
		_ = conn.SetWriteDeadline(time.Now().Add(writeWait))
		return conn.WriteMessage(websocket.TextMessage, encodeFrame(f))
	}
	if write(ack) != nil {
		return
	}
	done := make(chan struct{})
	go func() { // the writer
		defer close(done)
		ping := time.NewTicker(pingPeriod)
		defer ping.Stop()
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-ping.C:
					if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)) != nil {
						return
					}
				}
			}
		}()
		for {
			it, err := st.Next(ctx)
			if err != nil {
				code, text := websocket.CloseNormalClosure, "chat ended"
				switch {
				case errors.Is(err, io.EOF):
				case ctx.Err() != nil:
					return
				default:
					code, text = websocket.CloseTryAgainLater, "fell behind; reconnect after the last id"
				}
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeWait))
				_ = conn.SetReadDeadline(time.Now().Add(closeGrace))
				return
			}
			if write(FrameOf(it)) != nil {
				cancel()
				_ = conn.SetReadDeadline(time.Now())
				return
			}
		}
	}()
	conn.SetReadLimit(MaxClientFrameBytes)
	_ = conn.SetReadDeadline(time.Now().Add(pongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			break
		}
		_ = conn.SetReadDeadline(time.Now().Add(pongWait))
		f, err := DecodeClientFrame(data)
		if err == nil {
			err = handle(ctx, f)
		}
		if err != nil {
			if write(Frame{Type: FrameError, ClientID: f.ClientID, Error: errorInfo(err)}) != nil {
				break
			}
		}
	}
	cancel()
	st.Close()
	<-done
}
