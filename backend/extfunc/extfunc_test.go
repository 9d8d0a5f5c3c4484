package extfunc_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/extfunc"
	"github.com/parley-cc/parley/backend/flow"
)

func effect(fn string) *flow.InvokeFunction {
	return &flow.InvokeFunction{
		ActionID: "lookup", Function: fn, TimeoutSeconds: 3, ResponseType: "STRING_MAP",
		Parameters: map[string]string{"phone": "+15555550100"},
		ContactData: flow.ContactData{
			ContactID: "c-1", Channel: flow.ChannelVoice, InitiationMethod: "INBOUND",
			Attributes:       map[string]string{"lang": "en"},
			CustomerEndpoint: &flow.EndpointData{Address: "+15555550100", Type: "TELEPHONE_NUMBER"},
		},
	}
}

func TestCallSendsSignedConnectEvent(t *testing.T) {
	const secret = "s3cret"
	var gotBody []byte
	var gotSig, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		gotSig = r.Header.Get(extfunc.SignatureHeader)
		gotType = r.Header.Get("Content-Type")
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Write([]byte(`{"customerName": "Ada", "tier": "gold"}`))
	}))
	defer srv.Close()
	c := &extfunc.Caller{Functions: extfunc.NewRegistry(extfunc.ExternalFunction{Name: "lookup", URL: srv.URL, Secret: secret})}

	got, err := c.Call(context.Background(), effect("arn:aws:lambda:us-east-1:1:function:lookup"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"customerName": "Ada", "tier": "gold"}, got); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	if !extfunc.Verify(secret, gotBody, gotSig) {
		t.Errorf("signature %q does not verify", gotSig)
	}
	if extfunc.Verify("other", gotBody, gotSig) {
		t.Error("signature verifies under the wrong secret")
	}
	if gotType != "application/json" {
		t.Errorf("Content-Type %q", gotType)
	}
	var ev map[string]any
	if err := json.Unmarshal(gotBody, &ev); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Name": "ContactFlowEvent",
		"Details": map[string]any{
			"Parameters": map[string]any{"phone": "+15555550100"},
			"ContactData": map[string]any{
				"Attributes": map[string]any{"lang": "en"}, "Channel": "VOICE", "ContactId": "c-1",
				"CustomerEndpoint": map[string]any{"Address": "+15555550100", "Type": "TELEPHONE_NUMBER"},
				"SystemEndpoint":   nil, "InitialContactId": "", "InitiationMethod": "INBOUND",
				"InstanceARN": "", "PreviousContactId": "", "Queue": nil,
			},
		},
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestCallFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		rtype   string
		reason  string
	}{
		{"non-2xx", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, "STRING_MAP", "status"},
		{"not json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }, "STRING_MAP", "malformed"},
		{"json array", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`[1,2]`)) }, "JSON", "malformed"},
		{"json null", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`null`)) }, "JSON", "malformed"},
		{"nested in string map", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"a":{"b":1}}`)) }, "STRING_MAP", "malformed"},
		{"trailing data", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"a":"1"} {}`)) }, "STRING_MAP", "malformed"},
		{"timeout", nil, "STRING_MAP", "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			h := tt.handler
			if h == nil {
				// Hang until the client gives up or the test ends.
				h = func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			defer close(release)
			c := &extfunc.Caller{Functions: extfunc.NewRegistry(extfunc.ExternalFunction{Name: "f", URL: srv.URL, Timeout: 50 * time.Millisecond})}
			e := effect("f")
			e.ResponseType = tt.rtype
			_, err := c.Call(context.Background(), e)
			var fe *extfunc.Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *extfunc.Error", err)
			}
			if fe.Reason != tt.reason {
				t.Errorf("reason %q, want %q (%v)", fe.Reason, tt.reason, err)
			}
			in := c.Input(context.Background(), e)
			if in.Kind != flow.InputFunctionError {
				t.Errorf("Input kind %q, want %q", in.Kind, flow.InputFunctionError)
			}
		})
	}
}

func TestJSONResponseKeepsNesting(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"customer": {"name": "Ada", "visits": 3}}`))
	}))
	defer srv.Close()
	c := &extfunc.Caller{Functions: extfunc.NewRegistry(extfunc.ExternalFunction{Name: "f", URL: srv.URL})}
	e := effect("f")
	e.ResponseType = "JSON"
	in := c.Input(context.Background(), e)
	if in.Kind != flow.InputFunctionResult {
		t.Fatalf("kind %q: %s", in.Kind, in.Error)
	}
	want := map[string]any{"customer": map[string]any{"name": "Ada", "visits": json.Number("3")}}
	if diff := cmp.Diff(want, in.Result); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUnknownFunction(t *testing.T) {
	c := &extfunc.Caller{Functions: extfunc.NewRegistry()}
	_, err := c.Call(context.Background(), effect("nope"))
	var fe *extfunc.Error
	if !errors.As(err, &fe) || fe.Reason != "not_found" {
		t.Fatalf("err = %v, want not_found", err)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := extfunc.Sign("k", body)
	tests := []struct {
		name, secret, header string
		body                 []byte
		want                 bool
	}{
		{"good", "k", sig, body, true},
		{"wrong secret", "x", sig, body, false},
		{"tampered body", "k", sig, []byte(`{"a":2}`), false},
		{"no prefix", "k", strings.TrimPrefix(sig, "sha256="), body, false},
		{"not hex", "k", "sha256=zz", body, false},
		{"empty", "k", "", body, false},
	}
	for _, tt := range tests {
		if got := extfunc.Verify(tt.secret, tt.body, tt.header); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		fn   extfunc.ExternalFunction
		want []string
	}{
		{extfunc.ExternalFunction{Name: "a", URL: "https://example.com/f", Timeout: time.Second}, nil},
		{extfunc.ExternalFunction{URL: "ftp://x", Timeout: 9 * time.Second}, []string{"name", "url", "timeout"}},
	}
	for _, tt := range tests {
		err := tt.fn.Validate()
		if (err == nil) != (tt.want == nil) {
			t.Fatalf("%+v: err = %v", tt.fn, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w+":") {
				t.Errorf("%+v: error %q does not mention %s", tt.fn, err, w)
			}
		}
	}
}

func TestCallThroughEngine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"greeting": "Welcome back"}`))
	}))
	defer srv.Close()
	def := flow.MustParse([]byte(`{"Version":"2019-10-30","StartAction":"call","Actions":[
	 {"Identifier":"call","Type":"InvokeLambdaFunction","Parameters":{"LambdaFunctionARN":"greet"},
	  "Transitions":{"NextAction":"say","Errors":[{"NextAction":"bye","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"say","Type":"MessageParticipant","Parameters":{"Text":"$.External.greeting"},"Transitions":{"NextAction":"bye"}},
	 {"Identifier":"bye","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`))
	eng := flow.New(&flow.MemEnv{})
	sess, effs, err := eng.Start(def, flow.Contact{ContactID: "c", Channel: flow.ChannelChat})
	if err != nil {
		t.Fatal(err)
	}
	c := &extfunc.Caller{Functions: extfunc.NewRegistry(extfunc.ExternalFunction{Name: "greet", URL: srv.URL})}
	effs, err = eng.Resume(sess, c.Input(context.Background(), effs[0].(*flow.InvokeFunction)))
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := effs[0].(*flow.Message); !ok || m.Text != "Welcome back" {
		t.Errorf("first effect %#v, want the greeting", effs[0])
	}
}
