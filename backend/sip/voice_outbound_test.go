package sip

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parley-cc/parley/backend/flow"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/sqlite"
)

const (
	trunkUser = "parley"
	trunkPass = "trunk-secret"
	customer  = "+15555550199"
)

// withTrunk gives the harness a trunk whose far end is a sipp UAS on a free port (started by
// the returned function with a scenario from testdata/sipp), and makes the demo number the
// Sales queue's outbound caller ID.
func (h *voiceHarness) withTrunk(numberFormat parley.NumberFormat) (startFarEnd func(scenarioName string, calls int) (wait func() sippResult)) {
	t := h.t
	t.Helper()
	port := freePort(t)
	trunks := sqlite.NewTrunkService(h.db)
	mustT(t, trunks.CreateTrunk(h.ctx, &parley.Trunk{Name: "Carrier", Host: "127.0.0.1", Port: port,
		Username: trunkUser, Password: trunkPass, NumberFormat: numberFormat, Default: true}))
	h.vc.Trunks = trunks
	queues := sqlite.NewQueueService(h.db)
	nums, err := sqlite.NewPhoneNumberService(h.db).FindPhoneNumbers(h.ctx, parley.PhoneNumberFilter{Number: DemoNumber})
	mustT(t, err)
	q := *h.queues["Sales"]
	q.OutboundCallerID = nums[0].ID
	mustT(t, queues.UpdateQueue(h.ctx, &q))
	tr := &parley.Trunk{NumberFormat: numberFormat}
	return func(name string, calls int) func() sippResult {
		sc := scenario(t, name, "{{CALLER}}", regexpQuote(tr.Format(DemoNumber)), "{{DEST}}", regexpQuote(tr.Format(customer)),
			"{{USER}}", trunkUser, "{{PASS}}", trunkPass)
		done := make(chan sippResult, 1)
		go func() {
			done <- runSippAt(t, port, sc, "-m", strconv.Itoa(calls))
		}()
		return func() sippResult { return <-done }
	}
}

func regexpQuote(s string) string {
	if len(s) > 0 && s[0] == '+' {
		return `\` + s
	}
	return s
}

// TestVoiceOutboundThroughTrunk: alice dials a customer. Her softphone rings first (answered
// automatically: answer-after=0), then the customer through the trunk (a sipp UAS that
// challenges for digest credentials, checks the caller ID is the Sales queue's number, answers
// with PCMA and plays speech). Alice hears the customer and hangs up. The router saw an
// OUTBOUND contact with alice from the start; the CTR has the queue, the agent, the endpoints
// and a recording with the customer on the left and alice on the right.
func TestVoiceOutboundThroughTrunk(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	farEnd := h.withTrunk(parley.NumberE164)
	heard := make(chan int, 1)
	alice := h.available("alice", talkingPhone(t, phoneOptions{hangupAfter: 50, heard: heard}))
	wait := farEnd("uas_trunk.xml", 1)

	if _, err := h.vc.StartOutbound(h.ctx, alice, parley.OutboundCall{Destination: "555-0199"}); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("bad destination: %v, want invalid", err)
	}
	if _, err := h.vc.StartOutbound(h.ctx, h.agents["bob"].ID, parley.OutboundCall{Destination: customer}); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Errorf("bob is not logged in: %v, want conflict", err)
	}
	if _, err := h.vc.StartOutbound(h.ctx, alice, parley.OutboundCall{Destination: customer, QueueID: h.queues["Billing"].ID}); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("a queue without caller ID: %v, want invalid", err)
	}
	id, err := h.vc.StartOutbound(h.ctx, alice, parley.OutboundCall{Destination: customer})
	mustT(t, err)
	if _, err := h.vc.StartOutbound(h.ctx, alice, parley.OutboundCall{Destination: customer}); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Errorf("a second call while on one: %v, want conflict", err)
	}
	if n := <-heard; n < 50 {
		t.Errorf("alice heard %d voiced packets of the customer, want 50", n)
	}
	if res := wait(); res.code != 0 {
		t.Fatalf("trunk far end: sipp exit %d:\n%s", res.code, res.out)
	}
	h.events.waitFor(t, "DISCONNECTED", func(ev parley.ContactEvent) bool {
		return ev.ContactID == id && ev.Type == parley.ContactEventDisconnected
	})
	mustT(t, h.router.ClearACW(h.ctx, alice, id))
	ctr, final := h.rec.CTR(id)
	if ctr == nil || !final {
		t.Fatalf("CTR %+v final=%v", ctr, final)
	}
	if ctr.InitiationMethod != parley.InitOutbound || ctr.Channel != parley.ChannelVoice {
		t.Errorf("CTR method %s channel %s", ctr.InitiationMethod, ctr.Channel)
	}
	if ctr.CustomerEndpoint == nil || ctr.CustomerEndpoint.Address != customer || ctr.SystemEndpoint == nil || ctr.SystemEndpoint.Address != DemoNumber {
		t.Errorf("CTR endpoints %+v %+v", ctr.CustomerEndpoint, ctr.SystemEndpoint)
	}
	if ctr.Queue == nil || ctr.Queue.ID != h.queues["Sales"].ID || ctr.Agent == nil || ctr.Agent.ID != alice || ctr.DisconnectReason != parley.DisconnectAgent {
		t.Errorf("CTR queue %+v agent %+v reason %s", ctr.Queue, ctr.Agent, ctr.DisconnectReason)
	}
	if ctr.Recording == nil {
		t.Fatal("no recording")
	}
	left, right := recordingRMS(t, filepath.Join(h.dataDir, filepath.FromSlash(ctr.Recording.Location)))
	if left < 200 || right < 200 {
		t.Errorf("recording RMS left (customer) %.0f, right (agent) %.0f: want both > 200", left, right)
	}
	row, err := h.contacts.FindContactByID(h.ctx, id)
	mustT(t, err)
	if row.InitiationMethod != parley.InitOutbound || row.AgentID != alice {
		t.Errorf("stored contact %+v", row)
	}
	var sawOffered, sawConnecting bool
	for _, ev := range h.events.all() {
		if ev.ContactID == id {
			sawOffered = sawOffered || ev.Type == parley.ContactEventOffered && ev.AgentID == alice
			sawConnecting = sawConnecting || ev.Type == parley.ContactEventConnecting
		}
	}
	if !sawOffered || !sawConnecting {
		t.Errorf("router events for the outbound contact lack OFFERED/CONNECTING to alice")
	}
}

// TestVoiceCallbackDialled: a queued callback (as CreateCallbackContact makes) reaches alice:
// her phone rings, then the customer is dialled through the trunk (number format DIGITS) and
// bridged; alice hangs up after hearing them. The CTR is a CALLBACK linked to the call that
// asked for it.
func TestVoiceCallbackDialled(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	farEnd := h.withTrunk(parley.NumberDigits)
	wait := farEnd("uas_trunk.xml", 1)
	heard := make(chan int, 1)
	// The callback is queued before alice is available.
	r := &callRun{v: h.vc, log: testLogger(t), contact: parley.Contact{ID: "inbound-1", InitialContactID: "inbound-1",
		SystemEndpoint: &parley.Endpoint{Type: parley.EndpointTelephone, Address: DemoNumber}}}
	mustT(t, h.contacts.CreateContact(h.ctx, &parley.Contact{ID: "inbound-1", Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound, State: parley.ContactCompleted}))
	r.createCallback(h.ctx, callbackEffect(string(h.queues["Sales"].ID), "15555550199"))
	queued := h.events.waitFor(t, "callback QUEUED", func(ev parley.ContactEvent) bool {
		return ev.Type == parley.ContactEventQueued && ev.InitiationMethod == parley.InitCallback
	})
	alice := h.available("alice", talkingPhone(t, phoneOptions{hangupAfter: 50, heard: heard}))
	if n := <-heard; n < 50 {
		t.Errorf("alice heard %d voiced packets of the customer, want 50", n)
	}
	if res := wait(); res.code != 0 {
		t.Fatalf("trunk far end: sipp exit %d:\n%s", res.code, res.out)
	}
	h.events.waitFor(t, "DISCONNECTED", func(ev parley.ContactEvent) bool {
		return ev.ContactID == queued.ContactID && ev.Type == parley.ContactEventDisconnected
	})
	mustT(t, h.router.ClearACW(h.ctx, alice, queued.ContactID))
	ctr, _ := h.rec.CTR(queued.ContactID)
	if ctr == nil || ctr.InitiationMethod != parley.InitCallback || ctr.Agent == nil || ctr.Agent.ID != alice || ctr.PreviousContactID != "inbound-1" {
		t.Errorf("callback CTR %+v", ctr)
	}
}

func callbackEffect(queue, number string) *flowCreateCallback {
	return &flowCreateCallback{Queue: &flowQueueRef{ID: queue}, Number: number, MaxAttempts: 1}
}

type (
	flowCreateCallback = flow.CreateCallback
	flowQueueRef       = flow.QueueRef
)
