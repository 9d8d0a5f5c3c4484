// Package backend holds only this test: the import rules of docs/architecture.md, enforced.
package backend

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/parley-cc/parley"

// allowed maps each package (or package tree, ending in /...) to the project packages its
// non-test code may import. A project package missing here fails the test: new packages get a
// rule when they are added.
var allowed = map[string][]string{
	"":                    {"app"}, // the desktop app's main
	"app/...":             {"backend/api", "audio/..."},
	"audio/...":           {},
	"backend/parley":      {},
	"backend/api":         {},
	"backend/password":    {},
	"backend/flow/...":    {"backend/parley", "backend/flow/..."},
	"backend/routing/...": {"backend/parley", "backend/routing/..."},
	"backend/extfunc":     {"backend/parley", "backend/flow"},
	"backend/flowenv":     {"backend/parley", "backend/flow", "backend/routing"},
	"backend/sqlite":      {"backend/parley", "backend/password"},
	"backend/http":        {"backend/parley", "backend/api"},
	"backend/ws":          {"backend/parley", "backend/api"},
	"backend/sip/...":     {"backend/parley", "backend/flow/...", "backend/routing", "backend/sip/..."},
	"backend/chat":        {"backend/parley", "backend/api", "backend/flow", "backend/routing"},
	"backend/task":        {"backend/parley", "backend/flow", "backend/routing"},
	"backend/cmd/...":     {"backend/..."},
}

// stdlibOnly lists packages that may import nothing outside the standard library.
var stdlibOnly = []string{"backend/parley", "backend/flow", "backend/routing"}

func TestImportRules(t *testing.T) {
	cmd := exec.Command("go", "list", "-tags", "libsqlite3,webkit2_41", "-json", module+"/...")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	dec := json.NewDecoder(&out)
	seen := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		pkg := rel(p.ImportPath)
		rule, ok := ruleFor(pkg)
		if !ok {
			if pkg == "backend" { // this test's own package
				continue
			}
			t.Errorf("package %q has no import rule: add one to allowed in backend/imports_test.go and docs/architecture.md", pkg)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				if slices.Contains(stdlibOnly, pkg) && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					t.Errorf("%s imports %s: it may import the standard library only", pkg, imp)
				}
				continue
			}
			target := rel(imp)
			if strings.HasPrefix(pkg, "backend") && (target == "app" || strings.HasPrefix(target, "app/") || target == "audio" || strings.HasPrefix(target, "audio/")) {
				t.Errorf("%s imports %s: nothing under backend/ imports app/ or audio/", pkg, target)
				continue
			}
			if !matchesAny(target, rule) {
				t.Errorf("%s imports %s: not allowed (it may import %v)", pkg, target, rule)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list found only %d packages", seen)
	}
}

func rel(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

// ruleFor finds the most specific rule for pkg.
func ruleFor(pkg string) ([]string, bool) {
	best, found := "", false
	for pattern := range allowed {
		if matches(pkg, pattern) && (!found || len(pattern) > len(best)) {
			best, found = pattern, true
		}
	}
	return allowed[best], found
}

func matches(pkg, pattern string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func matchesAny(pkg string, patterns []string) bool {
	for _, p := range patterns {
		if matches(pkg, p) {
			return true
		}
	}
	return false
}

func TestRuleMatching(t *testing.T) {
	for _, tc := range []struct {
		pkg, pattern string
		want         bool
	}{
		{"backend/flow", "backend/flow/...", true},
		{"backend/flow/flowtest", "backend/flow/...", true},
		{"backend/flowx", "backend/flow/...", false},
		{"backend/http", "backend/http", true},
		{"backend/http/x", "backend/http", false},
	} {
		if got := matches(tc.pkg, tc.pattern); got != tc.want {
			t.Errorf("matches(%q, %q) = %v", tc.pkg, tc.pattern, got)
		}
	}
	if r, _ := ruleFor("backend/cmd/parleyd"); !slices.Equal(r, []string{"backend/..."}) {
		t.Errorf("rule for parleyd = %v", r)
	}
}
