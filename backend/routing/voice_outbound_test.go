package routing

import (
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

// TestStartOutbound: an outbound call is with its agent at once (CONNECTING, no routing), even
// while they are Offline; it holds their voice slot, so a queued call waits; Connected and
// Disconnect then work as for any call (ACW follows), and the CTR has the outbound queue.
func TestStartOutbound(t *testing.T) {
	f := newFixture(t, queues("sales"), voiceProfile("p", 0, rq("sales", parley.ChannelVoice, 1, 0)))
	f.login(0, "a", "p", false) // Offline
	out := func(id parley.ContactID, agent parley.UserID) error {
		return f.e.StartOutbound(at(1), OutboundRequest{Contact: &parley.Contact{ID: id, Channel: parley.ChannelVoice,
			InitiationMethod: parley.InitOutbound}, AgentID: agent, QueueID: "sales"})
	}
	wantCode(t, out("o1", "nobody"), parley.ENotFound)
	wantCode(t, f.e.StartOutbound(at(1), OutboundRequest{Contact: &parley.Contact{ID: "x", Channel: parley.ChannelChat}, AgentID: "a", QueueID: "sales"}), parley.EInvalid)
	f.ok(out("o1", "a"))
	if f.state("o1") != parley.ContactConnecting || f.agentOf("o1") != "a" {
		t.Fatalf("outbound contact %s with %q, want CONNECTING with a", f.state("o1"), f.agentOf("o1"))
	}
	wantCode(t, out("o1", "a"), parley.EConflict)
	wantCode(t, out("o2", "a"), parley.EConflict)                                                 // no free voice slot
	wantCode(t, func() error { _, err := f.e.OutboundQueue("a"); return err }(), parley.EInvalid) // the profile names none
	f.ok(f.e.Connected(at(2), "o1"))
	f.ok(f.e.Disconnect(at(30), "o1", parley.DisconnectCustomer))
	if f.state("o1") != parley.ContactEnded {
		t.Fatalf("after disconnect: %s, want ENDED (ACW)", f.state("o1"))
	}
}
