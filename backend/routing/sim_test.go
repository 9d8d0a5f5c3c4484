package routing

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// TestSimulatedMorning runs half an hour of a small contact center on the engine with scripted
// times, then checks the historical metrics against values computed by hand (below).
//
// Queues Sales (S) and Support (P). Profile PS: S prio 1, P prio 2, no ACW limit. Profile PP:
// P prio 1, ACW limit 30 s. Agent A has PS, agent B has PP. Ring timeout 20 s.
//
//	  t  event                                   consequence
//	  0  A, B log in, Available
//	100  c1 -> S                                 rings A; A answers 105
//	200  c2 -> P                                 rings B (A busy); B answers 210
//	250  c3 -> S                                 waits (A busy, B has no S)
//	300  c1 hold, 340 resume
//	400  c1 customer hangs up                    A in ACW
//	420  A clears ACW                            c3 rings A; A answers 425 (queue 175 s)
//	500  c2 agent hangs up                       B in ACW until 530 (limit)
//	600  c4 -> P                                 rings B; no answer: missed at 620, B Missed
//	650  c5 -> P                                 waits; abandons at 700 (50 s)
//	720  B chooses Available                     c4 rings B; B answers 730 (queue 130 s)
//	800  c3 customer hangs up                    A in ACW, clears 860
//	900  B transfers c4 to S                     c4' rings A; A answers 910; B ACW until 930
//	1000 c4' customer hangs up                   A ACW, clears 1020
//	1100 A chooses Break
//	1200 c6 -> S                                 waits (A on break)
//	1300 callback c7 -> P, initial delay 60 s,   ready 1360: rings B; B answers 1365
//	     2 attempts, 120 s apart
//	1380 c7: no answer                           B ACW until 1410; attempt c7b ready at 1500
//	1500 c7b rings B (timer first), A Available  c6 rings A; B answers 1505, A 1510
//	1600 c6 and c7b customer hang up             A clears 1620; B ACW until 1630
//	1800 A, B log out
func TestSimulatedMorning(t *testing.T) {
	f := newFixture(t, queues("S", "P"),
		voiceProfile("PS", 0, rq("S", parley.ChannelVoice, 1, 0), rq("P", parley.ChannelVoice, 2, 0)),
		voiceProfile("PP", 30, rq("P", parley.ChannelVoice, 1, 0)))
	e := f.e
	var c4b, c7b parley.ContactID
	steps := []struct {
		s  int
		do func(now time.Time) error
	}{
		{0, func(time.Time) error { f.login(0, "A", "PS", true); f.login(0, "B", "PP", true); return nil }},
		{100, func(time.Time) error { f.enqueue(100, "c1", parley.ChannelVoice, "S"); return nil }},
		{105, func(time.Time) error { f.answer(105, "A", "c1"); return nil }},
		{200, func(time.Time) error { f.enqueue(200, "c2", parley.ChannelVoice, "P"); return nil }},
		{210, func(time.Time) error { f.answer(210, "B", "c2"); return nil }},
		{250, func(time.Time) error { f.enqueue(250, "c3", parley.ChannelVoice, "S"); return nil }},
		{300, func(n time.Time) error { return e.Hold(n, "c1") }},
		{340, func(n time.Time) error { return e.Resume(n, "c1") }},
		{400, func(n time.Time) error { return e.Disconnect(n, "c1", parley.DisconnectCustomer) }},
		{420, func(n time.Time) error { return e.ClearACW(n, "A", "c1") }},
		{425, func(time.Time) error { f.answer(425, "A", "c3"); return nil }},
		{500, func(n time.Time) error { return e.Disconnect(n, "c2", parley.DisconnectAgent) }},
		{600, func(time.Time) error { f.enqueue(600, "c4", parley.ChannelVoice, "P"); return nil }},
		{650, func(time.Time) error { f.enqueue(650, "c5", parley.ChannelVoice, "P"); return nil }},
		{700, func(n time.Time) error { return e.Disconnect(n, "c5", parley.DisconnectCustomer) }},
		{720, func(n time.Time) error { return e.SetStatus(n, "B", stAvailable) }},
		{730, func(time.Time) error { f.answer(730, "B", "c4"); return nil }},
		{800, func(n time.Time) error { return e.Disconnect(n, "c3", parley.DisconnectCustomer) }},
		{860, func(n time.Time) error { return e.ClearACW(n, "A", "c3") }},
		{900, func(n time.Time) error {
			var err error
			c4b, err = e.Transfer(n, "c4", "S")
			return err
		}},
		{910, func(time.Time) error { f.answer(910, "A", c4b); return nil }},
		{1000, func(n time.Time) error { return e.Disconnect(n, c4b, parley.DisconnectCustomer) }},
		{1020, func(n time.Time) error { return e.ClearACW(n, "A", c4b) }},
		{1100, func(n time.Time) error { return e.SetStatus(n, "A", stBreak) }},
		{1200, func(time.Time) error { f.enqueue(1200, "c6", parley.ChannelVoice, "S"); return nil }},
		{1300, func(n time.Time) error {
			_, err := e.Enqueue(n, EnqueueRequest{Contact: &parley.Contact{ID: "c7", Channel: parley.ChannelVoice, InitiationMethod: parley.InitCallback},
				QueueID: "P", Callback: &CallbackOptions{InitialDelay: 60 * time.Second, MaxAttempts: 2, RetryInterval: 120 * time.Second}})
			return err
		}},
		{1365, func(time.Time) error { f.answer(1365, "B", "c7"); return nil }},
		{1380, func(n time.Time) error {
			var err error
			c7b, err = e.CallbackNoAnswer(n, "c7")
			return err
		}},
		{1500, func(n time.Time) error { return e.SetStatus(n, "A", stAvailable) }},
		{1505, func(time.Time) error { f.answer(1505, "B", c7b); return nil }},
		{1510, func(time.Time) error { f.answer(1510, "A", "c6"); return nil }},
		{1600, func(n time.Time) error {
			if err := e.Disconnect(n, "c6", parley.DisconnectCustomer); err != nil {
				return err
			}
			return e.Disconnect(n, c7b, parley.DisconnectCustomer)
		}},
		{1620, func(n time.Time) error { return e.ClearACW(n, "A", "c6") }},
		{1800, func(n time.Time) error {
			if err := e.Logout(n, "A"); err != nil {
				return err
			}
			return e.Logout(n, "B")
		}},
	}
	for _, s := range steps {
		if err := s.do(at(s.s)); err != nil {
			t.Fatalf("t=%d: %v", s.s, err)
		}
	}
	e.Advance(at(3600))
	if f.agentOf(c7b) != "" || f.state("c6") != parley.ContactCompleted {
		t.Fatal("contacts left over")
	}
	ctrs := f.rec.FinalCTRs()
	if len(ctrs) != 9 {
		t.Fatalf("%d final CTRs, want 9", len(ctrs))
	}
	evs := f.rec.AgentEvents()
	q := parley.HistoricalQuery{Start: t0, End: at(3600)}

	fl := func(v float64) *float64 { return &v }
	sl := func(vals ...float64) map[int]*float64 {
		m := map[int]*float64{}
		for i, x := range parley.ServiceLevelThresholds {
			m[x] = fl(vals[i])
		}
		return m
	}

	q.Grouping = parley.GroupQueue
	m, err := ComputeHistorical(q, ctrs, evs)
	if err != nil {
		t.Fatal(err)
	}
	// P: c2 (answer 10 s, interaction 290, ACW 30), c4 (130; 170; 30), c7 (5; 15; 30), c7b (5; 95; 30),
	// c5 abandoned after 50 s. Removed from queue: 10, 130, 5, 5, 50 s.
	wantP := parley.HistoricalRow{QueueID: "P",
		ContactsQueued: 5, ContactsHandled: 4, ContactsAbandoned: 1, ContactsMissed: 1, ContactsTransferredOut: 1,
		CallbackAttempts: 2, ContactsRemovedFromQueue: 5,
		AvgQueueAnswerTime: fl(150.0 / 4), AvgHandleTime: fl(690.0 / 4), AvgInteractionTime: fl(570.0 / 4),
		AvgHoldTimeAllContacts: fl(0), AvgAfterContactWorkTime: fl(30), AvgAbandonTime: fl(50),
		ServiceLevel: sl(60, 60, 60, 80, 80, 80, 100, 100, 100),
	}
	// S: c1 (answer 5 s, interaction 255, hold 40, ACW 20), c3 (175; 375; 0; 60), c4' (10; 90; 0; 20),
	// c6 (310; 90; 0; 20).
	wantS := parley.HistoricalRow{QueueID: "S",
		ContactsQueued: 4, ContactsHandled: 4, ContactsTransferredIn: 1, ContactsRemovedFromQueue: 4,
		AvgQueueAnswerTime: fl(500.0 / 4), AvgHandleTime: fl(970.0 / 4), AvgInteractionTime: fl(810.0 / 4),
		AvgHoldTime: fl(40), AvgHoldTimeAllContacts: fl(10), AvgAfterContactWorkTime: fl(30),
		ServiceLevel: sl(50, 50, 50, 50, 50, 50, 75, 75, 100),
	}
	checkRows(t, "by queue", m.Rows, []parley.HistoricalRow{wantP, wantS})

	q.Grouping = parley.GroupAgent
	m, err = ComputeHistorical(q, ctrs, evs)
	if err != nil {
		t.Fatal(err)
	}
	// A: on contact 105-420, 425-860, 910-1020, 1510-1620 = 315+435+110+110 = 970 s; idle (incl.
	// ringing) 0-105, 420-425, 860-910, 1020-1100, 1500-1510, 1620-1800 = 430 s; Break 1100-1500.
	// B: on contact 210-530, 730-930, 1365-1410, 1505-1630 = 690 s; Missed 620-720 = 100 s;
	// idle 0-210, 530-620, 720-730, 930-1365, 1410-1505, 1630-1800 = 1010 s.
	gotA, gotB := rowOf(t, m.Rows, "A"), rowOf(t, m.Rows, "B")
	type times struct{ online, on, idle, npt, errT time.Duration }
	s := func(n int) time.Duration { return time.Duration(n) * time.Second }
	for _, c := range []struct {
		name string
		got  parley.HistoricalRow
		want times
		occ  float64
		hand int
		miss int
	}{
		{"A", gotA, times{s(1800), s(970), s(430), s(400), 0}, 100 * 970.0 / 1400, 4, 0},
		{"B", gotB, times{s(1800), s(690), s(1010), 0, s(100)}, 100 * 690.0 / 1800, 4, 1},
	} {
		g := times{c.got.OnlineTime, c.got.OnContactTime, c.got.IdleTime, c.got.NonProductiveTime, c.got.ErrorTime}
		if g != c.want {
			t.Errorf("agent %s times %+v, want %+v", c.name, g, c.want)
		}
		if !near(c.got.Occupancy, c.occ) {
			t.Errorf("agent %s occupancy %v, want %v", c.name, deref(c.got.Occupancy), c.occ)
		}
		if c.got.ContactsHandled != c.hand || c.got.ContactsMissed != c.miss {
			t.Errorf("agent %s handled %d missed %d, want %d, %d", c.name, c.got.ContactsHandled, c.got.ContactsMissed, c.hand, c.miss)
		}
	}

	q.Grouping = parley.GroupNone
	m, err = ComputeHistorical(q, ctrs, evs)
	if err != nil {
		t.Fatal(err)
	}
	all := m.Rows[0]
	if all.ContactsQueued != 9 || all.ContactsHandled != 8 || all.ContactsAbandoned != 1 || all.ContactsMissed != 1 ||
		!near(all.AvgQueueAnswerTime, 650.0/8) || !near(all.AvgHandleTime, 1660.0/8) ||
		!near(all.ServiceLevel[15], 100*5.0/9) || !near(all.Occupancy, 100*1660.0/3200) {
		t.Errorf("all: %+v (answer %v handle %v sl15 %v occ %v)", all, deref(all.AvgQueueAnswerTime), deref(all.AvgHandleTime), deref(all.ServiceLevel[15]), deref(all.Occupancy))
	}

	// A half interval: only contacts enqueued/answered/abandoned in [0, 600).
	m, err = ComputeHistorical(parley.HistoricalQuery{Start: t0, End: at(600), Grouping: parley.GroupAgent}, ctrs, evs)
	if err != nil {
		t.Fatal(err)
	}
	if a := rowOf(t, m.Rows, "A"); a.ContactsHandled != 2 || a.OnlineTime != s(600) || a.OnContactTime != s(315+175) {
		t.Errorf("A in [0,600): handled %d online %v on contact %v", a.ContactsHandled, a.OnlineTime, a.OnContactTime)
	}

	if _, err := ComputeHistorical(parley.HistoricalQuery{Start: at(5), End: at(5)}, nil, nil); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("empty interval: %v", err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func near(p *float64, v float64) bool { return p != nil && math.Abs(*p-v) < 1e-9 }

func rowOf(t *testing.T, rows []parley.HistoricalRow, a parley.UserID) parley.HistoricalRow {
	t.Helper()
	for _, r := range rows {
		if r.AgentID == a {
			return r
		}
	}
	t.Fatalf("no row for agent %s", a)
	return parley.HistoricalRow{}
}

// checkRows compares the contact metrics of rows (agent time fields are checked elsewhere).
func checkRows(t *testing.T, name string, got, want []parley.HistoricalRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", name, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		type counts struct {
			Q                                                   parley.QueueID
			Queued, Handled, Abandoned, Missed, In, Out, CB, Rm int
		}
		gc := counts{g.QueueID, g.ContactsQueued, g.ContactsHandled, g.ContactsAbandoned, g.ContactsMissed, g.ContactsTransferredIn, g.ContactsTransferredOut, g.CallbackAttempts, g.ContactsRemovedFromQueue}
		wc := counts{w.QueueID, w.ContactsQueued, w.ContactsHandled, w.ContactsAbandoned, w.ContactsMissed, w.ContactsTransferredIn, w.ContactsTransferredOut, w.CallbackAttempts, w.ContactsRemovedFromQueue}
		if gc != wc {
			t.Errorf("%s row %d counts %+v, want %+v", name, i, gc, wc)
		}
		avgs := []struct {
			n    string
			g, w *float64
		}{
			{"queue answer", g.AvgQueueAnswerTime, w.AvgQueueAnswerTime}, {"handle", g.AvgHandleTime, w.AvgHandleTime},
			{"interaction", g.AvgInteractionTime, w.AvgInteractionTime}, {"hold", g.AvgHoldTime, w.AvgHoldTime},
			{"hold all", g.AvgHoldTimeAllContacts, w.AvgHoldTimeAllContacts}, {"acw", g.AvgAfterContactWorkTime, w.AvgAfterContactWorkTime},
			{"abandon", g.AvgAbandonTime, w.AvgAbandonTime},
		}
		for _, x := range parley.ServiceLevelThresholds {
			avgs = append(avgs, struct {
				n    string
				g, w *float64
			}{"service level " + strconv.Itoa(x), g.ServiceLevel[x], w.ServiceLevel[x]})
		}
		for _, a := range avgs {
			if (a.w == nil) != (a.g == nil) || (a.w != nil && !near(a.g, *a.w)) {
				t.Errorf("%s row %s: %s = %v, want %v", name, w.QueueID, a.n, deref(a.g), deref(a.w))
			}
		}
	}
}
