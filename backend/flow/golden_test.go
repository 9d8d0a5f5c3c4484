package flow_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/flow/flowtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenFile is one file of testdata/golden: the cases of one action type.
type goldenFile struct {
	Type  string       `json:"type"`
	Cases []goldenCase `json:"cases"`
}

// goldenCase runs a small flow with the given inputs. Want is what came out;
// -update rewrites it.
type goldenCase struct {
	Name    string                     `json:"name"`
	Contact flow.Contact               `json:"contact"`
	Env     flowtest.EnvConfig         `json:"env,omitzero"`
	Flow    json.RawMessage            `json:"flow"`
	Inputs  []flow.Input               `json:"inputs,omitempty"`
	Want    *goldenResult              `json:"want,omitempty"`
	Modules map[string]json.RawMessage `json:"modules,omitempty"`
}

type goldenResult struct {
	// Steps holds the effects of Start, then of each Resume.
	Steps          [][]json.RawMessage `json:"steps"`
	Path           []string            `json:"path"`
	Status         flow.Status         `json:"status"`
	End            flow.EndReason      `json:"end,omitempty"`
	Wait           *flow.Wait          `json:"wait,omitempty"`
	Attributes     map[string]string   `json:"attributes,omitempty"`
	FlowAttributes map[string]string   `json:"flowAttributes,omitempty"`
	External       map[string]any      `json:"external,omitempty"`
	Errors         []string            `json:"errors,omitempty"`
}

var goldenClock = time.Date(2025, 1, 6, 15, 0, 0, 0, time.UTC)

func runGolden(t *testing.T, c goldenCase) *goldenResult {
	t.Helper()
	def, err := flow.Parse(c.Flow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	def.ID = "main"
	flows := map[string]*flow.Flow{"main": def}
	for id, raw := range c.Modules {
		m, err := flow.Parse(raw)
		if err != nil {
			t.Fatalf("parse module %s: %v", id, err)
		}
		m.ID = id
		flows[id] = m
	}
	res := &goldenResult{}
	eng := &flow.Engine{
		Env:   c.Env.NewEnv(flows),
		Now:   func() time.Time { return goldenClock },
		Trace: func(s flow.Step) { res.Path = append(res.Path, s.ActionID+" "+s.Result) },
	}
	if c.Contact.ContactID == "" {
		c.Contact.ContactID = "contact-1"
	}
	sess, effs, err := eng.Start(def, c.Contact)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	res.Steps = append(res.Steps, marshalEffects(t, effs))
	for i, in := range c.Inputs {
		effs, err := eng.Resume(sess, in)
		if err != nil {
			res.Errors = append(res.Errors, "input "+strconv.Itoa(i)+": "+err.Error())
			continue
		}
		res.Steps = append(res.Steps, marshalEffects(t, effs))
	}
	res.Status, res.End, res.Wait = sess.Status, sess.End, sess.Wait
	res.Attributes, res.FlowAttributes, res.External = sess.Contact.Attributes, sess.FlowAttributes, sess.External
	for _, le := range sess.Log {
		if le.Error != "" {
			res.Errors = append(res.Errors, le.ActionID+": "+le.Error)
		}
	}
	return res
}

func marshalEffects(t *testing.T, effs []flow.Effect) []json.RawMessage {
	t.Helper()
	out := []json.RawMessage{}
	for _, e := range effs {
		b, err := flow.MarshalEffect(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// normalize round-trips through JSON so that want and got compare as data.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGolden runs the golden cases of every action type. Run with -update
// to regenerate the "want" parts after a deliberate change.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	covered := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var gf goldenFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&gf); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		covered[gf.Type] = true
		changed := false
		for i := range gf.Cases {
			c := &gf.Cases[i]
			t.Run(gf.Type+"/"+c.Name, func(t *testing.T) {
				got := runGolden(t, *c)
				if *update {
					c.Want = got
					changed = true
					return
				}
				if c.Want == nil {
					t.Fatal("no want: run go test -update")
				}
				if diff := cmp.Diff(normalize(t, c.Want), normalize(t, got)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
		if changed {
			out, err := json.MarshalIndent(gf, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, typ := range flow.SupportedTypes() {
		if !covered[typ] {
			t.Errorf("action type %s has no golden file", typ)
		}
	}
}
