package flowtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/flow/flowtest"
)

// corpusDir finds the shared corpus of flows exported from Amazon Connect:
// $PARLEY_CONNECT_FLOWS, or ../shared/testdata/connect-flows beside the
// module root.
func corpusDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("PARLEY_CONNECT_FLOWS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "testdata", "connect-flows")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// TestConnectCorpus parses, validates and simulates every flow of the
// corpus with default inputs (every input times out, every function returns
// {}, any queue/prompt/hours reference resolves), until it ends or waits in a
// queue. The corpus lives outside the repository; without it there is
// nothing to check.
func TestConnectCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skipf("no Connect flow corpus at %q (set PARLEY_CONNECT_FLOWS)", dir)
	}
	parsed, full := 0, 0
	unsupported := map[string]int{}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := flow.Parse(data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			parsed++
			f.ID = strings.TrimSuffix(name, ".json")
			rep := flow.Check(f)
			if len(rep.Problems) > 0 {
				t.Fatalf("problems: %v", rep.Problems)
			}
			if len(rep.Unsupported) == 0 {
				full++
			}
			for _, u := range rep.Unsupported {
				unsupported[u.Type]++
			}
			env := flowtest.EnvConfig{AnyQueue: true, AnyPrompt: true, AnyHours: true}.NewEnv(map[string]*flow.Flow{f.ID: f})
			for _, ch := range []flow.Channel{flow.ChannelVoice, flow.ChannelChat, flow.ChannelTask} {
				res := flowtest.Run(f, env, flowtest.Case{
					Name:    string(ch),
					Contact: flow.Contact{Channel: ch, CustomerEndpoint: flow.Endpoint{Address: "+15555550100", Type: "TELEPHONE_NUMBER"}},
				})
				if res.Err != nil {
					t.Fatalf("%s: engine error: %v", ch, res.Err)
				}
				if strings.HasPrefix(res.End, "waiting:") || res.End == "" {
					t.Errorf("%s: simulation did not end: %q; path %s", ch, res.End, res.PathString(30))
				}
				if len(res.Path) == 0 {
					t.Errorf("%s: no action ran", ch)
				}
				t.Logf("%s: %d actions, end %s", ch, len(res.Path), res.End)
			}
		})
	}
	var types []string
	for typ, n := range unsupported {
		types = append(types, fmt.Sprintf("%s×%d", typ, n))
	}
	sort.Strings(types)
	fmt.Printf("connect-flows conformance: %d/%d flows parsed, %d fully supported, unsupported actions by type: %s\n",
		parsed, len(files), full, strings.Join(types, ", "))
}
