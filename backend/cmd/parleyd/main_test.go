package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/api"
)

// TestMain lets the test binary act as parleyd: the end-to-end tests start it as a real process
// with PARLEYD_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("PARLEYD_TEST_MAIN") == "1" {
		main()
		return
	}
	if os.Getenv("PARLEYD_TEST_SCENARIO") == "acw" {
		runACWScenario()
		return
	}
	os.Exit(m.Run())
}

// proc is a parleyd process started by a test.
type proc struct {
	cmd    *exec.Cmd
	url    string
	sip    string   // host:port of SIP
	banner []string // stdout lines up to and including "Press Ctrl+C"
	stderr *bytes.Buffer
}

var (
	apiLine = regexp.MustCompile(`API:\s+(http://\S+)/v1`)
	sipLine = regexp.MustCompile(`SIP:\s+(\S+) \(UDP and TCP\)`)
)

// startParleyd runs "parleyd serve" on dataDir and a free port, and waits for its banner.
func startParleyd(t *testing.T, dataDir string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--data-dir", dataDir, "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "PARLEYD_TEST_MAIN=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		p.banner = append(p.banner, line)
		if m := apiLine.FindStringSubmatch(line); m != nil {
			p.url = m[1]
		}
		if m := sipLine.FindStringSubmatch(line); m != nil {
			p.sip = m[1]
		}
		if strings.HasPrefix(line, "Press Ctrl+C") {
			break
		}
	}
	if p.url == "" {
		_ = cmd.Wait()
		t.Fatalf("parleyd printed no API address; stdout:\n%s\nstderr:\n%s", strings.Join(p.banner, "\n"), p.stderr)
	}
	go io.Copy(io.Discard, stdout)
	return p
}

// stop sends SIGTERM and expects a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("parleyd exit: %v\nstderr:\n%s", err, p.stderr)
	}
}

func (p *proc) bannerLine(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for _, l := range p.banner {
		if m := re.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	return nil
}

var firstAdmin = regexp.MustCompile(`created user "admin" with password (\S+)`)

func TestServeCreatesAdminAndKeepsDataAcrossRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := startParleyd(t, dir)
	m := p.bannerLine(t, firstAdmin)
	if m == nil {
		t.Fatalf("first start printed no admin password:\n%s", strings.Join(p.banner, "\n"))
	}
	pw := m[1]
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(ctx, "admin", pw); err != nil {
		t.Fatal(err)
	}
	// Outside demo mode the instance has one user and no queues.
	var users api.List[api.User]
	var queues api.List[api.Queue]
	must(t, c.Do(ctx, "GET", "/v1/users", nil, &users))
	must(t, c.Do(ctx, "GET", "/v1/queues", nil, &queues))
	if len(users.Items) != 1 || len(queues.Items) != 0 {
		t.Fatalf("fresh instance has %d users and %d queues, want 1 and 0", len(users.Items), len(queues.Items))
	}
	var h api.HoursOfOperation
	var q api.Queue
	var rp api.RoutingProfile
	must(t, c.Do(ctx, "POST", "/v1/hours-of-operation", api.HoursOfOperation{Name: "Office", TimeZone: "America/New_York",
		Config: []api.HoursRange{{Day: "TUESDAY", StartTime: api.TimeOfDay{Hours: 8}, EndTime: api.TimeOfDay{Hours: 20}}}}, &h))
	must(t, c.Do(ctx, "POST", "/v1/queues", api.Queue{Name: "Claims", HoursOfOperationID: h.ID, MaxContacts: 25}, &q))
	must(t, c.Do(ctx, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: "Claims agents", DefaultOutboundQueueID: q.ID,
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "VOICE", Concurrency: 1}, {Channel: "CHAT", Concurrency: 4}},
		Queues:             []api.RoutingProfileQueue{{QueueID: q.ID, Channel: "CHAT", Priority: 1, Delay: 15}}}, &rp))
	p.stop(t)

	p2 := startParleyd(t, dir)
	if p2.bannerLine(t, firstAdmin) != nil {
		t.Fatal("second start created another admin")
	}
	c2 := &api.Client{BaseURL: p2.url}
	if _, err := c2.Login(ctx, "admin", pw); err != nil {
		t.Fatalf("login after restart: %v", err)
	}
	var q2 api.Queue
	var rp2 api.RoutingProfile
	must(t, c2.Do(ctx, "GET", "/v1/queues/"+q.ID, nil, &q2))
	must(t, c2.Do(ctx, "GET", "/v1/routing-profiles/"+rp.ID, nil, &rp2))
	if q2.Name != "Claims" || q2.MaxContacts != 25 || rp2.Name != "Claims agents" || len(rp2.Queues) != 1 || rp2.Queues[0].Delay != 15 {
		t.Fatalf("after restart: queue %+v, routing profile %+v", q2, rp2)
	}
	// The old session token survives the restart too (sessions are stored).
	c2.Token = c.Token
	must(t, c2.Do(ctx, "GET", "/v1/me", nil, nil))
	p2.stop(t)
}

func TestServeDemo(t *testing.T) {
	ctx := context.Background()
	p := startParleyd(t, t.TempDir(), "--demo")
	banner := strings.Join(p.banner, "\n")
	for _, want := range []string{DemoPhoneNumber, "agent1", "agent1-demo", "supervisor-demo", "admin-demo"} {
		if !strings.Contains(banner, want) {
			t.Errorf("demo banner lacks %q:\n%s", want, banner)
		}
	}
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(ctx, "admin", "admin-demo"); err != nil {
		t.Fatal(err)
	}
	var queues api.List[api.Queue]
	var profiles api.List[api.RoutingProfile]
	var numbers api.List[api.PhoneNumber]
	var flows api.List[api.Flow]
	var statuses api.List[api.AgentStatus]
	must(t, c.Do(ctx, "GET", "/v1/queues", nil, &queues))
	must(t, c.Do(ctx, "GET", "/v1/routing-profiles", nil, &profiles))
	must(t, c.Do(ctx, "GET", "/v1/phone-numbers", nil, &numbers))
	must(t, c.Do(ctx, "GET", "/v1/flows", nil, &flows))
	must(t, c.Do(ctx, "GET", "/v1/agent-statuses", nil, &statuses))
	var names []string
	for _, q := range queues.Items {
		names = append(names, q.Name)
	}
	if strings.Join(names, ",") != "Billing,Sales,Support" {
		t.Errorf("demo queues = %v", names)
	}
	if len(profiles.Items) != 2 || len(statuses.Items) != 5 {
		t.Errorf("demo has %d routing profiles and %d statuses, want 2 and 5", len(profiles.Items), len(statuses.Items))
	}
	if len(numbers.Items) != 1 || numbers.Items[0].Number != DemoPhoneNumber || numbers.Items[0].FlowID == "" {
		t.Fatalf("demo numbers = %+v", numbers.Items)
	}
	for _, f := range flows.Items {
		if f.PublishedVersion != 1 {
			t.Errorf("demo flow %q is not published", f.Name)
		}
	}
	for _, u := range demoUsers {
		uc := &api.Client{BaseURL: p.url}
		lr, err := uc.Login(ctx, u.username, u.password)
		if err != nil {
			t.Errorf("demo login %s: %v", u.username, err)
			continue
		}
		if (u.routing != "") != (lr.User.RoutingProfileID != "") {
			t.Errorf("demo user %s routing profile = %q", u.username, lr.User.RoutingProfileID)
		}
	}
	p.stop(t)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// runCLI runs one parleyd command line in-process.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "user", "add", "--data-dir", dir, "--username", "root", "--profiles", "Admin", "--log-format", "text")
	if code != 0 || !regexp.MustCompile(`password \S{20} \(shown once\)`).MatchString(out) {
		t.Fatalf("user add: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "user", "add", "--data-dir", dir, "--username", "root"); code != 1 || !strings.Contains(errs, "taken") {
		t.Fatalf("duplicate user add: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, "", "user", "add", "--data-dir", dir, "--username", "x", "--profiles", "Wizard"); code != 1 || !strings.Contains(errs, "Wizard") {
		t.Fatalf("unknown profile: %d %q", code, errs)
	}
	if code, out, errs := runCLI(t, "typed-password\n", "user", "passwd", "--data-dir", dir, "--username", "root", "--password-stdin"); code != 0 || !strings.Contains(out, "password set") {
		t.Fatalf("user passwd: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, "short\n", "user", "passwd", "--data-dir", dir, "--username", "root", "--password-stdin"); code != 1 || !strings.Contains(errs, "at least 8") {
		t.Fatalf("short password: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, "", "user", "passwd", "--data-dir", dir, "--username", "ghost"); code != 1 || !strings.Contains(errs, "ghost") {
		t.Fatalf("unknown user: %d %q", code, errs)
	}
	// The password set from stdin works: a server on this data directory accepts it.
	p := startParleyd(t, dir)
	if p.bannerLine(t, firstAdmin) != nil {
		t.Fatal("serve created an admin although one exists")
	}
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(context.Background(), "root", "typed-password"); err != nil {
		t.Fatal(err)
	}
	p.stop(t)
}

func TestHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"user", "add", "--help"}, {"user", "passwd", "--help"}, {"migrate", "--help"}, {"flow", "--help"}} {
		code, out, errs := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out+errs, "Usage") && !strings.Contains(out+errs, "usage") {
			t.Errorf("%v: exit %d, output %q %q", args, code, out, errs)
		}
	}
	for _, args := range [][]string{{}, {"bogus"}, {"serve", "--nope"}, {"serve", "extra"}, {"user"}, {"user", "add"}} {
		if code, _, _ := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestMigrate(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "migrate", "--data-dir", dir, "--log-format", "json")
	if code != 0 || !strings.Contains(out, "applied 0001_init.sql") || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, "", "migrate", "--data-dir", dir, "--log-format", "json")
	if code != 0 || strings.Contains(out, "applied") {
		t.Fatalf("second migrate applied again: %d %q", code, errs)
	}
}

func TestServeDemoChat(t *testing.T) {
	p := startParleyd(t, t.TempDir(), "--demo")
	defer p.stop(t)
	// A customer starts a web chat on the demo's default chat flow, as the widget does.
	resp, err := http.Post(p.url+"/v1/chat/start", "application/json", strings.NewReader(`{"displayName":"Pat"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var start struct {
		ContactID        string `json:"contactId"`
		ParticipantToken string `json:"participantToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&start); err != nil || resp.StatusCode/100 != 2 || start.ParticipantToken == "" {
		t.Fatalf("start chat: %d %+v %v", resp.StatusCode, start, err)
	}
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.url, "http")+"/v1/chat/connect?token="+url.QueryEscape(start.ParticipantToken), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := func() map[string]any {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var f map[string]any
		if err := conn.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v", err)
		}
		return f
	}
	var saw []string
	for !slices.Contains(saw, "Type 1 for sales, 2 for support or 3 for billing.") {
		if f := read(); f["type"] == "MESSAGE" {
			saw = append(saw, f["content"].(string))
		}
	}
	if saw[0] != "Hello, and thank you for contacting Parley." {
		t.Fatalf("the flow's messages: %q", saw)
	}
	// The customer chooses Billing; the chat waits in that queue.
	if err := conn.WriteJSON(map[string]string{"type": "MESSAGE", "content": "3", "clientId": "c1"}); err != nil {
		t.Fatal(err)
	}
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(context.Background(), "admin", "admin-demo"); err != nil {
		t.Fatal(err)
	}
	var queues api.List[api.Queue]
	must(t, c.Do(context.Background(), "GET", "/v1/queues", nil, &queues))
	deadline := time.Now().Add(10 * time.Second)
	for {
		var contact api.Contact
		must(t, c.Do(context.Background(), "GET", "/v1/contacts/"+start.ContactID, nil, &contact))
		if contact.State == "QUEUED" {
			for _, q := range queues.Items {
				if q.ID == contact.QueueID && q.Name != "Billing" {
					t.Fatalf("chat queued in %s, want Billing", q.Name)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the chat is %s, not queued", contact.State)
		}
	}
}

func TestServeDemoAnswersThePhone(t *testing.T) {
	p := startParleyd(t, t.TempDir(), "--demo")
	defer p.stop(t)
	if p.sip == "" {
		t.Fatalf("no SIP address in the banner:\n%s", strings.Join(p.banner, "\n"))
	}
	// sipp's built-in caller: INVITE the demo number, expect 200, ACK, BYE. It exits 0 only
	// when the call succeeded.
	cmd := exec.Command("sipp", "-sn", "uac", "-m", "1", "-s", DemoPhoneNumber, "-i", "127.0.0.1", "-p", "0",
		"-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "sipp.err"), p.sip)
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sipp calling %s at %s: %v\n%s", DemoPhoneNumber, p.sip, err, out)
	}
	c := &api.Client{BaseURL: p.url}
	if _, err := c.Login(context.Background(), "admin", "admin-demo"); err != nil {
		t.Fatal(err)
	}
	var m api.RealtimeMetrics
	must(t, c.Do(context.Background(), "GET", "/v1/metrics/current", nil, &m)) // still serving after the call
}
