package sip

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/parley-cc/parley/backend/parley"
)

func rmsFloat(s []int16) float64 {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	if len(s) == 0 {
		return 0
	}
	return math.Sqrt(sum / float64(len(s)))
}

// TestBridgeCustomerToRegisteredAgent runs the voice path this package owns end to end: a
// customer (sipp, PCMA, playing speech from sipp's g711a.pcap) calls; the handler records,
// INVITEs the agent's registered softphone (diago, PCMU), bridges the two, and hangs up when
// the agent does. The agent must hear the customer, and the recording must hold the customer
// on the left and the agent on the right.
func TestBridgeCustomerToRegisteredAgent(t *testing.T) {
	r := &Registrar{}
	const agent parley.UserID = "agent-7"
	user, pass, _ := r.IssueCredentials(agent)

	heard := make(chan int, 1)
	phone := newAgentPhone(t, user, func(d *diago.DialogServerSession) {
		if err := d.Answer(); err != nil {
			t.Errorf("agent answer: %v", err)
			return
		}
		ctx, cancel := context.WithCancel(d.Context())
		defer cancel()
		// The agent talks: a tone, 20 ms packets (PCMU).
		w, err := d.AudioWriter()
		if err != nil {
			t.Errorf("agent writer: %v", err)
			return
		}
		talkDone := make(chan struct{})
		go func() {
			defer close(talkDone)
			frame := make([]byte, 160)
			pcm := tone(20 * time.Millisecond).Samples
			codecPCMU.encode(frame, pcm)
			for ctx.Err() == nil {
				if _, err := w.Write(frame); err != nil {
					return
				}
			}
		}()
		// The agent listens until it heard a second of the customer's voice.
		rd, err := d.AudioReader()
		if err != nil {
			t.Errorf("agent reader: %v", err)
			return
		}
		buf := make([]byte, media.RTPBufSize)
		pcm := make([]int16, media.RTPBufSize)
		voiced := 0
		for voiced < 50 {
			n, err := rd.Read(buf)
			if err != nil {
				break
			}
			codecPCMU.decode(pcm[:n], buf[:n])
			if rmsFloat(pcm[:n]) > 200 {
				voiced++
			}
		}
		heard <- voiced
		cancel()
		<-talkDone
		hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer hcancel()
		_ = d.Hangup(hctx)
	})

	recPath := filepath.Join(t.TempDir(), "call.wav")
	ended := make(chan BridgeEnd, 1)
	var s *Server
	s = NewServer(newNumbers(DemoNumber), CallHandlerFunc(func(ctx context.Context, c *Call) {
		if err := c.Answer(); err != nil {
			t.Errorf("answer: %v", err)
			return
		}
		if _, err := c.StartRecording(recPath, RecordingOptions{}); err != nil {
			t.Errorf("record: %v", err)
		}
		b, ok := r.Contact(agent)
		if !ok {
			t.Error("agent not registered")
			return
		}
		oc, err := s.Dial(ctx, b.Contact, DialOptions{FromUser: c.From})
		if err != nil {
			t.Errorf("dial agent: %v", err)
			return
		}
		defer oc.Close()
		end, err := c.Bridge(ctx, oc)
		if err != nil {
			t.Errorf("bridge: %v", err)
		}
		ended <- end
		if err := oc.Hangup(ctx); err != nil {
			t.Errorf("agent hangup: %v", err)
		}
		_ = c.Hangup(ctx)
	}))
	s.Registrar = r
	addr := startServer(t, s)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := phone.register(ctx, addr, user, pass); err != nil {
		t.Fatalf("agent register: %v", err)
	}

	sc := scenario(t, "uac_answer_wait_bye.xml",
		"RTP/AVP 0 101", "RTP/AVP 8 101",
		"a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
		"<!--MIDDLE-->", `<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>`)
	res := runSipp(t, addr, sc, "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	if v := <-heard; v < 50 {
		t.Errorf("agent heard %d voiced packets of the customer, want 50", v)
	}
	if e := <-ended; e != BridgeAgentHangup {
		t.Errorf("bridge ended with %q, want %q", e, BridgeAgentHangup)
	}
	// The recording is closed when the handler returns; the server has returned the call by
	// the time sipp got its BYE, but the file is closed in the handler's goroutine: wait for it
	// by stopping the server.
	waitCallsDone(t, s)
	frames := readStereoWAV(t, recPath)
	var left, right []int16
	for _, f := range frames {
		left = append(left, f[0])
		right = append(right, f[1])
	}
	if rl, rr := rmsFloat(left), rmsFloat(right); rl < 200 || rr < 200 {
		t.Errorf("recording RMS left (customer) %.0f, right (agent) %.0f: want both > 200", rl, rr)
	}
}

// waitCallsDone polls until the server has no call left (with a deadline).
func waitCallsDone(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for s.ActiveCalls() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls still active", s.ActiveCalls())
		}
		<-tick.C
	}
}
