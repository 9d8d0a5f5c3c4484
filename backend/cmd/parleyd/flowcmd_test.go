package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlowCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"Version":"2019-10-30","StartAction":"a","Actions":[
		{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"Hi"},"Transitions":{"NextAction":"b"}},
		{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`)
	bad := write("bad.json", `{"Version":"2019-10-30","StartAction":"a","Actions":[
		{"Identifier":"a","Type":"MessageParticipant","Parameters":{},"Transitions":{"NextAction":"zz"}},
		{"Identifier":"b","Type":"Teleport","Parameters":{},"Transitions":{}}]}`)
	lex := write("lex.json", `{"Version":"2019-10-30","StartAction":"a","Actions":[
		{"Identifier":"a","Type":"ConnectParticipantWithLexBot","Parameters":{"Text":"Hi"},"Transitions":{"NextAction":"b"}},
		{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`)
	suite, err := filepath.Abs("../../flow/testdata/inbound.test.json")
	if err != nil {
		t.Fatal(err)
	}
	failing := write("failing.test.json", `{"flow": "good.json", "tests": [{"name": "wrong", "expect": {"prompts": ["Bye"]}}]}`)

	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"help", []string{"--help"}, 0, []string{"parleyd flow check"}},
		{"no args", nil, 2, nil},
		{"unknown", []string{"frobnicate"}, 2, nil},
		{"check no file", []string{"check"}, 2, nil},
		{"check good", []string{"check", good}, 0, []string{"good.json: ok (2 actions)"}},
		{"check bad", []string{"check", good, bad}, 1, []string{
			`action "a": Parameters: one of Text, SSML or PromptId is required`,
			`action "a": Transitions.NextAction: refers to "zz"`,
			`action "b": Type: unknown action type "Teleport"`,
			"bad.json: 3 problem(s)",
		}},
		{"check unsupported warns", []string{"check", lex}, 0, []string{"warning: action \"a\": unsupported action type ConnectParticipantWithLexBot"}},
		{"check unsupported strict", []string{"check", "--strict", lex}, 1, []string{"error: action \"a\""}},
		{"test passes", []string{"test", suite}, 0, []string{"PASS", "path: logging -> voice -> lookup", "coverage inbound:", "4 passed, 0 failed"}},
		{"test fails", []string{"test", failing}, 1, []string{"FAIL", `prompt "Bye" not played`, "0 passed, 1 failed"}},
		{"test missing file", []string{"test", filepath.Join(dir, "nope.json")}, 1, []string{"FAIL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runFlowCommand(tt.args, &out, &errOut)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errOut.String())
			}
			all := out.String() + errOut.String()
			for _, c := range tt.contains {
				if !strings.Contains(all, c) {
					t.Errorf("output does not contain %q:\n%s", c, all)
				}
			}
		})
	}
}
