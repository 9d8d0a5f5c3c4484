package flow

// TransferContactToAgent transfers the contact to the agent targeted by
// UpdateContactTargetQueue with AgentId (in transfer-to-agent flows, the
// chosen agent).
//
//	{
//	  "Identifier": "to-agent",
//	  "Type": "TransferContactToAgent",
//	  "Transitions": {"Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// Effect: TransferToAgent; the session waits (WaitTransfer) for a
// TransferResult: success ends the flow (EndTransferred), an error type takes
// that branch. Errors: NoMatchingError.
func init() {
	register("TransferContactToAgent", &spec{
		run: func(r *runner, a *Action) {
			r.emit(&TransferToAgent{AgentID: r.s.TargetAgentID})
			r.wait(a, WaitTransfer, zeroTime, 0)
		},
		resume: resumeTransfer,
	})
}
