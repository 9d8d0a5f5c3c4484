package flow

// UpdateContactRoutingBehavior ("Change routing priority / age") changes the
// contact's priority in its queue, or adds to its age so that it is served
// sooner.
//
//	{
//	  "Identifier": "vip-priority",
//	  "Type": "UpdateContactRoutingBehavior",
//	  "Parameters": {"QueuePriority": "1", "QueueTimeAdjustmentSeconds": "120"},
//	  "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "transfer", "ErrorType": "NoMatchingError"}]}
//	}
//
// QueuePriority: 1 (highest) to 9223372036854775807; QueueTimeAdjustmentSeconds:
// seconds added to the contact's age. At least one is required.
// Effect: SetRoutingBehavior. Errors: NoMatchingError.
type updateContactRoutingBehavior struct {
	priority, age numParam
}

func init() {
	register("UpdateContactRoutingBehavior", &spec{
		compile: func(p *paramReader) any {
			u := &updateContactRoutingBehavior{
				priority: p.num("QueuePriority", false, 1, 1<<53),
				age:      p.num("QueueTimeAdjustmentSeconds", false, -1<<31, 1<<31),
			}
			if !p.has("QueuePriority") && !p.has("QueueTimeAdjustmentSeconds") {
				p.problem("Parameters", "set QueuePriority or QueueTimeAdjustmentSeconds")
			}
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactRoutingBehavior)
			prio, ok1 := r.number(u.priority, 0)
			age, ok2 := r.number(u.age, 0)
			if !ok1 || !ok2 || (u.priority.Set && prio < 1) {
				r.fail(a, ErrNoMatchingError, "QueuePriority or QueueTimeAdjustmentSeconds is not a valid number")
				return
			}
			eff := &SetRoutingBehavior{Priority: int(prio), AgeSeconds: int(age)}
			if eff.Priority != 0 {
				r.s.Priority = eff.Priority
			}
			r.s.AgeSeconds += eff.AgeSeconds
			r.emit(eff)
			r.next(a)
		},
	})
}
