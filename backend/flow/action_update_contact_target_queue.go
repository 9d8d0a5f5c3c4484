package flow

// UpdateContactTargetQueue ("Set working queue") sets the queue a later
// TransferContactToQueue uses. With AgentId it targets the agent's personal
// queue instead.
//
//	{
//	  "Identifier": "set-queue",
//	  "Type": "UpdateContactTargetQueue",
//	  "Parameters": {"QueueId": "arn:aws:connect:eu-west-1:111122223333:instance/abc/queue/sales"},
//	  "Transitions": {"NextAction": "transfer", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// QueueId and AgentId accept an ID, an ARN, a name or a reference.
// Effect: SetQueue. Errors: NoMatchingError (unknown queue or agent).
type updateContactTargetQueue struct {
	queue, agent string
}

func init() {
	register("UpdateContactTargetQueue", &spec{
		compile: func(p *paramReader) any {
			u := &updateContactTargetQueue{queue: p.str("QueueId", false), agent: p.str("AgentId", false)}
			if (u.queue == "") == (u.agent == "") {
				p.problem("Parameters", "set exactly one of QueueId or AgentId")
			}
			return u
		},
		run: func(r *runner, a *Action) {
			u := a.params.(*updateContactTargetQueue)
			if r.e.Env == nil {
				r.fail(a, ErrNoMatchingError, errNoEnv.Error())
				return
			}
			if u.agent != "" {
				ref := r.resolve("AgentId", u.agent)
				ag, err := r.e.Env.Agent(ref)
				if err != nil {
					r.fail(a, ErrNoMatchingError, "agent "+ref+": "+err.Error())
					return
				}
				var qr *QueueRef
				if ag.QueueID != "" {
					if q, err := r.e.Env.Queue(ag.QueueID); err == nil {
						qr = q.Ref()
					}
				}
				if qr == nil {
					qr = &QueueRef{ID: ag.QueueID, Name: ag.Name}
				}
				r.s.Contact.Queue = qr
				r.s.TargetAgentID = ag.ID
				r.emit(&SetQueue{Queue: qr, AgentID: ag.ID})
				r.next(a)
				return
			}
			ref := r.resolve("QueueId", u.queue)
			q, err := r.e.Env.Queue(ref)
			if err != nil {
				r.fail(a, ErrNoMatchingError, "queue "+ref+": "+err.Error())
				return
			}
			r.s.Contact.Queue = q.Ref()
			r.s.TargetAgentID = ""
			r.emit(&SetQueue{Queue: q.Ref()})
			r.next(a)
		},
	})
}
