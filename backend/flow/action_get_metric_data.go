package flow

import "strconv"

// GetMetricData ("Get queue metrics") loads a queue's real-time metrics into
// $.Metrics for later Compare actions. Without QueueId it reads the contact's
// current queue.
//
//	{
//	  "Identifier": "metrics",
//	  "Type": "GetMetricData",
//	  "Parameters": {"QueueId": "$.Queue.ARN"},
//	  "Transitions": {"NextAction": "check-size", "Errors": [{"NextAction": "goodbye", "ErrorType": "NoMatchingError"}]}
//	}
//
// Sets $.Metrics.Queue.Name, .Queue.ARN, .Queue.Size, .Queue.OldestContactAge,
// .Agents.Online.Count, .Agents.Available.Count, .Agents.Staffed.Count,
// .Agents.AfterContactWork.Count, .Agents.Busy.Count, .Agents.Missed.Count,
// .Agents.NonProductive.Count. Errors: NoMatchingError.
type getMetricData struct {
	queue string
}

func init() {
	register("GetMetricData", &spec{
		compile: func(p *paramReader) any { return &getMetricData{queue: p.str("QueueId", false)} },
		run: func(r *runner, a *Action) {
			g := a.params.(*getMetricData)
			q, err := r.queueOrCurrent(r.resolve("QueueId", g.queue))
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			m, err := r.e.Env.QueueMetrics(q.ID)
			if err != nil {
				r.fail(a, ErrNoMatchingError, "metrics of queue "+q.ID+": "+err.Error())
				return
			}
			it := strconv.Itoa
			r.s.Metrics = map[string]string{
				"Queue.Name":                    q.Name,
				"Queue.ARN":                     q.ARN,
				"Queue.Size":                    it(m.ContactsInQueue),
				"Queue.OldestContactAge":        it(m.OldestContactAgeSeconds),
				"Agents.Online.Count":           it(m.AgentsOnline),
				"Agents.Available.Count":        it(m.AgentsAvailable),
				"Agents.Staffed.Count":          it(m.AgentsStaffed),
				"Agents.AfterContactWork.Count": it(m.AgentsAfterContactWork),
				"Agents.Busy.Count":             it(m.AgentsBusy),
				"Agents.Missed.Count":           it(m.AgentsMissed),
				"Agents.NonProductive.Count":    it(m.AgentsNonProductive),
			}
			r.next(a)
		},
	})
}
