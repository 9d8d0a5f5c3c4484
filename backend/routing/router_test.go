package routing

import (
	"context"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func startRouter(t *testing.T, cfg Config, clk Clock) (*Router, func()) {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.Clock = clk
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return r, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

func TestRouterRunWithFakeClock(t *testing.T) {
	clk := NewFakeClock(t0)
	pub := &MemoryPublisher{}
	cfg := Config{Queues: queues("q"), Profiles: []parley.RoutingProfile{voiceProfile("p", 10, rq("q", parley.ChannelVoice, 1, 0))},
		Statuses: testStatuses(), Publisher: pub, RingTimeout: map[parley.Channel]time.Duration{parley.ChannelVoice: 5 * time.Second}}
	r, stop := startRouter(t, cfg, clk)
	defer stop()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Login(ctx, parley.User{ID: "a", RoutingProfileID: "p"}))
	must(r.SetStatus(ctx, "a", stAvailable))
	res, err := r.Enqueue(ctx, EnqueueRequest{Contact: contact("c1", parley.ChannelVoice), QueueID: "q"})
	must(err)
	if res.AgentID != "a" {
		t.Fatalf("offer: %+v", res)
	}
	clk.Advance(5 * time.Second) // ring timeout fires via the router's timer
	info, err := r.Agent(ctx, "a")
	must(err)
	if info.State != AgentMissed {
		t.Fatalf("agent %s after ring timeout, want MISSED", info.State)
	}
	must(r.SetStatus(ctx, "a", stAvailable))
	must(r.Accept(ctx, "a", "c1"))
	must(r.Connected(ctx, "c1"))
	must(r.Disconnect(ctx, "c1", parley.DisconnectCustomer))
	clk.Advance(10 * time.Second) // ACW limit
	if _, err := r.Contact(ctx, "c1"); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("contact should have completed after ACW timeout: %v", err)
	}
	m, err := r.RealtimeMetrics(ctx)
	must(err)
	if len(m.Queues) != 1 || m.Queues[0].Available != 1 {
		t.Fatalf("realtime: %+v", m.Queues)
	}
}

func TestRouterConcurrentCommands(t *testing.T) {
	cfg := Config{Queues: queues("q"), Profiles: []parley.RoutingProfile{voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0))}, Statuses: testStatuses()}
	r, stop := startRouter(t, cfg, NewFakeClock(t0))
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := parley.UserID("agent" + strconv.Itoa(i))
			if err := r.Login(ctx, parley.User{ID: id, RoutingProfileID: "p"}); err != nil {
				t.Error(err)
			}
			if err := r.SetStatus(ctx, id, stAvailable); err != nil {
				t.Error(err)
			}
			for j := 0; j < 20; j++ {
				cid := parley.ContactID("c" + strconv.Itoa(i) + "-" + strconv.Itoa(j))
				if _, err := r.Enqueue(ctx, EnqueueRequest{Contact: contact(cid, parley.ChannelVoice), QueueID: "q"}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st, err := r.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w := st.Queues[0].Channels[0].Waiting; w != 160-8 {
		t.Errorf("waiting %d, want 152 (8 ringing)", w)
	}
	stop()
	if err := r.Login(ctx, parley.User{ID: "late", RoutingProfileID: "p"}); !errors.Is(err, ErrStopped) {
		t.Errorf("after stop: %v, want ErrStopped", err)
	}
}

func TestBufferedPublisherDropsAndFlags(t *testing.T) {
	p := NewBufferedPublisher(2)
	for i := 1; i <= 5; i++ {
		p.Publish(parley.RoutingEvent{Seq: int64(i)})
	}
	if p.Dropped() != 3 || !p.TakeOverflow() || p.TakeOverflow() {
		t.Fatalf("dropped %d", p.Dropped())
	}
	if ev := <-p.Events(); ev.Seq != 1 {
		t.Fatalf("first event seq %d", ev.Seq)
	}
}

func TestFakeClock(t *testing.T) {
	c := NewFakeClock(t0)
	var got []int
	c.AfterFunc(2*time.Second, func() { got = append(got, 2) })
	stop := c.AfterFunc(time.Second, func() { got = append(got, 1) })
	c.AfterFunc(3*time.Second, func() { got = append(got, 3) })
	if !stop.Stop() {
		t.Fatal("Stop of a pending timer returned false")
	}
	c.Advance(2 * time.Second)
	if len(got) != 1 || got[0] != 2 || !c.Now().Equal(at(2)) || c.Pending() != 1 {
		t.Fatalf("got %v now %v", got, c.Now())
	}
}

// TestImportRules: backend/routing imports only the standard library and the domain package.
func TestImportRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob: %v %v", files, err)
	}
	sub, _ := filepath.Glob("*/*.go")
	files = append(files, sub...)
	fset := token.NewFileSet()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(path, "/")[0]
			if path != "github.com/parley-cc/parley/backend/parley" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: backend/routing may import only the standard library and backend/parley", f, path)
			}
		}
	}
}
