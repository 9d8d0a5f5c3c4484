package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestContactService(t *testing.T) {
	db, clock := mustOpenDB(t)
	ctx := context.Background()
	s := NewContactService(db)
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) // before the test clock's now

	sched := t0.Add(time.Hour)

	voice := &parley.Contact{Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound, InitiatedAt: t0.In(time.FixedZone("CET", 3600)),
		CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointTelephone, Address: "+447700900123"},
		SystemEndpoint:   &parley.Endpoint{Type: parley.EndpointTelephone, Address: "+442071838750"},
		Attributes:       map[string]string{"lang": "en", "vip": "yes"}, QueueID: "q1"}
	mustNoErr(t, s.CreateContact(ctx, voice))
	if voice.ID == "" || voice.State != parley.ContactInitiated || voice.UpdatedAt.IsZero() {
		t.Errorf("create did not fill ID, state and UpdatedAt: %+v", voice)
	}
	got, err := s.FindContactByID(ctx, voice.ID)
	mustNoErr(t, err)
	diff(t, "found contact", got, voice)
	if got.InitiatedAt.Location() != time.UTC {
		t.Errorf("InitiatedAt in %v, want UTC", got.InitiatedAt.Location())
	}

	task := &parley.Contact{ID: "task-1", Channel: parley.ChannelTask, InitiationMethod: parley.InitAPI, Name: "Call back",
		Description: "about the invoice", State: parley.ContactQueued, InitiatedAt: t0.Add(time.Minute), ScheduledAt: &sched,
		QueueID: "q2", Attributes: map[string]string{}}
	mustNoErr(t, s.CreateContact(ctx, task))
	if task.ID != "task-1" {
		t.Errorf("ID replaced by %q", task.ID)
	}
	chat := &parley.Contact{Channel: parley.ChannelChat, InitiationMethod: parley.InitInbound, State: parley.ContactConnected,
		AgentID: "agent-1", QueueID: "q1"}
	mustNoErr(t, s.CreateContact(ctx, chat)) // initiated now, by the clock

	wantCode(t, s.CreateContact(ctx, &parley.Contact{ID: "task-1", Channel: parley.ChannelTask, InitiationMethod: parley.InitAPI}), parley.EConflict, "")
	wantCode(t, s.CreateContact(ctx, &parley.Contact{Channel: "FAX", InitiationMethod: parley.InitInbound}), parley.EInvalid, "channel")
	wantCode(t, s.CreateContact(ctx, &parley.Contact{Channel: parley.ChannelVoice}), parley.EInvalid, "initiationMethod")
	wantCode(t, s.CreateContact(ctx, &parley.Contact{Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound, State: "DANCING"}), parley.EInvalid, "state")

	// Update: disconnect the voice contact.
	clock.Advance(time.Minute)
	end := t0.Add(5 * time.Minute)
	upd := *got
	upd.State, upd.DisconnectedAt, upd.DisconnectReason, upd.AgentID = parley.ContactEnded, &end, parley.DisconnectCustomer, "agent-1"
	upd.Attributes = map[string]string{"lang": "fr"}
	upd.CustomerEndpoint = nil
	mustNoErr(t, s.UpdateContact(ctx, &upd))
	if !upd.UpdatedAt.After(got.UpdatedAt) {
		t.Errorf("UpdatedAt not advanced: %v -> %v", got.UpdatedAt, upd.UpdatedAt)
	}
	got, err = s.FindContactByID(ctx, voice.ID)
	mustNoErr(t, err)
	diff(t, "updated contact", got, &upd)
	wantCode(t, s.UpdateContact(ctx, &parley.Contact{ID: "nope", Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound, InitiatedAt: t0}), parley.ENotFound, "")
	_, err = s.FindContactByID(ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")

	for _, tc := range []struct {
		name   string
		filter parley.ContactFilter
		want   []*parley.Contact
	}{
		{"all, in initiation order", parley.ContactFilter{}, []*parley.Contact{got, task, chat}},
		{"by states", parley.ContactFilter{States: []parley.ContactState{parley.ContactQueued, parley.ContactConnected}}, []*parley.Contact{task, chat}},
		{"by channel", parley.ContactFilter{Channel: parley.ChannelTask}, []*parley.Contact{task}},
		{"by queue", parley.ContactFilter{QueueID: "q1"}, []*parley.Contact{got, chat}},
		{"by agent", parley.ContactFilter{AgentID: "agent-1"}, []*parley.Contact{got, chat}},
		{"since", parley.ContactFilter{Since: t0.Add(time.Second)}, []*parley.Contact{task, chat}},
		{"until", parley.ContactFilter{Until: t0.Add(time.Minute)}, []*parley.Contact{got}},
		{"limit", parley.ContactFilter{Limit: 2}, []*parley.Contact{got, task}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := s.FindContacts(ctx, tc.filter)
			mustNoErr(t, err)
			diff(t, "contacts", cs, tc.want)
		})
	}
	if n := countRows(t, db, "audit_entries"); n != 0 {
		t.Errorf("contacts wrote %d audit entries, want none", n)
	}
}

func TestCTRService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := context.Background()
	s := NewCTRService(db)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }

	r1 := &parley.CTR{ContactID: "c1", InitialContactID: "c1", Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound,
		InitiationTimestamp: t0.Add(time.Minute), Queue: &parley.CTRQueue{ID: "q1", Name: "Sales", EnqueueTimestamp: t0.Add(70 * time.Second)},
		CustomerEndpoint: &parley.Endpoint{Type: parley.EndpointTelephone, Address: "+447700900123"},
		Attributes:       map[string]string{"lang": "en"}}
	mustNoErr(t, s.SaveCTR(ctx, r1))
	if r1.LastUpdateTimestamp.IsZero() {
		t.Error("SaveCTR did not set LastUpdateTimestamp")
	}
	got, err := s.FindCTR(ctx, "c1")
	mustNoErr(t, err)
	diff(t, "found ctr", got, r1)

	// Upsert: the agent part arrives later.
	r1b := *r1
	r1b.Agent = &parley.CTRAgent{ID: "a1", Username: "alice", ConnectedToAgentTimestamp: at(2 * time.Minute), AgentInteractionDuration: 60}
	r1b.DisconnectTimestamp, r1b.DisconnectReason = at(3*time.Minute), parley.DisconnectAgent
	r1b.Recording = &parley.CTRRecording{Location: "recordings/c1.wav", Status: "AVAILABLE", Type: "AUDIO"}
	mustNoErr(t, s.SaveCTR(ctx, &r1b))
	got, err = s.FindCTR(ctx, "c1")
	mustNoErr(t, err)
	diff(t, "upserted ctr", got, &r1b)
	if n := countRows(t, db, "ctrs"); n != 1 {
		t.Errorf("%d ctr rows after upsert, want 1", n)
	}

	r2 := &parley.CTR{ContactID: "c2", Channel: parley.ChannelChat, InitiationMethod: parley.InitInbound, InitiationTimestamp: t0,
		Agent: &parley.CTRAgent{ID: "a2"}}
	r3 := &parley.CTR{ContactID: "c3", Channel: parley.ChannelVoice, InitiationMethod: parley.InitOutbound,
		InitiationTimestamp: t0.Add(2 * time.Minute).In(time.FixedZone("EST", -5*3600)), Queue: &parley.CTRQueue{ID: "q2"}, Agent: &parley.CTRAgent{ID: "a1"}}
	mustNoErr(t, s.SaveCTR(ctx, r2))
	mustNoErr(t, s.SaveCTR(ctx, r3))
	wantCode(t, s.SaveCTR(ctx, &parley.CTR{InitiationTimestamp: t0}), parley.EInvalid, "contactId")
	_, err = s.FindCTR(ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")

	for _, tc := range []struct {
		name   string
		filter parley.CTRFilter
		want   []string
	}{
		{"all, by initiation time", parley.CTRFilter{}, []string{"c2", "c1", "c3"}},
		{"since", parley.CTRFilter{Since: t0.Add(time.Minute)}, []string{"c1", "c3"}},
		{"until", parley.CTRFilter{Until: t0.Add(time.Minute)}, []string{"c2"}},
		{"channel", parley.CTRFilter{Channel: parley.ChannelVoice}, []string{"c1", "c3"}},
		{"queue", parley.CTRFilter{QueueID: "q1"}, []string{"c1"}},
		{"agent", parley.CTRFilter{AgentID: "a1"}, []string{"c1", "c3"}},
		{"limit", parley.CTRFilter{Limit: 1}, []string{"c2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := s.FindCTRs(ctx, tc.filter)
			mustNoErr(t, err)
			var ids []string
			for _, r := range rs {
				ids = append(ids, string(r.ContactID))
			}
			diff(t, "ctrs", ids, tc.want)
		})
	}
	var stored string
	mustNoErr(t, db.db.QueryRow(`SELECT record FROM ctrs WHERE contact_id = 'c3'`).Scan(&stored))
	var raw struct{ InitiationTimestamp string }
	mustNoErr(t, json.Unmarshal([]byte(stored), &raw))
	if raw.InitiationTimestamp != "2026-03-01T10:02:00Z" {
		t.Errorf("stored InitiationTimestamp %q, want UTC", raw.InitiationTimestamp)
	}
}

func TestAgentEventService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := context.Background()
	s := NewAgentEventService(db)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	var events []*parley.AgentEvent
	for i, agent := range []parley.UserID{"a1", "a2", "a1", "a1", "a2"} {
		e := &parley.AgentEvent{Type: parley.AgentStateChange, AgentID: agent, Timestamp: t0.Add(time.Duration(i) * time.Second),
			Current: &parley.AgentSnapshot{Status: parley.AgentSnapshotStatus{ID: "s1", Name: "Available", Type: parley.StatusRoutable, StartTimestamp: t0},
				RoutingProfileID: "rp1", Contacts: []parley.AgentContactSnapshot{{ContactID: "c1", Channel: parley.ChannelVoice, State: parley.ContactConnected, StateStartTimestamp: t0}}}}
		if i == 0 {
			e.Type, e.ID = parley.AgentLogin, "login-1"
		} else {
			e.Previous = events[i-1].Current
		}
		mustNoErr(t, s.AppendAgentEvent(ctx, e))
		if e.ID == "" || (i > 0 && e.Seq <= events[i-1].Seq) {
			t.Fatalf("event %d: ID %q, seq %d not after the previous", i, e.ID, e.Seq)
		}
		events = append(events, e)
	}
	if events[0].ID != "login-1" {
		t.Errorf("given ID replaced by %q", events[0].ID)
	}
	wantCode(t, s.AppendAgentEvent(ctx, &parley.AgentEvent{Type: "DANCE", AgentID: "a1"}), parley.EInvalid, "type")
	wantCode(t, s.AppendAgentEvent(ctx, &parley.AgentEvent{Type: parley.AgentLogout}), parley.EInvalid, "agentId")
	wantCode(t, s.AppendAgentEvent(ctx, &parley.AgentEvent{ID: "login-1", Type: parley.AgentLogout, AgentID: "a1"}), parley.EInvalid, "id")

	for _, tc := range []struct {
		name   string
		filter parley.AgentEventFilter
		want   []*parley.AgentEvent
	}{
		{"all, in order", parley.AgentEventFilter{}, events},
		{"after seq", parley.AgentEventFilter{AfterSeq: events[2].Seq}, events[3:]},
		{"agent", parley.AgentEventFilter{AgentID: "a1"}, []*parley.AgentEvent{events[0], events[2], events[3]}},
		{"since and until", parley.AgentEventFilter{Since: t0.Add(time.Second), Until: t0.Add(3 * time.Second)}, events[1:3]},
		{"limit", parley.AgentEventFilter{AgentID: "a2", Limit: 1}, events[1:2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, err := s.FindAgentEvents(ctx, tc.filter)
			mustNoErr(t, err)
			diff(t, "events", es, tc.want)
		})
	}

	// A timestamp left zero is the store's clock.
	e := &parley.AgentEvent{Type: parley.AgentHeartBeat, AgentID: "a1"}
	mustNoErr(t, s.AppendAgentEvent(ctx, e))
	if e.Timestamp.IsZero() {
		t.Error("AppendAgentEvent left the timestamp zero")
	}
}

func TestAuditService(t *testing.T) {
	db, clock := mustOpenDB(t)
	s := NewAuditService(db)
	alice := parley.NewContextWithActor(context.Background(), parley.Actor{UserID: "u-alice", Username: "alice"})
	bob := parley.NewContextWithActor(context.Background(), parley.Actor{UserID: "u-bob", Username: "bob"})
	t0 := clock.Now()

	login := &parley.AuditEntry{Action: parley.AuditLogin, EntityType: "user", EntityID: "u-alice", EntityName: "alice"}
	mustNoErr(t, s.RecordAudit(alice, login))
	if login.ID == "" || login.Seq == 0 || login.Time.IsZero() || login.ActorID != "u-alice" || login.ActorUsername != "alice" {
		t.Errorf("RecordAudit did not fill the entry: %+v", login)
	}
	access := &parley.AuditEntry{Action: parley.AuditAccess, EntityType: "recording", EntityID: "c1", ActorID: "u-carol", ActorUsername: "carol",
		After: json.RawMessage(`{"download":true}`)}
	mustNoErr(t, s.RecordAudit(bob, access)) // the entry's own actor wins
	clock.Advance(time.Hour)
	t1 := clock.Now()
	hours := &parley.HoursOfOperation{Name: "Office", TimeZone: "UTC"}
	mustNoErr(t, NewHoursService(db).CreateHours(bob, hours))
	mustNoErr(t, NewHoursService(db).DeleteHours(bob, hours.ID))
	wantCode(t, s.RecordAudit(alice, &parley.AuditEntry{EntityType: "user"}), parley.EInvalid, "action")
	wantCode(t, s.RecordAudit(alice, &parley.AuditEntry{Action: parley.AuditLogin}), parley.EInvalid, "entityType")
	wantCode(t, s.RecordAudit(alice, &parley.AuditEntry{Action: parley.AuditLogin, EntityType: "user", Before: json.RawMessage(`{`)}), parley.EInvalid, "before")

	all, err := s.FindAuditEntries(context.Background(), parley.AuditFilter{})
	mustNoErr(t, err)
	if len(all) != 4 {
		t.Fatalf("%d entries, want 4", len(all))
	}
	diff(t, "newest first: login", all[3], login)
	diff(t, "access", all[2], access)

	actions := func(es []*parley.AuditEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, string(e.Action)+" "+e.EntityType)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter parley.AuditFilter
		want   []string
	}{
		{"all", parley.AuditFilter{}, []string{"delete hours_of_operation", "create hours_of_operation", "access recording", "login user"}},
		{"entity type", parley.AuditFilter{EntityType: "hours_of_operation"}, []string{"delete hours_of_operation", "create hours_of_operation"}},
		{"entity", parley.AuditFilter{EntityType: "user", EntityID: "u-alice"}, []string{"login user"}},
		{"actor", parley.AuditFilter{ActorID: "u-bob"}, []string{"delete hours_of_operation", "create hours_of_operation"}},
		{"since", parley.AuditFilter{Since: t1}, []string{"delete hours_of_operation", "create hours_of_operation"}},
		{"until", parley.AuditFilter{Until: t1}, []string{"access recording", "login user"}},
		{"since t0", parley.AuditFilter{Since: t0}, []string{"delete hours_of_operation", "create hours_of_operation", "access recording", "login user"}},
		{"before seq", parley.AuditFilter{BeforeSeq: all[1].Seq}, []string{"access recording", "login user"}},
		{"limit", parley.AuditFilter{Limit: 1}, []string{"delete hours_of_operation"}},
		{"page", parley.AuditFilter{Limit: 2, BeforeSeq: all[1].Seq}, []string{"access recording", "login user"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es, err := s.FindAuditEntries(context.Background(), tc.filter)
			mustNoErr(t, err)
			diff(t, "entries", actions(es), tc.want)
		})
	}

	// The default limit is 100.
	for i := 0; i < 105; i++ {
		mustNoErr(t, s.RecordAudit(alice, &parley.AuditEntry{Action: parley.AuditLogin, EntityType: "user", EntityID: "u-alice"}))
	}
	es, err := s.FindAuditEntries(context.Background(), parley.AuditFilter{})
	mustNoErr(t, err)
	if len(es) != DefaultAuditLimit {
		t.Errorf("%d entries without a limit, want %d", len(es), DefaultAuditLimit)
	}
}
