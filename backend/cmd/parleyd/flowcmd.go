package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/flow/flowtest"
)

const flowCmdUsage = `Usage:
  parleyd flow check [--strict] FILE...   validate flows (Amazon Connect Flow language JSON)
  parleyd flow test [-v] FILE...          run flow test files (see docs/flow-test-format.md)

check prints every problem of every flow, with the action identifier, the field
and what is expected, and exits 1 if any flow has a problem. Actions Parley
cannot run yet are listed as warnings (errors with --strict).

test simulates each case of each test file with a virtual clock and no calls,
prints the path taken and per-action coverage, and exits 1 if any expectation
fails.
`

// runFlowCommand implements "parleyd flow ..." (args exclude "flow"). It
// returns the process exit code: 0 success, 1 problems or failed tests,
// 2 usage errors.
func runFlowCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, flowCmdUsage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, flowCmdUsage)
		return 0
	case "check":
		return flowCmdCheck(args[1:], stdout, stderr)
	case "test":
		return flowCmdTest(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "parleyd flow: unknown command %q\n\n%s", args[0], flowCmdUsage)
	return 2
}

func flowCmdFlags(name string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("parleyd flow "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stdout, flowCmdUsage) }
	return fs
}

func flowCmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := flowCmdFlags("check", stdout, stderr)
	strict := fs.Bool("strict", false, "treat unsupported actions as problems")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "parleyd flow check: no FILE given\n\n"+flowCmdUsage)
		return 2
	}
	bad := 0
	for _, file := range fs.Args() {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stdout, "%s: %v\n", file, err)
			bad++
			continue
		}
		f, err := flow.Parse(data)
		if f == nil {
			fmt.Fprintf(stdout, "%s: %v\n", file, err)
			bad++
			continue
		}
		rep := flow.Check(f)
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "%s: %s\n", file, p)
		}
		level := "warning"
		if *strict {
			level = "error"
		}
		for _, u := range rep.Unsupported {
			fmt.Fprintf(stdout, "%s: %s: action %q: unsupported action type %s (Parley takes its error branch at run time)\n", file, level, u.ActionID, u.Type)
		}
		switch {
		case len(rep.Problems) > 0:
			fmt.Fprintf(stdout, "%s: %d problem(s)\n", file, len(rep.Problems))
			bad++
		case *strict && len(rep.Unsupported) > 0:
			bad++
		default:
			fmt.Fprintf(stdout, "%s: ok (%d actions)\n", file, len(f.Actions))
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}

func flowCmdTest(args []string, stdout, stderr io.Writer) int {
	fs := flowCmdFlags("test", stdout, stderr)
	verbose := fs.Bool("v", false, "print the prompts played by each case")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "parleyd flow test: no FILE given\n\n"+flowCmdUsage)
		return 2
	}
	passed, failed := 0, 0
	for _, file := range fs.Args() {
		suite, err := flowtest.Load(file)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL %s: %v\n", file, err)
			failed++
			continue
		}
		cov := flowtest.NewCoverage(suite.AllFlow)
		for _, res := range suite.Run() {
			cov.Add(res.Path)
			status := "PASS"
			if !res.Passed() {
				status = "FAIL"
				failed++
			} else {
				passed++
			}
			fmt.Fprintf(stdout, "%s %s: %s (end: %s)\n", status, file, res.Name, res.End)
			fmt.Fprintf(stdout, "    path: %s\n", res.PathString(0))
			if *verbose {
				for _, p := range res.Prompts {
					fmt.Fprintf(stdout, "    prompt: %q\n", p)
				}
			}
			if res.Err != nil {
				fmt.Fprintf(stdout, "    error: %v\n", res.Err)
			}
			for _, f := range res.Failures {
				fmt.Fprintf(stdout, "    %s\n", f)
			}
		}
		for _, c := range cov.Report() {
			line := fmt.Sprintf("    coverage %s: %d/%d actions (%.1f%%)", c.FlowID, c.Covered, c.Total, c.Percent())
			if len(c.Unvisited) > 0 {
				line += "; not run: " + strings.Join(c.Unvisited, ", ")
			}
			fmt.Fprintln(stdout, line)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
