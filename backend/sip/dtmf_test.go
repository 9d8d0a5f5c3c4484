package sip

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pcapDigits builds the scenario lines that play sipp's RFC 4733 pcaps for digits, one after
// another with a pause between them (pcap play is asynchronous in sipp).
func pcapDigits(digits string) string {
	var b strings.Builder
	for _, d := range digits {
		b.WriteString(`<pause milliseconds="400"/>` + "\n")
		name := string(d)
		switch d {
		case '#':
			name = "pound"
		case '*':
			name = "star"
		}
		fmt.Fprintf(&b, "<nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/dtmf_2833_%s.pcap\"/></action></nop>\n", name)
	}
	return b.String()
}

// collectHandler answers, collects digits with opts and reports them, then hangs up.
func collectHandler(t *testing.T, prompt *Audio, opts CollectOptions, got chan<- DigitResult) CallHandler {
	return CallHandlerFunc(func(ctx context.Context, c *Call) {
		if err := c.Answer(); err != nil {
			t.Errorf("answer: %v", err)
			return
		}
		if prompt != nil {
			if _, err := c.Play(ctx, prompt, PlayOptions{BargeIn: true}); err != nil {
				t.Errorf("play: %v", err)
			}
		}
		r, err := c.CollectDigits(ctx, opts)
		if err != nil {
			t.Errorf("collect: %v", err)
		}
		got <- r
		_ = c.Hangup(ctx)
	})
}

func TestDTMFFromSippPcap(t *testing.T) {
	got := make(chan DigitResult, 1)
	h := collectHandler(t, nil, CollectOptions{MaxDigits: 10, Terminator: '#', Timeout: 10 * time.Second}, got)
	s := NewServer(newNumbers(DemoNumber), h)
	addr := startServer(t, s)
	// "1" twice in a row replays the same RTP timestamps: still two key presses.
	sc := scenario(t, "uac_answer_wait_bye.xml", "<!--MIDDLE-->", pcapDigits("1911*#"))
	res := runSipp(t, addr, sc, "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	r := <-got
	if want := (DigitResult{Digits: "1911*", Reason: CollectTerminator}); r != want {
		t.Errorf("collected %+v, want %+v", r, want)
	}
}

// infoDigit is a scenario step sending one SIP INFO digit in the dialog.
func infoDigit(cseq int, contentType, body string) string {
	return fmt.Sprintf(`<send retrans="500"><![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: %d INFO
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: %s
      Content-Length: [len]

%s
]]></send>
<recv response="200"/>
`, cseq, contentType, body)
}

func TestDTMFFromSIPInfoAndRTPMixed(t *testing.T) {
	got := make(chan DigitResult, 1)
	h := collectHandler(t, nil, CollectOptions{MaxDigits: 10, Terminator: '#', Timeout: 10 * time.Second}, got)
	s := NewServer(newNumbers(DemoNumber), h)
	addr := startServer(t, s)
	middle := infoDigit(2, "application/dtmf-relay", "Signal=4\r\nDuration=160") +
		infoDigit(3, "application/dtmf", "2") +
		pcapDigits("7") +
		`<pause milliseconds="400"/>` +
		infoDigit(4, "application/dtmf-relay", "Signal=#\r\nDuration=160")
	res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml", "<!--MIDDLE-->", middle), "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	if r, want := <-got, (DigitResult{Digits: "427", Reason: CollectTerminator}); r != want {
		t.Errorf("collected %+v, want %+v", r, want)
	}
}

func TestDTMFBargeInStopsPrompt(t *testing.T) {
	type outcome struct {
		interrupted bool
		r           DigitResult
	}
	got := make(chan outcome, 1)
	h := CallHandlerFunc(func(ctx context.Context, c *Call) {
		if err := c.Answer(); err != nil {
			t.Errorf("answer: %v", err)
			return
		}
		// A prompt far longer than the scenario waits before pressing a key.
		interrupted, err := c.Play(ctx, tone(15*time.Second), PlayOptions{BargeIn: true})
		if err != nil {
			t.Errorf("play: %v", err)
		}
		r, err := c.CollectDigits(ctx, CollectOptions{MaxDigits: 2, Timeout: 10 * time.Second})
		if err != nil {
			t.Errorf("collect: %v", err)
		}
		got <- outcome{interrupted, r}
		_ = c.Hangup(ctx)
	})
	s := NewServer(newNumbers(DemoNumber), h)
	addr := startServer(t, s)
	res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml", "<!--MIDDLE-->", pcapDigits("58")), "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	o := <-got
	if !o.interrupted {
		t.Error("the prompt played to the end: the digit did not barge in")
	}
	if want := (DigitResult{Digits: "58", Reason: CollectMaxDigits}); o.r != want {
		t.Errorf("collected %+v, want %+v (the barge-in digit first)", o.r, want)
	}
}
