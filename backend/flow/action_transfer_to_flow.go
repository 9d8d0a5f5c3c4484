package flow

// TransferToFlow ends this flow and runs another from its start. Contact and
// flow attributes are kept.
//
//	{
//	  "Identifier": "to-main",
//	  "Type": "TransferToFlow",
//	  "Parameters": {"ContactFlowId": "main-inbound"},
//	  "Transitions": {"Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// ContactFlowId is a flow ID, ARN, name or reference, looked up with Env.Flow.
// Errors: NoMatchingError (unknown or invalid flow).
type transferToFlow struct {
	flow string
}

func init() {
	register("TransferToFlow", &spec{
		compile: func(p *paramReader) any { return &transferToFlow{flow: p.str("ContactFlowId", true)} },
		run: func(r *runner, a *Action) {
			t := a.params.(*transferToFlow)
			ref := r.resolve("ContactFlowId", t.flow)
			f, err := r.flowFor(ref)
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			r.moved = true
			r.result = "flow:" + f.ref()
			r.s.Frames = append(r.s.Frames[:0], Frame{FlowID: f.ref(), ActionID: f.StartAction})
			r.s.flows[f.ref()] = f
			r.flow = f
		},
	})
}
