package routing

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

const (
	benchAgents   = 10000
	benchQueues   = 100
	benchWaiting  = 100000
	benchProfiles = 100
)

// benchEngine builds 100 queues, 100 routing profiles of 5 voice queues each (priorities 1-5),
// 10,000 auto-accepting agents all on a call, and 100,000 contacts waiting.
func benchEngine(b *testing.B) (*Engine, time.Time, []parley.ContactID) {
	b.Helper()
	var qs []parley.Queue
	for i := 0; i < benchQueues; i++ {
		qs = append(qs, parley.Queue{ID: parley.QueueID(fmt.Sprintf("q%03d", i)), Name: "q"})
	}
	qs = append(qs, parley.Queue{ID: "hot", Name: "hot"})
	var ps []parley.RoutingProfile
	for i := 0; i < benchProfiles; i++ {
		var entries []parley.RoutingProfileQueue
		for j := 0; j < 5; j++ {
			entries = append(entries, rq(qs[(i+j*7)%benchQueues].ID, parley.ChannelVoice, j+1, 0))
		}
		ps = append(ps, voiceProfile(parley.RoutingProfileID(fmt.Sprintf("p%03d", i)), 0, entries...))
	}
	ps = append(ps, voiceProfile("hot", 0, rq("hot", parley.ChannelVoice, 1, 0)))
	e, err := NewEngine(Config{Queues: qs, Profiles: ps, Statuses: testStatuses(), NewID: seqIDs("b")})
	if err != nil {
		b.Fatal(err)
	}
	now := t0
	for i := 0; i < benchAgents; i++ {
		id := parley.UserID(fmt.Sprintf("a%05d", i))
		if err := e.Login(now, parley.User{ID: id, RoutingProfileID: ps[i%benchProfiles].ID, AutoAccept: true}); err != nil {
			b.Fatal(err)
		}
		if err := e.SetStatus(now, id, stAvailable); err != nil {
			b.Fatal(err)
		}
	}
	onCall := make([]parley.ContactID, 0, benchAgents)
	for i := 0; i < benchAgents+benchWaiting; i++ {
		now = now.Add(time.Millisecond)
		id := parley.ContactID(fmt.Sprintf("c%06d", i))
		res, err := e.Enqueue(now, EnqueueRequest{Contact: contact(id, parley.ChannelVoice), QueueID: qs[i%benchQueues].ID})
		if err != nil {
			b.Fatal(err)
		}
		if res.AgentID != "" {
			if err := e.Connected(now, id); err != nil {
				b.Fatal(err)
			}
			onCall = append(onCall, id)
		}
	}
	if len(onCall) != benchAgents {
		b.Fatalf("%d agents on calls, want %d", len(onCall), benchAgents)
	}
	return e, now, onCall
}

// BenchmarkRoutingDecision: an agent finishes a call and is offered the best of the contacts
// waiting for their profile's 5 queues; a new contact arrives meanwhile so 100,000 keep waiting.
// One op = one routing decision (plus the commands around it).
func BenchmarkRoutingDecision(b *testing.B) {
	e, now, onCall := benchEngine(b)
	agentOf := map[parley.ContactID]parley.UserID{}
	for _, id := range onCall {
		c, _ := e.Contact(id)
		agentOf[id] = c.AgentID
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Millisecond)
		k := i % len(onCall)
		id := onCall[k]
		a := agentOf[id]
		nid := parley.ContactID(fmt.Sprintf("n%08d", i))
		if _, err := e.Enqueue(now, EnqueueRequest{Contact: contact(nid, parley.ChannelVoice), QueueID: parley.QueueID(fmt.Sprintf("q%03d", i%benchQueues))}); err != nil {
			b.Fatal(err)
		}
		if err := e.Disconnect(now, id, parley.DisconnectCustomer); err != nil {
			b.Fatal(err)
		}
		if err := e.ClearACW(now, a, id); err != nil {
			b.Fatal(err)
		}
		_, snap, _ := e.Agent(a)
		next := snap.Contacts[0].ContactID
		if err := e.Connected(now, next); err != nil {
			b.Fatal(err)
		}
		onCall[k] = next
		agentOf[next] = a
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
}

// BenchmarkEnqueueToOffer measures, through the Router's goroutine, the time from Enqueue with
// an agent free to the offer, with 10,000 agents and 100,000 contacts waiting elsewhere.
func BenchmarkEnqueueToOffer(b *testing.B) {
	e, _, _ := benchEngine(b)
	if err := e.Login(t0.Add(time.Hour), parley.User{ID: "hot", RoutingProfileID: "hot", AutoAccept: true}); err != nil {
		b.Fatal(err)
	}
	r := &Router{eng: e, cmds: make(chan func()), wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	clk := NewFakeClock(t0.Add(time.Hour))
	r.Clock = clk
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if err := r.SetStatus(ctx, "hot", stAvailable); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := parley.ContactID(fmt.Sprintf("h%08d", i))
		t := time.Now()
		res, err := r.Enqueue(ctx, EnqueueRequest{Contact: contact(id, parley.ChannelVoice), QueueID: "hot"})
		lat = append(lat, time.Since(t))
		if err != nil || res.AgentID != "hot" {
			b.Fatalf("enqueue: %+v %v", res, err)
		}
		b.StopTimer()
		clk.Advance(time.Millisecond)
		if err := r.Connected(ctx, id); err != nil {
			b.Fatal(err)
		}
		if err := r.Disconnect(ctx, id, parley.DisconnectCustomer); err != nil {
			b.Fatal(err)
		}
		if err := r.ClearACW(ctx, "hot", id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}
