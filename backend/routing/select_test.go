package routing

import (
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestCanTake(t *testing.T) {
	voiceOnly := ChannelRules{Concurrency: [3]int{1, 0, 0}}
	blended := ChannelRules{Concurrency: [3]int{1, 3, 2}, AnyChannel: [3]bool{false, true, false}}
	tests := []struct {
		name string
		r    ChannelRules
		s    Slots
		c    parley.Channel
		want bool
	}{
		{"idle voice agent takes voice", voiceOnly, Slots{}, parley.ChannelVoice, true},
		{"voice concurrency is 1", voiceOnly, Slots{1, 0, 0}, parley.ChannelVoice, false},
		{"channel not in profile", voiceOnly, Slots{}, parley.ChannelChat, false},
		{"unknown channel", voiceOnly, Slots{}, parley.Channel("EMAIL"), false},
		{"chat below concurrency", blended, Slots{0, 2, 0}, parley.ChannelChat, true},
		{"chat at concurrency", blended, Slots{0, 3, 0}, parley.ChannelChat, false},
		{"on chats (ANY_CHANNEL) may get voice", blended, Slots{0, 2, 0}, parley.ChannelVoice, true},
		{"on voice (CURRENT_ONLY) may not get chat", blended, Slots{1, 0, 0}, parley.ChannelChat, false},
		{"on a task (CURRENT_ONLY) may not get chat", blended, Slots{0, 0, 1}, parley.ChannelChat, false},
		{"on a task (CURRENT_ONLY) may get another task", blended, Slots{0, 0, 1}, parley.ChannelTask, true},
		{"on chat and task: the task blocks voice", blended, Slots{0, 1, 1}, parley.ChannelVoice, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanTake(tt.r, tt.s, tt.c); got != tt.want {
				t.Errorf("CanTake(%v, %v, %s) = %v, want %v", tt.r, tt.s, tt.c, got, tt.want)
			}
		})
	}
}

func TestRulesOf(t *testing.T) {
	p := &parley.RoutingProfile{MediaConcurrencies: []parley.MediaConcurrency{
		{Channel: parley.ChannelVoice, Concurrency: 1, CrossChannelBehavior: parley.RouteCurrentChannelOnly},
		{Channel: parley.ChannelChat, Concurrency: 4, CrossChannelBehavior: parley.RouteAnyChannel},
		{Channel: parley.ChannelTask, Concurrency: 2},
	}}
	want := ChannelRules{Concurrency: [3]int{1, 4, 2}, AnyChannel: [3]bool{false, true, true}}
	if got := RulesOf(p); got != want {
		t.Errorf("RulesOf = %+v, want %+v", got, want)
	}
}

func TestChooseContact(t *testing.T) {
	now := t0.Add(time.Hour)
	old, mid, young := now.Add(-90*time.Second), now.Add(-40*time.Second), now.Add(-5*time.Second)
	c := func(prio int, delay time.Duration, cprio int, enq time.Time, seq uint64) Candidate {
		return Candidate{Priority: prio, Delay: delay, ContactPriority: cprio, EffectiveEnqueue: enq, Seq: seq}
	}
	tests := []struct {
		name  string
		cands []Candidate
		want  int
	}{
		{"none", nil, -1},
		{"lowest priority number wins over age", []Candidate{c(2, 0, 5, old, 1), c(1, 0, 5, young, 2)}, 1},
		{"same priority: oldest", []Candidate{c(1, 0, 5, young, 1), c(1, 0, 5, old, 2)}, 1},
		{"same time: arrival order", []Candidate{c(1, 0, 5, mid, 9), c(1, 0, 5, mid, 3)}, 1},
		{"delay not reached: not eligible", []Candidate{c(1, 60*time.Second, 5, mid, 1)}, -1},
		{"delay reached exactly: eligible", []Candidate{c(1, 40*time.Second, 5, mid, 1)}, 0},
		{"delayed top priority waits, lower priority served", []Candidate{c(1, 60*time.Second, 5, mid, 1), c(2, 0, 5, young, 2)}, 1},
		{"delayed entry once eligible beats lower priority", []Candidate{c(2, 0, 5, old, 1), c(1, 30*time.Second, 5, mid, 2)}, 1},
		{"agent queue (priority 0) beats everything", []Candidate{c(1, 0, 1, old, 1), c(0, 0, 5, young, 2)}, 1},
		{"contact priority before age", []Candidate{c(1, 0, 5, old, 1), c(1, 0, 2, young, 2)}, 1},
		{"entry priority before contact priority", []Candidate{c(2, 0, 1, old, 1), c(1, 0, 5, young, 2)}, 1},
		{"time adjustment makes a contact older", []Candidate{c(1, 0, 5, mid, 1), c(1, 0, 5, young.Add(-60*time.Second), 2)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChooseContact(now, tt.cands); got != tt.want {
				t.Errorf("ChooseContact = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestChooseAgent(t *testing.T) {
	tests := []struct {
		name  string
		cands []AgentCandidate
		want  int
	}{
		{"none", nil, -1},
		{"idle longest", []AgentCandidate{{"a", at(50)}, {"b", at(10)}, {"c", at(30)}}, 1},
		{"tie: by ID", []AgentCandidate{{"b", at(10)}, {"a", at(10)}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChooseAgent(tt.cands); got != tt.want {
				t.Errorf("ChooseAgent = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestEngineSelection checks that the engine's indexes make the same choices as the pure
// functions, through whole routing situations.
func TestEngineSelection(t *testing.T) {
	t.Run("priority: agent takes priority-1 queue first", func(t *testing.T) {
		f := newFixture(t, queues("sales", "support"), voiceProfile("p", 0, rq("sales", parley.ChannelVoice, 1, 0), rq("support", parley.ChannelVoice, 2, 0)))
		f.enqueue(0, "sup1", parley.ChannelVoice, "support")
		f.enqueue(10, "sal1", parley.ChannelVoice, "sales")
		f.login(20, "a", "p", true)
		if got := f.agentOf("sal1"); got != "a" {
			t.Fatalf("sales contact offered to %q, want a (support contact: %s)", got, f.state("sup1"))
		}
	})
	t.Run("delay: entry eligible only after delay", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("late", 0, rq("q", parley.ChannelVoice, 1, 30)))
		f.login(0, "a", "late", true)
		f.enqueue(10, "c1", parley.ChannelVoice, "q")
		f.e.Advance(at(39))
		if f.state("c1") != parley.ContactQueued {
			t.Fatalf("offered before the delay: %s", f.state("c1"))
		}
		f.e.Advance(at(40))
		if f.agentOf("c1") != "a" {
			t.Fatalf("not offered at the delay: %s", f.state("c1"))
		}
	})
	t.Run("delay: agent without delay preferred even if idle shorter", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("late", 0, rq("q", parley.ChannelVoice, 1, 30)), voiceProfile("now", 0, rq("q", parley.ChannelVoice, 1, 0)))
		f.login(0, "a", "late", true)
		f.login(5, "b", "now", true)
		f.enqueue(10, "c1", parley.ChannelVoice, "q")
		if f.agentOf("c1") != "b" {
			t.Fatalf("offered to %q, want b", f.agentOf("c1"))
		}
	})
	t.Run("longest idle agent gets the contact", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
		f.login(0, "b", "p", true)
		f.login(0, "a", "p", true)
		f.login(5, "c", "p", true)
		f.enqueue(10, "c1", parley.ChannelVoice, "q")
		f.enqueue(11, "c2", parley.ChannelVoice, "q")
		f.enqueue(12, "c3", parley.ChannelVoice, "q")
		for c, a := range map[parley.ContactID]parley.UserID{"c1": "a", "c2": "b", "c3": "c"} {
			if got := f.agentOf(c); got != a {
				t.Errorf("%s offered to %q, want %q", c, got, a)
			}
		}
	})
	t.Run("idle time restarts when a contact completes", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
		f.login(0, "a", "p", true)
		f.login(1, "b", "p", true)
		f.enqueue(10, "c1", parley.ChannelVoice, "q") // to a
		f.answer(11, "a", "c1")
		f.ok(f.e.Disconnect(at(20), "c1", parley.DisconnectCustomer))
		f.ok(f.e.ClearACW(at(25), "a", "c1")) // a idle since 25, b since 1
		f.enqueue(30, "c2", parley.ChannelVoice, "q")
		if got := f.agentOf("c2"); got != "b" {
			t.Fatalf("c2 offered to %q, want b", got)
		}
	})
	t.Run("concurrency and cross-channel", func(t *testing.T) {
		p := parley.RoutingProfile{ID: "blend", Name: "blend",
			MediaConcurrencies: []parley.MediaConcurrency{
				{Channel: parley.ChannelVoice, Concurrency: 1, CrossChannelBehavior: parley.RouteCurrentChannelOnly},
				{Channel: parley.ChannelChat, Concurrency: 2, CrossChannelBehavior: parley.RouteAnyChannel},
			},
			Queues: []parley.RoutingProfileQueue{rq("q", parley.ChannelVoice, 1, 0), rq("q", parley.ChannelChat, 1, 0)}}
		f := newFixture(t, queues("q"), p)
		f.login(0, "a", "blend", true)
		f.enqueue(1, "chat1", parley.ChannelChat, "q")
		f.enqueue(2, "chat2", parley.ChannelChat, "q")
		f.enqueue(3, "chat3", parley.ChannelChat, "q")
		if f.agentOf("chat1") != "a" || f.agentOf("chat2") != "a" || f.state("chat3") != parley.ContactQueued {
			t.Fatalf("chat concurrency 2: chat1 %q chat2 %q chat3 %s", f.agentOf("chat1"), f.agentOf("chat2"), f.state("chat3"))
		}
		f.enqueue(4, "call1", parley.ChannelVoice, "q")
		if f.agentOf("call1") != "a" {
			t.Fatalf("chats route any channel: voice should be offered, got %s", f.state("call1"))
		}
		f.answer(5, "a", "chat1")
		f.ok(f.e.Disconnect(at(6), "chat1", parley.DisconnectCustomer))
		f.ok(f.e.ClearACW(at(7), "a", "chat1"))
		if f.state("chat3") != parley.ContactQueued {
			t.Fatalf("on voice (current channel only): chat3 must wait, is %s", f.state("chat3"))
		}
	})
	t.Run("agent queue: top priority, only that agent", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
		f.enqueue(0, "old", parley.ChannelVoice, "q")
		f.enqueue(5, "direct", parley.ChannelVoice, AgentQueueID("b"))
		f.login(10, "a", "p", true)
		if f.agentOf("old") != "a" || f.state("direct") != parley.ContactQueued {
			t.Fatalf("a must get the queue contact, not b's: old %q direct %s", f.agentOf("old"), f.state("direct"))
		}
		f.login(11, "b", "p", true)
		if f.agentOf("direct") != "b" {
			t.Fatalf("b's own queue contact: %s", f.state("direct"))
		}
	})
	t.Run("contact priority and time adjustment", func(t *testing.T) {
		f := newFixture(t, queues("q"), voiceProfile("p", 0, rq("q", parley.ChannelVoice, 1, 0)))
		f.enqueue(0, "c1", parley.ChannelVoice, "q")
		f.enqueue(10, "c2", parley.ChannelVoice, "q")
		f.enqueue(20, "c3", parley.ChannelVoice, "q")
		adj := 15 * time.Second
		f.ok(f.e.UpdateRoutingBehavior(at(21), "c2", RoutingBehavior{TimeAdjustment: &adj}))
		one := 1
		f.ok(f.e.UpdateRoutingBehavior(at(22), "c3", RoutingBehavior{Priority: &one}))
		f.login(30, "a", "p", true)
		f.login(31, "b", "p", true)
		f.login(32, "c", "p", true)
		want := map[parley.ContactID]parley.UserID{"c3": "a", "c2": "b", "c1": "c"}
		for c, a := range want {
			if got := f.agentOf(c); got != a {
				t.Errorf("%s offered to %q, want %q", c, got, a)
			}
		}
	})
}
