package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/api"
)

// TestRealWindow builds the desktop app (Wails, -tags desktop,production,webkit2_41), runs it
// under Xvfb, signs in to a real parleyd by typing into the window with xdotool, and takes a
// screenshot. It fails when the window with the expected title is not on screen, when the page
// does not report the agent view ready (ReportReady → PARLEY_READY_FILE), when the backend does
// not see the agent online, or when the screenshot is blank. It also checks that a second
// launch leaves the first window alone (single-instance lock).
// Needs: xvfb, xdotool, imagemagick (import), libwebkit2gtk-4.1-dev, dbus (dbus-daemon),
// the built frontend.
func TestRealWindow(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (apt-get install xvfb xdotool imagemagick dbus): %v", tool, err)
		}
	}
	if _, err := os.Stat("../frontend/dist/index.html"); err != nil {
		t.Fatal("the frontend is not built: run `npm ci && npm run build` in frontend/")
	}
	b := startBackend(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "parley")
	build := exec.Command("go", "build", "-tags", "desktop,production,webkit2_41", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the app: %v\n%s", err, out)
	}

	display := startXvfb(t)
	bus := startSessionBus(t) // the single-instance lock and notifications use the session bus
	config := filepath.Join(dir, "config")
	settings := &SettingsStore{Path: filepath.Join(config, "parley", "settings.json")}
	if _, err := settings.Update(func(s *Settings) { s.BackendURL, s.Username = b.URL, "agent1" }); err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(dir, "ready")
	env := append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus, "XDG_CONFIG_HOME="+config, "PARLEY_READY_FILE="+ready,
		"XDG_RUNTIME_DIR="+mkdir(t, dir, "xdg"), "WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1",
		"NO_AT_BRIDGE=1", "GTK_A11Y=none") // no accessibility bus launcher left behind

	logPath := filepath.Join(dir, "app.log")
	logf, _ := os.Create(logPath)
	defer logf.Close()
	app := exec.Command(bin)
	app.Env, app.Stdout, app.Stderr = env, logf, logf
	start := time.Now()
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = app.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = app.Process.Kill()
		<-done
	})
	failf := func(format string, args ...any) {
		t.Helper()
		shot(t, display, "failure")
		log, _ := os.ReadFile(logPath)
		t.Fatalf(format+"\napp log:\n%s", append(args, tail(string(log), 3000))...)
	}

	if !waitFile(ready, "signin", 60*time.Second, done) {
		failf("the sign-in page did not report ready within 60 s")
	}
	t.Logf("sign-in screen ready %.2f s after launch", time.Since(start).Seconds())
	win := xdotool(t, display, "search", "--sync", "--name", "^Parley$")
	if win == "" {
		failf("no window named Parley")
	}
	winID := strings.Fields(win)[0]
	// no window manager under Xvfb: give the window the keyboard focus ourselves
	xdotool(t, display, "windowfocus", "--sync", winID)
	time.Sleep(300 * time.Millisecond)
	// the password field has the focus (address and username are remembered)
	xdotool(t, display, "type", "--delay", "40", "agent1-demo")
	xdotool(t, display, "key", "Return")

	if !waitFile(ready, "agent", 30*time.Second, done) {
		failf("the agent view did not report ready within 30 s of signing in")
	}
	titled := xdotool(t, display, "search", "--name", "agent1$")
	if titled == "" {
		failf("no window titled %q after signing in", "Parley — agent1")
	}
	if name := xdotool(t, display, "getwindowname", strings.Fields(titled)[0]); name != "Parley — agent1" {
		failf("window title %q, want %q", name, "Parley — agent1")
	}
	// the backend sees agent1 online: the sign-in really went through the window
	admin := b.client(t, "admin", "admin-demo")
	var live api.List[api.LiveAgent]
	if err := admin.Do(context.Background(), http.MethodGet, "/v1/agents", nil, &live); err != nil {
		t.Fatal(err)
	}
	var agentIDs []string
	for _, l := range live.Items {
		agentIDs = append(agentIDs, l.AgentID)
	}
	var users api.List[api.User]
	_ = admin.Do(context.Background(), http.MethodGet, "/v1/users", nil, &users)
	online := false
	for _, u := range users.Items {
		if u.Username == "agent1" && strings.Contains(strings.Join(agentIDs, ","), u.ID) {
			online = true
		}
	}
	if !online {
		failf("agent1 is not logged in to routing after signing in through the window (live agents %v)", agentIDs)
	}
	time.Sleep(500 * time.Millisecond) // let the status panel paint
	img := shot(t, display, "agent-window")
	if sd := stddev(img); sd < 0.02 {
		failf("the screenshot is blank (standard deviation %.4f)", sd)
	}

	before := len(strings.Fields(xdotool(t, display, "search", "--name", "^Parley")))
	// a second launch must not open a second CCP: it hands over to the first and exits (Wails
	// exits with status 1 after handing over)
	second := exec.Command(bin)
	second.Env = env
	if err := runWithin(second, 20*time.Second); err != nil && !strings.Contains(err.Error(), "exit status 1") {
		failf("second instance: %v", err)
	}
	select {
	case <-done:
		failf("the first instance exited when a second was launched")
	default:
	}
	time.Sleep(time.Second)
	if n := len(strings.Fields(xdotool(t, display, "search", "--name", "^Parley"))); n != before {
		failf("%d windows named Parley after a second launch, %d before", n, before)
	}
}

// startSessionBus starts a private D-Bus session bus and returns its address.
func startSessionBus(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	addr := make(chan string, 1)
	go func() {
		buf := make([]byte, 512)
		n, _ := out.Read(buf)
		addr <- strings.TrimSpace(string(buf[:n]))
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case a := <-addr:
		if a == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("dbus-daemon did not start in 10 s")
	}
	return ""
}

func mkdir(t *testing.T, parts ...string) string {
	p := filepath.Join(parts...)
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// startXvfb starts Xvfb on a free display (-displayfd) and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 32)
		n, _ := r.Read(buf)
		got <- strings.TrimSpace(string(buf[:n]))
	}()
	select {
	case d := <-got:
		if _, err := strconv.Atoi(d); err != nil {
			t.Fatalf("Xvfb printed display %q", d)
		}
		return ":" + d
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start in 20 s")
	}
	return ""
}

func xdotool(t *testing.T, display string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, _ := cmd.Output() // search exits 1 when nothing matches
	return strings.TrimSpace(string(out))
}

// shot screenshots the whole screen (imagemagick's import), keeps it in PARLEY_E2E_OUT when
// set, and returns the decoded image.
func shot(t *testing.T, display, name string) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", "png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return nil
	}
	if dir := os.Getenv("PARLEY_E2E_OUT"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, name+".png"), out, 0o644)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Errorf("decode screenshot: %v", err)
		return nil
	}
	return img
}

// stddev is the standard deviation of the image's luminance, 0..1 (0: one flat colour).
func stddev(img image.Image) float64 {
	if img == nil {
		return 0
	}
	var sum, sq, n float64
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 2 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 65535
			sum += l
			sq += l * l
			n++
		}
	}
	m := sum / n
	return math.Sqrt(math.Max(0, sq/n-m*m))
}

// waitFile waits until the file has a line equal to want (or the app exits).
func waitFile(path, want string, timeout time.Duration, exited <-chan struct{}) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if l == want {
					return true
				}
			}
		}
		select {
		case <-exited:
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return false
}

func runWithin(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("exited with %v", err)
		}
		return nil
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("still running after %v", d)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
