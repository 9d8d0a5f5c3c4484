package app

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
)

// These helpers run a real parleyd (built from ./backend/cmd/parleyd) for the app's tests.

var (
	buildOnce   sync.Once
	parleydPath string
	buildErr    error
	buildOut    []byte
)

// parleydBinary builds parleyd once per test binary.
func parleydBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "parley-app-test-")
		if err != nil {
			buildErr = err
			return
		}
		parleydPath = filepath.Join(dir, "parleyd")
		cmd := exec.Command("go", "build", "-tags", "libsqlite3", "-o", parleydPath, "./backend/cmd/parleyd")
		cmd.Dir = ".."
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("build parleyd: %v\n%s", buildErr, buildOut)
	}
	return parleydPath
}

// backend is a running parleyd with the demo instance.
type backend struct {
	t        *testing.T
	bin      string
	dataDir  string
	hostAddr string // 127.0.0.1:PORT once started
	URL      string // http://127.0.0.1:PORT
	SIPAddr  string // 127.0.0.1:PORT of SIP (UDP and TCP), a new free port at each start
	cmd      *exec.Cmd
	done     chan struct{}
	mu       sync.Mutex
}

var (
	apiLine = regexp.MustCompile(`API:\s+(http://127\.0\.0\.1:\d+)/v1`)
	sipLine = regexp.MustCompile(`SIP:\s+(127\.0\.0\.1:\d+) `)
)

// startBackend starts parleyd serve --demo on 127.0.0.1:0 in a temp data dir; it is stopped
// when the test ends.
func startBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{t: t, bin: parleydBinary(t), dataDir: t.TempDir()}
	b.start("127.0.0.1:0")
	t.Cleanup(b.stop)
	return b
}

func (b *backend) start(httpAddr string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var cmd *exec.Cmd
	var urlCh chan string
	for try := 0; ; try++ {
		// SIP on a free port too: the default, 5060, may be taken by another test's parleyd
		cmd = exec.Command(b.bin, "serve", "--demo", "--data-dir", b.dataDir, "--http", httpAddr, "--sip", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.t.Fatal(err)
		}
		logf, err := os.OpenFile(filepath.Join(b.dataDir, "parleyd.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			b.t.Fatal(err)
		}
		cmd.Stderr = logf
		if err := cmd.Start(); err != nil {
			b.t.Fatalf("start parleyd: %v", err)
		}
		urlCh = make(chan string, 1)
		sipCh := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if m := apiLine.FindStringSubmatch(sc.Text()); m != nil {
					urlCh <- m[1]
				}
				if m := sipLine.FindStringSubmatch(sc.Text()); m != nil {
					sipCh <- m[1]
				}
			}
			_, _ = io.Copy(io.Discard, stdout)
			logf.Close()
		}()
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		retry := func(why string) {
			log, _ := os.ReadFile(filepath.Join(b.dataDir, "parleyd.log"))
			// a fixed HTTP port may still be in TIME_WAIT; SIP on port 0 takes a free UDP port and
			// then TCP on the same number, which another process may hold
			if try < 10 && (httpAddr != "127.0.0.1:0" || strings.Contains(string(log), "address already in use")) {
				time.Sleep(500 * time.Millisecond)
				return
			}
			b.t.Fatalf("parleyd %s; log:\n%s", why, log)
		}
		select {
		case u := <-urlCh:
			b.URL = u
			b.hostAddr = strings.TrimPrefix(u, "http://")
			select {
			case b.SIPAddr = <-sipCh:
			case <-time.After(5 * time.Second):
				b.t.Fatal("parleyd printed no SIP address")
			}
		case <-exited:
			retry("exited before printing its API address")
			continue
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			retry("printed no API address in 30 s")
			continue
		}
		b.cmd = cmd
		b.done = exited
		break
	}
}

// stop ends parleyd (SIGTERM, then SIGKILL after 10 s).
func (b *backend) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.done
	}
	b.cmd = nil
}

// restart stops parleyd and starts it again on the same port and data directory.
func (b *backend) restart() {
	b.stop()
	b.start(b.hostAddr)
}

// client signs in to the backend as username.
func (b *backend) client(t *testing.T, username, password string) *api.Client {
	t.Helper()
	c := &api.Client{BaseURL: b.URL}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Login(ctx, username, password); err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return c
}

// freePort returns a TCP address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
