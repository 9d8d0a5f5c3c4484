package sip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// numbers is an in-memory parley.PhoneNumberService with exact matching, like the store's.
type numbers struct {
	mu    sync.Mutex
	m     map[string]*parley.PhoneNumber
	calls []string // the numbers looked up, in order
}

func newNumbers(nums ...string) *numbers {
	n := &numbers{m: map[string]*parley.PhoneNumber{}}
	for _, num := range nums {
		n.m[num] = &parley.PhoneNumber{ID: parley.PhoneNumberID("pn-" + num), Number: num, FlowID: "flow-1"}
	}
	return n
}

func (n *numbers) FindPhoneNumberByID(ctx context.Context, id parley.PhoneNumberID) (*parley.PhoneNumber, error) {
	return nil, parley.NotFoundf("not implemented in the test double")
}

func (n *numbers) FindPhoneNumbers(ctx context.Context, f parley.PhoneNumberFilter) ([]*parley.PhoneNumber, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls = append(n.calls, f.Number)
	if p, ok := n.m[f.Number]; ok {
		return []*parley.PhoneNumber{p}, nil
	}
	return nil, nil
}

func (n *numbers) CreatePhoneNumber(ctx context.Context, p *parley.PhoneNumber) error {
	return errors.New("not implemented")
}
func (n *numbers) UpdatePhoneNumber(ctx context.Context, p *parley.PhoneNumber) error {
	return errors.New("not implemented")
}
func (n *numbers) DeletePhoneNumber(ctx context.Context, id parley.PhoneNumberID) error {
	return errors.New("not implemented")
}

var _ parley.PhoneNumberService = (*numbers)(nil)

// freePort returns a port free for both UDP and TCP on 127.0.0.1 (bound, then closed).
func freePort(t testing.TB) int {
	t.Helper()
	for range 50 {
		u, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := u.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		u.Close()
		if err != nil {
			continue
		}
		l.Close()
		// RTP needs port+1 too for sipp's media (RTCP); check it is free.
		u2, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+1)))
		if err != nil {
			continue
		}
		u2.Close()
		return port
	}
	t.Fatal("no free port")
	return 0
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("PARLEY_SIP_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startServer runs s until the test ends and returns its SIP address.
func startServer(t testing.TB, s *Server) string {
	t.Helper()
	if s.Addr == "" {
		s.Addr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	}
	if s.Logger == nil {
		s.Logger = testLogger(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-s.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server Run: %v", err)
		}
	})
	return s.LocalAddr("udp").String()
}

// requireTool fails (not skips: a missing tool is a defect, see CONVENTIONS.md) without bin.
func requireTool(t testing.TB, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("%s is not installed: run `make deps` (apt-get install sip-tester espeak-ng sox baresip)", bin)
	}
}

// scenario writes a testdata/sipp scenario into dir with replacements applied.
func scenario(t testing.TB, name string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sipp", name))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(replace...).Replace(string(b))
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sippResult is what a sipp run printed and how it exited.
type sippResult struct {
	out  string
	code int
}

// runSipp runs sipp against addr with a scenario file and returns when it exits.
func runSipp(t testing.TB, addr, scenarioPath string, args ...string) sippResult {
	t.Helper()
	requireTool(t, "sipp")
	port := freePort(t)
	mport := freePort(t)
	all := append([]string{
		addr, "-sf", scenarioPath,
		"-i", "127.0.0.1", "-p", strconv.Itoa(port), "-mp", strconv.Itoa(mport),
		"-nostdin", "-timeout", "60s", "-timeout_error",
	}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sipp", all...)
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("sipp: %v", err)
	}
	return sippResult{out: out.String(), code: code}
}

// sippStat extracts a counter from sipp's final statistics screen, e.g. "Successful call".
func sippStat(out, name string) int {
	idx := strings.LastIndex(out, name)
	if idx < 0 {
		return -1
	}
	line := out[idx:]
	if nl := strings.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	fields := strings.Split(line, "|")
	if len(fields) < 3 {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(fields[2]))
	if err != nil {
		return -1
	}
	return n
}

// tone is a 400 Hz prompt of the given length.
func tone(d time.Duration) *Audio {
	n := int(d * SampleRate / time.Second)
	a := &Audio{Samples: make([]int16, n)}
	for i := range a.Samples {
		// a square-ish wave is enough for tests
		if (i/10)%2 == 0 {
			a.Samples[i] = 8000
		} else {
			a.Samples[i] = -8000
		}
	}
	return a
}

// runSippAt runs sipp as a server (a UAS scenario) on port and returns when it exits.
func runSippAt(t testing.TB, port int, scenarioPath string, args ...string) sippResult {
	t.Helper()
	requireTool(t, "sipp")
	all := append([]string{
		"-sf", scenarioPath, "-i", "127.0.0.1", "-p", strconv.Itoa(port), "-mp", strconv.Itoa(freePort(t)),
		"-nostdin", "-timeout", "60s", "-timeout_error",
	}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sipp", all...)
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Errorf("sipp: %v", err)
	}
	return sippResult{out: out.String(), code: code}
}
