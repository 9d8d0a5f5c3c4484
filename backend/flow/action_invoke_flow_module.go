package flow

// InvokeFlowModule runs a flow module and comes back: when the module reaches
// EndFlowModuleExecution the flow takes NextAction; when the module fails
// with no error branch of its own, the flow takes NoMatchingError.
//
//	{
//	  "Identifier": "auth",
//	  "Type": "InvokeFlowModule",
//	  "Parameters": {"FlowModuleId": "authenticate-caller"},
//	  "Transitions": {"NextAction": "menu", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// FlowModuleId is a module ID, ARN, name or reference (Env.Flow). Modules
// share the contact and flow attributes. Errors: NoMatchingError.
type invokeFlowModule struct {
	module string
}

// MaxModuleDepth bounds nested flow module calls.
const MaxModuleDepth = 10

func init() {
	register("InvokeFlowModule", &spec{
		compile: func(p *paramReader) any { return &invokeFlowModule{module: p.str("FlowModuleId", true)} },
		run: func(r *runner, a *Action) {
			m := a.params.(*invokeFlowModule)
			ref := r.resolve("FlowModuleId", m.module)
			if len(r.s.Frames) >= MaxModuleDepth {
				r.fail(a, ErrNoMatchingError, "flow modules nested too deeply")
				return
			}
			f, err := r.flowFor(ref)
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			r.moved = true
			r.result = "module:" + f.ref()
			r.s.Frames = append(r.s.Frames, Frame{FlowID: f.ref(), ActionID: f.StartAction})
			r.s.flows[f.ref()] = f
			r.flow = f
		},
	})
}
