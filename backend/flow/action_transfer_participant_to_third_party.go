package flow

// TransferParticipantToThirdParty ("Transfer to phone number") calls a number
// and bridges the customer to it (voice only).
//
//	{
//	  "Identifier": "to-partner",
//	  "Type": "TransferParticipantToThirdParty",
//	  "Parameters": {
//	    "ThirdPartyPhoneNumber": "+442071234567",
//	    "ThirdPartyConnectionTimeLimitSeconds": "30",
//	    "ContinueFlowExecution": "True",
//	    "CallerId": {"Number": "+442079876543"}
//	  },
//	  "Transitions": {
//	    "NextAction": "survey",
//	    "Errors": [
//	      {"NextAction": "sorry", "ErrorType": "CallFailed"},
//	      {"NextAction": "sorry", "ErrorType": "ConnectionTimeLimitExceeded"},
//	      {"NextAction": "sorry", "ErrorType": "NoMatchingError"}
//	    ]
//	  }
//	}
//
// Effect: TransferToThirdParty; the session waits (WaitTransfer). On success
// the flow takes NextAction when ContinueFlowExecution is true (after the
// third party hangs up) and ends (EndTransferred) otherwise; a failure takes
// the error branch named by the TransferResult. Errors: CallFailed,
// ConnectionTimeLimitExceeded, NoMatchingError.
type transferParticipantToThirdParty struct {
	number       string
	timeout      numParam
	continueFlow bool
	callerNumber string
	callerName   string
	dtmf         string
}

func init() {
	register("TransferParticipantToThirdParty", &spec{
		errors: []string{"CallFailed", "ConnectionTimeLimitExceeded"},
		compile: func(p *paramReader) any {
			t := &transferParticipantToThirdParty{
				number:       p.str("ThirdPartyPhoneNumber", true),
				timeout:      p.num("ThirdPartyConnectionTimeLimitSeconds", false, 1, 600),
				continueFlow: p.boolean("ContinueFlowExecution", false),
				dtmf:         p.str("ThirdPartyDTMFDigits", false),
			}
			var cid struct{ Number, Name string }
			if p.object("CallerId", false, &cid, `an object {"Number": "+...", "Name": "..."}`) {
				t.callerNumber, t.callerName = cid.Number, cid.Name
			}
			return t
		},
		run: func(r *runner, a *Action) {
			t := a.params.(*transferParticipantToThirdParty)
			if r.s.Contact.Channel != ChannelVoice {
				r.fail(a, ErrNoMatchingError, "transfer to a phone number is voice only")
				return
			}
			num := r.resolve("ThirdPartyPhoneNumber", t.number)
			if !IsE164(num) {
				r.fail(a, "CallFailed", "third-party number "+num+" is not in E.164 form")
				return
			}
			secs, ok := r.number(t.timeout, 30)
			if !ok {
				r.fail(a, ErrNoMatchingError, "ThirdPartyConnectionTimeLimitSeconds is not a number")
				return
			}
			r.emit(&TransferToThirdParty{
				PhoneNumber: num, TimeoutSeconds: int(secs), ContinueFlow: t.continueFlow,
				CallerIDNumber: r.s.Interpolate(t.callerNumber), CallerIDName: r.s.Interpolate(t.callerName),
				DTMF: r.s.Interpolate(t.dtmf),
			})
			r.wait(a, WaitTransfer, zeroTime, 0)
		},
		resume: func(r *runner, a *Action, w Wait, in Input) {
			t := a.params.(*transferParticipantToThirdParty)
			if in.Kind == InputTimeout {
				r.fail(a, "ConnectionTimeLimitExceeded", "")
				return
			}
			if in.Error != "" {
				r.fail(a, in.Error, "")
				return
			}
			if t.continueFlow {
				r.next(a)
				return
			}
			r.end(EndTransferred)
		},
	})
}
