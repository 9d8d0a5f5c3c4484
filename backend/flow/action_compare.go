package flow

// Compare ("Check contact attributes") tests a value against each condition in
// order and takes the first that holds.
//
//	{
//	  "Identifier": "check-vip",
//	  "Type": "Compare",
//	  "Parameters": {"ComparisonValue": "$.Attributes.tier"},
//	  "Transitions": {
//	    "NextAction": "standard",
//	    "Conditions": [
//	      {"NextAction": "vip", "Condition": {"Operator": "Equals", "Operands": ["gold"]}},
//	      {"NextAction": "big", "Condition": {"Operator": "NumberGreaterThan", "Operands": ["1000"]}}
//	    ],
//	    "Errors": [{"NextAction": "standard", "ErrorType": "NoMatchingCondition"}]
//	  }
//	}
//
// Operators: Equals, NumberGreaterThan, NumberLessThan, NumberGreaterOrEqualTo,
// NumberLessOrEqualTo, TextContains, TextStartsWith, TextEndsWith (see
// Evaluate). Errors: NoMatchingCondition.
type compare struct {
	value string
}

func init() {
	register("Compare", &spec{
		errors: []string{ErrNoMatchingCondition},
		compile: func(p *paramReader) any {
			c := &compare{value: p.str("ComparisonValue", true)}
			if len(p.a.Transitions.Conditions) == 0 {
				p.problem("Transitions.Conditions", "must hold at least one condition")
			}
			return c
		},
		run: func(r *runner, a *Action) {
			c := a.params.(*compare)
			v := r.resolve("ComparisonValue", c.value)
			if i := r.matchCondition(a, v); i >= 0 {
				r.condition(a, i)
				return
			}
			r.fail(a, ErrNoMatchingCondition, "")
		},
	})
}
