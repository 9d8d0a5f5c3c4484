package sip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/parley"
)

// Defaults of Server's optional fields.
const (
	DefaultAddr            = "127.0.0.1:5060"
	DefaultMaxCalls        = 200
	DefaultShutdownTimeout = 10 * time.Second
)

// Server is Parley's SIP endpoint: it answers INVITEs to claimed phone numbers by handing them
// to a CallHandler, serves agents' REGISTERs when a Registrar is set, and places outbound calls
// (Dial). Set the optional fields before Run; do not change them after.
type Server struct {
	// Addr is the host:port SIP listens on, for every transport in Transports; default
	// DefaultAddr. Port 0 picks a free port (see LocalAddr).
	Addr string
	// Transports lists "udp" and/or "tcp"; default both.
	Transports []string
	// TLSAddr, TLSCertFile and TLSKeyFile enable SIP over TLS (RFC 3261 §26.2) when the
	// certificate and key are set; TLSAddr defaults to Addr's host with port 5061.
	TLSAddr, TLSCertFile, TLSKeyFile string
	// ExternalHost is the address advertised in Contact, Via and SDP when the server is behind
	// NAT (a public IP or host name); empty: the bound address.
	ExternalHost string
	// RTPPortMin and RTPPortMax bound the RTP ports (even ports, RTCP on the next odd one).
	// Both zero: any free port. diago keeps this range process-wide.
	RTPPortMin, RTPPortMax int
	// MaxCalls caps concurrent inbound calls; further INVITEs get 503. 0 means
	// DefaultMaxCalls; negative means no limit.
	MaxCalls int
	// ShutdownTimeout bounds how long Run waits for calls to end after its context ends.
	ShutdownTimeout time.Duration
	// Registrar, when set, serves REGISTER; otherwise REGISTER gets 405.
	Registrar *Registrar
	// UserAgent names the server in User-Agent headers; default "Parley".
	UserAgent string
	// Logger receives the server's logs; default slog.Default().
	Logger *slog.Logger

	numbers parley.PhoneNumberService
	handler CallHandler

	readyOnce sync.Once
	ready     chan struct{}

	mu       sync.Mutex
	ran      bool
	dg       *diago.Diago
	addrs    map[string]net.Addr
	runCtx   context.Context // ends when Run's context ends: number lookups
	callsCtx context.Context // ends at shutdown: calls' contexts

	closing atomic.Bool
	active  atomic.Int64   // INVITE transactions being handled (admission control)
	calls   sync.WaitGroup // INVITE handlers running
	invites sync.Map       // inviteKey → *parley.PhoneNumber, from admission to HandleCall
	dialogs sync.Map       // dialog ID → *Call, answered calls (SIP INFO DTMF)
}

// NewServer returns a Server that looks numbers up in numbers and hands calls to handler (nil
// when a VoiceChannel is made on it: NewVoiceChannel sets it). It starts nothing: call Run.
func NewServer(numbers parley.PhoneNumberService, handler CallHandler) *Server {
	return &Server{numbers: numbers, handler: handler}
}

// Ready is closed once Run is listening.
func (s *Server) Ready() <-chan struct{} {
	s.readyOnce.Do(func() { s.ready = make(chan struct{}) })
	return s.ready
}

// LocalAddr is the bound address of a transport ("udp", "tcp", "tls") once Ready, or nil.
func (s *Server) LocalAddr(transport string) net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs[transport]
}

// ActiveCalls is the number of INVITEs being handled (ringing or answered).
func (s *Server) ActiveCalls() int { return int(s.active.Load()) }

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

type listener struct {
	transport string
	udp       net.PacketConn
	stream    net.Listener
}

func (l listener) addr() net.Addr {
	if l.udp != nil {
		return l.udp.LocalAddr()
	}
	return l.stream.Addr()
}

func (l listener) close() error {
	if l.udp != nil {
		return l.udp.Close()
	}
	return l.stream.Close()
}

// Run listens and serves until ctx ends (call it once), then rejects new calls, ends the calls in progress
// (their contexts end; those still up after ShutdownTimeout are cut) and returns. It returns an
// error when it cannot listen or a transport fails.
func (s *Server) Run(ctx context.Context) (err error) {
	if s.numbers == nil || s.handler == nil {
		return errors.New("sip server: NewServer needs a PhoneNumberService and a CallHandler")
	}
	s.mu.Lock()
	if s.ran {
		s.mu.Unlock()
		return errors.New("sip server: Run may be called only once")
	}
	s.ran = true
	s.mu.Unlock()
	log := s.logger()

	listeners, err := s.listen()
	if err != nil {
		return err
	}
	closeListeners := func() {
		for _, l := range listeners {
			_ = l.close()
		}
	}
	if s.RTPPortMin > 0 || s.RTPPortMax > 0 {
		if s.RTPPortMin <= 0 || s.RTPPortMax <= s.RTPPortMin+1 || s.RTPPortMax > 65535 {
			closeListeners()
			return fmt.Errorf("sip server: RTP port range %d-%d: need 0 < min < max <= 65535", s.RTPPortMin, s.RTPPortMax)
		}
		media.RTPPortStart, media.RTPPortEnd = s.RTPPortMin, s.RTPPortMax
	}

	name := s.UserAgent
	if name == "" {
		name = "Parley"
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(name))
	if err != nil {
		closeListeners()
		return fmt.Errorf("sip server: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(log))
	if err != nil {
		closeListeners()
		return errors.Join(fmt.Errorf("sip server: %w", err), ua.Close())
	}
	opts := []diago.DiagoOption{
		diago.WithServer(srv),
		diago.WithLogger(log),
		diago.WithServerRequestMiddleware(s.middleware),
	}
	for _, l := range listeners {
		host, portStr, _ := net.SplitHostPort(l.addr().String())
		port, _ := strconv.Atoi(portStr)
		t := diago.Transport{ID: l.transport, Transport: l.transport, BindHost: host, BindPort: port}
		if s.ExternalHost != "" {
			t.ExternalHost = s.ExternalHost
			t.ExternalPort = port
			if ip := net.ParseIP(s.ExternalHost); ip != nil {
				t.MediaExternalIP = ip
			}
		}
		if l.transport == "tls" {
			t.TLSConf = &tls.Config{} // the listener does the handshake; this marks the transport
		}
		opts = append(opts, diago.WithTransport(t))
	}
	dg := diago.NewDiago(ua, opts...)
	if s.Registrar != nil {
		srv.OnRegister(s.Registrar.ServeRegister)
	}
	dg.HandleFunc(s.serveCall)

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	callsCtx, cancelCalls := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelCalls()

	s.mu.Lock()
	s.dg = dg
	s.runCtx, s.callsCtx = runCtx, callsCtx
	s.addrs = map[string]net.Addr{}
	for _, l := range listeners {
		s.addrs[l.transport] = l.addr()
	}
	s.mu.Unlock()
	s.closing.Store(false)

	var serving sync.WaitGroup
	errc := make(chan error, len(listeners))
	for _, l := range listeners {
		serving.Go(func() {
			var err error
			switch {
			case l.udp != nil:
				err = srv.ServeUDP(l.udp)
			case l.transport == "tls":
				err = srv.ServeTLS(l.stream)
			default:
				err = srv.ServeTCP(l.stream)
			}
			errc <- err
		})
		log.Info("sip listening", "transport", l.transport, "addr", l.addr().String())
	}
	// sipgo registers a UDP listener in its connection pool only once ServeUDP runs; a client
	// request (Dial) sent before that would try to bind the same port again and fail with
	// "address already in use". Ready waits for it.
	for _, l := range listeners {
		if l.udp != nil {
			waitUDPServing(ua.TransportLayer(), l.addr().String())
		}
	}
	s.Ready()
	close(s.ready)

	select {
	case <-ctx.Done():
	case err = <-errc:
		if s.closing.Load() {
			err = nil
		} else {
			err = fmt.Errorf("sip server: serve: %w", err)
		}
	}

	// Shut down: no new calls, end the calls in progress, then stop the transports.
	s.closing.Store(true)
	cancelRun()
	cancelCalls()
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	callsDone := make(chan struct{})
	go func() { s.calls.Wait(); close(callsDone) }()
	select {
	case <-callsDone:
	case <-time.After(timeout):
		log.Warn("sip server: calls still up at shutdown; closing transports under them")
	}
	closeListeners()
	err = errors.Join(err, ua.Close())
	<-callsDone
	serving.Wait()
	if s.Registrar != nil {
		s.Registrar.dropAll()
	}
	s.mu.Lock()
	s.dg = nil
	s.mu.Unlock()
	return err
}

// listen binds every transport's socket. Binding here rather than in sipgo gives us the real
// port when Addr has port 0, and reports bind errors before Run says it is ready.
func (s *Server) listen() ([]listener, error) {
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sip server: address %q: %w", addr, err)
	}
	transports := s.Transports
	if len(transports) == 0 {
		transports = []string{"udp", "tcp"}
	}
	ls, err := bindTransports(host, port, transports)
	// Port 0 takes a free UDP port and then the same number for TCP, which may be taken: try
	// other free ports.
	for try := 0; port == "0" && errors.Is(err, syscall.EADDRINUSE) && try < 20; try++ {
		ls, err = bindTransports(host, port, transports)
	}
	if err != nil {
		return nil, fmt.Errorf("sip server: %w", err)
	}
	fail := func(err error) ([]listener, error) {
		for _, l := range ls {
			_ = l.close()
		}
		return nil, fmt.Errorf("sip server: %w", err)
	}
	if s.TLSCertFile != "" || s.TLSKeyFile != "" {
		cert, err := tls.LoadX509KeyPair(s.TLSCertFile, s.TLSKeyFile)
		if err != nil {
			return fail(fmt.Errorf("tls certificate: %w", err))
		}
		tlsAddr := s.TLSAddr
		if tlsAddr == "" {
			tlsAddr = net.JoinHostPort(host, "5061")
		}
		l, err := tls.Listen("tcp", tlsAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if err != nil {
			return fail(err)
		}
		ls = append(ls, listener{transport: "tls", stream: l})
	}
	return ls, nil
}

// middleware runs before diago's handlers: admission control for new INVITEs (404, 503) and SIP
// INFO DTMF, which diago answers with 406.
func (s *Server) middleware(next sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		// diago dereferences these headers (even to log an error): a request without one
		// would crash the process. RFC 3261 §8.1.1 makes them mandatory.
		if h := missingHeader(req); h != "" {
			if req.Method != sip.ACK {
				respond(tx, req, sip.StatusBadRequest, "Missing "+h)
			}
			return
		}
		switch req.Method {
		case sip.INVITE:
			if to := req.To(); to != nil {
				if _, ok := to.Params.Get("tag"); ok {
					// A re-INVITE: diago answers one for an unknown dialog with 400.
					if !s.knownDialog(req) {
						respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
						return
					}
					next(req, tx)
					return
				}
			}
			s.admitInvite(req, tx, next)
		case sip.INFO:
			if ct := req.ContentType(); ct != nil && isInfoDTMF(ct.Value()) {
				s.handleInfoDTMF(req, tx)
				return
			}
			next(req, tx)
		default:
			next(req, tx)
		}
	}
}

// missingHeader names a mandatory header (RFC 3261 §8.1.1) the request lacks, or "". INVITE
// also needs a Contact (§8.1.1.8).
func missingHeader(req *sip.Request) string {
	switch {
	case req.Via() == nil:
		return "Via"
	case req.From() == nil:
		return "From"
	case req.To() == nil:
		return "To"
	case req.CallID() == nil:
		return "Call-ID"
	case req.CSeq() == nil:
		return "CSeq"
	case req.Method == sip.INVITE && req.Contact() == nil:
		return "Contact"
	}
	return ""
}

func respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, headers ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range headers {
		res.AppendHeader(h)
	}
	_ = tx.Respond(res)
}

func (s *Server) admitInvite(req *sip.Request, tx sip.ServerTransaction, next sipgo.RequestHandler) {
	log := s.logger()
	if s.closing.Load() {
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", sip.NewHeader("Retry-After", "30"))
		return
	}
	limit := s.MaxCalls
	if limit == 0 {
		limit = DefaultMaxCalls
	}
	if n := s.active.Add(1); limit > 0 && n > int64(limit) {
		s.active.Add(-1)
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", sip.NewHeader("Retry-After", "5"))
		return
	}
	defer s.active.Add(-1)
	s.calls.Add(1)
	defer s.calls.Done()

	s.mu.Lock()
	ctx := s.runCtx
	s.mu.Unlock()
	lookupCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	pn, err := s.lookupNumber(lookupCtx, req.Recipient.User)
	cancel()
	switch {
	case err != nil:
		log.Error("sip: phone number lookup", "error", err, "number", req.Recipient.User)
		respond(tx, req, sip.StatusInternalServerError, "Server Internal Error")
		return
	case pn == nil:
		respond(tx, req, sip.StatusNotFound, "Not Found")
		return
	case pn.FlowID == "":
		// parley.PhoneNumber: no inbound flow, calls get 404 until one is set.
		respond(tx, req, sip.StatusNotFound, "Not Found")
		return
	}
	key := inviteKey(req)
	s.invites.Store(key, pn)
	defer s.invites.Delete(key)
	next(req, tx)
}

// knownDialog reports whether an in-dialog request belongs to one of diago's dialogs (inbound
// or outbound).
func (s *Server) knownDialog(req *sip.Request) bool {
	s.mu.Lock()
	dg := s.dg
	s.mu.Unlock()
	if dg == nil {
		return false
	}
	ctx := context.Background()
	if id, err := sip.DialogIDFromRequestUAS(req); err == nil {
		if _, err := dg.DialogCacheServer().DialogLoad(ctx, id); err == nil {
			return true
		}
	}
	if id, err := sip.DialogIDFromRequestUAC(req); err == nil {
		if _, err := dg.DialogCacheClient().DialogLoad(ctx, id); err == nil {
			return true
		}
	}
	return false
}

// inviteKey identifies an INVITE transaction across diago's clone of the request.
func inviteKey(req *sip.Request) string {
	var b strings.Builder
	if h := req.CallID(); h != nil {
		b.WriteString(h.Value())
	}
	b.WriteByte('|')
	if f := req.From(); f != nil {
		tag, _ := f.Params.Get("tag")
		b.WriteString(tag)
	}
	b.WriteByte('|')
	if v := req.Via(); v != nil {
		branch, _ := v.Params.Get("branch")
		b.WriteString(branch)
	}
	return b.String()
}

// lookupNumber finds the claimed number a Request-URI user part dials: the user part as is,
// then its E.164 form (visual separators removed, "00" international prefix or a bare
// country-code number turned into "+..."). It returns nil, nil for an unknown number.
func (s *Server) lookupNumber(ctx context.Context, user string) (*parley.PhoneNumber, error) {
	user, _, _ = strings.Cut(user, ";") // RFC 3966 parameters (;phone-context=...)
	if user == "" {
		return nil, nil
	}
	tried := map[string]bool{}
	for _, n := range []string{user, normalizeE164(user)} {
		if n == "" || tried[n] {
			continue
		}
		tried[n] = true
		found, err := s.numbers.FindPhoneNumbers(ctx, parley.PhoneNumberFilter{Number: n})
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			return found[0], nil
		}
	}
	return nil, nil
}

// normalizeE164 turns a dialed number into E.164 ("+" and 8–15 digits), or "" when it cannot
// be one.
func normalizeE164(user string) string {
	var digits strings.Builder
	plus := false
	for i, r := range user {
		switch {
		case r == '+' && i == 0:
			plus = true
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case strings.ContainsRune("-.() ", r): // RFC 3966 visual separators
		default:
			return ""
		}
	}
	d := digits.String()
	if !plus && strings.HasPrefix(d, "00") {
		d = d[2:]
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return ""
	}
	return "+" + d
}

// serveCall is diago's dialog handler: it builds the Call and runs the CallHandler.
func (s *Server) serveCall(d *diago.DialogServerSession) {
	log := s.logger()
	v, _ := s.invites.Load(inviteKey(d.InviteRequest))
	pn, _ := v.(*parley.PhoneNumber)
	if pn == nil {
		// Admission did not run (cannot happen through middleware); refuse.
		_ = d.Respond(sip.StatusNotFound, "Not Found", nil)
		return
	}
	s.mu.Lock()
	callsCtx := s.callsCtx
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(d.Context())
	stop := context.AfterFunc(callsCtx, cancel)
	defer func() { stop(); cancel() }()

	callID := ""
	if h := d.InviteRequest.CallID(); h != nil {
		callID = h.Value()
	}
	c := &Call{
		CallID:      callID,
		From:        d.FromUser(),
		To:          d.InviteRequest.Recipient.User,
		PhoneNumber: pn,
		srv:         s,
		dialog:      d,
		ctx:         ctx,
		log:         log.With("call_id", callID),
	}
	defer c.end()
	defer func() {
		if r := recover(); r != nil {
			log.Error("sip: call handler panicked", "call_id", callID, "panic", r)
		}
	}()
	_ = d.Trying()
	s.handler.HandleCall(ctx, c)
}

func (s *Server) trackCall(c *Call)   { s.dialogs.Store(c.dialog.ID, c) }
func (s *Server) untrackCall(c *Call) { s.dialogs.Delete(c.dialog.ID) }

// handleInfoDTMF answers a SIP INFO carrying a digit and queues the digit on its call.
func (s *Server) handleInfoDTMF(req *sip.Request, tx sip.ServerTransaction) {
	id, err := sip.DialogIDFromRequestUAS(req)
	if err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	v, ok := s.dialogs.Load(id)
	if !ok {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	c := v.(*Call)
	digit, ok := parseInfoDTMF(req.ContentType().Value(), req.Body())
	if !ok {
		respond(tx, req, sip.StatusBadRequest, "Bad Request")
		return
	}
	respond(tx, req, sip.StatusOK, "OK")
	c.leg.pushDigit(digit)
}

// DialOptions configures an outbound call.
type DialOptions struct {
	// FromUser is the caller ID user part; default the server's user agent name.
	FromUser string
	// Headers are added to the INVITE.
	Headers []sip.Header
}

// Dial calls uri (e.g. an agent's registered contact, see Registrar.Contact) and returns once
// it is answered. The caller owns the returned call: Hangup and Close it.
func (s *Server) Dial(ctx context.Context, uri string, opts DialOptions) (*OutboundCall, error) {
	s.mu.Lock()
	dg := s.dg
	s.mu.Unlock()
	if dg == nil {
		return nil, errors.New("dial: server not running")
	}
	var target sip.Uri
	if err := sip.ParseUri(uri, &target); err != nil {
		return nil, fmt.Errorf("dial %q: %w", uri, err)
	}
	inv := diago.InviteOptions{Headers: opts.Headers}
	if inv.Headers == nil {
		inv.Headers = []sip.Header{}
	}
	if opts.FromUser != "" {
		inv.Headers = append(inv.Headers, &sip.FromHeader{
			Address: sip.Uri{Scheme: "sip", User: opts.FromUser, Host: target.Host},
			Params:  sip.NewParams(),
		})
	}
	d, err := dg.Invite(ctx, target, inv)
	if err != nil {
		return nil, fmt.Errorf("dial %q: %w", uri, err)
	}
	l, err := newLeg(&d.DialogMedia, s.logger())
	if err != nil {
		hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return nil, errors.Join(fmt.Errorf("dial %q: %w", uri, err), d.Hangup(hctx), d.Close())
	}
	l.start()
	return &OutboundCall{dialog: d, leg: l}, nil
}

// waitUDPServing waits (up to 2 s) until the transport layer serves the UDP listener at addr.
func waitUDPServing(tp *sip.TransportLayer, addr string) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := tp.GetConnection("udp", addr); err == nil {
			_, _ = c.TryClose() // GetConnection took a reference
			return
		}
		<-tick.C
	}
}

// bindTransports opens a listener per transport on host:port; with port 0 the first one picks a
// free port and the others take the same. On failure it closes what it opened.
func bindTransports(host, port string, transports []string) ([]listener, error) {
	var ls []listener
	fail := func(err error) ([]listener, error) {
		for _, l := range ls {
			_ = l.close()
		}
		return nil, err
	}
	for _, t := range transports {
		switch strings.ToLower(t) {
		case "udp":
			c, err := net.ListenPacket("udp", net.JoinHostPort(host, port))
			if err != nil {
				return fail(err)
			}
			ls = append(ls, listener{transport: "udp", udp: c})
		case "tcp":
			l, err := net.Listen("tcp", net.JoinHostPort(host, port))
			if err != nil {
				return fail(err)
			}
			ls = append(ls, listener{transport: "tcp", stream: l})
		default:
			return fail(fmt.Errorf("transport %q: udp or tcp expected (TLS is configured with TLSCertFile)", t))
		}
		if port == "0" {
			// The other transports take the same port.
			_, port, _ = net.SplitHostPort(ls[len(ls)-1].addr().String())
		}
	}
	return ls, nil
}
