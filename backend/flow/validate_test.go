package flow_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/flow"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	src := `{
	  "Version": "2019-10-30",
	  "StartAction": "missing-start",
	  "Actions": [
	    {"Identifier": "a", "Type": "MessageParticipant", "Parameters": {"Text": "x", "SSML": "<speak/>"}, "Transitions": {"NextAction": "nowhere"}},
	    {"Identifier": "a", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
	    {"Identifier": "bad:id", "Type": "Teleport", "Parameters": {}, "Transitions": {}},
	    {"Identifier": "c", "Type": "Compare", "Parameters": {"ComparisonValue": "$.Attributes['x"},
	     "Transitions": {"Conditions": [{"NextAction": "a", "Condition": {"Operator": "Roughly", "Operands": []}}],
	                     "Errors": [{"NextAction": "a", "ErrorType": "QueueAtCapacity"}]}},
	    {"Identifier": "d", "Type": "GetParticipantInput", "Parameters": {"Text": "hi", "InputTimeLimitSeconds": "900"}, "Transitions": {"NextAction": "a"}},
	    {"Identifier": "e", "Type": "UpdateContactAttributes", "Parameters": {"Attributes": {"k": {"nested": 1}}}, "Transitions": {"NextAction": "a"}},
	    {"Identifier": "f", "Type": "InvokeLambdaFunction", "Parameters": {"InvocationTimeLimitSeconds": "9"}, "Transitions": {"NextAction": "a"}},
	    {"Identifier": "g", "Type": "ConnectParticipantWithLexBot", "Parameters": {}, "Transitions": {"NextAction": "a"}},
	    {"Identifier": "h", "Type": "Loop", "Parameters": {"LoopCount": "lots"}, "Transitions": {}},
	    {"Identifier": "i", "Type": "MessageParticipant", "Parameters": {"Text": "Hi $.Bogus.x"}, "Transitions": {"NextAction": "a"}}
	  ]
	}`
	f, err := flow.Parse([]byte(src))
	var ve *flow.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	if f == nil {
		t.Fatal("Parse returned no flow with a ValidationError")
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, fmt.Sprintf("%s|%s", p.ActionID, p.Field))
	}
	want := []string{
		"a|Actions[1].Identifier",
		"bad:id|Actions[2].Identifier",
		"|StartAction",
		"a|Transitions.NextAction",
		"a|Parameters",
		"bad:id|Type",
		"c|Transitions.Conditions[0].Condition.Operator",
		"c|Transitions.Conditions[0].Condition.Operands",
		"c|Transitions.Errors[0].ErrorType",
		"c|Parameters.ComparisonValue",
		"d|Parameters.InputTimeLimitSeconds",
		"e|Parameters.Attributes.k",
		"f|Parameters.LambdaFunctionARN",
		"f|Parameters.InvocationTimeLimitSeconds",
		"h|Parameters.LoopCount",
		"h|Transitions.Conditions",
		"i|Parameters.Text",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\nall: %v", diff, ve.Problems)
	}
	if diff := cmp.Diff([]flow.Unsupported{{ActionID: "g", Type: "ConnectParticipantWithLexBot"}}, ve.Unsupported); diff != "" {
		t.Errorf("unsupported (-want +got):\n%s", diff)
	}
	for _, p := range ve.Problems {
		if p.Message == "" {
			t.Errorf("problem %v has no message", p)
		}
	}
	if _, _, err := (&flow.Engine{Env: &flow.MemEnv{}}).Start(f, flow.Contact{}); !errors.As(err, &ve) {
		t.Errorf("Start of an invalid flow: err = %v, want *ValidationError", err)
	}
}

func TestValidateFlowLevel(t *testing.T) {
	many := make([]string, flow.MaxActions+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"Identifier":"a%d","Type":"EndFlowExecution","Parameters":{},"Transitions":{}}`, i)
	}
	tests := []struct {
		name  string
		src   string
		field string
		msg   string
	}{
		{"wrong version", `{"Version":"2020-01-01","StartAction":"a","Actions":[{"Identifier":"a","Type":"EndFlowExecution"}]}`, "Version", `must be "2019-10-30"`},
		{"no actions", `{"Version":"2019-10-30","StartAction":"a","Actions":[]}`, "Actions", "at least one"},
		{"too many", `{"Version":"2019-10-30","StartAction":"a0","Actions":[` + strings.Join(many, ",") + `]}`, "Actions", "at most 250"},
		{"long identifier", `{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"EndFlowExecution"},{"Identifier":"` + strings.Repeat("x", 51) + `","Type":"EndFlowExecution"}]}`, "Actions[1].Identifier", "at most 50"},
		{"reserved identifier", `{"Version":"2019-10-30","StartAction":"a","Actions":[{"Identifier":"a","Type":"EndFlowExecution"},{"Identifier":"constructor","Type":"EndFlowExecution"}]}`, "Actions[1].Identifier", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := flow.Parse([]byte(tt.src))
			var ve *flow.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			for _, p := range ve.Problems {
				if p.Field == tt.field && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Errorf("no problem on %s mentioning %q in %v", tt.field, tt.msg, ve.Problems)
		})
	}
}

func TestParseSyntaxError(t *testing.T) {
	for _, src := range []string{``, `{`, `[]`, `{"Actions": 3}`, `{} {}`} {
		if _, err := flow.Parse([]byte(src)); err == nil {
			t.Errorf("Parse(%q) succeeded", src)
		}
	}
}

func TestRoundTripKeepsMetadata(t *testing.T) {
	src := `{"Version":"2019-10-30","StartAction":"a","Metadata":{"entryPointPosition":{"x":1,"y":2},"custom":["kept"]},"Actions":[{"Identifier":"a","Type":"MessageParticipant","Parameters":{"Text":"Hi"},"Transitions":{"NextAction":"b"}},{"Identifier":"b","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`
	f, err := flow.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Metadata), `"custom":["kept"]`) {
		t.Errorf("metadata lost: %s", f.Metadata)
	}
}
