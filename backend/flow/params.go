package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// paramReader decodes an action's Parameters object field by field, recording
// a Problem for each field of the wrong shape and carrying on.
type paramReader struct {
	a    *Action
	rep  *Report
	m    map[string]json.RawMessage
	keys []string
}

func newParamReader(a *Action, rep *Report) *paramReader {
	p := &paramReader{a: a, rep: rep}
	raw := bytes.TrimSpace(a.Parameters)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return p
	}
	if err := json.Unmarshal(raw, &p.m); err != nil {
		p.problem("Parameters", "must be a JSON object")
	}
	return p
}

func (p *paramReader) problem(field, msg string, args ...any) {
	p.rep.Problems = append(p.rep.Problems, Problem{ActionID: p.a.Identifier, Field: field, Message: fmt.Sprintf(msg, args...)})
}

func (p *paramReader) fieldName(name string) string { return "Parameters." + name }

func (p *paramReader) has(name string) bool {
	_, ok := p.m[name]
	return ok
}

// raw returns a parameter's JSON, nil when absent.
func (p *paramReader) raw(name string) json.RawMessage { return p.m[name] }

// str reads a string parameter. Static strings and text with references are
// both accepted; malformed references are problems.
func (p *paramReader) str(name string, required bool) string {
	raw, ok := p.m[name]
	if !ok {
		if required {
			p.problem(p.fieldName(name), "is required")
		}
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.problem(p.fieldName(name), "must be a string")
		return ""
	}
	if required && s == "" {
		p.problem(p.fieldName(name), "must not be empty")
	}
	p.checkRefs(p.fieldName(name), s)
	return s
}

func (p *paramReader) checkRefs(field, s string) {
	if msg := checkTemplate(s); msg != "" {
		p.problem(field, "%s", msg)
	}
}

// enum reads a string parameter that must be one of allowed (compared
// case-insensitively; the canonical spelling is returned).
func (p *paramReader) enum(name string, required bool, allowed ...string) string {
	s := p.str(name, required)
	if s == "" {
		return ""
	}
	for _, v := range allowed {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	p.problem(p.fieldName(name), "is %q, must be one of %s", s, strings.Join(allowed, ", "))
	return ""
}

// numParam is a number parameter: a static number, or a reference resolved
// at run time.
type numParam struct {
	Raw    string
	Static bool
	N      float64
	Set    bool
}

// num reads a number parameter, given as a JSON number, a numeric string or
// a reference. Static values must lie within [min, max].
func (p *paramReader) num(name string, required bool, min, max float64) numParam {
	raw, ok := p.m[name]
	if !ok {
		if required {
			p.problem(p.fieldName(name), "is required: a number from %s to %s", fmtNum(min), fmtNum(max))
		}
		return numParam{}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n float64
		if err := json.Unmarshal(raw, &n); err != nil {
			p.problem(p.fieldName(name), "must be a number or a reference, from %s to %s", fmtNum(min), fmtNum(max))
			return numParam{}
		}
		s = strconv.FormatFloat(n, 'f', -1, 64)
	}
	s = strings.TrimSpace(s)
	if hasRef(s) {
		p.checkRefs(p.fieldName(name), s)
		return numParam{Raw: s, Set: true}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.problem(p.fieldName(name), "is %q, must be a number from %s to %s or a reference", s, fmtNum(min), fmtNum(max))
		return numParam{}
	}
	if n < min || n > max {
		p.problem(p.fieldName(name), "is %s, must be from %s to %s", fmtNum(n), fmtNum(min), fmtNum(max))
		return numParam{}
	}
	return numParam{Raw: s, Static: true, N: n, Set: true}
}

func fmtNum(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// boolean reads a true/false parameter given as a JSON boolean or the strings
// "true"/"false" in any case.
func (p *paramReader) boolean(name string, def bool) bool {
	raw, ok := p.m[name]
	if !ok {
		return def
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true
		case "false":
			return false
		}
	}
	p.problem(p.fieldName(name), "must be true or false")
	return def
}

// strMap reads an object of strings. Numbers and booleans are accepted and
// kept as their JSON text. Keys are returned sorted.
func (p *paramReader) strMap(name string, required bool) kvList {
	raw, ok := p.m[name]
	if !ok {
		if required {
			p.problem(p.fieldName(name), "is required: an object of strings")
		}
		return nil
	}
	return p.decodeStrMap(p.fieldName(name), raw)
}

func (p *paramReader) decodeStrMap(field string, raw json.RawMessage) kvList {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		p.problem(field, "must be an object of strings")
		return nil
	}
	out := make(kvList, 0, len(m))
	for k, v := range m {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			var x any
			if json.Unmarshal(v, &x) != nil {
				p.problem(field+"."+k, "must be a string")
				continue
			}
			switch x.(type) {
			case float64, bool:
				s = string(bytes.TrimSpace(v))
			default:
				p.problem(field+"."+k, "must be a string")
				continue
			}
		}
		if k == "" {
			p.problem(field, "keys must not be empty")
			continue
		}
		p.checkRefs(field+"."+k, s)
		out = append(out, kv{K: k, V: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].K < out[j].K })
	return out
}

// object decodes a parameter into v; it reports a problem naming want.
func (p *paramReader) object(name string, required bool, v any, want string) bool {
	raw, ok := p.m[name]
	if !ok {
		if required {
			p.problem(p.fieldName(name), "is required: %s", want)
		}
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		p.problem(p.fieldName(name), "must be %s", want)
		return false
	}
	return true
}

// content reads the Text / SSML / PromptId trio, of which at most one may be
// set (exactly one when required).
func (p *paramReader) content(required bool) contentParam {
	c := contentParam{Text: p.str("Text", false), SSML: p.str("SSML", false), PromptID: p.str("PromptId", false)}
	n := 0
	for _, s := range []string{c.Text, c.SSML, c.PromptID} {
		if s != "" {
			n++
		}
	}
	if p.has("Media") {
		n++
		c.Media = true
	}
	switch {
	case n > 1:
		p.problem("Parameters", "set only one of Text, SSML, PromptId or Media")
	case n == 0 && required:
		p.problem("Parameters", "one of Text, SSML or PromptId is required")
	}
	return c
}

// kv is one key/value pair of a parameter object.
type kv struct{ K, V string }

// kvList is a parameter object with its keys sorted, so that effects come out
// in a stable order.
type kvList []kv

// contentParam is what to say: Text, SSML or a prompt.
type contentParam struct {
	Text, SSML, PromptID string
	Media                bool
}

func itoa(i int) string { return strconv.Itoa(i) }

type jsonRaw = json.RawMessage

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func sortKV(l kvList) { sort.Slice(l, func(i, j int) bool { return l[i].K < l[j].K }) }

func joinComma(s []string) string { return strings.Join(s, ", ") }
