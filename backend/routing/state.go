package routing

import (
	"sort"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// State is a copy of the router's state for real-time metrics: small (no contact lists), taken
// in the router's goroutine, read anywhere.
type State struct {
	At       time.Time
	Queues   []QueueView
	Profiles []ProfileView
	Agents   []AgentView
}

// QueueView is one queue's waiting contacts, per channel (VOICE, CHAT, TASK).
type QueueView struct {
	ID       parley.QueueID
	Agent    parley.UserID // set for an agent's personal queue
	Channels [3]BucketView
}

// BucketView is one queue × channel.
type BucketView struct {
	Waiting   int       // QUEUED and routable
	Oldest    time.Time // enqueue time of the contact first in line; zero when none waits
	Scheduled int       // QUEUED but not routable yet (callbacks, scheduled tasks)
}

// ProfileView is one routing profile.
type ProfileView struct {
	ID     parley.RoutingProfileID
	Rules  ChannelRules
	Queues []parley.RoutingProfileQueue
}

// AgentView is one logged-in agent.
type AgentView struct {
	ID         parley.UserID
	ProfileID  parley.RoutingProfileID
	State      AgentState
	StatusType parley.AgentStatusType
	Routable   bool  // may be offered contacts now (status ROUTABLE, no next status, not Missed/Error)
	Slots      Slots // contacts holding a slot, per channel
	ACW        Slots // contacts in after-contact work, per channel
}

// Snapshot copies the state at now (after firing due timers).
func (e *Engine) Snapshot(now time.Time) *State {
	e.begin(now)
	e.end()
	st := &State{At: e.now}
	addQueue := func(q *queueState) {
		v := QueueView{ID: q.cfg.ID}
		if q.owner != nil {
			v.Agent = q.owner.id
		}
		for ch, b := range q.buckets {
			bv := BucketView{Waiting: b.size, Scheduled: b.scheduled}
			var best *contactRec
			for _, l := range b.levels {
				if c, ok := l.h.Peek(); ok && (best == nil || c.eff.Before(best.eff)) {
					best = c
				}
			}
			if best != nil {
				bv.Oldest = best.enqueuedAt
			}
			v.Channels[ch] = bv
		}
		st.Queues = append(st.Queues, v)
	}
	for _, q := range e.queues {
		addQueue(q)
	}
	for _, p := range e.profiles {
		st.Profiles = append(st.Profiles, ProfileView{ID: p.cfg.ID, Rules: p.rules, Queues: append([]parley.RoutingProfileQueue(nil), p.cfg.Queues...)})
	}
	for _, a := range e.agents {
		if a.queue != nil && a.queue.count > 0 {
			addQueue(a.queue)
		}
		if a.state == AgentLoggedOut {
			continue
		}
		v := AgentView{ID: a.id, State: a.state, StatusType: a.status.Type, Routable: e.routable(a), Slots: a.slots}
		if a.profile != nil {
			v.ProfileID = a.profile.cfg.ID
		}
		for _, k := range a.conns {
			if k.state == parley.ContactEnded {
				v.ACW[k.c.ch]++
			}
		}
		st.Agents = append(st.Agents, v)
	}
	sort.Slice(st.Queues, func(i, j int) bool { return st.Queues[i].ID < st.Queues[j].ID })
	sort.Slice(st.Profiles, func(i, j int) bool { return st.Profiles[i].ID < st.Profiles[j].ID })
	sort.Slice(st.Agents, func(i, j int) bool { return st.Agents[i].ID < st.Agents[j].ID })
	return st
}

// agentCounts classifies one agent over a set of channels (docs/metrics.md).
func agentCounts(a AgentView, r ChannelRules, chans []int) parley.AgentCounts {
	var n parley.AgentCounts
	errState := a.State == AgentMissed || a.State == AgentError
	var active, acw int
	for _, ch := range chans {
		active += a.Slots[ch]
		acw += a.ACW[ch]
	}
	total := a.Slots.Total()
	online := a.State != AgentLoggedOut && (a.State != AgentOffline || total > 0)
	if !online {
		return n
	}
	n.Online = 1
	if errState {
		n.Error = 1
	}
	if active > 0 {
		n.OnContact = 1
	}
	if acw > 0 {
		n.AfterContactWork = 1
	}
	if a.StatusType == parley.StatusCustom && total == 0 && !errState {
		n.NonProductive = 1
	}
	n.SlotsActive = active
	if a.Routable {
		for _, ch := range chans {
			if CanTake(r, a.Slots, parley.Channels[ch]) {
				n.Available = 1
				n.SlotsAvailable += r.Concurrency[ch] - a.Slots[ch]
			}
		}
	}
	if (a.State == AgentAvailable && !errState) || n.OnContact == 1 || n.NonProductive == 1 {
		n.Staffed = 1
	}
	return n
}

func addCounts(a *parley.AgentCounts, b parley.AgentCounts) {
	a.Online += b.Online
	a.Available += b.Available
	a.OnContact += b.OnContact
	a.AfterContactWork += b.AfterContactWork
	a.NonProductive += b.NonProductive
	a.Staffed += b.Staffed
	a.Error += b.Error
	a.SlotsActive += b.SlotsActive
	a.SlotsAvailable += b.SlotsAvailable
}

func addContacts(row *parley.RealtimeRow, b BucketView, at time.Time) {
	row.ContactsInQueue += b.Waiting
	row.ContactsScheduled += b.Scheduled
	if b.Waiting > 0 {
		if age := at.Sub(b.Oldest); age > row.OldestContactAge {
			row.OldestContactAge = age
		}
	}
}

var allChans = []int{0, 1, 2}

// ComputeRealtime turns a State into real-time metrics rows: per queue, per queue × channel,
// per routing profile and per channel. Agents count in a queue's rows when their routing
// profile lists that queue (for that channel). It is a pure function.
func ComputeRealtime(st *State) *parley.RealtimeMetrics {
	type agg struct {
		all parley.AgentCounts
		ch  [3]parley.AgentCounts
	}
	profiles := map[parley.RoutingProfileID]*ProfileView{}
	per := map[parley.RoutingProfileID]*agg{}
	for i := range st.Profiles {
		p := &st.Profiles[i]
		profiles[p.ID] = p
		per[p.ID] = &agg{}
	}
	for _, a := range st.Agents {
		p, ok := profiles[a.ProfileID]
		if !ok {
			continue
		}
		g := per[a.ProfileID]
		addCounts(&g.all, agentCounts(a, p.Rules, allChans))
		for ch := range g.ch {
			addCounts(&g.ch[ch], agentCounts(a, p.Rules, []int{ch}))
		}
	}
	out := &parley.RealtimeMetrics{At: st.At}
	queues := map[parley.QueueID]*QueueView{}
	for i := range st.Queues {
		queues[st.Queues[i].ID] = &st.Queues[i]
	}
	for _, q := range st.Queues {
		row := parley.RealtimeRow{QueueID: q.ID}
		var chRows [3]parley.RealtimeRow
		for ch := range chRows {
			chRows[ch] = parley.RealtimeRow{QueueID: q.ID, Channel: parley.Channels[ch]}
			addContacts(&chRows[ch], q.Channels[ch], st.At)
			addContacts(&row, q.Channels[ch], st.At)
		}
		for _, p := range st.Profiles {
			listed := false
			for _, rq := range p.Queues {
				if rq.QueueID == q.ID {
					listed = true
					if ch := chIdx(rq.Channel); ch >= 0 {
						addCounts(&chRows[ch].AgentCounts, per[p.ID].ch[ch])
					}
				}
			}
			if listed {
				addCounts(&row.AgentCounts, per[p.ID].all)
			}
		}
		if q.Agent != "" {
			for _, a := range st.Agents {
				if a.ID == q.Agent {
					if p, ok := profiles[a.ProfileID]; ok {
						addCounts(&row.AgentCounts, agentCounts(a, p.Rules, allChans))
						for ch := range chRows {
							addCounts(&chRows[ch].AgentCounts, agentCounts(a, p.Rules, []int{ch}))
						}
					}
				}
			}
		}
		out.Queues = append(out.Queues, row)
		out.QueueChannels = append(out.QueueChannels, chRows[:]...)
	}
	for _, p := range st.Profiles {
		row := parley.RealtimeRow{RoutingProfileID: p.ID, AgentCounts: per[p.ID].all}
		for _, rq := range p.Queues {
			if q, ok := queues[rq.QueueID]; ok {
				if ch := chIdx(rq.Channel); ch >= 0 {
					addContacts(&row, q.Channels[ch], st.At)
				}
			}
		}
		out.RoutingProfiles = append(out.RoutingProfiles, row)
	}
	for ch, c := range parley.Channels {
		row := parley.RealtimeRow{Channel: c}
		for _, p := range st.Profiles {
			if p.Rules.Concurrency[ch] > 0 {
				addCounts(&row.AgentCounts, per[p.ID].ch[ch])
			}
		}
		for _, q := range st.Queues {
			addContacts(&row, q.Channels[ch], st.At)
		}
		out.Channels = append(out.Channels, row)
	}
	return out
}
