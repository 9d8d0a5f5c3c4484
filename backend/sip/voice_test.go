package sip

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

// TestVoiceCallThroughMenuToAgent is the call path end to end: sipp calls the number, hears the
// greeting and the menu, presses 1 (RFC 4733 from sipp's pcap, barging in), the flow queues the
// contact in Sales, the router offers it to alice, the channel INVITEs her registered softphone
// (a diago user agent), bridges and records the two legs; alice hears the caller's speech and
// hangs up. The CTR has the queue, the agent, the disconnect reason and the recording, whose
// left channel holds the caller and right channel the agent.
func TestVoiceCallThroughMenuToAgent(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	heard := make(chan int, 1)
	alice := h.available("alice", talkingPhone(t, phoneOptions{hangupAfter: 50, heard: heard}))

	wait := h.call("uac_voice_wait_bye.xml", sippSteps("pause:1500", "dtmf:1", "pause:2500", "audio"))
	if res := wait(); res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	if n := <-heard; n < 50 {
		t.Errorf("alice heard %d voiced packets of the caller, want 50", n)
	}
	connected := h.events.waitFor(t, "CONNECTED_TO_AGENT", h.events.find(parley.ContactEventConnected, alice))
	id := connected.ContactID
	if connected.QueueID != h.queues["Sales"].ID {
		t.Errorf("connected in queue %q, want Sales", connected.QueueID)
	}

	// After-contact work: the CTR is final once alice clears it.
	mustT(t, h.router.ClearACW(h.ctx, alice, id))
	ctr, final := h.rec.CTR(id)
	if ctr == nil || !final {
		t.Fatalf("CTR %+v final=%v", ctr, final)
	}
	if ctr.Channel != parley.ChannelVoice || ctr.InitiationMethod != parley.InitInbound {
		t.Errorf("CTR channel %s method %s", ctr.Channel, ctr.InitiationMethod)
	}
	if ctr.CustomerEndpoint == nil || ctr.CustomerEndpoint.Address != "+15555550111" || ctr.SystemEndpoint == nil || ctr.SystemEndpoint.Address != DemoNumber {
		t.Errorf("CTR endpoints %+v %+v", ctr.CustomerEndpoint, ctr.SystemEndpoint)
	}
	if ctr.Queue == nil || ctr.Queue.ID != h.queues["Sales"].ID || ctr.Queue.DequeueTimestamp == nil {
		t.Errorf("CTR queue %+v", ctr.Queue)
	}
	if ctr.Agent == nil || ctr.Agent.ID != alice || ctr.Agent.ConnectedToAgentTimestamp == nil || ctr.Agent.AfterContactWorkEndTimestamp == nil {
		t.Errorf("CTR agent %+v", ctr.Agent)
	}
	if ctr.DisconnectReason != parley.DisconnectAgent {
		t.Errorf("disconnect reason %q, want AGENT_DISCONNECT", ctr.DisconnectReason)
	}
	if ctr.Attributes["caller"] != "+15555550111" {
		t.Errorf("CTR attributes %v, want caller set by the flow", ctr.Attributes)
	}
	if ctr.Recording == nil || ctr.Recording.Location == "" {
		t.Fatalf("CTR recording %+v", ctr.Recording)
	}
	path := filepath.Join(h.dataDir, filepath.FromSlash(ctr.Recording.Location))
	if rel, err := filepath.Rel(h.vc.RecordingsDir, path); err != nil || strings.HasPrefix(rel, "..") ||
		filepath.Base(path) != string(id)+".wav" || len(strings.Split(filepath.ToSlash(rel), "/")) != 4 {
		t.Errorf("recording at %q, want %s/YYYY/MM/DD/%s.wav", path, h.vc.RecordingsDir, id)
	}
	left, right := recordingRMS(t, path)
	if left < 200 || right < 200 {
		t.Errorf("recording RMS left (caller) %.0f, right (agent) %.0f: want both > 200", left, right)
	}

	// The stored contact and its flow logs.
	row, err := h.contacts.FindContactByID(h.ctx, id)
	mustT(t, err)
	if row.Attributes["caller"] != "+15555550111" || row.CustomerEndpoint.Address != "+15555550111" {
		t.Errorf("stored contact %+v", row)
	}
	logs, err := h.flowLogs.FindFlowLogs(h.ctx, id)
	mustT(t, err)
	if !slices.ContainsFunc(logs, func(l *parley.FlowLogEntry) bool { return l.ActionID == "menu" && l.Result == "condition:1" }) ||
		!slices.ContainsFunc(logs, func(l *parley.FlowLogEntry) bool { return l.ActionID == "xfer" && l.Result == "end:transferred" }) {
		for _, l := range logs {
			t.Logf("flow log: %s %s %s %s", l.ActionID, l.Type, l.Result, l.Error)
		}
		t.Error("flow logs lack the menu choice and the transfer")
	}
}

// TestVoiceMissedOfferGoesToNextAgent: alice's phone rings and is not answered; at the ring
// timeout the router makes the offer MISSED and re-offers the contact to bob, whose phone
// answers.
func TestVoiceMissedOfferGoesToNextAgent(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{ringTimeout: 3e9})
	rang := make(chan struct{}, 1)
	alice := h.available("alice", ringingPhone(rang))
	heard := make(chan int, 1)
	bob := h.available("bob", talkingPhone(t, phoneOptions{hangupAfter: 25, heard: heard}))

	wait := h.call("uac_voice_wait_bye.xml", sippSteps("pause:1500", "dtmf:1", "pause:5500", "audio"))
	if res := wait(); res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	<-rang
	if n := <-heard; n < 25 {
		t.Errorf("bob heard %d voiced packets, want 25", n)
	}
	missed := h.events.waitFor(t, "MISSED", h.events.find(parley.ContactEventMissed, alice))
	connected := h.events.waitFor(t, "CONNECTED_TO_AGENT", h.events.find(parley.ContactEventConnected, ""))
	if connected.AgentID != bob || connected.ContactID != missed.ContactID {
		t.Errorf("connected %+v after missed %+v: want the same contact, with bob", connected, missed)
	}
	info, err := h.router.Agent(h.ctx, alice)
	mustT(t, err)
	if info.State != "MISSED" {
		t.Errorf("alice is %s, want MISSED", info.State)
	}
	ctr, _ := h.rec.CTR(connected.ContactID)
	if ctr == nil || ctr.Agent == nil || ctr.Agent.ID != bob {
		t.Errorf("CTR agent %+v, want bob", ctr)
	}
}

// TestVoiceQueueAtCapacity: Billing holds one contact at most and already has one; pressing 3
// takes the flow's QueueAtCapacity branch, which says so and hangs up.
func TestVoiceQueueAtCapacity(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	// A caller already waits in Billing (nobody serves it).
	first := &parley.Contact{ID: "waiting", Channel: parley.ChannelVoice, InitiationMethod: parley.InitInbound}
	if _, err := h.router.Enqueue(h.ctx, routingEnqueue(first, h.queues["Billing"].ID)); err != nil {
		t.Fatal(err)
	}
	wait := h.call("uac_voice_wait_bye.xml", sippSteps("pause:1500", "dtmf:3"))
	if res := wait(); res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	rows, err := h.contacts.FindContacts(h.ctx, parley.ContactFilter{Channel: parley.ChannelVoice})
	mustT(t, err)
	if len(rows) != 1 {
		t.Fatalf("%d voice contacts stored, want 1", len(rows))
	}
	row := rows[0]
	if row.Attributes["outcome"] != "queue-full" || row.State != parley.ContactCompleted || row.DisconnectReason != parley.DisconnectContactFlow {
		t.Errorf("contact %+v: want outcome=queue-full, COMPLETED by the flow", row)
	}
	logs, err := h.flowLogs.FindFlowLogs(h.ctx, row.ID)
	mustT(t, err)
	if !slices.ContainsFunc(logs, func(l *parley.FlowLogEntry) bool { return l.ActionID == "xfer" && l.Result == "error:QueueAtCapacity" }) {
		t.Errorf("flow logs lack the QueueAtCapacity branch: %d entries", len(logs))
	}
}

// TestVoiceAbandonedInQueue: nobody is available; the caller waits, hearing the customer queue
// flow, then hangs up. The contact is abandoned: its CTR has the queue and its duration, no
// agent, reason CUSTOMER_DISCONNECT.
func TestVoiceAbandonedInQueue(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	wait := h.call("uac_voice_hangup.xml", sippSteps("pause:1500", "dtmf:2", "pause:4000"))
	if res := wait(); res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}
	queued := h.events.waitFor(t, "QUEUED", h.events.find(parley.ContactEventQueued, ""))
	h.events.waitFor(t, "COMPLETED", func(ev parley.ContactEvent) bool {
		return ev.Type == parley.ContactEventCompleted && ev.ContactID == queued.ContactID
	})
	ctr, final := h.rec.CTR(queued.ContactID)
	if ctr == nil || !final {
		t.Fatalf("CTR %+v final=%v", ctr, final)
	}
	if ctr.Queue == nil || ctr.Queue.ID != h.queues["Support"].ID || ctr.Queue.DequeueTimestamp == nil ||
		!ctr.Queue.DequeueTimestamp.After(ctr.Queue.EnqueueTimestamp) {
		t.Errorf("CTR queue %+v", ctr.Queue)
	}
	if ctr.Agent != nil || ctr.DisconnectReason != parley.DisconnectCustomer {
		t.Errorf("CTR agent %+v reason %q: want no agent, CUSTOMER_DISCONNECT", ctr.Agent, ctr.DisconnectReason)
	}
	if ctr.Recording != nil {
		t.Errorf("a call that never reached an agent has a recording: %+v", ctr.Recording)
	}
}

// TestVoiceHoldDigitsTransfer: alice answers, puts the caller on hold and takes them off it,
// sends digits, and blind-transfers the call to Support, where bob answers and hears the caller;
// bob hangs up through the API. Both contacts have their CTR: the first TRANSFERRED with one hold,
// the second a QUEUE_TRANSFER with bob and AGENT_DISCONNECT.
func TestVoiceHoldDigitsTransfer(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	aliceUp := make(chan struct{}, 1)
	alice := h.available("alice", talkingPhone(t, phoneOptions{answered: aliceUp}))
	bobHeard := make(chan struct{}, 1)
	bob := h.available("bob", talkingPhone(t, phoneOptions{notifyAfter: 25, voiced: bobHeard}))

	wait := h.call("uac_voice_wait_bye.xml", sippSteps("pause:1500", "dtmf:1", "pause:4000", "audio"))
	first := h.events.waitFor(t, "CONNECTED_TO_AGENT", h.events.find(parley.ContactEventConnected, alice))
	<-aliceUp
	id := first.ContactID

	if err := h.vc.Resume(h.ctx, alice, id); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Errorf("resume before hold: %v, want conflict", err)
	}
	if err := h.vc.Hold(h.ctx, bob, id); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Errorf("bob holds alice's call: %v, want conflict", err)
	}
	mustT(t, h.vc.Hold(h.ctx, alice, id))
	if err := h.vc.Hold(h.ctx, alice, id); parley.ErrorCodeOf(err) != parley.EConflict {
		t.Errorf("hold twice: %v, want conflict", err)
	}
	mustT(t, h.vc.Resume(h.ctx, alice, id))
	mustT(t, h.vc.SendDigits(h.ctx, alice, id, "12#"))
	if err := h.vc.SendDigits(h.ctx, alice, id, "1x"); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("bad digits: %v, want invalid", err)
	}
	if _, err := h.vc.Transfer(h.ctx, alice, id, parley.VoiceTransfer{QueueID: "no-such-queue"}); parley.ErrorCodeOf(err) != parley.EInvalid {
		t.Errorf("transfer to an unknown queue: %v, want invalid", err)
	}
	next, err := h.vc.Transfer(h.ctx, alice, id, parley.VoiceTransfer{QueueID: h.queues["Support"].ID})
	mustT(t, err)
	if err := h.vc.Hangup(h.ctx, alice, id); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Errorf("hang up the transferred contact: %v, want not found", err)
	}
	second := h.events.waitFor(t, "CONNECTED_TO_AGENT for bob", func(ev parley.ContactEvent) bool {
		return ev.Type == parley.ContactEventConnected && ev.ContactID == next
	})
	if second.AgentID != bob {
		t.Fatalf("the transferred contact went to %q, want bob", second.AgentID)
	}
	<-bobHeard // bob hears the caller
	mustT(t, h.vc.Hangup(h.ctx, bob, next))
	if res := wait(); res.code != 0 {
		t.Fatalf("sipp exit %d:\n%s", res.code, res.out)
	}

	old, _ := h.rec.CTR(id)
	nw, _ := h.rec.CTR(next)
	if old == nil || nw == nil || old.Agent == nil || nw.Agent == nil {
		t.Fatalf("CTRs %+v and %+v: want both with an agent", old, nw)
	}
	if old.DisconnectReason != parley.DisconnectTransferred || old.NextContactID != next || old.Agent == nil ||
		old.Agent.ID != alice || old.Agent.NumberOfHolds != 1 || old.TransferredToEndpoint == nil {
		t.Errorf("first CTR %+v (agent %+v)", old, old.Agent)
	}
	if nw.PreviousContactID != id || nw.InitiationMethod != parley.InitQueueTransfer ||
		nw.Agent.ID != bob || nw.DisconnectReason != parley.DisconnectAgent || nw.Queue == nil || nw.Queue.ID != h.queues["Support"].ID {
		t.Errorf("second CTR %+v (agent %+v)", nw, nw.Agent)
	}
	if old.Recording == nil || nw.Recording == nil || old.Recording.Location == nw.Recording.Location {
		t.Errorf("recordings %+v and %+v: want one per contact", old.Recording, nw.Recording)
	} else {
		for _, loc := range []string{old.Recording.Location, nw.Recording.Location} {
			if _, err := os.Stat(filepath.Join(h.dataDir, loc)); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestVoiceCredentialsRevokedAtSignOut: AgentSessions (the router's AgentService as the API
// sees it) revokes the softphone's credentials when the agent's session ends; the next request
// issues new ones.
func TestVoiceCredentialsRevokedAtSignOut(t *testing.T) {
	h := newVoiceHarness(t, voiceOptions{})
	sessions := AgentSessions{AgentService: h.router, Voice: h.vc}
	alice := h.agents["alice"]
	if _, err := sessions.StartAgentSession(h.ctx, alice); err != nil {
		t.Fatal(err)
	}
	creds, err := h.vc.SIPCredentials(h.ctx, alice.ID)
	mustT(t, err)
	if creds.Realm != "parley" || !strings.HasPrefix(creds.Username, "agent-") || len(creds.Password) < 16 {
		t.Errorf("credentials %+v", creds)
	}
	mustT(t, sessions.EndAgentSession(h.ctx, alice.ID))
	if _, _, ok := h.srv.Registrar.Credentials(alice.ID); ok {
		t.Error("credentials survived the end of the agent's session")
	}
	res := runSipp(t, h.addr, scenario(t, "register_auth.xml"), "-s", creds.Username, "-au", creds.Username, "-ap", creds.Password, "-m", "1", "-recv_timeout", "5000")
	if res.code == 0 {
		t.Error("REGISTER with revoked credentials succeeded")
	}
	again, err := h.vc.SIPCredentials(h.ctx, alice.ID)
	mustT(t, err)
	if again.Username == creds.Username || again.Password == creds.Password {
		t.Error("new credentials after sign-out are the old ones")
	}
}
