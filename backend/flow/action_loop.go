package flow

// Loop counts passes: the first LoopCount times it takes ContinueLooping,
// then DoneLooping once (and the count starts again).
//
//	{
//	  "Identifier": "retry",
//	  "Type": "Loop",
//	  "Parameters": {"LoopCount": "3"},
//	  "Transitions": {
//	    "Conditions": [
//	      {"NextAction": "menu", "Condition": {"Operator": "Equals", "Operands": ["ContinueLooping"]}},
//	      {"NextAction": "goodbye", "Condition": {"Operator": "Equals", "Operands": ["DoneLooping"]}}
//	    ]
//	  }
//	}
//
// LoopCount: 0 to 100, or a reference (an invalid value takes NoMatchingError).
type loop struct {
	count numParam
}

func init() {
	register("Loop", &spec{
		compile: func(p *paramReader) any {
			l := &loop{count: p.num("LoopCount", true, 0, 100)}
			if p.a.conditionWithOperand("ContinueLooping") < 0 || p.a.conditionWithOperand("DoneLooping") < 0 {
				p.problem("Transitions.Conditions", "must hold the ContinueLooping and DoneLooping conditions")
			}
			return l
		},
		run: func(r *runner, a *Action) {
			l := a.params.(*loop)
			n, ok := r.number(l.count, 0)
			if !ok || n < 0 {
				r.fail(a, ErrNoMatchingError, "LoopCount is not a number")
				return
			}
			key := r.flow.ref() + "/" + a.Identifier
			if r.s.Loops == nil {
				r.s.Loops = map[string]int{}
			}
			done := r.s.Loops[key]
			if float64(done) < n {
				r.s.Loops[key] = done + 1
				r.param("Iteration", itoa(done+1))
				if !r.branchOn(a, "ContinueLooping") {
					r.fail(a, ErrNoMatchingCondition, "")
				}
				return
			}
			delete(r.s.Loops, key)
			if !r.branchOn(a, "DoneLooping") {
				r.fail(a, ErrNoMatchingCondition, "")
			}
		},
	})
}
