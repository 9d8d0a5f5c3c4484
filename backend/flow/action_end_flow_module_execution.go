package flow

// EndFlowModuleExecution returns from a flow module to the flow that invoked
// it, which goes on at its InvokeFlowModule's NextAction. A module run on its
// own (in the simulator) ends with EndFlowEnded.
//
//	{"Identifier": "return", "Type": "EndFlowModuleExecution", "Parameters": {}, "Transitions": {}}
func init() {
	register("EndFlowModuleExecution", &spec{
		run: func(r *runner, a *Action) {
			if len(r.s.Frames) <= 1 {
				r.end(EndFlowEnded)
				return
			}
			r.result = "return"
			r.popModule(func(caller *Action) { r.next(caller) })
		},
	})
}
