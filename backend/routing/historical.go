package routing

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

type hkey struct {
	q  parley.QueueID
	a  parley.UserID
	ch parley.Channel
}

type hacc struct {
	row                                     parley.HistoricalRow
	answerSum, handleSum, interSum, holdSum float64
	holdN, acwN, answerN                    int
	acwSum, abandonSum                      float64
	slMet                                   map[int]int
}

func (h *hacc) avg(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := sum / float64(n)
	return &v
}

func pct(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := 100 * float64(num) / float64(den)
	return &v
}

func keyFor(g parley.MetricsGrouping, q parley.QueueID, a parley.UserID, ch parley.Channel) (hkey, bool) {
	switch g {
	case parley.GroupQueue:
		return hkey{q: q}, q != ""
	case parley.GroupAgent:
		return hkey{a: a}, a != ""
	case parley.GroupChannel:
		return hkey{ch: ch}, ch != ""
	}
	return hkey{}, true
}

// ComputeHistorical computes historical metrics over [q.Start, q.End) from contact trace records
// and agent events, as docs/metrics.md defines them. Each contact metric counts a record in the
// interval holding the timestamp of the fact it counts (enqueue, connection to the agent,
// disconnect). Agent time metrics need, for each agent, the events from the last one before
// q.Start on. It is a pure function. EInvalid when End is not after Start or the grouping is unknown.
func ComputeHistorical(q parley.HistoricalQuery, ctrs []*parley.CTR, events []*parley.AgentEvent) (*parley.HistoricalMetrics, error) {
	if !q.End.After(q.Start) {
		return nil, parley.Invalidf("end", "must be after start")
	}
	switch q.Grouping {
	case parley.GroupNone, parley.GroupQueue, parley.GroupAgent, parley.GroupChannel:
	default:
		return nil, parley.Invalidf("grouping", "is %q; must be one of QUEUE, AGENT, CHANNEL or empty", q.Grouping)
	}
	in := func(t *time.Time) bool { return t != nil && !t.Before(q.Start) && t.Before(q.End) }
	accs := map[hkey]*hacc{}
	get := func(qid parley.QueueID, a parley.UserID, ch parley.Channel) *hacc {
		k, ok := keyFor(q.Grouping, qid, a, ch)
		if !ok {
			return nil
		}
		h := accs[k]
		if h == nil {
			h = &hacc{slMet: map[int]int{}}
			h.row.QueueID, h.row.AgentID, h.row.Channel = k.q, k.a, k.ch
			accs[k] = h
		}
		return h
	}
	for _, r := range ctrs {
		var qid parley.QueueID
		if r.Queue != nil {
			qid = r.Queue.ID
		}
		var agent parley.UserID
		connected := r.Agent != nil && r.Agent.ConnectedToAgentTimestamp != nil
		if connected {
			agent = r.Agent.ID
		}
		h := get(qid, agent, r.Channel)
		if h == nil {
			continue
		}
		row := &h.row
		transferIn := r.InitiationMethod == parley.InitTransfer || r.InitiationMethod == parley.InitQueueTransfer
		if r.Queue != nil && in(&r.Queue.EnqueueTimestamp) {
			row.ContactsQueued++
			if transferIn {
				row.ContactsTransferredIn++
			}
		}
		var queueTime float64
		if r.Queue != nil && r.Queue.DequeueTimestamp != nil {
			queueTime = r.Queue.DequeueTimestamp.Sub(r.Queue.EnqueueTimestamp).Seconds()
		}
		removed := false
		if connected && in(r.Agent.ConnectedToAgentTimestamp) {
			ag := r.Agent
			row.ContactsHandled++
			if r.InitiationMethod == parley.InitCallback {
				row.CallbackAttempts++
			}
			if r.Queue != nil {
				h.answerSum += r.Agent.ConnectedToAgentTimestamp.Sub(r.Queue.EnqueueTimestamp).Seconds()
				h.answerN++
				removed = true
			}
			h.interSum += float64(ag.AgentInteractionDuration)
			h.holdSum += float64(ag.CustomerHoldDuration)
			if ag.NumberOfHolds > 0 {
				h.holdN++
			}
			h.handleSum += float64(ag.AgentInteractionDuration + ag.CustomerHoldDuration + ag.AfterContactWorkDuration)
			if ag.AfterContactWorkEndTimestamp != nil {
				h.acwN++
				h.acwSum += float64(ag.AfterContactWorkDuration)
			}
		}
		if !connected && r.Queue != nil && r.Queue.DequeueTimestamp != nil && in(r.Queue.DequeueTimestamp) {
			removed = true
			if r.DisconnectReason == parley.DisconnectCustomer && r.DisconnectTimestamp != nil {
				row.ContactsAbandoned++
				h.abandonSum += queueTime
			}
		}
		if connected && r.DisconnectReason == parley.DisconnectTransferred && in(r.DisconnectTimestamp) {
			row.ContactsTransferredOut++
		}
		if removed {
			row.ContactsRemovedFromQueue++
			for _, x := range parley.ServiceLevelThresholds {
				if queueTime <= float64(x) {
					h.slMet[x]++
				}
			}
		}
	}
	// Missed offers and agent time, from agent events.
	byAgent := map[parley.UserID][]*parley.AgentEvent{}
	for _, ev := range events {
		byAgent[ev.AgentID] = append(byAgent[ev.AgentID], ev)
	}
	agents := make([]parley.UserID, 0, len(byAgent))
	for a := range byAgent {
		agents = append(agents, a)
	}
	sort.Slice(agents, func(i, j int) bool { return agents[i] < agents[j] })
	for _, a := range agents {
		evs := byAgent[a]
		sort.SliceStable(evs, func(i, j int) bool {
			if !evs[i].Timestamp.Equal(evs[j].Timestamp) {
				return evs[i].Timestamp.Before(evs[j].Timestamp)
			}
			return evs[i].Seq < evs[j].Seq
		})
		for i, ev := range evs {
			if ev.Type == parley.AgentStateChange && in(&ev.Timestamp) && ev.Current != nil {
				for _, c := range ev.Current.Contacts {
					if c.State != parley.ContactMissed && c.State != parley.ContactRejected {
						continue
					}
					if ev.Previous != nil && ringing(ev.Previous, c.ContactID) {
						if h := get(c.QueueID, a, c.Channel); h != nil {
							h.row.ContactsMissed++
						}
					}
				}
			}
			if q.Grouping != parley.GroupNone && q.Grouping != parley.GroupAgent {
				continue
			}
			from := ev.Timestamp
			to := q.End
			if i+1 < len(evs) {
				to = evs[i+1].Timestamp
			}
			if from.Before(q.Start) {
				from = q.Start
			}
			if to.After(q.End) {
				to = q.End
			}
			if !to.After(from) {
				continue
			}
			d := to.Sub(from)
			cur := ev.Current
			if ev.Type == parley.AgentLogout {
				cur = nil
			}
			act := classify(cur)
			if act == actOffline {
				continue
			}
			h := get("", a, "")
			if h == nil {
				continue
			}
			h.row.OnlineTime += d
			switch act {
			case actOnContact:
				h.row.OnContactTime += d
			case actIdle:
				h.row.IdleTime += d
			case actNPT:
				h.row.NonProductiveTime += d
			case actError:
				h.row.ErrorTime += d
			}
		}
	}
	out := &parley.HistoricalMetrics{Query: q}
	for _, h := range accs {
		r := &h.row
		r.AvgQueueAnswerTime = h.avg(h.answerSum, h.answerN)
		r.AvgHandleTime = h.avg(h.handleSum, r.ContactsHandled)
		r.AvgInteractionTime = h.avg(h.interSum, r.ContactsHandled)
		r.AvgHoldTime = h.avg(h.holdSum, h.holdN)
		r.AvgHoldTimeAllContacts = h.avg(h.holdSum, r.ContactsHandled)
		r.AvgAfterContactWorkTime = h.avg(h.acwSum, h.acwN)
		r.AvgAbandonTime = h.avg(h.abandonSum, r.ContactsAbandoned)
		r.ServiceLevel = map[int]*float64{}
		for _, x := range parley.ServiceLevelThresholds {
			r.ServiceLevel[x] = pct(h.slMet[x], r.ContactsRemovedFromQueue)
		}
		busy := r.OnContactTime + r.IdleTime + r.ErrorTime
		if busy > 0 {
			v := 100 * float64(r.OnContactTime) / float64(busy)
			r.Occupancy = &v
		}
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		a, b := out.Rows[i], out.Rows[j]
		if a.QueueID != b.QueueID {
			return a.QueueID < b.QueueID
		}
		if a.AgentID != b.AgentID {
			return a.AgentID < b.AgentID
		}
		return a.Channel < b.Channel
	})
	return out, nil
}

func ringing(s *parley.AgentSnapshot, id parley.ContactID) bool {
	for _, c := range s.Contacts {
		if c.ContactID == id && c.State == parley.ContactIncoming {
			return true
		}
	}
	return false
}

type activity int

const (
	actOffline activity = iota
	actOnContact
	actIdle
	actNPT
	actError
)

// classify says what an agent was doing while a snapshot held (docs/metrics.md).
func classify(s *parley.AgentSnapshot) activity {
	if s == nil {
		return actOffline
	}
	errState := false
	ringingOnly := false
	for _, c := range s.Contacts {
		switch c.State {
		case parley.ContactConnecting, parley.ContactConnected, parley.ContactConnectedOnHold, parley.ContactEnded:
			return actOnContact
		case parley.ContactMissed, parley.ContactRejected, parley.ContactError:
			errState = true
		case parley.ContactIncoming:
			ringingOnly = true
		}
	}
	if errState {
		return actError
	}
	switch s.Status.Type {
	case parley.StatusRoutable:
		return actIdle
	case parley.StatusCustom:
		return actNPT
	}
	if ringingOnly {
		return actIdle
	}
	return actOffline
}

// HistoricalService implements parley.HistoricalMetricsService over the stored CTRs and agent
// events.
type HistoricalService struct {
	CTRs   parley.CTRService
	Events parley.AgentEventService
	// Lookback is how far before Start records and events are read, to catch contacts initiated
	// earlier and each agent's state at Start. Default 24h.
	Lookback time.Duration
}

var _ parley.HistoricalMetricsService = (*HistoricalService)(nil)

// HistoricalMetrics reads the records and events of the interval and computes the metrics.
func (s *HistoricalService) HistoricalMetrics(ctx context.Context, q parley.HistoricalQuery) (*parley.HistoricalMetrics, error) {
	if !q.End.After(q.Start) {
		return nil, parley.Invalidf("end", "must be after start")
	}
	lb := s.Lookback
	if lb == 0 {
		lb = 24 * time.Hour
	}
	ctrs, err := s.CTRs.FindCTRs(ctx, parley.CTRFilter{Since: q.Start.Add(-lb), Until: q.End})
	if err != nil {
		return nil, fmt.Errorf("historical metrics: find CTRs: %w", err)
	}
	evs, err := s.Events.FindAgentEvents(ctx, parley.AgentEventFilter{Since: q.Start.Add(-lb), Until: q.End})
	if err != nil {
		return nil, fmt.Errorf("historical metrics: find agent events: %w", err)
	}
	return ComputeHistorical(q, ctrs, evs)
}
