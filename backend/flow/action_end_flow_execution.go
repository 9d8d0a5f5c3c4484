package flow

// EndFlowExecution ends the flow without disconnecting (whisper, hold, queue
// and disconnect flows end this way; in an inbound flow the channel decides).
//
//	{"Identifier": "end", "Type": "EndFlowExecution", "Parameters": {}, "Transitions": {}}
//
// Effect: FlowEnded{Reason: "flow_ended"}.
func init() {
	register("EndFlowExecution", &spec{
		run: func(r *runner, a *Action) { r.end(EndFlowEnded) },
	})
}
