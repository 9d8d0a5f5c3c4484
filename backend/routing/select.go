package routing

import (
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// DefaultContactPriority is a contact's queue priority unless UpdateContactRoutingBehavior
// changes it (as in Amazon Connect: lower numbers are routed first).
const DefaultContactPriority = 5

// chIdx maps a channel to an array index: VOICE 0, CHAT 1, TASK 2; -1 when unknown.
func chIdx(c parley.Channel) int {
	switch c {
	case parley.ChannelVoice:
		return 0
	case parley.ChannelChat:
		return 1
	case parley.ChannelTask:
		return 2
	}
	return -1
}

// Slots counts an agent's contacts per channel (VOICE, CHAT, TASK) that occupy a slot:
// ringing, connecting, connected, on hold, or in after-contact work.
type Slots [3]int

// Of returns the count of channel c.
func (s Slots) Of(c parley.Channel) int {
	if i := chIdx(c); i >= 0 {
		return s[i]
	}
	return 0
}

// Total returns the count over all channels.
func (s Slots) Total() int { return s[0] + s[1] + s[2] }

// ChannelRules is a routing profile's per-channel concurrency and cross-channel behaviour.
type ChannelRules struct {
	Concurrency [3]int  // 0: the channel is not handled
	AnyChannel  [3]bool // ROUTE_ANY_CHANNEL: while on a contact of this channel, other channels may be offered
}

// RulesOf extracts a profile's channel rules.
func RulesOf(p *parley.RoutingProfile) ChannelRules {
	var r ChannelRules
	for _, m := range p.MediaConcurrencies {
		if i := chIdx(m.Channel); i >= 0 {
			r.Concurrency[i] = m.Concurrency
			r.AnyChannel[i] = m.CrossChannelBehavior != parley.RouteCurrentChannelOnly
		}
	}
	return r
}

// CanTake reports whether an agent with rules r and active contacts s may be offered one more
// contact of channel c: the channel has a free slot, and every other channel the agent is busy
// on allows other channels (ROUTE_ANY_CHANNEL).
func CanTake(r ChannelRules, s Slots, c parley.Channel) bool {
	i := chIdx(c)
	if i < 0 || s[i] >= r.Concurrency[i] {
		return false
	}
	for j := range s {
		if j != i && s[j] > 0 && !r.AnyChannel[j] {
			return false
		}
	}
	return true
}

// Candidate is the first contact of one queue × channel entry of an agent's routing profile
// (or of the agent's own queue), as seen when choosing what to offer the agent.
type Candidate struct {
	Priority         int           // the profile entry's priority, 1-99; 0 for the agent's own queue
	Delay            time.Duration // the profile entry's delay
	ContactPriority  int           // the contact's queue priority (default 5)
	EffectiveEnqueue time.Time     // enqueue time minus the contact's queue time adjustment
	Seq              uint64        // arrival order, the last tie-break
}

// Eligible reports whether the candidate has waited out its entry's delay at now.
func (c Candidate) Eligible(now time.Time) bool {
	return now.Sub(c.EffectiveEnqueue) >= c.Delay
}

// lessCandidate orders eligible candidates: entry priority, then contact priority, then the
// oldest (effective) enqueue time, then arrival order.
func lessCandidate(a, b Candidate) bool {
	if a.Priority != b.Priority {
		return a.Priority < b.Priority
	}
	if a.ContactPriority != b.ContactPriority {
		return a.ContactPriority < b.ContactPriority
	}
	if !a.EffectiveEnqueue.Equal(b.EffectiveEnqueue) {
		return a.EffectiveEnqueue.Before(b.EffectiveEnqueue)
	}
	return a.Seq < b.Seq
}

// ChooseContact returns the index of the candidate an agent is offered at now, or -1 when none
// is eligible.
func ChooseContact(now time.Time, cands []Candidate) int {
	best := -1
	for i, c := range cands {
		if !c.Eligible(now) {
			continue
		}
		if best < 0 || lessCandidate(c, cands[best]) {
			best = i
		}
	}
	return best
}

// AgentCandidate is an agent who may be offered a contact.
type AgentCandidate struct {
	ID        parley.UserID
	IdleSince time.Time // when their last contact of any channel completed, or they became available
}

// lessAgent orders agents: idle longest first, then by ID (deterministic).
func lessAgent(a, b AgentCandidate) bool {
	if !a.IdleSince.Equal(b.IdleSince) {
		return a.IdleSince.Before(b.IdleSince)
	}
	return a.ID < b.ID
}

// ChooseAgent returns the index of the agent a contact goes to (the one idle longest), or -1.
func ChooseAgent(cands []AgentCandidate) int {
	best := -1
	for i, c := range cands {
		if best < 0 || lessAgent(c, cands[best]) {
			best = i
		}
	}
	return best
}
