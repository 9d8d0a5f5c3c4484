package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/parley-cc/parley/audio"
)

// SIPPhone is the desktop softphone: a diago user agent on a UDP port of its own that
// registers with the backend's registrar (digest credentials from GET /v1/agent/sip), rings on
// the ringer device when the backend offers a voice contact, and carries the call's audio
// between RTP (PCMU or PCMA) and the headset (callMedia). Hold, DTMF, transfer and hang-up go
// through the backend's call routes (App.HoldCall …); the phone only answers, mutes, and hangs
// up from its side when the backend cannot be reached.
//
// One goroutine owns the registration (Start … Stop) and one goroutine owns each call (diago's
// handler, top to bottom); the UI's commands reach a call through its channels.
type SIPPhone struct {
	// Audio opens the headset devices (the App's AudioSystem).
	Audio audio.System
	// Devices returns the chosen microphone, speaker and ringer; read at each call.
	Devices func() AudioSettings
	// OnChange is told every state change; OnLevel the microphone level during a call.
	OnChange func(SoftphoneState)
	OnLevel  func(audio.Level)
	Logger   *slog.Logger

	// Expiry is asked for in REGISTER (default 5 min); the phone registers again at half of it.
	Expiry time.Duration
	// JitterPackets is the receive jitter buffer's playout delay in 20 ms packets (default 3:
	// 60 ms) and JitterMaxPackets its capacity (default 5: 100 ms). diago's default holds about
	// 400 ms, far beyond the 150 ms mouth-to-ear budget of ITU-T G.114.
	JitterPackets, JitterMaxPackets int
	// BindHost is the address the user agent binds (default: the local address that routes to
	// the registrar).
	BindHost string

	emitMu sync.Mutex // OnChange sees the states in the order they were made
	mu     sync.Mutex
	reg    *phoneReg
	call   *phoneCall
	expect map[string]time.Time // contacts accepted in the app before their INVITE arrived
	state  SoftphoneState
	muted  atomic.Bool
}

var _ Softphone = (*SIPPhone)(nil)

// phoneReg is the running registration loop.
type phoneReg struct {
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{}
}

// phoneCall is a call in progress; its goroutine is the diago handler.
type phoneCall struct {
	contactID string
	answer    chan chan error // Accept → the handler: answer, reply with the result
	end       chan struct{}   // Hangup → the handler
	endOnce   sync.Once
	answering atomic.Bool // the handler is answering or answered (Accept has nothing to do)
}

func (c *phoneCall) hangup() { c.endOnce.Do(func() { close(c.end) }) }

func (p *SIPPhone) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

// update changes the state under the lock and reports it.
func (p *SIPPhone) update(change func(*SoftphoneState)) {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	p.mu.Lock()
	seq := p.state.Seq
	change(&p.state)
	p.state.Seq = seq + 1
	p.state.Muted = p.muted.Load()
	st := p.state
	p.mu.Unlock()
	if p.OnChange != nil {
		p.OnChange(st)
	}
}

// State implements Softphone.
func (p *SIPPhone) State() SoftphoneState {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.state
	if !st.Available && st.Reason == "" {
		st.Reason = ReasonSignedOut
	}
	st.Muted = p.muted.Load()
	return st
}

// Start implements Softphone.
func (p *SIPPhone) Start(creds func(context.Context) (SIPCredentials, error)) error {
	_ = p.Stop(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	r := &phoneReg{cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}
	p.mu.Lock()
	p.reg = r
	p.mu.Unlock()
	p.update(func(s *SoftphoneState) { *s = SoftphoneState{Available: true, Reason: ReasonRegistering} })
	go func() {
		defer close(r.done)
		p.registerLoop(ctx, r, creds)
	}()
	return nil
}

// Refresh implements Softphone.
func (p *SIPPhone) Refresh() {
	p.mu.Lock()
	r := p.reg
	p.mu.Unlock()
	if r == nil {
		return
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Stop implements Softphone.
func (p *SIPPhone) Stop(ctx context.Context) error {
	p.mu.Lock()
	r, c := p.reg, p.call
	p.reg = nil
	p.expect = nil
	p.mu.Unlock()
	if c != nil {
		c.hangup()
	}
	if r == nil {
		return nil
	}
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.muted.Store(false)
	p.update(func(s *SoftphoneState) { *s = SoftphoneState{Reason: ReasonSignedOut} })
	return nil
}

// Close implements Softphone.
func (p *SIPPhone) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return p.Stop(ctx)
}

// Accept implements Softphone.
func (p *SIPPhone) Accept(contactID string) (bool, error) {
	p.mu.Lock()
	c := p.call
	if c == nil || c.contactID != contactID || contactID == "" {
		if p.reg != nil && contactID != "" {
			if p.expect == nil {
				p.expect = map[string]time.Time{}
			}
			now := time.Now()
			for id, at := range p.expect {
				if now.Sub(at) > time.Minute {
					delete(p.expect, id)
				}
			}
			p.expect[contactID] = now
		}
		p.mu.Unlock()
		return false, nil
	}
	p.mu.Unlock()
	if c.answering.Load() {
		return true, nil
	}
	reply := make(chan error, 1)
	select {
	case c.answer <- reply:
	case <-c.end:
		return false, nil
	case <-time.After(2 * time.Second):
		return c.answering.Load(), nil // answered at once (answer-after=0), or gone
	}
	select {
	case err := <-reply:
		if err != nil {
			return true, &Error{Code: CodeUnavailable, Message: "answer the call: " + err.Error()}
		}
		return true, nil
	case <-time.After(10 * time.Second):
		return true, &Error{Code: CodeUnavailable, Message: "the call was not answered in time"}
	}
}

// Mute implements Softphone.
func (p *SIPPhone) Mute(on bool) error {
	p.mu.Lock()
	inCall := p.call != nil
	p.mu.Unlock()
	if !inCall {
		return &Error{Code: "conflict", Message: "there is no call to mute"}
	}
	p.muted.Store(on)
	p.update(func(*SoftphoneState) {})
	return nil
}

// Hangup implements Softphone.
func (p *SIPPhone) Hangup() error {
	p.mu.Lock()
	c := p.call
	p.mu.Unlock()
	if c == nil {
		return &Error{Code: "conflict", Message: "there is no call to hang up"}
	}
	c.hangup()
	return nil
}

// ---- registration ----

// userAgent is one diago user agent bound to a UDP port, with its registration.
type userAgent struct {
	ua     *sipgo.UserAgent
	cancel context.CancelFunc
	creds  SIPCredentials
	tx     *diago.RegisterTransaction
	first  bool
}

func (u *userAgent) close() {
	u.cancel()
	_ = u.ua.Close()
}

// registerTimeout bounds one REGISTER (with its digest round trip); a registrar that does not
// answer is tried again with a new user agent.
const registerTimeout = 5 * time.Second

func (p *SIPPhone) expiry() time.Duration {
	if p.Expiry > 0 {
		return p.Expiry
	}
	return 5 * time.Minute
}

// registerLoop keeps the phone registered until ctx ends, then unregisters.
func (p *SIPPhone) registerLoop(ctx context.Context, r *phoneReg, credsFn func(context.Context) (SIPCredentials, error)) {
	log := p.logger()
	var ua *userAgent
	defer func() {
		if ua == nil {
			return
		}
		if !ua.first {
			uctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			if err := ua.tx.Unregister(uctx); err != nil {
				log.Info("softphone: unregister", slog.Any("err", err))
			}
			cancel()
		}
		ua.close()
	}()
	fetch, failures := true, 0
	wait := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-r.kick:
			fetch = true
			return true
		case <-t.C:
			return true
		}
	}
	backoff := func() time.Duration {
		failures++
		return min(time.Second<<min(failures-1, 5), 30*time.Second)
	}
	for ctx.Err() == nil {
		if fetch || ua == nil {
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			creds, err := credsFn(cctx)
			cancel()
			if err != nil {
				log.Warn("softphone: SIP credentials", slog.Any("err", err))
				p.update(func(s *SoftphoneState) { s.Registered, s.Reason = false, ReasonNoCredentials })
				if !wait(backoff()) {
					return
				}
				continue
			}
			fetch = false
			if ua == nil || ua.creds != creds {
				if ua != nil {
					ua.close()
					ua = nil
				}
				p.update(func(s *SoftphoneState) {
					s.Registered, s.Registrar, s.Reason = false, creds.Registrar, ReasonRegistering
				})
				if ua, err = p.newUserAgent(ctx, creds); err != nil {
					log.Warn("softphone: start the user agent", slog.Any("err", err))
					p.update(func(s *SoftphoneState) { s.Registered, s.Reason = false, ReasonRegisterFailed })
					if !wait(backoff()) {
						return
					}
					continue
				}
			}
		}
		rctx, cancel := context.WithTimeout(ctx, registerTimeout)
		var err error
		if ua.first {
			err = ua.tx.Register(rctx)
		} else {
			err = ua.tx.Qualify(rctx)
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			log.Warn("softphone: register", slog.String("registrar", ua.creds.Registrar), slog.Any("err", err))
			p.update(func(s *SoftphoneState) { s.Registered, s.Reason = false, ReasonRegisterFailed })
			var rr *diago.RegisterResponseError
			if errors.As(err, &rr) {
				// refused (e.g. 401/403: the credentials were revoked or replaced): fetch them again
				fetch = true
			}
			// and start over with a new user agent (a new port): a timed-out transaction may have
			// left the old one in a bad state
			ua.close()
			ua = nil
			if !wait(backoff()) {
				return
			}
			continue
		}
		ua.first = false
		failures = 0
		p.update(func(s *SoftphoneState) { s.Registered, s.Reason = true, "" })
		if !wait(p.expiry() / 2) {
			return
		}
	}
}

// newUserAgent starts a diago user agent on a free UDP port of the local address that routes to
// the registrar, and prepares its REGISTER.
func (p *SIPPhone) newUserAgent(ctx context.Context, creds SIPCredentials) (*userAgent, error) {
	hostport, err := registrarHostPort(creds.Registrar)
	if err != nil {
		return nil, err
	}
	bind := p.BindHost
	if bind == "" {
		if bind, err = localAddrFor(hostport); err != nil {
			return nil, fmt.Errorf("no route to the registrar %s: %w", hostport, err)
		}
	}
	var lastErr error
	for range 5 {
		port, err := freeUDPPort(bind)
		if err != nil {
			return nil, err
		}
		// the name is the Contact's user part too: the digest username, as the registrar expects
		ua, err := sipgo.NewUA(sipgo.WithUserAgent(creds.Username))
		if err != nil {
			return nil, err
		}
		dg := diago.NewDiago(ua, diago.WithLogger(p.logger()),
			diago.WithTransport(diago.Transport{Transport: "udp", BindHost: bind, BindPort: port}))
		uctx, cancel := context.WithCancel(ctx)
		if err := dg.ServeBackground(uctx, p.serve); err != nil {
			cancel()
			_ = ua.Close()
			lastErr = err
			continue
		}
		addr := net.JoinHostPort(bind, strconv.Itoa(port))
		waitUDPServing(ua.TransportLayer(), addr)
		var uri sip.Uri
		if err := sip.ParseUri("sip:"+creds.Username+"@"+hostport, &uri); err != nil {
			cancel()
			_ = ua.Close()
			return nil, fmt.Errorf("registrar %q: %w", creds.Registrar, err)
		}
		tx, err := dg.RegisterTransaction(uctx, uri, diago.RegisterOptions{Username: creds.Username, Password: creds.Password, Expiry: p.expiry()})
		if err != nil {
			cancel()
			_ = ua.Close()
			return nil, err
		}
		p.logger().Info("softphone: user agent started", slog.String("addr", addr), slog.String("registrar", creds.Registrar))
		return &userAgent{ua: ua, cancel: cancel, creds: creds, tx: tx, first: true}, nil
	}
	return nil, fmt.Errorf("bind a SIP port on %s: %w", bind, lastErr)
}

// registrarHostPort turns "sip:host:port" (parameters allowed) into host:port (5060 by default).
func registrarHostPort(registrar string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(registrar), "sip:")
	if i := strings.IndexAny(s, ";?"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return "", fmt.Errorf("registrar %q: no host", registrar)
	}
	if _, _, err := net.SplitHostPort(s); err != nil {
		s = net.JoinHostPort(strings.Trim(s, "[]"), "5060")
	}
	return s, nil
}

// localAddrFor returns the local IP the system would use to reach hostport.
func localAddrFor(hostport string) (string, error) {
	c, err := net.Dial("udp", hostport)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// freeUDPPort finds a UDP port free on host. diago must be given an explicit port: with port 0
// the client side sometimes binds before the server and gets "address already in use".
func freeUDPPort(host string) (int, error) {
	c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// waitUDPServing waits (up to 2 s) until sipgo serves the UDP listener at addr: diago's
// ServeBackground returns before that, and a REGISTER sent earlier would open another socket.
func waitUDPServing(tp *sip.TransportLayer, addr string) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := tp.GetConnection("udp", addr); err == nil { // no reference taken
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// ---- calls ----

// serve handles one INVITE from the backend, top to bottom: ring (or answer at once), answer,
// carry the audio, end.
func (p *SIPPhone) serve(d *diago.DialogServerSession) {
	log := p.logger()
	req := d.InviteRequest
	contactID := ""
	if h := req.GetHeader("X-Parley-Contact-Id"); h != nil {
		contactID = strings.TrimSpace(h.Value())
	}
	log = log.With(slog.String("contact_id", contactID))
	c := &phoneCall{contactID: contactID, answer: make(chan chan error), end: make(chan struct{})}
	p.mu.Lock()
	if p.call != nil || p.reg == nil {
		p.mu.Unlock()
		log.Info("softphone: busy, INVITE refused")
		_ = d.Respond(486, "Busy Here", nil)
		return
	}
	auto := answerAfterZero(req)
	if _, ok := p.expect[contactID]; ok && contactID != "" {
		auto = true
		delete(p.expect, contactID)
	}
	p.call = c
	p.mu.Unlock()
	p.muted.Store(false)
	defer func() {
		p.mu.Lock()
		p.call = nil
		p.mu.Unlock()
		p.muted.Store(false)
		p.update(func(s *SoftphoneState) {
			s.Call, s.ContactID, s.AnsweredAt, s.InCall, s.Codec, s.Notice = "", "", nil, false, "", ""
		})
	}()

	var reply chan error
	if !auto {
		_ = d.Ringing()
		p.update(func(s *SoftphoneState) { s.Call, s.ContactID, s.Notice = CallRinging, contactID, "" })
		stopRing := p.ring()
		select {
		case reply = <-c.answer:
			stopRing()
		case <-c.end:
			stopRing()
			_ = d.Respond(603, "Decline", nil)
			return
		case <-d.Context().Done():
			stopRing() // cancelled: the offer ended (missed, rejected, the caller left)
			return
		}
	}
	c.answering.Store(true)
	err := d.Answer()
	if reply != nil {
		reply <- err
	}
	if err != nil {
		log.Warn("softphone: answer", slog.Any("err", err))
		return
	}
	codec := audio.PCMU
	name := media.CodecAudioFromSession(d.MediaSession()).Name
	if name == "PCMA" {
		codec = audio.PCMA
	}
	now := time.Now()
	p.update(func(s *SoftphoneState) {
		s.Call, s.ContactID, s.AnsweredAt, s.InCall, s.Codec, s.Notice = CallConnected, contactID, &now, true, name, ""
	})
	log.Info("softphone: call answered", slog.String("codec", name), slog.Bool("auto", auto))

	jd, jm := p.JitterPackets, p.JitterMaxPackets
	if jd <= 0 {
		jd = 3
	}
	if jm < jd {
		jm = max(5, jd)
	}
	rd, err := d.AudioReader(diago.WithAudioReaderJitterBuffer(media.RTPJitterBufferOptions{DelayPackets: jd, MaxPackets: jm}))
	if err != nil {
		log.Warn("softphone: audio reader", slog.Any("err", err))
		_ = p.hangupDialog(d)
		return
	}
	wr, err := d.AudioWriter()
	if err != nil {
		log.Warn("softphone: audio writer", slog.Any("err", err))
		_ = p.hangupDialog(d)
		return
	}
	ctx, cancel := context.WithCancel(d.Context())
	defer cancel()
	byUs := make(chan struct{})
	go func() {
		select {
		case <-c.end:
			close(byUs)
			cancel()
		case <-ctx.Done():
		}
	}()
	m := &callMedia{sys: p.audioSystem(), devices: p.devices(), codec: codec, muted: p.muted.Load,
		onLevel: p.OnLevel, log: log,
		onNotice: func(key string) { p.update(func(s *SoftphoneState) { s.Notice = key }) }}
	m.run(ctx, rd, wr, func() { _ = d.DialogMedia.Close() })
	select {
	case <-byUs:
		if err := p.hangupDialog(d); err != nil {
			log.Info("softphone: hang up", slog.Any("err", err))
		}
	default:
	}
	log.Info("softphone: call ended")
}

func (p *SIPPhone) hangupDialog(d *diago.DialogServerSession) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return d.Hangup(ctx)
}

func (p *SIPPhone) audioSystem() audio.System {
	if p.Audio == nil {
		p.Audio = &audio.PortAudio{}
	}
	return p.Audio
}

func (p *SIPPhone) devices() AudioSettings {
	if p.Devices == nil {
		return AudioSettings{}
	}
	return p.Devices()
}

// ring plays the ring tone on the ringer device until the returned function is called. A
// ringer that cannot be opened is logged: the UI still shows the call.
func (p *SIPPhone) ring() (stop func()) {
	stopCh, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		d, err := audio.OpenResilient(p.audioSystem(), audio.Config{Output: p.devices().Ringer, Playback: true})
		if err != nil {
			p.logger().Warn("softphone: no ringer device", slog.Any("err", err))
			return
		}
		defer d.Close()
		if err := audio.PlayRing(d, stopCh); err != nil {
			p.logger().Warn("softphone: ringer", slog.Any("err", err))
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stopCh)
			<-done
		})
	}
}

// answerAfterZero reports a Call-Info header with answer-after=0 (the offer was accepted
// already: answer without ringing).
func answerAfterZero(req *sip.Request) bool {
	for _, h := range req.GetHeaders("Call-Info") {
		for _, part := range strings.Split(h.Value(), ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "answer-after") && strings.TrimSpace(v) == "0" {
				return true
			}
		}
	}
	return false
}
