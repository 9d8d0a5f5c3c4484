package sip

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sqlite"
)

// udpSockets counts the UDP sockets this process holds (SIP listeners and RTP/RTCP ports): the
// socket inodes of /proc/self/fd that /proc/net/udp lists.
func udpSockets() int {
	inodes := map[string]bool{}
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		l, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	n := 0
	for _, f := range []string{"/proc/self/net/udp", "/proc/self/net/udp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) > 9 && inodes[fs[9]] {
				n++
			}
		}
	}
	return n
}

// leakCounts are the resources a call may leak.
type leakCounts struct{ goroutines, fds, udp int }

// countLeaks counts goroutines, open files and UDP sockets. Files of the SQLite database are
// left out: database/sql keeps up to two idle connections (each with the database and its WAL
// open) after a burst of concurrent writes, a bounded pool, not a per-call leak.
func countLeaks() leakCounts {
	fds := 0
	for _, f := range fdTargets() {
		if !strings.Contains(f, "/parley.db") {
			fds++
		}
	}
	return leakCounts{runtime.NumGoroutine(), fds, udpSockets()}
}

func (c leakCounts) String() string {
	return fmt.Sprintf("goroutines %d, fds %d, UDP ports %d", c.goroutines, c.fds, c.udp)
}

// TestVoiceNoLeakAfter500Calls runs 500 calls through the whole voice channel (store,
// flow, router, registrar, agents' softphones) that end in every state a call can end in, and
// checks that goroutines, open file descriptors and bound UDP (RTP) ports come back to the
// baseline:
//
//   - 352 callers hang up during the greeting (in the flow);
//   - 100 callers choose Support, where nobody is available, and hang up in queue;
//   - 48 callers choose Sales, served by four agents and one softphone that rings and never
//     answers: their calls end while ringing, bridged, on hold (an agent holds every third
//     call) or after a blind transfer to Support (every third call, where two agents answer).
//
// Ended dialogs keep a goroutine for about 32 s (SIP timer F/H), so the counts are polled with
// a deadline after the last call instead of sleeping.
func TestVoiceNoLeakAfter500Calls(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 500 calls and waits for SIP timers (about 65 s)")
	}
	h := newVoiceHarness(t, voiceOptions{})
	users := sqlite.NewUserService(h.db)
	addAgent := func(name, like string) {
		t.Helper()
		base := h.agents[like]
		u := &parley.User{Username: name, FirstName: name, SecurityProfileIDs: base.SecurityProfileIDs, RoutingProfileID: base.RoutingProfileID}
		mustT(t, users.CreateUser(h.ctx, u, "password-"+name))
		h.agents[name] = u
	}
	for _, n := range []string{"sales2", "sales3", "sales4", "ringer"} {
		addAgent(n, "alice")
	}
	addAgent("support2", "bob")

	var rang atomic.Int32
	ringer := func(d *diago.DialogServerSession) {
		_ = d.Ringing()
		rang.Add(1)
		<-d.Context().Done()
	}
	ids := map[string]parley.UserID{}
	for _, n := range []string{"alice", "sales2", "sales3", "sales4", "bob", "support2"} {
		ids[n] = h.available(n, talkingPhone(t, phoneOptions{}))
	}
	ids["ringer"] = h.available("ringer", ringer)
	// Nobody serves Support during the queue phase.
	for _, n := range []string{"bob", "support2"} {
		mustT(t, h.router.SetStatus(h.ctx, ids[n], h.offline))
	}
	base := countLeaks()
	t.Logf("baseline: %v", base)
	// Sample the peaks while calls run, to show the counts see the calls' resources.
	var peak leakCounts
	var peakMu sync.Mutex
	sctx, stopSampling := context.WithCancel(h.ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-tick.C:
			}
			c := countLeaks()
			peakMu.Lock()
			peak = leakCounts{max(peak.goroutines, c.goroutines), max(peak.fds, c.fds), max(peak.udp, c.udp)}
			peakMu.Unlock()
		}
	}()

	batch := func(name string, calls, rate, limit int, steps ...string) {
		t.Helper()
		start := time.Now()
		sc := scenario(t, "uac_voice_hangup.xml", "<!--MIDDLE-->", sippSteps(steps...))
		res := runSipp(t, h.addr, sc, "-s", DemoNumber, "-m", strconv.Itoa(calls), "-r", strconv.Itoa(rate), "-l", strconv.Itoa(limit))
		if res.code != 0 || sippStat(res.out, "Successful call") != calls {
			t.Fatalf("%s: sipp exit %d, %d successful calls, want %d:\n%s", name, res.code, sippStat(res.out, "Successful call"), calls, res.out)
		}
		t.Logf("%s: %d calls in %v", name, calls, time.Since(start).Round(time.Millisecond))
	}

	// 1. Hang up during the greeting.
	batch("hang up in the flow", 352, 80, 80, "pause:400")
	// 2. Hang up in queue.
	batch("hang up in queue", 100, 50, 100, "pause:300", "dtmf:2", "pause:1200")
	if ev := h.events.all(); len(ev) == 0 {
		t.Fatal("no contact was queued")
	}
	queued := 0
	for _, ev := range h.events.all() {
		if ev.Type == parley.ContactEventQueued && ev.QueueID == h.queues["Support"].ID {
			queued++
		}
	}
	if queued < 100 {
		t.Errorf("%d contacts queued in Support, want 100", queued)
	}

	// 3. Agents: ringing, bridged, on hold, transferred.
	for _, n := range []string{"bob", "support2"} {
		mustT(t, h.router.SetStatus(h.ctx, ids[n], h.avail))
	}
	isRinger := func(a parley.UserID) bool { return a == ids["ringer"] }
	var holds, transfers, bridged, missedRing atomic.Int32
	actx, stop := context.WithCancel(h.ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the agents' side: hold or transfer some calls, clear after-contact work
		defer wg.Done()
		seen, n := 0, 0
		for {
			evs := h.events.all()
			for _, ev := range evs[seen:] {
				switch {
				case ev.Type == parley.ContactEventConnected && ev.QueueID == h.queues["Sales"].ID && ev.InitiationMethod == parley.InitInbound:
					n++
					switch n % 3 {
					case 0:
						if err := h.vc.Hold(actx, ev.AgentID, ev.ContactID); err == nil {
							holds.Add(1)
						}
					case 1:
						if _, err := h.vc.Transfer(actx, ev.AgentID, ev.ContactID, parley.VoiceTransfer{QueueID: h.queues["Support"].ID}); err == nil {
							transfers.Add(1)
						}
					default:
						bridged.Add(1)
					}
				case ev.Type == parley.ContactEventDisconnected && ev.AgentID != "":
					_ = h.router.ClearACW(actx, ev.AgentID, ev.ContactID)
				case (ev.Type == parley.ContactEventMissed || ev.Type == parley.ContactEventQueued) && isRinger(ev.AgentID):
					missedRing.Add(1)
					_ = h.router.SetStatus(actx, ev.AgentID, h.avail)
				}
			}
			seen = len(evs)
			select {
			case <-h.events.notify:
			case <-time.After(50 * time.Millisecond):
			case <-actx.Done():
				return
			}
		}
	}()
	batch("hang up with an agent", 48, 10, 6, "pause:300", "dtmf:1", "pause:2000")
	waitCallsDone(t, h.srv)
	// Clear the last after-contact work before stopping the agents' side.
	waitFor(t, "agents out of after-contact work", 10*time.Second, func() bool {
		for _, id := range ids {
			info, err := h.router.Agent(h.ctx, id)
			if err != nil || info.Snapshot == nil || len(info.Snapshot.Contacts) > 0 {
				return false
			}
		}
		return true
	})
	stop()
	wg.Wait()
	t.Logf("with an agent: %d rang (ringer), %d bridged, %d held, %d transferred", rang.Load(), bridged.Load(), holds.Load(), transfers.Load())
	if rang.Load() == 0 || bridged.Load() == 0 || holds.Load() == 0 || transfers.Load() == 0 {
		t.Errorf("a state was not covered: rang %d, bridged %d, held %d, transferred %d", rang.Load(), bridged.Load(), holds.Load(), transfers.Load())
	}

	stopSampling()
	<-sampled
	if peak.udp <= base.udp || peak.goroutines <= base.goroutines {
		t.Errorf("peak during the calls %v, baseline %v: the counts did not see the calls", peak, base)
	}
	// Dialogs' timers: about 32 s after the last call.
	waitCounts(t, fmt.Sprintf("after 500 calls (peak %v)", peak), base, 50*time.Second)
}

// waitCounts polls until goroutines, fds and UDP sockets are at most base, or fails at the
// deadline with the counts and the goroutines' stacks.
func waitCounts(t *testing.T, what string, base leakCounts, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		c := countLeaks()
		if c.goroutines <= base.goroutines && c.fds <= base.fds && c.udp <= base.udp {
			t.Logf("%s: %v, back to baseline after %v", what, c, time.Since(start).Round(100*time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%s: after %v: %v, baseline %v; open files:\n%s\n%s", what, within, c, base, strings.Join(fdTargets(), "\n"), buf[:n])
		}
		<-tick.C
	}
}

// waitFor polls cond until it holds or fails after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, within)
		}
		<-tick.C
	}
}

// fdTargets lists what this process's file descriptors point at.
func fdTargets() []string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var out []string
	for _, e := range ents {
		l, _ := os.Readlink("/proc/self/fd/" + e.Name())
		out = append(out, e.Name()+" -> "+l)
	}
	return out
}
