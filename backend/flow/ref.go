package flow

import (
	"encoding/json"
	"strconv"
	"strings"
)

// References
//
// A reference is a JSONPath-like expression starting with "$." that names a
// value of the running contact: $.Attributes.name, $.Attributes['first name'],
// $.External.result, $.FlowAttributes.x, $.StoredCustomerInput, $.Channel,
// $.Queue.Name, $.CustomerEndpoint.Address, $.Metrics.Queue.Size, $.Lex.IntentName
// and so on (docs/flow-language.md lists them all). References may stand alone
// as a parameter value or sit inside text ("Hello $.Attributes.name."). A
// reference to something that does not exist resolves to the empty string, as
// in Amazon Connect.

// maxRefSegments bounds the depth of a reference path.
const maxRefSegments = 16

// isNameByte reports whether c may appear in a dotted path segment.
func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// scanRef parses the reference that starts at s[i] (s[i] == '$'). It appends
// the path segments to segs and returns them with the index just after the
// reference. ok is false when s[i:] does not start a reference; bad is set
// to a description when it starts one that is malformed (an unterminated
// bracket).
func scanRef(s string, i int, segs []string) (out []string, end int, ok bool, bad string) {
	j := i + 1
	for j < len(s) {
		switch {
		case s[j] == '.' && j+1 < len(s) && isNameByte(s[j+1]):
			k := j + 1
			for k < len(s) && isNameByte(s[k]) {
				k++
			}
			segs = append(segs, s[j+1:k])
			j = k
		case s[j] == '[' && j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '"'):
			q := s[j+1]
			k := strings.IndexByte(s[j+2:], q)
			if k < 0 || j+2+k+1 >= len(s) || s[j+2+k+1] != ']' {
				if len(segs) == 0 {
					return segs, i, false, ""
				}
				return segs, j, true, "unterminated bracket in reference"
			}
			segs = append(segs, s[j+2:j+2+k])
			j = j + 2 + k + 2
		default:
			return segs, j, len(segs) > 0, ""
		}
		if len(segs) > maxRefSegments {
			return segs, j, true, "reference is nested too deeply"
		}
	}
	return segs, j, len(segs) > 0, ""
}

// hasRef reports whether s contains a reference.
func hasRef(s string) bool {
	for i := strings.IndexByte(s, '$'); i >= 0 && i < len(s); {
		var buf [maxRefSegments + 1]string
		if _, _, ok, _ := scanRef(s, i, buf[:0]); ok {
			return true
		}
		n := strings.IndexByte(s[i+1:], '$')
		if n < 0 {
			return false
		}
		i += 1 + n
	}
	return false
}

// checkTemplate returns a description of the first malformed reference in s,
// or "".
func checkTemplate(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		var buf [maxRefSegments + 1]string
		segs, end, ok, bad := scanRef(s, i, buf[:0])
		if bad != "" {
			return bad
		}
		if ok {
			if !knownRefRoot(segs[0]) {
				return "unknown reference $." + segs[0]
			}
			i = end - 1
		}
	}
	return ""
}

// knownRefRoots are the top-level names a reference may start with.
var knownRefRoots = map[string]bool{
	"Attributes": true, "External": true, "FlowAttributes": true, "StoredCustomerInput": true,
	"Channel": true, "ContactId": true, "InitialContactId": true, "PreviousContactId": true,
	"InstanceARN": true, "InitiationMethod": true, "LanguageCode": true, "Name": true,
	"Description": true, "Queue": true, "CustomerEndpoint": true, "SystemEndpoint": true,
	"Metrics": true, "Lex": true, "AwsRegion": true, "CustomerCallbackNumber": true,
	"MediaStreams": true, "Customer": true, "Tags": true, "TextToSpeechVoice": true,
	"References": true, "Agent": true, "Case": true, "Segment": true, "SegmentAttributes": true,
	"LastParticipantInput": true, "ContactDetails": true, "Recording": true, "Module": true,
	"EventHooks": true, "Flow": true, "AgentId": true, "Campaign": true, "Task": true,
	"QueueMetrics": true, "Chat": true, "Email": true, "SystemId": true, "TaskTemplateInfo": true, "Views": true, "Wisdom": true, "VoiceId": true,
}

func knownRefRoot(root string) bool { return knownRefRoots[root] }

// Interpolate replaces every reference in s with its value in the session.
// Text without references is returned unchanged without allocating.
func (s *Session) Interpolate(text string) string {
	i := strings.IndexByte(text, '$')
	if i < 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for i >= 0 && i < len(text) {
		var buf [maxRefSegments + 1]string
		segs, end, ok, bad := scanRef(text, i, buf[:0])
		if ok && bad == "" {
			if b.Cap() == 0 {
				b.Grow(len(text) + 16)
			}
			b.WriteString(text[last:i])
			v, _ := s.lookup(segs)
			b.WriteString(v)
			last = end
			i = end
		} else {
			i++
		}
		n := strings.IndexByte(text[i:], '$')
		if n < 0 {
			break
		}
		i += n
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// Lookup resolves a single reference such as "$.Attributes.x". It reports
// false when ref is not a reference or names nothing.
func (s *Session) Lookup(ref string) (string, bool) {
	if !strings.HasPrefix(ref, "$") {
		return "", false
	}
	var buf [maxRefSegments + 1]string
	segs, end, ok, bad := scanRef(ref, 0, buf[:0])
	if !ok || bad != "" || end != len(ref) {
		return "", false
	}
	return s.lookup(segs)
}

func (s *Session) lookup(p []string) (string, bool) {
	c := &s.Contact
	one := func(v string) (string, bool) {
		if len(p) != 1 {
			return "", false
		}
		return v, true
	}
	switch p[0] {
	case "Attributes":
		if len(p) != 2 {
			return "", false
		}
		v, ok := c.Attributes[p[1]]
		return v, ok
	case "FlowAttributes":
		if len(p) != 2 {
			return "", false
		}
		v, ok := s.FlowAttributes[p[1]]
		return v, ok
	case "External":
		return lookupAny(s.External, p[1:])
	case "StoredCustomerInput":
		return one(s.StoredCustomerInput)
	case "Channel":
		return one(string(c.Channel))
	case "ContactId":
		return one(c.ContactID)
	case "InitialContactId":
		return one(c.InitialContactID)
	case "PreviousContactId":
		return one(c.PreviousContactID)
	case "InstanceARN":
		return one(c.InstanceARN)
	case "InitiationMethod":
		return one(c.InitiationMethod)
	case "LanguageCode":
		return one(c.LanguageCode)
	case "Name":
		return one(c.Name)
	case "Description":
		return one(c.Description)
	case "AwsRegion":
		return one(c.Region)
	case "CustomerCallbackNumber":
		return one(s.CallbackNumber)
	case "TextToSpeechVoice":
		return one(s.Voice.Voice)
	case "Queue":
		if c.Queue == nil || len(p) < 2 {
			return "", false
		}
		switch strings.Join(p[1:], ".") {
		case "Name":
			return c.Queue.Name, true
		case "ARN":
			return c.Queue.ARN, true
		case "Id":
			return c.Queue.ID, true
		case "OutboundCallerId.Address":
			return c.Queue.OutboundCallerID, true
		}
		return "", false
	case "CustomerEndpoint", "SystemEndpoint":
		ep := c.CustomerEndpoint
		if p[0] == "SystemEndpoint" {
			ep = c.SystemEndpoint
		}
		if len(p) != 2 {
			return "", false
		}
		switch p[1] {
		case "Address":
			return ep.Address, true
		case "Type":
			return ep.Type, true
		}
		return "", false
	case "Metrics":
		v, ok := s.Metrics[strings.Join(p[1:], ".")]
		return v, ok
	case "Lex":
		v, ok := s.Lex[strings.Join(p[1:], ".")]
		return v, ok
	case "Tags":
		if len(p) != 2 {
			return "", false
		}
		v, ok := s.Tags[p[1]]
		return v, ok
	}
	return "", false
}

// lookupAny walks a decoded JSON value along path.
func lookupAny(v any, path []string) (string, bool) {
	for _, seg := range path {
		switch m := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = m[seg]; !ok {
				return "", false
			}
		case map[string]string:
			s, ok := m[seg]
			if !ok {
				return "", false
			}
			v = s
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(m) {
				return "", false
			}
			v = m[n]
		default:
			return "", false
		}
	}
	return stringify(v), v != nil
}

// stringify renders a decoded JSON value as Connect does when it lands in
// an attribute: strings as is, everything else as JSON.
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
