package sip

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/parley-cc/parley/backend/parley"
)

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func registrarServer(t *testing.T, r *Registrar) string {
	t.Helper()
	s := NewServer(newNumbers(DemoNumber), PromptHandler{})
	s.Registrar = r
	return startServer(t, s)
}

func TestRegistrarSippDigest(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	r := &Registrar{Now: clock.Now}
	addr := registrarServer(t, r)
	const agent parley.UserID = "agent-1"
	user, pass, err := r.IssueCredentials(agent)
	if err != nil {
		t.Fatal(err)
	}
	if user == string(agent) || len(pass) < 16 {
		t.Errorf("credentials %q/%q: want a random username and a long password", user, pass)
	}
	if _, ok := r.Contact(agent); ok {
		t.Fatal("binding before REGISTER")
	}

	res := runSipp(t, addr, scenario(t, "register_auth.xml"), "-s", user, "-au", user, "-ap", pass, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp REGISTER: exit %d\n%s", res.code, res.out)
	}
	b, ok := r.Contact(agent)
	if !ok {
		t.Fatal("no binding after REGISTER")
	}
	if !strings.HasPrefix(b.Contact, "sip:"+user+"@127.0.0.1:") {
		t.Errorf("contact %q, want sipp's", b.Contact)
	}
	if got := b.Expires.Sub(clock.Now()); got != 300*time.Second {
		t.Errorf("binding expires in %v, want 300s", got)
	}
	clock.Add(301 * time.Second)
	if _, ok := r.Contact(agent); ok {
		t.Error("binding still there after it expired")
	}

	// A wrong password is refused.
	res = runSipp(t, addr, scenario(t, "register_auth.xml"), "-s", user, "-au", user, "-ap", "wrong", "-m", "1", "-recv_timeout", "5000")
	if res.code == 0 {
		t.Error("REGISTER with a wrong password succeeded")
	}
	if _, ok := r.Contact(agent); ok {
		t.Error("binding after a refused REGISTER")
	}

	// Revoked credentials are refused.
	if err := r.RevokeCredentials(agent); err != nil {
		t.Fatal(err)
	}
	res = runSipp(t, addr, scenario(t, "register_auth.xml"), "-s", user, "-au", user, "-ap", pass, "-m", "1", "-recv_timeout", "5000")
	if res.code == 0 {
		t.Error("REGISTER with revoked credentials succeeded")
	}
	if err := r.RevokeCredentials(agent); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Errorf("revoking twice: %v, want ENotFound", err)
	}
}

func TestRegistrarUnregisterAndReissue(t *testing.T) {
	r := &Registrar{}
	addr := registrarServer(t, r)
	const agent parley.UserID = "agent-2"
	user, pass, _ := r.IssueCredentials(agent)
	res := runSipp(t, addr, scenario(t, "register_auth.xml"), "-s", user, "-au", user, "-ap", pass, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp REGISTER: exit %d\n%s", res.code, res.out)
	}
	if _, ok := r.Contact(agent); !ok {
		t.Fatal("no binding")
	}
	// Issuing new credentials (a new sign-in) signs the old phone out.
	if _, _, err := r.IssueCredentials(agent); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Contact(agent); ok {
		t.Error("binding of the old credentials survived a new sign-in")
	}
}

// agentPhone is a diago user agent acting as an agent's softphone.
type agentPhone struct {
	dg   *diago.Diago
	port int
}

func newAgentPhone(t *testing.T, name string, serve func(d *diago.DialogServerSession)) *agentPhone {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(name))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	dg := diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: "127.0.0.1", BindPort: port}))
	ctx, cancel := context.WithCancel(context.Background())
	if serve == nil {
		serve = func(d *diago.DialogServerSession) { _ = d.Respond(486, "Busy Here", nil) }
	}
	if err := dg.ServeBackground(ctx, serve); err != nil {
		cancel()
		t.Fatal(err)
	}
	// ServeBackground returns before sipgo serves the socket (see waitUDPServing).
	waitUDPServing(ua.TransportLayer(), "127.0.0.1:"+itoa(port))
	t.Cleanup(func() {
		cancel()
		_ = ua.Close()
	})
	return &agentPhone{dg: dg, port: port}
}

func (p *agentPhone) register(ctx context.Context, serverAddr, user, pass string) (*diago.RegisterTransaction, error) {
	host, portStr, _ := strings.Cut(serverAddr, ":")
	var uri sip.Uri
	if err := sip.ParseUri("sip:"+user+"@"+host+":"+portStr, &uri); err != nil {
		return nil, err
	}
	tx, err := p.dg.RegisterTransaction(ctx, uri, diago.RegisterOptions{Username: user, Password: pass, Expiry: 120 * time.Second})
	if err != nil {
		return nil, err
	}
	return tx, tx.Register(ctx)
}

func TestRegistrarDiagoClient(t *testing.T) {
	r := &Registrar{}
	addr := registrarServer(t, r)
	const agent parley.UserID = "agent-3"
	user, pass, _ := r.IssueCredentials(agent)
	phone := newAgentPhone(t, user, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tx, err := phone.register(ctx, addr, user, pass)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	b, ok := r.Contact(agent)
	if !ok {
		t.Fatal("no binding after diago REGISTER")
	}
	if !strings.Contains(b.Contact, "127.0.0.1:"+itoa(phone.port)) {
		t.Errorf("contact %q, want the phone's port %d", b.Contact, phone.port)
	}
	if err := tx.Unregister(ctx); err != nil {
		t.Fatalf("unregister: %v", err)
	}
	if _, ok := r.Contact(agent); ok {
		t.Error("binding after unregister (Contact: *, Expires: 0)")
	}
	// Another agent's credentials cannot register this agent's address of record.
	other, otherPass, _ := r.IssueCredentials("agent-4")
	phone2 := newAgentPhone(t, user, nil)
	host, port, _ := strings.Cut(addr, ":")
	var uri sip.Uri
	_ = sip.ParseUri("sip:"+user+"@"+host+":"+port, &uri)
	tx2, err := phone2.dg.RegisterTransaction(ctx, uri, diago.RegisterOptions{Username: other, Password: otherPass, Expiry: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx2.Register(ctx); err == nil {
		t.Error("agent-4's credentials registered agent-3's address of record")
	}
}
