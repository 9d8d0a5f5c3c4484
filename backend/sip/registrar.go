package sip

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
	"github.com/parley-cc/parley/backend/parley"
)

// Registrar accepts agents' softphone registrations (RFC 3261 §10) with digest credentials
// (RFC 2617 / RFC 7616 with MD5 and qop=auth, as SIP phones implement it) that the backend
// issues per agent at sign-in and revokes at sign-out. Credentials and bindings live in memory:
// a restart signs phones out, and they register again with credentials issued at the next
// sign-in.
//
// Nonces are stateless (a timestamp signed with a per-process key), so challenges cost no
// memory; repeated failed authentications from one address are refused for a while.
type Registrar struct {
	// Realm is the digest realm; default "parley".
	Realm string
	// DefaultExpires applies when a REGISTER gives none; default 1 h. MinExpires (default
	// 60 s) and MaxExpires (default 2 h) bound what phones ask for.
	DefaultExpires, MinExpires, MaxExpires time.Duration
	// NonceTTL is how long a challenge's nonce is accepted; default 5 min.
	NonceTTL time.Duration
	// MaxAuthFailures failed authentications from one IP within a minute get that IP 403
	// responses for the rest of the minute; default 20.
	MaxAuthFailures int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger

	once sync.Once
	key  [32]byte

	mu       sync.Mutex
	byUser   map[string]*agentCredential
	byAgent  map[parley.UserID]*agentCredential
	failures map[string]*failureWindow
}

type agentCredential struct {
	agent    parley.UserID
	username string
	password string
	bindings map[string]Binding // by contact URI
}

type failureWindow struct {
	start time.Time
	count int
}

// Binding is a registered contact of an agent's phone.
type Binding struct {
	Contact   string    // the Contact URI to INVITE
	Expires   time.Time // when the binding lapses
	Source    string    // the address the REGISTER came from (host:port)
	Transport string    // UDP, TCP or TLS
	CallID    string
	CSeq      uint32
}

func (r *Registrar) init() {
	r.once.Do(func() {
		if _, err := rand.Read(r.key[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		r.byUser = map[string]*agentCredential{}
		r.byAgent = map[parley.UserID]*agentCredential{}
		r.failures = map[string]*failureWindow{}
	})
}

func (r *Registrar) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Registrar) realm() string {
	if r.Realm != "" {
		return r.Realm
	}
	return "parley"
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func randomUsername() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "agent-" + hex.EncodeToString(b)
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// IssueCredentials creates SIP credentials for an agent's phone, replacing (and signing out)
// any issued before. The username is random, not the agent's ID.
func (r *Registrar) IssueCredentials(agentID parley.UserID) (username, password string, err error) {
	if agentID == "" {
		return "", "", parley.Invalidf("agentId", "is required")
	}
	r.init()
	c := &agentCredential{
		agent:    agentID,
		username: randomUsername(),
		password: randomToken(18),
		bindings: map[string]Binding{},
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.byAgent[agentID]; old != nil {
		delete(r.byUser, old.username)
	}
	for r.byUser[c.username] != nil { // practically never
		c.username = randomUsername()
	}
	r.byAgent[agentID] = c
	r.byUser[c.username] = c
	return c.username, c.password, nil
}

// Credentials returns the credentials issued to an agent, if any.
func (r *Registrar) Credentials(agentID parley.UserID) (username, password string, ok bool) {
	r.init()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.byAgent[agentID]
	if c == nil {
		return "", "", false
	}
	return c.username, c.password, true
}

// RealmName is the digest realm (Realm, or its default).
func (r *Registrar) RealmName() string { return r.realm() }

// RevokeCredentials removes an agent's credentials and registrations. ENotFound when none were
// issued.
func (r *Registrar) RevokeCredentials(agentID parley.UserID) error {
	r.init()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.byAgent[agentID]
	if c == nil {
		return parley.NotFoundf("no SIP credentials issued to agent %q", agentID)
	}
	delete(r.byAgent, agentID)
	delete(r.byUser, c.username)
	return nil
}

// Contact returns the agent's most recently registered binding that has not expired.
func (r *Registrar) Contact(agentID parley.UserID) (Binding, bool) {
	r.init()
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.byAgent[agentID]
	if c == nil {
		return Binding{}, false
	}
	var best Binding
	found := false
	for k, b := range c.bindings {
		if !b.Expires.After(now) {
			delete(c.bindings, k)
			continue
		}
		if !found || b.Expires.After(best.Expires) {
			best, found = b, true
		}
	}
	return best, found
}

func (r *Registrar) dropAll() {
	r.init()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.byAgent {
		clear(c.bindings)
	}
}

// nonce is base64(unix seconds ‖ HMAC-SHA256(key, seconds)[:16]).
func (r *Registrar) nonce(t time.Time) string {
	var b [8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.Unix()))
	m := hmac.New(sha256.New, r.key[:])
	m.Write(b[:8])
	copy(b[8:], m.Sum(nil))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkNonce reports whether n is ours and whether it is still fresh.
func (r *Registrar) checkNonce(n string) (valid, fresh bool) {
	b, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil || len(b) != 24 {
		return false, false
	}
	m := hmac.New(sha256.New, r.key[:])
	m.Write(b[:8])
	if !hmac.Equal(b[8:], m.Sum(nil)[:16]) {
		return false, false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	age := r.now().Sub(issued)
	return true, age >= -time.Minute && age <= durOr(r.NonceTTL, 5*time.Minute)
}

func (r *Registrar) challenge(req *sip.Request, tx sip.ServerTransaction, stale bool) {
	chal := digest.Challenge{
		Realm:     r.realm(),
		Nonce:     r.nonce(r.now()),
		Algorithm: "MD5",
		QOP:       []string{"auth"},
		Stale:     stale,
	}
	res := sip.NewResponseFromRequest(req, sip.StatusUnauthorized, "Unauthorized", nil)
	res.AppendHeader(sip.NewHeader("WWW-Authenticate", chal.String()))
	_ = tx.Respond(res)
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// digestResponse computes the expected response (RFC 2617 §3.2.2.1, MD5).
func digestResponse(cred *digest.Credentials, password, method string) string {
	ha1 := md5hex(cred.Username + ":" + cred.Realm + ":" + password)
	ha2 := md5hex(method + ":" + cred.URI)
	if cred.QOP == "" {
		return md5hex(ha1 + ":" + cred.Nonce + ":" + ha2)
	}
	return md5hex(fmt.Sprintf("%s:%s:%08x:%s:%s:%s", ha1, cred.Nonce, cred.Nc, cred.Cnonce, cred.QOP, ha2))
}

// sourceIP is the IP a request came from, for failure accounting.
func sourceIP(req *sip.Request) string {
	host, _, err := net.SplitHostPort(req.Source())
	if err != nil {
		return req.Source()
	}
	return host
}

// blocked reports whether ip failed authentication too often in the current minute.
func (r *Registrar) blocked(ip string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.failures[ip]
	return w != nil && now.Sub(w.start) < time.Minute && w.count >= orDefault(r.MaxAuthFailures, 20)
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func (r *Registrar) recordFailure(ip string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.failures[ip]
	if w == nil || now.Sub(w.start) >= time.Minute {
		// Forget stale windows now and then so the map does not grow with every address.
		if len(r.failures) > 10000 {
			for k, v := range r.failures {
				if now.Sub(v.start) >= time.Minute {
					delete(r.failures, k)
				}
			}
		}
		w = &failureWindow{start: now}
		r.failures[ip] = w
	}
	w.count++
}

// ServeRegister handles a REGISTER request (a sipgo request handler).
func (r *Registrar) ServeRegister(req *sip.Request, tx sip.ServerTransaction) {
	r.init()
	if h := missingHeader(req); h != "" {
		respond(tx, req, sip.StatusBadRequest, "Missing "+h)
		return
	}
	now := r.now()
	ip := sourceIP(req)
	if r.blocked(ip, now) {
		respond(tx, req, sip.StatusForbidden, "Forbidden")
		return
	}
	h := req.GetHeader("Authorization")
	if h == nil {
		r.challenge(req, tx, false)
		return
	}
	cred, err := digest.ParseCredentials(h.Value())
	if err != nil {
		respond(tx, req, sip.StatusBadRequest, "Bad Request")
		return
	}
	valid, fresh := r.checkNonce(cred.Nonce)
	if !valid || cred.Realm != r.realm() || (cred.Algorithm != "" && !strings.EqualFold(cred.Algorithm, "MD5")) ||
		(cred.QOP != "" && cred.QOP != "auth") {
		r.recordFailure(ip, now)
		r.challenge(req, tx, false)
		return
	}
	r.mu.Lock()
	c := r.byUser[cred.Username]
	var password string
	if c != nil {
		password = c.password
	}
	r.mu.Unlock()
	want := digestResponse(cred, password, req.Method.String())
	if c == nil || subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(cred.Response))) != 1 {
		r.recordFailure(ip, now)
		respond(tx, req, sip.StatusForbidden, "Forbidden")
		return
	}
	if !fresh {
		r.challenge(req, tx, true)
		return
	}
	// The address of record must be the authenticated user's.
	if to := req.To(); to == nil || to.Address.User != cred.Username {
		respond(tx, req, sip.StatusForbidden, "Forbidden")
		return
	}
	r.updateBindings(req, tx, c, now)
}

func (r *Registrar) updateBindings(req *sip.Request, tx sip.ServerTransaction, c *agentCredential, now time.Time) {
	defExp := durOr(r.DefaultExpires, time.Hour)
	minExp := durOr(r.MinExpires, time.Minute)
	maxExp := durOr(r.MaxExpires, 2*time.Hour)
	headerExp := time.Duration(-1)
	if h := req.GetHeader("Expires"); h != nil {
		if v, err := strconv.ParseUint(strings.TrimSpace(h.Value()), 10, 32); err == nil {
			headerExp = time.Duration(v) * time.Second
		} else {
			respond(tx, req, sip.StatusBadRequest, "Bad Request")
			return
		}
	}
	callID := ""
	if h := req.CallID(); h != nil {
		callID = h.Value()
	}
	var cseq uint32
	if h := req.CSeq(); h != nil {
		cseq = h.SeqNo
	}
	contacts := req.GetHeaders("Contact")

	type change struct {
		key string
		b   Binding
		del bool
	}
	var changes []change
	removeAll := false
	for _, h := range contacts {
		ch, ok := h.(*sip.ContactHeader)
		if !ok {
			respond(tx, req, sip.StatusBadRequest, "Bad Request")
			return
		}
		if ch.Address.Wildcard {
			// RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0.
			if len(contacts) != 1 || headerExp != 0 {
				respond(tx, req, sip.StatusBadRequest, "Bad Request")
				return
			}
			removeAll = true
			break
		}
		exp := headerExp
		if v, ok := ch.Params.Get("expires"); ok {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				respond(tx, req, sip.StatusBadRequest, "Bad Request")
				return
			}
			exp = time.Duration(n) * time.Second
		}
		if exp < 0 {
			exp = defExp
		}
		key := ch.Address.String()
		if exp == 0 {
			changes = append(changes, change{key: key, del: true})
			continue
		}
		if exp < minExp {
			res := sip.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
			res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(int(minExp/time.Second))))
			_ = tx.Respond(res)
			return
		}
		exp = min(exp, maxExp)
		changes = append(changes, change{key: key, b: Binding{
			Contact:   key,
			Expires:   now.Add(exp),
			Source:    req.Source(),
			Transport: req.Transport(),
			CallID:    callID,
			CSeq:      cseq,
		}})
	}

	r.mu.Lock()
	if r.byUser[c.username] != c { // revoked meanwhile
		r.mu.Unlock()
		respond(tx, req, sip.StatusForbidden, "Forbidden")
		return
	}
	for _, ch := range changes {
		// RFC 3261 §10.3 step 7: an older CSeq of the same Call-ID is out of order.
		if old, ok := c.bindings[ch.key]; ok && old.CallID == callID && cseq <= old.CSeq {
			r.mu.Unlock()
			respond(tx, req, sip.StatusInternalServerError, "Server Internal Error")
			return
		}
	}
	if removeAll {
		clear(c.bindings)
	}
	for _, ch := range changes {
		if ch.del {
			delete(c.bindings, ch.key)
		} else {
			c.bindings[ch.key] = ch.b
		}
	}
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	for k, b := range c.bindings {
		if !b.Expires.After(now) {
			delete(c.bindings, k)
			continue
		}
		res.AppendHeader(sip.NewHeader("Contact", fmt.Sprintf("<%s>;expires=%d", b.Contact, int(b.Expires.Sub(now).Round(time.Second)/time.Second))))
	}
	r.mu.Unlock()
	res.AppendHeader(sip.NewHeader("Date", now.UTC().Format(time.RFC1123)))
	_ = tx.Respond(res)
}
