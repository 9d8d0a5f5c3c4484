package extfunc

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/flow"
)

// SignatureHeader carries the body's HMAC-SHA256 signature.
const SignatureHeader = "X-Parley-Signature"

// MaxTimeout is the longest an external function may run (as in Connect).
const MaxTimeout = 8 * time.Second

// DefaultTimeout applies when neither the function nor the flow sets one.
const DefaultTimeout = 3 * time.Second

// MaxResponseBytes bounds the response body read.
const MaxResponseBytes = 256 << 10

// ExternalFunction is a configured external function.
type ExternalFunction struct {
	// Name is what flows put in LambdaFunctionARN.
	Name string `json:"name"`
	// URL is the http or https endpoint to POST to.
	URL string `json:"url"`
	// Secret signs request bodies; empty sends no signature.
	Secret string `json:"secret,omitempty"`
	// Timeout bounds the call; at most MaxTimeout. Zero uses the flow's
	// InvocationTimeLimitSeconds.
	Timeout time.Duration `json:"timeout,omitempty"`
}

// Validate reports what is wrong with the configuration.
func (f ExternalFunction) Validate() error {
	var errs []error
	if f.Name == "" {
		errs = append(errs, errors.New("name: is required"))
	}
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q must be an absolute http or https URL", f.URL))
	}
	if f.Timeout < 0 || f.Timeout > MaxTimeout {
		errs = append(errs, fmt.Errorf("timeout: %s must be from 0 to %s", f.Timeout, MaxTimeout))
	}
	return errors.Join(errs...)
}

// Event is the request body, shaped like an Amazon Connect Lambda event.
type Event struct {
	Details EventDetails `json:"Details"`
	Name    string       `json:"Name"`
}

// EventDetails holds the contact and the flow's parameters.
type EventDetails struct {
	ContactData flow.ContactData  `json:"ContactData"`
	Parameters  map[string]string `json:"Parameters"`
}

// Registry finds functions by name. A LambdaFunctionARN that is an ARN
// ("arn:aws:lambda:...:function:name") matches by its last part.
type Registry map[string]ExternalFunction

// NewRegistry indexes functions by name.
func NewRegistry(fns ...ExternalFunction) Registry {
	r := Registry{}
	for _, f := range fns {
		r[f.Name] = f
	}
	return r
}

// Lookup returns the function a flow names.
func (r Registry) Lookup(ref string) (ExternalFunction, bool) {
	if f, ok := r[ref]; ok {
		return f, true
	}
	if i := strings.LastIndexAny(ref, ":/"); i >= 0 {
		f, ok := r[ref[i+1:]]
		return f, ok
	}
	return ExternalFunction{}, false
}

// Caller makes external function calls.
type Caller struct {
	// Client is the HTTP client. Default: a client with no overall
	// timeout (each call has its own).
	Client *http.Client
	// Functions are the configured functions.
	Functions Registry
}

// Error is a failed call; the flow takes its error branch.
type Error struct {
	Function string
	// Reason is one of "not_found", "timeout", "status", "malformed",
	// "transport".
	Reason string
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("external function %q: %s: %v", e.Function, e.Reason, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Sign returns the signature header value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header (the X-Parley-Signature value) signs body
// under secret. It compares in constant time.
func Verify(secret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sig, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(sig, m.Sum(nil))
}

// Call carries out an InvokeFunction effect and returns the decoded response
// object.
func (c *Caller) Call(ctx context.Context, e *flow.InvokeFunction) (map[string]any, error) {
	fn, ok := c.Functions.Lookup(e.Function)
	if !ok {
		return nil, &Error{Function: e.Function, Reason: "not_found", Err: errors.New("no such external function")}
	}
	timeout := fn.Timeout
	if timeout == 0 {
		timeout = time.Duration(e.TimeoutSeconds) * time.Second
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	timeout = min(timeout, MaxTimeout)
	params := e.Parameters
	if params == nil {
		params = map[string]string{}
	}
	body, err := json.Marshal(Event{Name: "ContactFlowEvent", Details: EventDetails{ContactData: e.ContactData, Parameters: params}})
	if err != nil {
		return nil, &Error{Function: fn.Name, Reason: "malformed", Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fn.URL, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Function: fn.Name, Reason: "transport", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "parley-extfunc/1")
	if fn.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(fn.Secret, body))
	}
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return nil, &Error{Function: fn.Name, Reason: "timeout", Err: err}
		}
		return nil, &Error{Function: fn.Name, Reason: "transport", Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, &Error{Function: fn.Name, Reason: "timeout", Err: err}
		}
		return nil, &Error{Function: fn.Name, Reason: "transport", Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{Function: fn.Name, Reason: "status", Err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	}
	if len(data) > MaxResponseBytes {
		return nil, &Error{Function: fn.Name, Reason: "malformed", Err: fmt.Errorf("response larger than %d bytes", MaxResponseBytes)}
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil || out == nil {
		if err == nil {
			err = errors.New("response is not a JSON object")
		}
		return nil, &Error{Function: fn.Name, Reason: "malformed", Err: err}
	}
	if dec.More() {
		return nil, &Error{Function: fn.Name, Reason: "malformed", Err: errors.New("data after the JSON object")}
	}
	if e.ResponseType == "STRING_MAP" {
		for k, v := range out {
			switch v.(type) {
			case string, json.Number, bool, nil:
			default:
				return nil, &Error{Function: fn.Name, Reason: "malformed", Err: fmt.Errorf("STRING_MAP response: %q is not a flat value", k)}
			}
		}
	}
	return out, nil
}

// Input carries out the effect and returns the input to resume the flow
// with: FunctionResult on success, FunctionError otherwise.
func (c *Caller) Input(ctx context.Context, e *flow.InvokeFunction) flow.Input {
	out, err := c.Call(ctx, e)
	if err != nil {
		return flow.FunctionError(err.Error())
	}
	return flow.FunctionResult(out)
}
