package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// recRuntime is the Runtime of tests and of the browser harness: it records what the App
// emits and fans it out to subscribers (the harness's server-sent events).
type recRuntime struct {
	mu     sync.Mutex
	events []emitted
	notes  []Notification
	title  string
	subs   map[chan emitted]struct{}
}

type emitted struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data"`
}

func newRecRuntime() *recRuntime { return &recRuntime{subs: map[chan emitted]struct{}{}} }

func (r *recRuntime) Emit(name string, data any) {
	b, _ := json.Marshal(data)
	e := emitted{Name: name, Data: b}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	for ch := range r.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

func (r *recRuntime) Notify(n Notification) error {
	r.mu.Lock()
	r.notes = append(r.notes, n)
	r.mu.Unlock()
	r.Emit("test:notification", n)
	return nil
}

func (r *recRuntime) SetTitle(t string) {
	r.mu.Lock()
	r.title = t
	r.mu.Unlock()
}

func (r *recRuntime) Show() {}

func (r *recRuntime) subscribe() (chan emitted, func()) {
	ch := make(chan emitted, 1024)
	r.mu.Lock()
	r.subs[ch] = struct{}{}
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		delete(r.subs, ch)
		r.mu.Unlock()
	}
}

// waitEvent waits until an emitted event (past or future) matches.
func (r *recRuntime) waitEvent(t *testing.T, timeout time.Duration, what string, match func(emitted) bool) emitted {
	t.Helper()
	ch, unsub := r.subscribe()
	defer unsub()
	r.mu.Lock()
	past := append([]emitted(nil), r.events...)
	r.mu.Unlock()
	for _, e := range past {
		if match(e) {
			return e
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case e := <-ch:
			if match(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s within %v", what, timeout)
		}
	}
}

// reset forgets past events.
func (r *recRuntime) reset() {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}

// newTestApp returns an App attached to a recRuntime with its settings in a temp dir.
func newTestApp(t *testing.T) (*App, *recRuntime) {
	t.Helper()
	a := New()
	a.Settings = &SettingsStore{Path: filepath.Join(t.TempDir(), "parley", "settings.json")}
	rt := newRecRuntime()
	ctx, cancel := context.WithCancel(context.Background())
	a.attach(ctx, rt)
	t.Cleanup(func() {
		_ = a.SignOut()
		_ = a.softphone().Close()
		a.closeAudio() // PortAudio opened by the audio bindings (see closeAudio)
		cancel()
	})
	return a, rt
}

// boundMethods lists the methods Wails binds (every exported method of *App except the
// lifecycle ones passed to Wails as callbacks).
func boundMethods() []string {
	skip := map[string]bool{"Startup": true, "Shutdown": true}
	typ := reflect.TypeOf(&App{})
	var out []string
	for i := range typ.NumMethod() {
		if m := typ.Method(i); !skip[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out
}

// newShim serves the built frontend (dist) with window.go.app.App.* and window.runtime
// provided by a JS shim that forwards each call to the App over HTTP and delivers the App's
// events over server-sent events: the browser-test stand-in for Wails' IPC.
func newShim(t *testing.T, a *App, rt *recRuntime, dist string) *httptest.Server {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dist, "index.html"))
	if err != nil {
		t.Fatalf("the frontend is not built (run `npm ci && npm run build` in frontend/): %v", err)
	}
	page := strings.Replace(string(index), "<head>", `<head><script src="/__shim/shim.js"></script>`, 1)
	methods, _ := json.Marshal(boundMethods())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__shim/shim.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprintf(w, shimJS, methods)
	})
	mux.HandleFunc("POST /__shim/call/{method}", func(w http.ResponseWriter, r *http.Request) {
		var args []json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&args); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, callErr := invoke(a, r.PathValue("method"), args)
		w.Header().Set("Content-Type", "application/json")
		if callErr != nil {
			_ = json.NewEncoder(w).Encode(map[string]any{"error": ErrorObject(callErr)})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"result": res})
	})
	mux.HandleFunc("GET /__shim/events", func(w http.ResponseWriter, r *http.Request) {
		fl, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "no flusher", 500)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		ch, unsub := rt.subscribe()
		defer unsub()
		fmt.Fprint(w, ": hello\n\n")
		fl.Flush()
		for {
			select {
			case <-r.Context().Done():
				return
			case e := <-ch:
				b, _ := json.Marshal(e)
				fmt.Fprintf(w, "data: %s\n\n", b)
				fl.Flush()
			}
		}
	})
	files := http.FileServer(http.Dir(dist))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(page))
			return
		}
		files.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// invoke calls a bound method with JSON arguments the way Wails' dispatcher does.
func invoke(a *App, name string, args []json.RawMessage) (any, error) {
	m := reflect.ValueOf(a).MethodByName(name)
	if !m.IsValid() {
		return nil, errorf(CodeInvalid, "method "+name+" is not bound")
	}
	mt := m.Type()
	if len(args) != mt.NumIn() {
		return nil, errorf(CodeInvalid, fmt.Sprintf("%s takes %d arguments, got %d", name, mt.NumIn(), len(args)))
	}
	in := make([]reflect.Value, mt.NumIn())
	for i := range in {
		p := reflect.New(mt.In(i))
		if err := json.Unmarshal(args[i], p.Interface()); err != nil {
			return nil, errorf(CodeInvalid, fmt.Sprintf("argument %d of %s: %v", i+1, name, err))
		}
		in[i] = p.Elem()
	}
	out := m.Call(in)
	var res any
	var err error
	for _, o := range out {
		if e, ok := o.Interface().(error); ok && o.Type().Implements(reflect.TypeFor[error]()) {
			err = e
		} else if o.Type() != reflect.TypeFor[error]() {
			res = o.Interface()
		}
	}
	return res, err
}

const shimJS = `(() => {
  const methods = %s;
  const listeners = {};
  const call = async (name, args) => {
    const r = await fetch('/__shim/call/' + name, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
    const body = await r.json();
    if (body.error) throw body.error;
    return body.result;
  };
  window.go = { app: { App: {} } };
  for (const m of methods) window.go.app.App[m] = (...args) => call(m, args);
  const dispatch = (name, data) => { for (const l of (listeners[name] || []).slice()) { l.cb(data); if (l.max > 0 && --l.max === 0) off(name, l); } };
  const off = (name, l) => { listeners[name] = (listeners[name] || []).filter((x) => x !== l); };
  window.runtime = {
    EventsOnMultiple(name, cb, max) { const l = { cb, max }; (listeners[name] = listeners[name] || []).push(l); return () => off(name, l); },
    EventsOff(name, ...more) { for (const n of [name, ...more]) delete listeners[n]; },
    EventsOffAll() { for (const n of Object.keys(listeners)) delete listeners[n]; },
    EventsEmit(name, ...data) { dispatch(name, data[0]); },
    WindowSetTitle(t) { document.title = t; },
    LogPrint() {}, LogTrace() {}, LogDebug() {}, LogInfo() {}, LogWarning() {}, LogError() {}, LogFatal() {},
    BrowserOpenURL(u) { window.open(u); },
    Environment() { return Promise.resolve({ buildType: 'test', platform: 'browser', arch: '' }); },
  };
  window.__shimReady = new Promise((resolve) => {
    const es = new EventSource('/__shim/events');
    es.onopen = () => resolve(true);
    es.onmessage = (m) => { const e = JSON.parse(m.data); dispatch(e.name, e.data); };
  });
})();
`
