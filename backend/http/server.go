package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// Services are the domain services the API exposes.
type Services struct {
	Users             parley.UserService
	Sessions          parley.SessionService
	SecurityProfiles  parley.SecurityProfileService
	AgentStatuses     parley.AgentStatusService
	Hours             parley.HoursService
	Queues            parley.QueueService
	RoutingProfiles   parley.RoutingProfileService
	QuickConnects     parley.QuickConnectService
	PhoneNumbers      parley.PhoneNumberService
	Flows             parley.FlowService
	Prompts           parley.PromptService
	ExternalFunctions parley.ExternalFunctionService
	Audit             parley.AuditService
	Agents            parley.AgentService
	Realtime          parley.RealtimeMetricsService
	Historical        parley.HistoricalMetricsService
	Events            EventStream
	Contacts          parley.ContactService
	CTRs              parley.CTRService
	FlowLogs          parley.FlowLogService
	Tasks             parley.TaskService // optional: no task routes without it
	Chat              parley.ChatService
	Voice             parley.VoiceService // optional: the voice routes answer 503 without it
}

// Server is the REST API.
type Server struct {
	svc      Services
	routes   []route
	mux      *http.ServeMux
	throttle *loginThrottle

	// Logger receives internal errors and request logs. Default: slog.Default().
	Logger *slog.Logger
	// SessionTTL is how long a login lasts. Default: parley.DefaultSessionTTL.
	SessionTTL time.Duration
	// FlowValidator checks a flow before it is published. Default: the Flow language's outer
	// shape only (parley.ValidateFlowShape).
	FlowValidator parley.FlowValidator
	// Version is reported by GET /v1/health.
	Version string
	// Now is the clock. Default: time.Now.
	Now func() time.Time
}

// NewServer returns a Server for svc. It starts nothing.
func NewServer(svc Services) *Server {
	s := &Server{svc: svc, Logger: slog.Default(), SessionTTL: parley.DefaultSessionTTL, Version: "dev",
		Now: time.Now, throttle: newLoginThrottle()}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.handle(rt))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, errNoRoute) })
	return s
}

// Handler returns the API's http.Handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Mount serves h at pattern beside the API, outside the route table and its authentication:
// for handlers with their own (the customer chat, authenticated by participant tokens).
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Serve answers requests on ln until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(shutdownCtx)
		if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		return err
	}
}

// sessionFrom returns the request's session (set by handle for authenticated routes).
func sessionFrom(ctx context.Context) *parley.Session { return parley.SessionFromContext(ctx) }

// handle wraps a route's handler with body limits, authentication, the permission check and
// error mapping.
func (s *Server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxBodyBytes)
		if rt.MaxBody > 0 {
			limit = rt.MaxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if !rt.Public {
			sess, err := s.authenticate(r, rt.QueryToken)
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
				s.writeError(w, r, err)
				return
			}
			if rt.Permission != "" && !parley.HasPermission(sess.Permissions, rt.Permission) {
				s.writeError(w, r, parley.Forbidden(rt.Permission))
				return
			}
			ctx := parley.NewContextWithSession(r.Context(), sess)
			ctx = parley.NewContextWithActor(ctx, parley.Actor{UserID: sess.UserID, Username: sess.User.Username})
			r = r.WithContext(ctx)
		}
		if err := rt.Handler(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}
