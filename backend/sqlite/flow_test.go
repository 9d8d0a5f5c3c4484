package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

func TestAgentStatusService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	mustNoErr(t, db.EnsureDefaults(context.Background()))
	s := NewAgentStatusService(db)

	lunch := &parley.AgentStatus{Name: "Lunch", Description: "back soon", DisplayOrder: 3, Enabled: true}
	mustNoErr(t, s.CreateAgentStatus(ctx, lunch))
	if lunch.Type != parley.StatusCustom {
		t.Errorf("type = %q, want CUSTOM", lunch.Type)
	}
	created := *lunch
	got, err := s.FindAgentStatusByID(ctx, lunch.ID)
	mustNoErr(t, err)
	diff(t, "found status", got, lunch)
	brk := &parley.AgentStatus{Name: "Break", Type: parley.StatusCustom, DisplayOrder: 3}
	mustNoErr(t, s.CreateAgentStatus(ctx, brk))

	wantCode(t, s.CreateAgentStatus(ctx, &parley.AgentStatus{Name: "LUNCH", DisplayOrder: 4}), parley.EConflict, "")
	wantCode(t, s.CreateAgentStatus(ctx, &parley.AgentStatus{Name: "Ready", Type: parley.StatusRoutable, DisplayOrder: 4}), parley.EInvalid, "type")
	wantCode(t, s.CreateAgentStatus(ctx, &parley.AgentStatus{Name: "Gone", Type: parley.StatusOffline, DisplayOrder: 4}), parley.EInvalid, "type")
	wantCode(t, s.CreateAgentStatus(ctx, &parley.AgentStatus{Name: "Late", DisplayOrder: 51}), parley.EInvalid, "displayOrder")

	list, err := s.FindAgentStatuses(ctx)
	mustNoErr(t, err)
	var names []string
	for _, st := range list {
		names = append(names, st.Name)
	}
	diff(t, "status order", names, []string{"Available", "Break", "Lunch", "Offline"})
	available, offline := list[0], list[3]

	upd := *lunch
	upd.Name, upd.Enabled, upd.DisplayOrder = "Lunch break", false, 10
	mustNoErr(t, s.UpdateAgentStatus(ctx, &upd))
	got, err = s.FindAgentStatusByID(ctx, lunch.ID)
	mustNoErr(t, err)
	diff(t, "updated status", got, &upd)
	bad := upd
	bad.Type = parley.StatusRoutable
	wantCode(t, s.UpdateAgentStatus(ctx, &bad), parley.EInvalid, "type")
	bad = upd
	bad.Name = "break"
	wantCode(t, s.UpdateAgentStatus(ctx, &bad), parley.EConflict, "")
	bad.ID, bad.Name = "nope", "Nope"
	wantCode(t, s.UpdateAgentStatus(ctx, &bad), parley.ENotFound, "")

	// The system statuses: renamed yes; disabled, retyped or deleted no.
	for _, sys := range []*parley.AgentStatus{available, offline} {
		off := *sys
		off.Enabled = false
		wantCode(t, s.UpdateAgentStatus(ctx, &off), parley.EInvalid, "enabled")
		retyped := *sys
		retyped.Type = parley.StatusCustom
		wantCode(t, s.UpdateAgentStatus(ctx, &retyped), parley.EInvalid, "type")
		wantCode(t, s.DeleteAgentStatus(ctx, sys.ID), parley.EInvalid, "")
		renamed := *sys
		renamed.Name = sys.Name + " now"
		mustNoErr(t, s.UpdateAgentStatus(ctx, &renamed))
	}

	mustNoErr(t, s.DeleteAgentStatus(ctx, lunch.ID))
	wantCode(t, s.DeleteAgentStatus(ctx, lunch.ID), parley.ENotFound, "")
	es := auditOf(t, db, "agent_status", string(lunch.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Lunch", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Lunch break", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Lunch break", &upd, nil)
}

func flowDoc(start string) string {
	return `{"Version":"2019-10-30","StartAction":"` + start + `","Actions":[]}`
}

func TestFlowService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewFlowService(db)

	fl := &parley.Flow{Name: "Inbound", Description: "main", Type: parley.FlowContact, Content: flowDoc("v1")}
	mustNoErr(t, s.CreateFlow(ctx, fl))
	created := *fl
	got, err := s.FindFlowByID(ctx, fl.ID)
	mustNoErr(t, err)
	diff(t, "found flow", got, fl)
	if got.PublishedVersion != 0 {
		t.Errorf("new flow published version = %d", got.PublishedVersion)
	}
	vs, err := s.FindFlowVersions(ctx, fl.ID)
	mustNoErr(t, err)
	if len(vs) != 0 {
		t.Errorf("new flow has %d versions", len(vs))
	}

	wantCode(t, s.CreateFlow(ctx, &parley.Flow{Name: "INBOUND", Type: parley.FlowContact, Content: validFlow}), parley.EConflict, "")
	wantCode(t, s.CreateFlow(ctx, &parley.Flow{Name: "X", Type: "SOMETHING", Content: validFlow}), parley.EInvalid, "type")
	wantCode(t, s.CreateFlow(ctx, &parley.Flow{Name: "X", Type: parley.FlowContact, Content: `{"Version":"2019-10-30"}`}), parley.EInvalid, "content")
	module := &parley.Flow{Name: "Authenticate", Type: parley.FlowModule, Content: validFlow}
	mustNoErr(t, s.CreateFlow(ctx, module))
	list, err := s.FindFlows(ctx)
	mustNoErr(t, err)
	diff(t, "flow list", list, []*parley.Flow{module, fl})

	// Publish v1, edit the draft, publish v2.
	v1, err := s.PublishFlow(ctx, fl.ID)
	mustNoErr(t, err)
	if v1.Version != 1 || v1.Content != flowDoc("v1") || v1.PublishedBy != "actor-1" {
		t.Errorf("v1 = %+v", v1)
	}
	published1, err := s.FindFlowByID(ctx, fl.ID)
	mustNoErr(t, err)
	upd := *published1
	upd.Name, upd.Content = "Inbound main", flowDoc("v2")
	upd.PublishedVersion = 99 // ignored
	mustNoErr(t, s.UpdateFlow(ctx, &upd))
	if upd.PublishedVersion != 1 {
		t.Errorf("update changed the published version to %d", upd.PublishedVersion)
	}
	got, err = s.FindFlowByID(ctx, fl.ID)
	mustNoErr(t, err)
	diff(t, "updated flow", got, &upd)
	retyped := upd
	retyped.Type = parley.FlowModule
	wantCode(t, s.UpdateFlow(ctx, &retyped), parley.EInvalid, "type")
	bad := upd
	bad.Name = "authenticate"
	wantCode(t, s.UpdateFlow(ctx, &bad), parley.EConflict, "")
	bad.ID, bad.Name = "nope", "Nope"
	wantCode(t, s.UpdateFlow(ctx, &bad), parley.ENotFound, "")

	v2, err := s.PublishFlow(ctx, fl.ID)
	mustNoErr(t, err)
	if v2.Version != 2 || v2.Content != flowDoc("v2") {
		t.Errorf("v2 = %+v", v2)
	}
	vs, err = s.FindFlowVersions(ctx, fl.ID)
	mustNoErr(t, err)
	diff(t, "versions", vs, []*parley.FlowVersion{v2, v1})
	got1, err := s.FindFlowVersion(ctx, fl.ID, 1)
	mustNoErr(t, err)
	diff(t, "version 1", got1, v1)
	_, err = s.FindFlowVersion(ctx, fl.ID, 3)
	wantCode(t, err, parley.ENotFound, "")
	_, err = s.FindFlowVersions(ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")
	_, err = s.PublishFlow(ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")

	// Versions are immutable, even to SQL.
	if _, err := db.db.Exec(`UPDATE flow_versions SET content = 'x' WHERE flow_id = ?`, string(fl.ID)); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Errorf("updating a version: err = %v, want the trigger's refusal", err)
	}

	// Roll back to v1: live again, draft replaced; the versions stay.
	upd.Content = flowDoc("draft")
	mustNoErr(t, s.UpdateFlow(ctx, &upd))
	beforeRollback, err := s.FindFlowByID(ctx, fl.ID)
	mustNoErr(t, err)
	rolled, err := s.RollbackFlow(ctx, fl.ID, 1)
	mustNoErr(t, err)
	if rolled.PublishedVersion != 1 || rolled.Content != flowDoc("v1") {
		t.Errorf("after rollback: version %d, content %s", rolled.PublishedVersion, rolled.Content)
	}
	got, err = s.FindFlowByID(ctx, fl.ID)
	mustNoErr(t, err)
	diff(t, "rolled back flow", got, rolled)
	_, err = s.RollbackFlow(ctx, fl.ID, 7)
	wantCode(t, err, parley.ENotFound, "")
	_, err = s.RollbackFlow(ctx, "nope", 1)
	wantCode(t, err, parley.ENotFound, "")
	v3, err := s.PublishFlow(ctx, fl.ID)
	mustNoErr(t, err)
	if v3.Version != 3 || v3.Content != flowDoc("v1") {
		t.Errorf("v3 = %+v", v3)
	}

	// In use by a queue as outbound flow (phone numbers and quick connects: see their tests).
	whisper := &parley.Flow{Name: "Whisper", Type: parley.FlowOutboundWhisper, Content: validFlow}
	mustNoErr(t, s.CreateFlow(ctx, whisper))
	f := fix(t, db)
	q := &parley.Queue{Name: "Sales", HoursOfOperationID: f.hours("Office").ID, OutboundFlowID: whisper.ID}
	mustNoErr(t, NewQueueService(db).CreateQueue(ctx, q))
	e := wantCode(t, s.DeleteFlow(ctx, whisper.ID), parley.EConflict, "")
	if e.Message != `flow "Whisper" is used by queue "Sales"` {
		t.Errorf("message = %q", e.Message)
	}

	mustNoErr(t, s.DeleteFlow(ctx, fl.ID))
	wantCode(t, s.DeleteFlow(ctx, fl.ID), parley.ENotFound, "")
	var n int
	mustNoErr(t, db.db.QueryRow(`SELECT count(*) FROM flow_versions WHERE flow_id = ?`, string(fl.ID)).Scan(&n))
	if n != 0 {
		t.Errorf("%d versions left after delete", n)
	}

	es := auditOf(t, db, "flow", string(fl.ID))
	var actions []parley.AuditAction
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	diff(t, "audit actions", actions, []parley.AuditAction{parley.AuditCreate, parley.AuditPublish, parley.AuditUpdate,
		parley.AuditPublish, parley.AuditUpdate, parley.AuditRollback, parley.AuditPublish, parley.AuditDelete})
	checkAudit(t, es[0], parley.AuditCreate, "Inbound", nil, &created)
	checkAudit(t, es[1], parley.AuditPublish, "Inbound", &created, published1)
	checkAudit(t, es[2], parley.AuditUpdate, "Inbound main", published1, &parley.Flow{ID: upd.ID, Name: "Inbound main", Description: "main",
		Type: parley.FlowContact, Content: flowDoc("v2"), PublishedVersion: 1, CreatedAt: created.CreatedAt, UpdatedAt: decode[parley.Flow](t, es[2].After).UpdatedAt})
	checkAudit(t, es[5], parley.AuditRollback, "Inbound main", beforeRollback, rolled)
}

func TestPromptService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewPromptService(db)

	p := &parley.Prompt{Name: "Welcome", Description: "greeting", Type: parley.PromptText, Text: "Welcome to Parley."}
	mustNoErr(t, s.CreatePrompt(ctx, p))
	created := *p
	got, err := s.FindPromptByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "found prompt", got, p)
	hold := &parley.Prompt{Name: "Hold music", Type: parley.PromptAudio, AudioFile: "prompts/hold.wav"}
	mustNoErr(t, s.CreatePrompt(ctx, hold))
	list, err := s.FindPrompts(ctx)
	mustNoErr(t, err)
	diff(t, "prompt list", list, []*parley.Prompt{hold, p})

	wantCode(t, s.CreatePrompt(ctx, &parley.Prompt{Name: "WELCOME", Type: parley.PromptText, Text: "x"}), parley.EConflict, "")
	wantCode(t, s.CreatePrompt(ctx, &parley.Prompt{Name: "X", Type: parley.PromptText}), parley.EInvalid, "text")
	wantCode(t, s.CreatePrompt(ctx, &parley.Prompt{Name: "X", Type: "VIDEO"}), parley.EInvalid, "type")

	upd := *p
	upd.Name, upd.Text = "Welcome back", "<speak>Hello again.</speak>"
	mustNoErr(t, s.UpdatePrompt(ctx, &upd))
	got, err = s.FindPromptByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "updated prompt", got, &upd)
	bad := upd
	bad.Name = "hold music"
	wantCode(t, s.UpdatePrompt(ctx, &bad), parley.EConflict, "")
	bad.ID, bad.Name = "nope", "Nope"
	wantCode(t, s.UpdatePrompt(ctx, &bad), parley.ENotFound, "")

	mustNoErr(t, s.DeletePrompt(ctx, p.ID))
	wantCode(t, s.DeletePrompt(ctx, p.ID), parley.ENotFound, "")
	_, err = s.FindPromptByID(ctx, p.ID)
	wantCode(t, err, parley.ENotFound, "")
	es := auditOf(t, db, "prompt", string(p.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Welcome", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Welcome back", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Welcome back", &upd, nil)
}

func TestExternalFunctionService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewExternalFunctionService(db)
	const secret = "0123456789abcdef-secret"

	fn := &parley.ExternalFunction{Name: "CRM lookup", URL: "https://crm.example.com/lookup", Secret: secret}
	mustNoErr(t, s.CreateExternalFunction(ctx, fn))
	if fn.TimeoutSeconds != 3 {
		t.Errorf("default timeout = %d", fn.TimeoutSeconds)
	}
	created := *fn
	got, err := s.FindExternalFunctionByID(ctx, fn.ID)
	mustNoErr(t, err)
	diff(t, "found function", got, fn) // the store keeps the secret: the runtime signs with it
	list, err := s.FindExternalFunctions(ctx)
	mustNoErr(t, err)
	diff(t, "function list", list, []*parley.ExternalFunction{fn})

	wantCode(t, s.CreateExternalFunction(ctx, &parley.ExternalFunction{Name: "crm LOOKUP", URL: "https://x.example", Secret: secret}), parley.EConflict, "")
	wantCode(t, s.CreateExternalFunction(ctx, &parley.ExternalFunction{Name: "X", URL: "ftp://x.example", Secret: secret}), parley.EInvalid, "url")
	wantCode(t, s.CreateExternalFunction(ctx, &parley.ExternalFunction{Name: "X", URL: "https://x.example", Secret: "short"}), parley.EInvalid, "secret")
	wantCode(t, s.CreateExternalFunction(ctx, &parley.ExternalFunction{Name: "X", URL: "https://x.example", Secret: secret, TimeoutSeconds: 9}), parley.EInvalid, "timeoutSeconds")

	upd := *fn
	upd.Name, upd.Secret, upd.TimeoutSeconds = "CRM", "fedcba9876543210-rotated", 8
	mustNoErr(t, s.UpdateExternalFunction(ctx, &upd))
	got, err = s.FindExternalFunctionByID(ctx, fn.ID)
	mustNoErr(t, err)
	diff(t, "updated function", got, &upd)
	bad := upd
	bad.ID = "nope"
	wantCode(t, s.UpdateExternalFunction(ctx, &bad), parley.ENotFound, "")

	mustNoErr(t, s.DeleteExternalFunction(ctx, fn.ID))
	wantCode(t, s.DeleteExternalFunction(ctx, fn.ID), parley.ENotFound, "")

	es := auditOf(t, db, "external_function", string(fn.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	redactedCreated, redactedUpd := created, upd
	redactedCreated.Secret, redactedUpd.Secret = "********", "********"
	checkAudit(t, es[0], parley.AuditCreate, "CRM lookup", nil, &redactedCreated)
	checkAudit(t, es[1], parley.AuditUpdate, "CRM", &redactedCreated, &redactedUpd)
	checkAudit(t, es[2], parley.AuditDelete, "CRM", &redactedUpd, nil)
	for _, e := range es {
		if strings.Contains(string(e.Before)+string(e.After), "secret") || strings.Contains(string(e.Before)+string(e.After), "rotated") {
			t.Errorf("audit entry %s holds a secret: %s %s", e.Action, e.Before, e.After)
		}
	}
	if upd.Secret != "fedcba9876543210-rotated" {
		t.Errorf("redaction changed the caller's function: secret %q", upd.Secret)
	}
}
