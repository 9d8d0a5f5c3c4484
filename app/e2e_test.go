package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
)

// TestBrowserE2E drives the BUILT frontend (frontend/dist) in headless Chromium (Debian's
// chromium through playwright-core, frontend/e2e/ccp.e2e.mjs) against a real parleyd. Each
// "window" is its own App behind the HTTP shim (newShim) that stands in for Wails' bindings.
// Needs: chromium, node, `npm ci && npm run build` in frontend/.
func TestBrowserE2E(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		var err error
		if chromium, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("chromium is not installed (apt-get install chromium): the browser tests need it")
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the browser tests need it")
	}
	frontend, _ := filepath.Abs("../frontend")
	if _, err := os.Stat(filepath.Join(frontend, "node_modules", "playwright-core")); err != nil {
		t.Fatal("frontend/node_modules/playwright-core is missing: run `npm ci` in frontend/")
	}
	// no session bus: nothing (Chromium, PortAudio's JACK probe) may autolaunch one and leave
	// it running
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
	t.Setenv("NO_AT_BRIDGE", "1")
	b := startBackend(t)
	dist := filepath.Join(frontend, "dist")
	agentApp, agentRT := newTestApp(t)
	supApp, supRT := newTestApp(t)
	agentSrv := newShim(t, agentApp, agentRT, dist)
	supSrv := newShim(t, supApp, supRT, dist)

	// control lets the script restart the backend (the reconnection banner)
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stop":
			b.stop()
		case "/start":
			b.start(b.hostAddr)
		default:
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer control.Close()

	out := os.Getenv("PARLEY_E2E_OUT")
	if out == "" {
		out = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e/ccp.e2e.mjs")
	cmd.Dir = frontend
	cmd.Env = append(os.Environ(),
		"CHROMIUM="+chromium,
		"AGENT_URL="+agentSrv.URL,
		"SUPERVISOR_URL="+supSrv.URL,
		"BACKEND="+b.hostAddr,
		"CONTROL_URL="+control.URL,
		"OUT_DIR="+out,
	)
	output, err := cmd.CombinedOutput()
	t.Logf("e2e output:\n%s", output)
	if err != nil {
		t.Fatalf("browser e2e failed: %v (screenshots in %s)", err, out)
	}

	// each task offered to agent1 raised an OS notification (the harness records them)
	agentRT.mu.Lock()
	notes := append([]Notification(nil), agentRT.notes...)
	agentRT.mu.Unlock()
	if len(notes) < 3 || notes[0].Title != "Incoming task contact" || len(notes[0].Actions) != 2 {
		t.Errorf("notifications for the three offers: %+v", notes)
	}

	// what the browser did reached the backend: agent1 signed out, so not logged in to routing
	sup := b.client(t, "admin", "admin-demo")
	var live api.List[api.LiveAgent]
	if err := sup.Do(context.Background(), http.MethodGet, "/v1/agents", nil, &live); err != nil {
		t.Fatal(err)
	}
	me, _ := agentApp.GetSettings()
	if me.Username != "agent1" {
		t.Errorf("remembered username = %q", me.Username)
	}
	for _, l := range live.Items {
		if l.Snapshot != nil && len(l.Snapshot.Contacts) > 0 {
			t.Errorf("unexpected contacts: %+v", l)
		}
	}
}
