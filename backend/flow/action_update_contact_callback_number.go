package flow

// UpdateContactCallbackNumber ("Set callback number") sets the number a later
// CreateCallbackContact calls back.
//
//	{
//	  "Identifier": "set-callback",
//	  "Type": "UpdateContactCallbackNumber",
//	  "Parameters": {"CallbackNumber": "$.StoredCustomerInput"},
//	  "Transitions": {
//	    "NextAction": "create-callback",
//	    "Errors": [
//	      {"NextAction": "ask-again", "ErrorType": "InvalidCallbackNumber"},
//	      {"NextAction": "ask-again", "ErrorType": "CallbackNumberNotDialable"}
//	    ]
//	  }
//	}
//
// The number must be in E.164 form. Effect: SetCallbackNumber.
// Errors: InvalidCallbackNumber, CallbackNumberNotDialable, NoMatchingError.
type updateContactCallbackNumber struct {
	number string
}

func init() {
	register("UpdateContactCallbackNumber", &spec{
		errors: []string{"InvalidCallbackNumber", "CallbackNumberNotDialable"},
		compile: func(p *paramReader) any {
			return &updateContactCallbackNumber{number: p.str("CallbackNumber", true)}
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactCallbackNumber)
			n := r.resolve("CallbackNumber", u.number)
			if !IsE164(n) {
				r.fail(a, "InvalidCallbackNumber", "")
				return
			}
			r.s.CallbackNumber = n
			r.emit(&SetCallbackNumber{Number: n})
			r.next(a)
		},
	})
}
