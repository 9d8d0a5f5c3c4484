package sip

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestServerAnswersPlaysAndHangsUp(t *testing.T) {
	for _, tc := range []struct{ name, transport string }{{"udp", "u1"}, {"tcp", "t1"}} {
		t.Run(tc.name, func(t *testing.T) {
			var handled atomic.Int32
			h := CallHandlerFunc(func(ctx context.Context, c *Call) {
				if c.PhoneNumber == nil || c.PhoneNumber.Number != DemoNumber {
					t.Errorf("call matched %+v, want %s", c.PhoneNumber, DemoNumber)
				}
				handled.Add(1)
				PromptHandler{Audio: tone(300 * time.Millisecond)}.HandleCall(ctx, c)
			})
			s := NewServer(newNumbers(DemoNumber), h)
			addr := startServer(t, s)
			res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", DemoNumber, "-m", "3", "-r", "3", "-t", tc.transport)
			if res.code != 0 {
				t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
			}
			if got := sippStat(res.out, "Successful call"); got != 3 {
				t.Errorf("successful calls = %d, want 3\n%s", got, res.out)
			}
			if got := handled.Load(); got != 3 {
				t.Errorf("handler ran %d times, want 3", got)
			}
		})
	}
}

func TestServerUnknownNumberGets404(t *testing.T) {
	var handled atomic.Int32
	s := NewServer(newNumbers(DemoNumber), CallHandlerFunc(func(ctx context.Context, c *Call) { handled.Add(1) }))
	addr := startServer(t, s)
	res := runSipp(t, addr, scenario(t, "uac_expect_code.xml", "CODE", "404"), "-s", "+15555550199", "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d (want 404 answered):\n%s", res.code, res.out)
	}
	if handled.Load() != 0 {
		t.Error("handler ran for an unknown number")
	}
}

func TestServerNumberWithoutFlowGets404(t *testing.T) {
	nums := newNumbers(DemoNumber)
	nums.m[DemoNumber].FlowID = ""
	s := NewServer(nums, CallHandlerFunc(func(ctx context.Context, c *Call) { t.Error("handler ran") }))
	addr := startServer(t, s)
	res := runSipp(t, addr, scenario(t, "uac_expect_code.xml", "CODE", "404"), "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d (want 404):\n%s", res.code, res.out)
	}
}

func TestServerMatchesE164Forms(t *testing.T) {
	nums := newNumbers(DemoNumber)
	s := NewServer(nums, PromptHandler{Audio: tone(100 * time.Millisecond)})
	addr := startServer(t, s)
	// sipp's [service] is the Request-URI user part: without "+", with the 00 prefix.
	for _, dialed := range []string{"15555550100", "0015555550100"} {
		res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", dialed, "-m", "1")
		if res.code != 0 {
			t.Fatalf("dialing %s: sipp exit %d:\n%s", dialed, res.code, res.out)
		}
	}
	nums.mu.Lock()
	got := strings.Join(nums.calls, ",")
	nums.mu.Unlock()
	want := "15555550100,+15555550100,0015555550100,+15555550100"
	if got != want {
		t.Errorf("lookups = %s, want %s (exact first, then E.164)", got, want)
	}
}

func TestServerMaxCallsGets503(t *testing.T) {
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	h := CallHandlerFunc(func(ctx context.Context, c *Call) {
		if err := c.Answer(); err != nil {
			t.Errorf("answer: %v", err)
			return
		}
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		_ = c.Hangup(context.Background())
	})
	s := NewServer(newNumbers(DemoNumber), h)
	s.MaxCalls = 1
	addr := startServer(t, s)

	first := make(chan sippResult, 1)
	go func() { first <- runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", DemoNumber, "-m", "1") }()
	select {
	case <-entered:
	case r := <-first:
		t.Fatalf("first call ended early: %d\n%s", r.code, r.out)
	}
	res := runSipp(t, addr, scenario(t, "uac_expect_code.xml", "CODE", "503"), "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Errorf("second call: sipp exit %d (want 503):\n%s", res.code, res.out)
	}
	close(release)
	if r := <-first; r.code != 0 {
		t.Errorf("first call: sipp exit %d:\n%s", r.code, r.out)
	}
	// The slot is free again.
	go func() { <-entered }()
	if r := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", DemoNumber, "-m", "1"); r.code != 0 {
		t.Errorf("a call after the first ended: sipp exit %d:\n%s", r.code, r.out)
	}
}
