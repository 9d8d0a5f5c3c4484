package sip

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestNoLeakAfterManyCalls makes 200 short calls (answer, prompt, hang up) with sipp and checks
// that goroutines and open file descriptors come back to where they were. Ended dialogs keep a
// goroutine for about 32 s (SIP timers), so it polls with a deadline instead of sleeping.
func TestNoLeakAfterManyCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 200 calls and waits for SIP timers (about 40 s)")
	}
	s := NewServer(newNumbers(DemoNumber), PromptHandler{Audio: tone(60 * time.Millisecond)})
	addr := startServer(t, s)
	baseG, baseFD := runtime.NumGoroutine(), openFDs(t)

	res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", DemoNumber, "-m", "200", "-r", "40", "-l", "40")
	if res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	if got := sippStat(res.out, "Successful call"); got != 200 {
		t.Fatalf("successful calls = %d, want 200", got)
	}
	peakG := runtime.NumGoroutine()

	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		g, fd := runtime.NumGoroutine(), openFDs(t)
		if g <= baseG && fd <= baseFD {
			t.Logf("goroutines %d (peak %d), fds %d: back to baseline %d/%d", g, peakG, fd, baseG, baseFD)
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("after 60 s: goroutines %d (baseline %d, peak %d), fds %d (baseline %d)\n%s", g, baseG, peakG, fd, baseFD, buf[:n])
		}
		<-tick.C
	}
}
