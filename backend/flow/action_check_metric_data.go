package flow

import "strconv"

// CheckMetricData ("Check queue status" / "Check staffing") reads one
// real-time metric of a queue (QueueId, or the contact's current queue) and
// takes the first condition it satisfies.
//
//	{
//	  "Identifier": "staffed",
//	  "Type": "CheckMetricData",
//	  "Parameters": {"MetricType": "NumberOfAgentsStaffed"},
//	  "Transitions": {
//	    "Conditions": [{"NextAction": "transfer", "Condition": {"Operator": "NumberGreaterThan", "Operands": ["0"]}}],
//	    "Errors": [
//	      {"NextAction": "no-agents", "ErrorType": "NoMatchingCondition"},
//	      {"NextAction": "goodbye", "ErrorType": "NoMatchingError"}
//	    ]
//	  }
//	}
//
// MetricType: NumberOfAgentsStaffed, NumberOfAgentsAvailable,
// NumberOfAgentsOnline, NumberOfContactsInQueue (also QueueSize),
// OldestContactInQueueAgeSeconds (also OldestContactInQueueAge).
// Errors: NoMatchingCondition, NoMatchingError.
type checkMetricData struct {
	metric string
	queue  string
}

var metricTypes = []string{"NumberOfAgentsStaffed", "NumberOfAgentsAvailable", "NumberOfAgentsOnline",
	"NumberOfContactsInQueue", "QueueSize", "OldestContactInQueueAgeSeconds", "OldestContactInQueueAge"}

func metricValue(m QueueMetrics, typ string) int {
	switch typ {
	case "NumberOfAgentsStaffed":
		return m.AgentsStaffed
	case "NumberOfAgentsAvailable":
		return m.AgentsAvailable
	case "NumberOfAgentsOnline":
		return m.AgentsOnline
	case "NumberOfContactsInQueue", "QueueSize":
		return m.ContactsInQueue
	default:
		return m.OldestContactAgeSeconds
	}
}

func init() {
	register("CheckMetricData", &spec{
		errors: []string{ErrNoMatchingCondition},
		compile: func(p *paramReader) any {
			return &checkMetricData{metric: p.enum("MetricType", true, metricTypes...), queue: p.str("QueueId", false)}
		},
		run: func(r *runner, a *Action) {
			c := a.params.(*checkMetricData)
			q, err := r.queueOrCurrent(r.resolve("QueueId", c.queue))
			if err != nil {
				r.fail(a, ErrNoMatchingError, err.Error())
				return
			}
			m, err := r.e.Env.QueueMetrics(q.ID)
			if err != nil {
				r.fail(a, ErrNoMatchingError, "metrics of queue "+q.ID+": "+err.Error())
				return
			}
			v := strconv.Itoa(metricValue(m, c.metric))
			r.param(c.metric, v)
			if i := r.matchCondition(a, v); i >= 0 {
				r.condition(a, i)
				return
			}
			r.fail(a, ErrNoMatchingCondition, "")
		},
	})
}

// queueOrCurrent resolves a queue reference, or the contact's current queue
// when ref is empty.
func (r *runner) queueOrCurrent(ref string) (Queue, error) {
	if r.e.Env == nil {
		return Queue{}, errNoEnv
	}
	if ref == "" {
		if r.s.Contact.Queue == nil {
			return Queue{}, errNoQueue
		}
		ref = r.s.Contact.Queue.ID
	}
	q, err := r.e.Env.Queue(ref)
	if err != nil {
		return Queue{}, wrapf(err, "queue %q", ref)
	}
	return q, nil
}
