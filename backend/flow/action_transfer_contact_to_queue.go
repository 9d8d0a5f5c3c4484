package flow

// TransferContactToQueue hands the contact to the router on its target queue
// (set by UpdateContactTargetQueue), or on QueueId when given (customer
// queue flows).
//
//	{
//	  "Identifier": "transfer",
//	  "Type": "TransferContactToQueue",
//	  "Transitions": {
//	    "Errors": [
//	      {"NextAction": "busy", "ErrorType": "QueueAtCapacity"},
//	      {"NextAction": "goodbye", "ErrorType": "NoMatchingError"}
//	    ]
//	  }
//	}
//
// A queue at capacity (Env.QueueAtCapacity) takes QueueAtCapacity at once.
// Otherwise the effect is TransferToQueue and the session waits (WaitQueue):
// TransferResult("") ends the flow (EndTransferred); TransferResult with an
// error type takes that error branch. Errors: QueueAtCapacity, NoMatchingError.
type transferContactToQueue struct {
	queue string
}

func init() {
	register("TransferContactToQueue", &spec{
		errors:  []string{"QueueAtCapacity"},
		compile: func(p *paramReader) any { return &transferContactToQueue{queue: p.str("QueueId", false)} },
		run: func(r *runner, a *Action) {
			t := a.params.(*transferContactToQueue)
			q, err := r.queueOrCurrent(r.resolve("QueueId", t.queue))
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			full, err := r.e.Env.QueueAtCapacity(q.ID)
			if err != nil {
				r.fail(a, ErrNoMatchingError, "queue "+q.ID+": "+err.Error())
				return
			}
			if full {
				r.fail(a, "QueueAtCapacity", "")
				return
			}
			r.s.Contact.Queue = q.Ref()
			r.param("Queue", q.Name)
			r.emit(&TransferToQueue{Queue: *q.Ref()})
			r.wait(a, WaitQueue, zeroTime, 0)
		},
		resume: resumeTransfer,
	})
}

// resumeTransfer ends the flow on a successful transfer and takes the error
// branch named by the result otherwise.
func resumeTransfer(r *runner, a *Action, _ Wait, in Input) {
	if in.Kind == InputTimeout {
		r.fail(a, ErrNoMatchingError, "transfer timed out")
		return
	}
	if in.Error != "" {
		r.fail(a, in.Error, "")
		return
	}
	r.end(EndTransferred)
}
