package sip

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tortureMessage reads a testdata/torture message as it goes on the wire: CRLF line endings,
// ${CLIENT} and ${CL} filled in.
func tortureMessage(t *testing.T, path, client string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(string(b), "\n", "\r\n")
	msg = strings.ReplaceAll(msg, "${CLIENT}", client)
	if _, body, ok := strings.Cut(msg, "\r\n\r\n"); ok {
		msg = strings.ReplaceAll(msg, "${CL}", strconv.Itoa(len(body)))
	}
	return []byte(msg)
}

// TestTortureMessages sends RFC 4475-style valid and invalid messages over UDP: valid ones must
// be answered (404 for INVITEs to unknown numbers, 481 for one with a To tag, 200 for OPTIONS), invalid ones may be
// answered or dropped, and a normal call must still work afterwards.
func TestTortureMessages(t *testing.T) {
	s := NewServer(newNumbers(DemoNumber), PromptHandler{Audio: tone(100 * time.Millisecond)})
	addr := startServer(t, s)
	files, err := filepath.Glob(filepath.Join("testdata", "torture", "*.sip"))
	if err != nil || len(files) < 10 {
		t.Fatalf("torture messages: %v, %v", files, err)
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	server, _ := net.ResolveUDPAddr("udp", addr)
	wantStatus := map[string][]string{
		// It has a To tag: an unknown dialog, 481. sipgo v1.4.3's parser does not take the
		// From tag written "tag = 98asjd8" (LWS around "=" is legal, RFC 3261 §25.1) and its
		// transaction layer answers 400: not ours to fix, but it must be answered.
		"valid-wsinv.sip":   {"SIP/2.0 481", "SIP/2.0 400"},
		"valid-esc01.sip":   {"SIP/2.0 404"},
		"valid-longreq.sip": {"SIP/2.0 404"},
		"valid-lwsdisp.sip": {"SIP/2.0 200"},
		// A re-INVITE for a dialog that does not exist (diago alone would say 400).
		"valid-reinvite-unknown.sip": {"SIP/2.0 481"},
	}
	for _, f := range files {
		name := filepath.Base(f)
		msg := tortureMessage(t, f, conn.LocalAddr().String())
		if _, err := conn.WriteTo(msg, server); err != nil {
			t.Fatal(err)
		}
		want, valid := wantStatus[name]
		if strings.HasPrefix(name, "valid-") && !valid {
			t.Fatalf("%s: no expected status", name)
		}
		got := ""
		buf := make([]byte, 65535)
		// Read until the final response for this message (or, for invalid ones, a short wait).
		wait := 300 * time.Millisecond
		if valid {
			wait = 5 * time.Second
		}
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				break
			}
			line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
			if strings.HasPrefix(line, "SIP/2.0 1") {
				continue
			}
			got = line
			break
		}
		if valid && !slices.ContainsFunc(want, func(w string) bool { return strings.HasPrefix(got, w) }) {
			t.Errorf("%s: answered %q, want %s", name, got, want)
		}
		t.Logf("%s: %q", name, got)
	}
	res := runSipp(t, addr, scenario(t, "uac_answer_wait_bye.xml"), "-s", DemoNumber, "-m", "1")
	if res.code != 0 {
		t.Fatalf("a normal call after the torture messages failed: sipp exit %d\n%s", res.code, res.out)
	}
}
