package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// authenticate finds the request's session from its bearer token; queryToken also accepts the
// token as ?access_token= (websockets from browsers cannot send headers).
func (s *Server) authenticate(r *http.Request, queryToken bool) (*parley.Session, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok && queryToken {
		token = r.URL.Query().Get("access_token")
		ok = token != ""
	}
	if !ok || token == "" {
		return nil, parley.Errorf(parley.EUnauthorized, "sign in first: send the token from POST /v1/auth/login as \"Authorization: Bearer <token>\"")
	}
	return s.svc.Sessions.FindSessionByToken(r.Context(), token)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeBody[api.LoginRequest](r)
	if err != nil {
		return err
	}
	if req.Username == "" {
		return parley.Invalidf("username", "is required")
	}
	if req.Password == "" {
		return parley.Invalidf("password", "is required")
	}
	key := throttleKey(req.Username, r.RemoteAddr)
	if wait := s.throttle.retryAfter(key, s.Now()); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second) // round up
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return parley.Errorf(parley.ETooMany, "too many failed sign-ins for %q; try again in %d seconds", req.Username, secs)
	}
	token, sess, err := s.svc.Sessions.Login(r.Context(), req.Username, req.Password, s.SessionTTL)
	if parley.ErrorCodeOf(err) == parley.EUnauthorized {
		s.throttle.fail(key, s.Now())
	}
	if err != nil {
		return err
	}
	s.throttle.succeed(key)
	full, err := s.svc.Sessions.FindSessionByToken(r.Context(), token)
	if err != nil {
		return err
	}
	ctx := parley.NewContextWithActor(r.Context(), parley.Actor{UserID: full.UserID, Username: full.User.Username})
	if err := s.svc.Audit.RecordAudit(ctx, &parley.AuditEntry{Action: parley.AuditLogin, EntityType: "session",
		EntityID: string(sess.ID), EntityName: full.User.Username}); err != nil {
		return err
	}
	user, err := convert[api.User](full.User)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.LoginResponse{Token: token, ExpiresAt: sess.ExpiresAt, User: *user, Permissions: permStrings(full.Permissions)})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err := s.svc.Sessions.Logout(r.Context(), token); err != nil {
		return err
	}
	if err := s.svc.Audit.RecordAudit(r.Context(), &parley.AuditEntry{Action: parley.AuditLogout, EntityType: "session",
		EntityID: string(sess.ID), EntityName: sess.User.Username}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	sess := sessionFrom(r.Context())
	user, err := convert[api.User](sess.User)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Me{User: *user, Permissions: permStrings(sess.Permissions), ExpiresAt: sess.ExpiresAt})
	return nil
}

func (s *Server) permissions(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, api.List[string]{Items: permStrings(parley.AllPermissions)})
	return nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, api.Health{Status: "ok", Version: s.Version})
	return nil
}

func permStrings(ps []parley.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}
