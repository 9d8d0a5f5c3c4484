package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
)

// Stream follows the backend's event stream (GET /v1/events, a websocket) and keeps following
// it: when the connection drops it reports "lost", waits (Backoff) and reconnects with
// after=<last seq seen>, so nothing is missed; after a reconnection, and when the server sends
// a "resync" message, it calls OnResync so the caller reloads its state over REST.
type Stream struct {
	BaseURL string // http://host:port (no /v1)
	Token   string
	After   int64 // the last sequence number seen; the stream resumes after it

	// Skip, when set, drops replayed events the caller does not need (they still advance After).
	Skip func(api.Event) bool

	OnEvent  func(api.Event)
	OnState  func(Connection)
	OnResync func()

	// Backoff is the wait before reconnection attempt n (1, 2, ...). Default: 0.5 s doubling
	// to 8 s.
	Backoff func(attempt int) time.Duration
	// ReadTimeout: with no message nor ping for this long the connection counts as lost.
	// Default 75 s (the server pings every 30 s).
	ReadTimeout time.Duration
}

// ErrSessionExpired ends Run when the backend refuses the token (401).
var ErrSessionExpired = errors.New("the session expired or was revoked")

func defaultBackoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt-1, 4)
	return min(d, 8*time.Second)
}

// Run follows the stream until ctx ends (it then returns nil) or the session is refused.
func (s *Stream) Run(ctx context.Context) error {
	backoff := s.Backoff
	if backoff == nil {
		backoff = defaultBackoff
	}
	state := func(c Connection) {
		if s.OnState != nil {
			s.OnState(c)
		}
	}
	attempt, everConnected := 0, false
	for {
		if ctx.Err() != nil {
			state(Connection{State: "closed"})
			return nil
		}
		state(Connection{State: "connecting", Attempt: attempt})
		conn, err := s.dial(ctx)
		if errors.Is(err, ErrSessionExpired) {
			state(Connection{State: "expired", Code: "unauthorized"})
			return err
		}
		if err == nil {
			attempt = 0
			state(Connection{State: "connected"})
			if everConnected && s.OnResync != nil {
				s.OnResync() // events during the gap were replayed, but reload anyway
			}
			everConnected = true
			err = s.read(ctx, conn)
			conn.Close()
			if errors.Is(err, errResync) {
				if s.OnResync != nil {
					s.OnResync()
				}
				continue // reconnect at once with after=
			}
		}
		if ctx.Err() != nil {
			state(Connection{State: "closed"})
			return nil
		}
		attempt++
		wait := backoff(attempt)
		state(Connection{State: "lost", Code: codeOf(err), Attempt: attempt, RetryMs: wait.Milliseconds()})
		select {
		case <-ctx.Done():
			state(Connection{State: "closed"})
			return nil
		case <-time.After(wait):
		}
	}
}

var errResync = errors.New("resync")

func (s *Stream) dial(ctx context.Context) (*websocket.Conn, error) {
	u, err := url.Parse(strings.TrimRight(s.BaseURL, "/") + "/v1/events")
	if err != nil {
		return nil, errorf(CodeInvalid, "backend address: "+err.Error())
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	default:
		u.Scheme = "ws"
	}
	q := u.Query()
	q.Set("after", strconv.FormatInt(s.After, 10))
	u.RawQuery = q.Encode()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+s.Token)
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.DefaultDialer.DialContext(dctx, u.String(), h)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusUnauthorized {
			return nil, ErrSessionExpired
		}
		if resp != nil {
			return nil, &Error{Code: CodeUnavailable, Message: fmt.Sprintf("event stream: HTTP %d", resp.StatusCode), Status: resp.StatusCode}
		}
		return nil, &Error{Code: CodeUnreachable, Message: err.Error()}
	}
	return conn, nil
}

func (s *Stream) read(ctx context.Context, conn *websocket.Conn) error {
	timeout := s.ReadTimeout
	if timeout == 0 {
		timeout = 75 * time.Second
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	conn.SetPingHandler(func(data string) error {
		_ = conn.SetReadDeadline(time.Now().Add(timeout))
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(5*time.Second))
	})
	for {
		var ev api.Event
		if err := conn.ReadJSON(&ev); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return &Error{Code: CodeUnreachable, Message: "event stream: " + err.Error()}
		}
		_ = conn.SetReadDeadline(time.Now().Add(timeout))
		if ev.Type == "resync" {
			if ev.Seq > s.After {
				s.After = ev.Seq
			}
			return errResync
		}
		if ev.Seq > s.After {
			s.After = ev.Seq
		}
		if s.Skip != nil && s.Skip(ev) {
			continue
		}
		if s.OnEvent != nil {
			s.OnEvent(ev)
		}
	}
}
