package flow_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/flow"
)

// FuzzParse feeds arbitrary bytes to the parser and validator; whatever
// parses cleanly is also run with timeouts for every input. Nothing may panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	golden, _ := filepath.Glob("testdata/golden/*.json")
	for _, p := range append(seeds, golden[:min(3, len(golden))]...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"Loop","Parameters":{"LoopCount":"$.Attributes.n"},"Transitions":{"Conditions":[{"NextAction":"a","Condition":{"Operator":"Equals","Operands":["ContinueLooping"]}},{"NextAction":"a","Condition":{"Operator":"Equals","Operands":["DoneLooping"]}}]}}]}`))
	f.Add([]byte(`{"Version":"2019-10-30","StartAction":"a","Actions":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := flow.Parse(data)
		if def == nil {
			return
		}
		rep := flow.Check(def)
		if (err == nil) != (len(rep.Problems) == 0) {
			t.Fatalf("Parse err %v but Check found %d problems", err, len(rep.Problems))
		}
		if err != nil {
			return
		}
		def.ID = "fuzz"
		eng := &flow.Engine{Env: &flow.MemEnv{Flows: map[string]*flow.Flow{"fuzz": def}, AnyQueue: true, AnyPrompt: true, AnyHours: true},
			Now: func() time.Time { return time.Unix(0, 0) }, MaxSteps: 200}
		for _, ch := range []flow.Channel{flow.ChannelVoice, flow.ChannelChat} {
			sess, _, err := eng.Start(def, flow.Contact{ContactID: "f", Channel: ch})
			if err != nil {
				t.Fatalf("Start of a valid flow: %v", err)
			}
			for i := 0; i < 20 && !sess.Ended(); i++ {
				var in flow.Input
				switch sess.Wait.Kind {
				case flow.WaitFunction:
					in = flow.FunctionResult(map[string]any{"a": "1"})
				case flow.WaitQueue, flow.WaitTransfer:
					in = flow.TransferResult("")
				default:
					in = flow.Timeout()
				}
				if _, err := eng.Resume(sess, in); err != nil {
					t.Fatalf("Resume: %v", err)
				}
			}
		}
	})
}

// FuzzInterpolate checks the reference evaluator: it never panics, text
// without "$" comes back unchanged, and references never resolve to more
// than the values present.
func FuzzInterpolate(f *testing.F) {
	for _, s := range []string{"Hello $.Attributes.name.", "$.Attributes['a b']", `$.External.x.y.0`, "$.", "$$.Attributes.x", "${X}", "$.Attributes[\"q\"]", "$.Attributes['", "$.Queue.OutboundCallerId.Address"} {
		f.Add(s)
	}
	s := &flow.Session{Contact: flow.Contact{Attributes: map[string]string{"name": "N", "a b": "AB"}},
		External: map[string]any{"x": map[string]any{"y": []any{"Z"}}}}
	f.Fuzz(func(t *testing.T, text string) {
		out := s.Interpolate(text)
		if !strings.Contains(text, "$") && out != text {
			t.Fatalf("text without references changed: %q -> %q", text, out)
		}
		s.Lookup(text)
		_ = flow.Evaluate(flow.OpNumberGreaterThan, out, text)
	})
}
