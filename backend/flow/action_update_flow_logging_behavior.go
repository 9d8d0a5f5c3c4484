package flow

// UpdateFlowLoggingBehavior switches flow logs on or off. With logs on, every
// action run adds a LogEntry (inputs and result) to Session.Log.
//
//	{
//	  "Identifier": "logs",
//	  "Type": "UpdateFlowLoggingBehavior",
//	  "Parameters": {"FlowLoggingBehavior": "Enabled"},
//	  "Transitions": {"NextAction": "welcome"}
//	}
//
// FlowLoggingBehavior: "Enabled" or "Disabled". Problems met while running
// are logged whatever this says.
type updateFlowLoggingBehavior struct {
	enabled bool
}

func init() {
	register("UpdateFlowLoggingBehavior", &spec{
		compile: func(p *paramReader) any {
			return &updateFlowLoggingBehavior{enabled: p.enum("FlowLoggingBehavior", true, "Enabled", "Disabled") == "Enabled"}
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateFlowLoggingBehavior)
			r.s.Logging = u.enabled
			r.next(a)
		},
	})
}
