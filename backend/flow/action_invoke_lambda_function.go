package flow

import "time"

// InvokeLambdaFunction calls an external function (an HTTPS endpoint
// configured in Parley, see backend/extfunc) with the contact data and the
// given parameters. Its response lands under $.External.
//
//	{
//	  "Identifier": "lookup",
//	  "Type": "InvokeLambdaFunction",
//	  "Parameters": {
//	    "LambdaFunctionARN": "customer-lookup",
//	    "InvocationTimeLimitSeconds": "3",
//	    "LambdaInvocationAttributes": {"phone": "$.CustomerEndpoint.Address"},
//	    "ResponseValidation": {"ResponseType": "STRING_MAP"}
//	  },
//	  "Transitions": {"NextAction": "greet", "Errors": [{"NextAction": "fallback", "ErrorType": "NoMatchingError"}]}
//	}
//
// LambdaFunctionARN names the external function (its name, or an ARN whose
// last part is the name). InvocationTimeLimitSeconds: 1 to 8, default 3.
// InvocationType: SYNCHRONOUS (default) or ASYNCHRONOUS (fire and forget).
// ResponseType: STRING_MAP (default; non-string values are turned into text)
// or JSON (nested values reachable as $.External.a.b).
//
// Effect: InvokeFunction; the session waits (WaitFunction) for
// FunctionResult, or FunctionError/Timeout, which take NoMatchingError and
// clear $.External.
type invokeLambdaFunction struct {
	function     string
	timeout      numParam
	async        bool
	responseType string
	attrs        kvList
}

// MaxFunctionTimeoutSeconds is the longest an external function may run.
const MaxFunctionTimeoutSeconds = 8

func init() {
	register("InvokeLambdaFunction", &spec{
		compile: func(p *paramReader) any {
			l := &invokeLambdaFunction{
				function: p.str("LambdaFunctionARN", true),
				timeout:  p.num("InvocationTimeLimitSeconds", false, 1, MaxFunctionTimeoutSeconds),
				async:    p.enum("InvocationType", false, "SYNCHRONOUS", "ASYNCHRONOUS") == "ASYNCHRONOUS",
				attrs:    p.strMap("LambdaInvocationAttributes", false),
			}
			var rv struct {
				ResponseType string `json:"ResponseType"`
			}
			l.responseType = "STRING_MAP"
			if p.object("ResponseValidation", false, &rv, `an object {"ResponseType": "STRING_MAP" | "JSON"}`) {
				switch rv.ResponseType {
				case "STRING_MAP", "JSON":
					l.responseType = rv.ResponseType
				default:
					p.problem("Parameters.ResponseValidation.ResponseType", "is %q, must be STRING_MAP or JSON", rv.ResponseType)
				}
			}
			return l
		},
		run: func(r *runner, a *Action) {
			l := a.params.(*invokeLambdaFunction)
			fn := r.resolve("LambdaFunctionARN", l.function)
			if fn == "" {
				r.fail(a, ErrNoMatchingError, "LambdaFunctionARN resolves to nothing")
				return
			}
			secs, ok := r.number(l.timeout, 3)
			if !ok || secs <= 0 || secs > MaxFunctionTimeoutSeconds {
				r.fail(a, ErrNoMatchingError, "InvocationTimeLimitSeconds must be 1 to 8")
				return
			}
			params := r.resolveMap(l.attrs)
			for k, v := range params {
				r.param("LambdaInvocationAttributes."+k, v)
			}
			r.emit(&InvokeFunction{
				ActionID: a.Identifier, Function: fn, TimeoutSeconds: int(secs), Async: l.async,
				ResponseType: l.responseType, Parameters: params, ContactData: r.s.ContactData(),
			})
			if l.async {
				r.next(a)
				return
			}
			r.wait(a, WaitFunction, r.now.Add(time.Duration(secs*float64(time.Second))), 0)
		},
		resume: func(r *runner, a *Action, _ Wait, in Input) {
			l := a.params.(*invokeLambdaFunction)
			if in.Kind != InputFunctionResult {
				r.s.External = nil
				msg := in.Error
				if in.Kind == InputTimeout {
					msg = "function timed out"
				}
				r.fail(a, ErrNoMatchingError, msg)
				return
			}
			ext := make(map[string]any, len(in.Result))
			for k, v := range in.Result {
				if l.responseType == "STRING_MAP" {
					v = stringify(v)
				}
				ext[k] = v
				r.param("External."+k, stringify(v))
			}
			r.s.External = ext
			r.next(a)
		},
	})
}
