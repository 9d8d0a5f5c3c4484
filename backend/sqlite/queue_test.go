package sqlite

import (
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

func TestHoursService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewHoursService(db)

	h := &parley.HoursOfOperation{Name: "Office", Description: "weekdays", TimeZone: "Europe/London",
		Config: []parley.HoursRange{{Day: parley.Monday, StartTime: parley.TimeOfDay{Hours: 9}, EndTime: parley.TimeOfDay{Hours: 17, Minutes: 30}}},
		Overrides: []parley.HoursOverride{{Name: "Christmas", Type: parley.OverrideClosed, EffectiveFrom: "2026-12-25", EffectiveTill: "2026-12-26"},
			{Name: "Late opening", Type: parley.OverrideOpen, EffectiveFrom: "2026-12-24", EffectiveTill: "2026-12-24",
				Ranges: []parley.TimeRange{{StartTime: parley.TimeOfDay{Hours: 8}, EndTime: parley.TimeOfDay{Hours: 12}}}}}}
	mustNoErr(t, s.CreateHours(ctx, h))
	if h.ID == "" || h.CreatedAt.IsZero() || !h.UpdatedAt.Equal(h.CreatedAt) {
		t.Fatalf("create did not set ID and timestamps: %+v", h)
	}
	created := *h
	got, err := s.FindHoursByID(ctx, h.ID)
	mustNoErr(t, err)
	diff(t, "found hours", got, h)

	wantCode(t, s.CreateHours(ctx, &parley.HoursOfOperation{Name: "OFFICE", TimeZone: "UTC"}), parley.EConflict, "")
	wantCode(t, s.CreateHours(ctx, &parley.HoursOfOperation{Name: "Bad", TimeZone: "Mars/Olympus"}), parley.EInvalid, "timeZone")
	other := &parley.HoursOfOperation{Name: "Night", TimeZone: "UTC"}
	mustNoErr(t, s.CreateHours(ctx, other))

	list, err := s.FindHours(ctx)
	mustNoErr(t, err)
	diff(t, "hours list", list, []*parley.HoursOfOperation{other, h})

	upd := *h
	upd.Name, upd.TimeZone, upd.Overrides = "Main office", "America/New_York", nil
	upd.CreatedAt = upd.CreatedAt.AddDate(-1, 0, 0) // ignored: the store keeps its own
	mustNoErr(t, s.UpdateHours(ctx, &upd))
	if !upd.CreatedAt.Equal(created.CreatedAt) || !upd.UpdatedAt.After(created.UpdatedAt) {
		t.Errorf("update timestamps: created %v updated %v; was created %v updated %v", upd.CreatedAt, upd.UpdatedAt, created.CreatedAt, created.UpdatedAt)
	}
	got, err = s.FindHoursByID(ctx, h.ID)
	mustNoErr(t, err)
	diff(t, "updated hours", got, &upd)
	wantCode(t, s.UpdateHours(ctx, &parley.HoursOfOperation{ID: "nope", Name: "X", TimeZone: "UTC"}), parley.ENotFound, "")
	dup := upd
	dup.Name = "night"
	wantCode(t, s.UpdateHours(ctx, &dup), parley.EConflict, "")

	// In use by a queue.
	q := fix(t, db).queue("Sales", got)
	err = s.DeleteHours(ctx, h.ID)
	if e := wantCode(t, err, parley.EConflict, ""); e.Message != `hours of operation "Main office" is used by queue "Sales"` {
		t.Errorf("message = %q", e.Message)
	}
	mustNoErr(t, NewQueueService(db).DeleteQueue(ctx, q.ID))
	mustNoErr(t, s.DeleteHours(ctx, h.ID))
	wantCode(t, s.DeleteHours(ctx, h.ID), parley.ENotFound, "")
	_, err = s.FindHoursByID(ctx, h.ID)
	wantCode(t, err, parley.ENotFound, "")

	es := auditOf(t, db, "hours_of_operation", string(h.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want create, update, delete", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Office", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Main office", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Main office", &upd, nil)
}

func TestQueueService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewQueueService(db)
	hours := f.hours("Office")
	whisper := f.flow("Whisper", parley.FlowOutboundWhisper)
	inbound := f.flow("Inbound", parley.FlowContact)
	number := &parley.PhoneNumber{Number: "+442071838750"}
	mustNoErr(t, NewPhoneNumberService(db).CreatePhoneNumber(ctx, number))
	qc1 := &parley.QuickConnect{Name: "Reception", Type: parley.QuickConnectPhoneNumber, PhoneNumber: "+441234567890"}
	qc2 := &parley.QuickConnect{Name: "Security", Type: parley.QuickConnectPhoneNumber, PhoneNumber: "2222"}
	mustNoErr(t, NewQuickConnectService(db).CreateQuickConnect(ctx, qc1))
	mustNoErr(t, NewQuickConnectService(db).CreateQuickConnect(ctx, qc2))

	q := &parley.Queue{Name: "Sales", Description: "new business", HoursOfOperationID: hours.ID, MaxContacts: 20,
		OutboundCallerName: "Parley Sales", OutboundCallerID: number.ID, OutboundFlowID: whisper.ID,
		QuickConnectIDs: []parley.QuickConnectID{qc2.ID, qc1.ID}}
	mustNoErr(t, s.CreateQueue(ctx, q))
	if q.Status != parley.QueueEnabled {
		t.Errorf("default status = %q", q.Status)
	}
	created := *q
	got, err := s.FindQueueByID(ctx, q.ID)
	mustNoErr(t, err)
	diff(t, "found queue", got, q)

	for _, tc := range []struct {
		name  string
		q     parley.Queue
		code  parley.ErrorCode
		field string
		msg   string
	}{
		{"duplicate name", parley.Queue{Name: "sales", HoursOfOperationID: hours.ID}, parley.EConflict, "", `a queue named "sales" already exists`},
		{"unknown hours", parley.Queue{Name: "X", HoursOfOperationID: "x"}, parley.EInvalid, "hoursOfOperationId", `hoursOfOperationId: no hours of operation with ID "x"`},
		{"missing hours", parley.Queue{Name: "X"}, parley.EInvalid, "hoursOfOperationId", ""},
		{"unknown caller ID", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, OutboundCallerID: "p"}, parley.EInvalid, "outboundCallerId", ""},
		{"unknown flow", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, OutboundFlowID: "f"}, parley.EInvalid, "outboundFlowId", ""},
		{"flow of the wrong type", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, OutboundFlowID: inbound.ID}, parley.EInvalid, "outboundFlowId", ""},
		{"unknown quick connect", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, QuickConnectIDs: []parley.QuickConnectID{qc1.ID, "qc"}}, parley.EInvalid, "quickConnectIds[1]", ""},
		{"bad status", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, Status: "OPEN"}, parley.EInvalid, "status", ""},
		{"too many contacts", parley.Queue{Name: "X", HoursOfOperationID: hours.ID, MaxContacts: -1}, parley.EInvalid, "maxContacts", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			e := wantCode(t, s.CreateQueue(ctx, &q), tc.code, tc.field)
			if tc.msg != "" && e.Message != tc.msg {
				t.Errorf("message = %q, want %q", e.Message, tc.msg)
			}
		})
	}
	if n := countRows(t, db, "queues"); n != 1 {
		t.Errorf("%d queues after failed creates, want 1", n)
	}

	other := f.queue("Billing", hours)
	list, err := s.FindQueues(ctx)
	mustNoErr(t, err)
	diff(t, "queue list", list, []*parley.Queue{other, q})

	upd := *q
	upd.Name, upd.Status, upd.OutboundCallerID, upd.OutboundFlowID = "Sales UK", parley.QueueDisabled, "", ""
	upd.QuickConnectIDs = []parley.QuickConnectID{qc1.ID}
	mustNoErr(t, s.UpdateQueue(ctx, &upd))
	got, err = s.FindQueueByID(ctx, q.ID)
	mustNoErr(t, err)
	diff(t, "updated queue", got, &upd)
	if n := countRows(t, db, "queue_quick_connects"); n != 1 {
		t.Errorf("%d queue_quick_connects rows, want 1", n)
	}
	bad := upd
	bad.ID = "nope"
	wantCode(t, s.UpdateQueue(ctx, &bad), parley.ENotFound, "")
	bad = upd
	bad.Name = "BILLING"
	wantCode(t, s.UpdateQueue(ctx, &bad), parley.EConflict, "")
	bad = upd
	bad.HoursOfOperationID = "gone"
	wantCode(t, s.UpdateQueue(ctx, &bad), parley.EInvalid, "hoursOfOperationId")

	// In use by a routing profile (as an entry and as the default outbound queue) and by a
	// quick connect.
	rp := f.routingProfile("Sales Agents", got)
	e := wantCode(t, s.DeleteQueue(ctx, q.ID), parley.EConflict, "")
	if e.Message != `queue "Sales UK" is used by routing profile "Sales Agents"` {
		t.Errorf("message = %q", e.Message)
	}
	rp.Queues = []parley.RoutingProfileQueue{{QueueID: other.ID, Channel: parley.ChannelVoice, Priority: 1}}
	mustNoErr(t, NewRoutingProfileService(db).UpdateRoutingProfile(ctx, rp))
	wantCode(t, s.DeleteQueue(ctx, q.ID), parley.EConflict, "") // still the default outbound queue
	mustNoErr(t, NewRoutingProfileService(db).DeleteRoutingProfile(ctx, rp.ID))
	qqc := &parley.QuickConnect{Name: "To sales", Type: parley.QuickConnectQueue, QueueID: q.ID}
	mustNoErr(t, NewQuickConnectService(db).CreateQuickConnect(ctx, qqc))
	e = wantCode(t, s.DeleteQueue(ctx, q.ID), parley.EConflict, "")
	if e.Message != `queue "Sales UK" is used by quick connect "To sales"` {
		t.Errorf("message = %q", e.Message)
	}
	mustNoErr(t, NewQuickConnectService(db).DeleteQuickConnect(ctx, qqc.ID))

	mustNoErr(t, s.DeleteQueue(ctx, q.ID))
	wantCode(t, s.DeleteQueue(ctx, q.ID), parley.ENotFound, "")
	if n := countRows(t, db, "queue_quick_connects"); n != 0 {
		t.Errorf("%d queue_quick_connects rows after delete, want 0", n)
	}
	es := auditOf(t, db, "queue", string(q.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Sales", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Sales UK", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Sales UK", &upd, nil)
}

func TestRoutingProfileService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewRoutingProfileService(db)
	hours := f.hours("Office")
	q1, q2 := f.queue("Sales", hours), f.queue("Support", hours)

	p := &parley.RoutingProfile{Name: "Sales Agents", DefaultOutboundQueueID: q1.ID, AfterContactWorkTimeLimit: 30,
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}, {Channel: parley.ChannelChat, Concurrency: 3, CrossChannelBehavior: parley.RouteCurrentChannelOnly}},
		Queues: []parley.RoutingProfileQueue{{QueueID: q2.ID, Channel: parley.ChannelChat, Priority: 2, Delay: 10},
			{QueueID: q1.ID, Channel: parley.ChannelVoice, Priority: 1}, {QueueID: q1.ID, Channel: parley.ChannelChat, Priority: 1}}}
	mustNoErr(t, s.CreateRoutingProfile(ctx, p))
	if p.MediaConcurrencies[0].CrossChannelBehavior != parley.RouteAnyChannel {
		t.Errorf("default cross-channel behaviour not filled: %+v", p.MediaConcurrencies[0])
	}
	created := *p
	got, err := s.FindRoutingProfileByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "found profile", got, p)

	voice := []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}}
	wantCode(t, s.CreateRoutingProfile(ctx, &parley.RoutingProfile{Name: "SALES AGENTS", DefaultOutboundQueueID: q1.ID, MediaConcurrencies: voice}), parley.EConflict, "")
	wantCode(t, s.CreateRoutingProfile(ctx, &parley.RoutingProfile{Name: "X", DefaultOutboundQueueID: "nope", MediaConcurrencies: voice}), parley.EInvalid, "defaultOutboundQueueId")
	wantCode(t, s.CreateRoutingProfile(ctx, &parley.RoutingProfile{Name: "X", DefaultOutboundQueueID: q1.ID}), parley.EInvalid, "mediaConcurrencies")
	wantCode(t, s.CreateRoutingProfile(ctx, &parley.RoutingProfile{Name: "X", DefaultOutboundQueueID: q1.ID, MediaConcurrencies: voice,
		Queues: []parley.RoutingProfileQueue{{QueueID: q1.ID, Channel: parley.ChannelVoice, Priority: 100}}}), parley.EInvalid, "queues[0].priority")

	other := f.routingProfile("Billing Agents", q2)
	list, err := s.FindRoutingProfiles(ctx)
	mustNoErr(t, err)
	diff(t, "profile list", list, []*parley.RoutingProfile{other, p})

	upd := *p
	upd.Name, upd.DefaultOutboundQueueID = "Sales Team", q2.ID
	upd.MediaConcurrencies = voice
	upd.Queues = []parley.RoutingProfileQueue{{QueueID: q2.ID, Channel: parley.ChannelVoice, Priority: 5, Delay: 3}}
	mustNoErr(t, s.UpdateRoutingProfile(ctx, &upd))
	got, err = s.FindRoutingProfileByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "updated profile", got, &upd)
	bad := upd
	bad.ID = "nope"
	wantCode(t, s.UpdateRoutingProfile(ctx, &bad), parley.ENotFound, "")
	bad = upd
	bad.Queues = []parley.RoutingProfileQueue{{QueueID: "gone", Channel: parley.ChannelVoice, Priority: 1}}
	wantCode(t, s.UpdateRoutingProfile(ctx, &bad), parley.EInvalid, "queues[0].queueId")
	got, err = s.FindRoutingProfileByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "profile after a failed update", got, &upd)

	// In use by a user.
	u := &parley.User{Username: "alice", SecurityProfileIDs: []parley.SecurityProfileID{f.securityProfile("Agents").ID}, RoutingProfileID: p.ID}
	mustNoErr(t, NewUserService(db).CreateUser(ctx, u, "password1"))
	e := wantCode(t, s.DeleteRoutingProfile(ctx, p.ID), parley.EConflict, "")
	if e.Message != `routing profile "Sales Team" is used by user "alice"` {
		t.Errorf("message = %q", e.Message)
	}
	u.RoutingProfileID = ""
	mustNoErr(t, NewUserService(db).UpdateUser(ctx, u))
	mustNoErr(t, s.DeleteRoutingProfile(ctx, p.ID))
	wantCode(t, s.DeleteRoutingProfile(ctx, p.ID), parley.ENotFound, "")
	var n int
	mustNoErr(t, db.db.QueryRow(`SELECT count(*) FROM routing_profile_queues WHERE routing_profile_id = ?`, string(p.ID)).Scan(&n))
	if n != 0 {
		t.Errorf("%d join rows left after delete", n)
	}
	es := auditOf(t, db, "routing_profile", string(p.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Sales Agents", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Sales Team", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Sales Team", &upd, nil)
}

// A change that fails part-way leaves nothing: no entity row, no join rows, no audit entry.
func TestRoutingProfileService_failureLeavesNothing(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	hours := f.hours("Office")
	q1, q2 := f.queue("Sales", hours), f.queue("Support", hours)
	before := countRows(t, db, "audit_entries")

	p := &parley.RoutingProfile{Name: "Half", DefaultOutboundQueueID: q1.ID,
		MediaConcurrencies: []parley.MediaConcurrency{{Channel: parley.ChannelVoice, Concurrency: 1}},
		Queues: []parley.RoutingProfileQueue{{QueueID: q1.ID, Channel: parley.ChannelVoice, Priority: 1},
			{QueueID: q2.ID, Channel: parley.ChannelVoice, Priority: 2}, {QueueID: "missing", Channel: parley.ChannelVoice, Priority: 3}}}
	e := wantCode(t, NewRoutingProfileService(db).CreateRoutingProfile(ctx, p), parley.EInvalid, "queues[2].queueId")
	if e.Message != `queues[2].queueId: no queue with ID "missing"` {
		t.Errorf("message = %q", e.Message)
	}
	for table, want := range map[string]int{"routing_profiles": 0, "routing_profile_queues": 0, "audit_entries": before} {
		if n := countRows(t, db, table); n != want {
			t.Errorf("%s has %d rows, want %d", table, n, want)
		}
	}
}

func TestQuickConnectService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewQuickConnectService(db)
	hours := f.hours("Office")
	q := f.queue("Sales", hours)
	u := f.user("bob", f.securityProfile("Agents"))
	qt := f.flow("Queue transfer", parley.FlowQueueTransfer)
	at := f.flow("Agent transfer", parley.FlowAgentTransfer)

	toQueue := &parley.QuickConnect{Name: "Sales", Type: parley.QuickConnectQueue, QueueID: q.ID, FlowID: qt.ID}
	toUser := &parley.QuickConnect{Name: "Bob", Type: parley.QuickConnectUser, UserID: u.ID, FlowID: at.ID}
	toPhone := &parley.QuickConnect{Name: "Mobile", Description: "out", Type: parley.QuickConnectPhoneNumber, PhoneNumber: "+447700900123"}
	for _, qc := range []*parley.QuickConnect{toQueue, toUser, toPhone} {
		mustNoErr(t, s.CreateQuickConnect(ctx, qc))
		got, err := s.FindQuickConnectByID(ctx, qc.ID)
		mustNoErr(t, err)
		diff(t, "found quick connect", got, qc)
	}
	created := *toQueue
	list, err := s.FindQuickConnects(ctx)
	mustNoErr(t, err)
	diff(t, "quick connect list", list, []*parley.QuickConnect{toUser, toPhone, toQueue})

	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "SALES", Type: parley.QuickConnectQueue, QueueID: q.ID}), parley.EConflict, "")
	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "X", Type: parley.QuickConnectQueue, QueueID: "nope"}), parley.EInvalid, "queueId")
	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "X", Type: parley.QuickConnectUser, UserID: "nope"}), parley.EInvalid, "userId")
	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "X", Type: parley.QuickConnectUser, UserID: u.ID, FlowID: "nope"}), parley.EInvalid, "flowId")
	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "X", Type: parley.QuickConnectUser, UserID: u.ID, FlowID: qt.ID}), parley.EInvalid, "flowId")
	wantCode(t, s.CreateQuickConnect(ctx, &parley.QuickConnect{Name: "X", Type: parley.QuickConnectPhoneNumber, PhoneNumber: "call me"}), parley.EInvalid, "phoneNumber")

	upd := *toQueue
	upd.Name, upd.FlowID = "Sales desk", ""
	mustNoErr(t, s.UpdateQuickConnect(ctx, &upd))
	got, err := s.FindQuickConnectByID(ctx, upd.ID)
	mustNoErr(t, err)
	diff(t, "updated quick connect", got, &upd)
	bad := upd
	bad.ID = "nope"
	wantCode(t, s.UpdateQuickConnect(ctx, &bad), parley.ENotFound, "")
	bad = upd
	bad.Name = "bob"
	wantCode(t, s.UpdateQuickConnect(ctx, &bad), parley.EConflict, "")

	// The user and the flow are in use by a quick connect.
	e := wantCode(t, NewUserService(db).DeleteUser(ctx, u.ID), parley.EConflict, "")
	if e.Message != `user "bob" is used by quick connect "Bob"` {
		t.Errorf("message = %q", e.Message)
	}
	e = wantCode(t, NewFlowService(db).DeleteFlow(ctx, at.ID), parley.EConflict, "")
	if e.Message != `flow "Agent transfer" is used by quick connect "Bob"` {
		t.Errorf("message = %q", e.Message)
	}

	// In use by a queue.
	q.QuickConnectIDs = []parley.QuickConnectID{upd.ID}
	mustNoErr(t, NewQueueService(db).UpdateQueue(ctx, q))
	e = wantCode(t, s.DeleteQuickConnect(ctx, upd.ID), parley.EConflict, "")
	if e.Message != `quick connect "Sales desk" is used by queue "Sales"` {
		t.Errorf("message = %q", e.Message)
	}
	q.QuickConnectIDs = nil
	mustNoErr(t, NewQueueService(db).UpdateQueue(ctx, q))
	mustNoErr(t, s.DeleteQuickConnect(ctx, upd.ID))
	wantCode(t, s.DeleteQuickConnect(ctx, upd.ID), parley.ENotFound, "")

	es := auditOf(t, db, "quick_connect", string(toQueue.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Sales", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Sales desk", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Sales desk", &upd, nil)
}

func TestPhoneNumberService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewPhoneNumberService(db)
	inbound := f.flow("Inbound", parley.FlowContact)
	whisper := f.flow("Whisper", parley.FlowOutboundWhisper)

	p := &parley.PhoneNumber{Number: "+442071838750", Description: "main line", FlowID: inbound.ID}
	mustNoErr(t, s.CreatePhoneNumber(ctx, p))
	created := *p
	got, err := s.FindPhoneNumberByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "found number", got, p)
	ext := &parley.PhoneNumber{Number: "1001"}
	mustNoErr(t, s.CreatePhoneNumber(ctx, ext))

	e := wantCode(t, s.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: "+442071838750"}), parley.EConflict, "")
	if e.Message != "the phone number +442071838750 is already claimed" {
		t.Errorf("message = %q", e.Message)
	}
	wantCode(t, s.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: "12ab"}), parley.EInvalid, "number")
	wantCode(t, s.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: "1002", FlowID: "nope"}), parley.EInvalid, "flowId")
	wantCode(t, s.CreatePhoneNumber(ctx, &parley.PhoneNumber{Number: "1002", FlowID: whisper.ID}), parley.EInvalid, "flowId")

	list, err := s.FindPhoneNumbers(ctx, parley.PhoneNumberFilter{})
	mustNoErr(t, err)
	diff(t, "number list", list, []*parley.PhoneNumber{p, ext})
	list, err = s.FindPhoneNumbers(ctx, parley.PhoneNumberFilter{Number: "1001"})
	mustNoErr(t, err)
	diff(t, "numbers by number", list, []*parley.PhoneNumber{ext})

	upd := *p
	upd.Number, upd.FlowID = "+442071838751", ""
	mustNoErr(t, s.UpdatePhoneNumber(ctx, &upd))
	got, err = s.FindPhoneNumberByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "updated number", got, &upd)
	bad := upd
	bad.Number = "1001"
	wantCode(t, s.UpdatePhoneNumber(ctx, &bad), parley.EConflict, "")
	bad.ID, bad.Number = "nope", "1003"
	wantCode(t, s.UpdatePhoneNumber(ctx, &bad), parley.ENotFound, "")

	// The flow is in use by the extension; the number is in use by a queue as caller ID.
	ext.FlowID = inbound.ID
	mustNoErr(t, s.UpdatePhoneNumber(ctx, ext))
	e = wantCode(t, NewFlowService(db).DeleteFlow(ctx, inbound.ID), parley.EConflict, "")
	if e.Message != `flow "Inbound" is used by phone number "1001"` {
		t.Errorf("message = %q", e.Message)
	}
	q := &parley.Queue{Name: "Sales", HoursOfOperationID: f.hours("Office").ID, OutboundCallerID: p.ID}
	mustNoErr(t, NewQueueService(db).CreateQueue(ctx, q))
	e = wantCode(t, s.DeletePhoneNumber(ctx, p.ID), parley.EConflict, "")
	if e.Message != `phone number "+442071838751" is used by queue "Sales"` {
		t.Errorf("message = %q", e.Message)
	}
	mustNoErr(t, NewQueueService(db).DeleteQueue(ctx, q.ID))
	mustNoErr(t, s.DeletePhoneNumber(ctx, p.ID))
	wantCode(t, s.DeletePhoneNumber(ctx, p.ID), parley.ENotFound, "")

	es := auditOf(t, db, "phone_number", string(p.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "+442071838750", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "+442071838751", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "+442071838751", &upd, nil)
}
