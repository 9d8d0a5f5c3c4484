package sip

import (
	"strings"
)

// SIP INFO DTMF. There is no RFC for it; two bodies are common in the field:
//
//	Content-Type: application/dtmf-relay      (Cisco, Asterisk, most SBCs)
//	Signal=5
//	Duration=160
//
//	Content-Type: application/dtmf            (some PBXes and softphones)
//	5
//
// The signal is one of 0-9 * # A-D (lower case accepted); some senders write 10 for * and 11
// for #, as RFC 4733 numbers them.

// infoDTMFContentTypes are the Content-Type values parseInfoDTMF understands.
var infoDTMFContentTypes = []string{"application/dtmf-relay", "application/dtmf"}

// isInfoDTMF reports whether contentType (parameters allowed) is a DTMF INFO body type.
func isInfoDTMF(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	for _, t := range infoDTMFContentTypes {
		if ct == t {
			return true
		}
	}
	return false
}

// parseInfoDTMF extracts the digit from a SIP INFO body of the given content type.
func parseInfoDTMF(contentType string, body []byte) (rune, bool) {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	text := string(body)
	switch ct {
	case "application/dtmf-relay":
		for line := range strings.Lines(text) {
			k, v, ok := strings.Cut(line, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "signal") {
				continue
			}
			return signalRune(strings.TrimSpace(v))
		}
		return 0, false
	case "application/dtmf":
		return signalRune(strings.TrimSpace(text))
	}
	return 0, false
}

func signalRune(s string) (rune, bool) {
	switch s {
	case "10":
		return '*', true
	case "11":
		return '#', true
	}
	if len(s) != 1 {
		return 0, false
	}
	c := s[0]
	if c >= 'a' && c <= 'd' {
		c -= 'a' - 'A'
	}
	if strings.IndexByte(digitRunes, c) < 0 {
		return 0, false
	}
	return rune(c), true
}
