package flow

import "time"

// Wait pauses the flow (chat and task flows) for TimeLimitSeconds, then takes
// WaitCompleted. On chat, a customer message before the end takes
// CustomerReturned when that condition exists.
//
//	{
//	  "Identifier": "pause",
//	  "Type": "Wait",
//	  "Parameters": {"TimeLimitSeconds": "300"},
//	  "Transitions": {
//	    "Conditions": [
//	      {"NextAction": "follow-up", "Condition": {"Operator": "Equals", "Operands": ["WaitCompleted"]}},
//	      {"NextAction": "menu", "Condition": {"Operator": "Equals", "Operands": ["CustomerReturned"]}}
//	    ],
//	    "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]
//	  }
//	}
//
// TimeLimitSeconds: 1 to 604800 (7 days). Effect: StartTimer; the session
// waits (WaitTimer) for Timeout or Text. Errors: NoMatchingError.
type wait struct {
	limit numParam
}

func init() {
	register("Wait", &spec{
		compile: func(p *paramReader) any {
			return &wait{limit: p.num("TimeLimitSeconds", true, 1, 604800)}
		},
		run: func(r *runner, a *Action) {
			w := a.params.(*wait)
			secs, ok := r.number(w.limit, 0)
			if !ok || secs <= 0 {
				r.fail(a, ErrNoMatchingError, "TimeLimitSeconds is not a positive number")
				return
			}
			until := r.now.Add(time.Duration(secs * float64(time.Second)))
			r.emit(&StartTimer{ActionID: a.Identifier, Until: until})
			r.wait(a, WaitTimer, until, 0)
		},
		resume: func(r *runner, a *Action, w Wait, in Input) {
			if in.Kind == InputTextMessage {
				if r.branchOn(a, "CustomerReturned") {
					return
				}
				r.wait(a, WaitTimer, w.Deadline, 0) // keep waiting
				return
			}
			if !r.branchOn(a, "WaitCompleted") {
				r.next(a)
			}
		},
	})
}
