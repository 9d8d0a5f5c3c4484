package flow

// CheckHoursOfOperation takes the "True" condition when the hours of operation
// are open now and "False" otherwise. Without HoursOfOperationId it checks the
// hours of the contact's current queue.
//
//	{
//	  "Identifier": "hours",
//	  "Type": "CheckHoursOfOperation",
//	  "Parameters": {"HoursOfOperationId": "office-hours"},
//	  "Transitions": {
//	    "Conditions": [
//	      {"NextAction": "menu", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
//	      {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}
//	    ],
//	    "Errors": [{"NextAction": "closed", "ErrorType": "NoMatchingError"}]
//	  }
//	}
//
// Errors: NoMatchingError (unknown hours, no queue).
type checkHoursOfOperation struct {
	hours string
}

func init() {
	register("CheckHoursOfOperation", &spec{
		compile: func(p *paramReader) any {
			return &checkHoursOfOperation{hours: p.str("HoursOfOperationId", false)}
		},
		run: func(r *runner, a *Action) {
			c := a.params.(*checkHoursOfOperation)
			ref := r.resolve("HoursOfOperationId", c.hours)
			if r.e.Env == nil {
				r.fail(a, ErrNoMatchingError, "no environment")
				return
			}
			if ref == "" {
				q := r.s.Contact.Queue
				if q == nil {
					r.fail(a, ErrNoMatchingError, "no hours of operation given and no queue set")
					return
				}
				queue, err := r.e.Env.Queue(q.ID)
				if err != nil || queue.HoursID == "" {
					r.fail(a, ErrNoMatchingError, "queue "+q.ID+" has no hours of operation")
					return
				}
				ref = queue.HoursID
			}
			open, err := r.e.Env.HoursOpen(ref, r.now)
			if err != nil {
				r.fail(a, ErrNoMatchingError, "hours of operation "+ref+": "+err.Error())
				return
			}
			v := "False"
			if open {
				v = "True"
			}
			if !r.branchOn(a, v) {
				r.fail(a, ErrNoMatchingCondition, "")
			}
		},
	})
}
