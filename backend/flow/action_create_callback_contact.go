package flow

// CreateCallbackContact ("Transfer to queue" with callback) creates a
// callback contact that calls the customer back on the callback number (set
// by UpdateContactCallbackNumber, else the customer's number) once an agent
// of the queue is free.
//
//	{
//	  "Identifier": "callback",
//	  "Type": "CreateCallbackContact",
//	  "Parameters": {"QueueId": "support", "InitialCallDelaySeconds": "5", "MaximumConnectionAttempts": "2", "RetryDelaySeconds": "600"},
//	  "Transitions": {"NextAction": "goodbye", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// QueueId defaults to the contact's current queue. Effect: CreateCallback.
// Errors: NoMatchingError (no number, unknown queue).
type createCallbackContact struct {
	queue                  string
	delay, attempts, retry numParam
}

func init() {
	register("CreateCallbackContact", &spec{
		compile: func(p *paramReader) any {
			return &createCallbackContact{
				queue:    p.str("QueueId", false),
				delay:    p.num("InitialCallDelaySeconds", false, 0, 86400*7),
				attempts: p.num("MaximumConnectionAttempts", false, 1, 10),
				retry:    p.num("RetryDelaySeconds", false, 0, 86400*7),
			}
		},
		run: func(r *runner, a *Action) {
			c := a.params.(*createCallbackContact)
			var qr *QueueRef
			if ref := r.resolve("QueueId", c.queue); ref != "" || r.s.Contact.Queue != nil {
				q, err := r.queueOrCurrent(ref)
				if err != nil {
					r.fail(a, ErrNoMatchingError, err.Error())
					return
				}
				qr = q.Ref()
			}
			num := r.s.CallbackNumber
			if num == "" {
				num = r.s.Contact.CustomerEndpoint.Address
			}
			if !IsE164(num) {
				r.fail(a, ErrNoMatchingError, "no valid callback number")
				return
			}
			delay, ok1 := r.number(c.delay, 0)
			attempts, ok2 := r.number(c.attempts, 1)
			retry, ok3 := r.number(c.retry, 600)
			if !ok1 || !ok2 || !ok3 {
				r.fail(a, ErrNoMatchingError, "callback delays or attempts are not numbers")
				return
			}
			r.emit(&CreateCallback{Queue: qr, Number: num, InitialDelaySeconds: int(delay), MaxAttempts: int(attempts), RetryDelaySeconds: int(retry)})
			r.next(a)
		},
	})
}
