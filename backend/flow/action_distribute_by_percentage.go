package flow

import (
	"hash/fnv"
	"strconv"
)

// DistributeByPercentage sends a share of contacts down each branch. Each
// condition is NumberLessThan a cumulative percentage; the contact draws a
// number from 1 to 100 and takes the first condition it is below, or
// NoMatchingCondition (the rest).
//
//	{
//	  "Identifier": "ab-test",
//	  "Type": "DistributeByPercentage",
//	  "Parameters": {},
//	  "Transitions": {
//	    "NextAction": "flow-b",
//	    "Conditions": [{"NextAction": "flow-a", "Condition": {"Operator": "NumberLessThan", "Operands": ["21"]}}],
//	    "Errors": [{"NextAction": "flow-b", "ErrorType": "NoMatchingCondition"}]
//	  }
//	}
//
// The draw is a hash of the contact ID, the action and the step count, so a
// contact's path is reproducible (the engine stays pure) while contacts spread
// evenly. Errors: NoMatchingCondition.
func init() {
	register("DistributeByPercentage", &spec{
		errors: []string{ErrNoMatchingCondition},
		compile: func(p *paramReader) any {
			for i, c := range p.a.Transitions.Conditions {
				if c.Condition.Operator != OpNumberLessThan {
					p.problem("Transitions.Conditions["+itoa(i)+"].Condition.Operator", "must be NumberLessThan")
				}
			}
			return nil
		},
		run: func(r *runner, a *Action) {
			h := fnv.New32a()
			h.Write([]byte(r.s.Contact.ContactID))
			h.Write([]byte{0})
			h.Write([]byte(a.Identifier))
			h.Write([]byte(strconv.Itoa(r.s.Steps)))
			draw := int(h.Sum32()%100) + 1
			r.param("Draw", strconv.Itoa(draw))
			if i := r.matchCondition(a, strconv.Itoa(draw)); i >= 0 {
				r.condition(a, i)
				return
			}
			r.fail(a, ErrNoMatchingCondition, "")
		},
	})
}
