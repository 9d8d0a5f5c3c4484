package parley

import "context"

// OutboundCall asks the voice channel to call a customer for an agent (the CCP's dial pad):
// the agent's softphone rings first, then the customer through the default trunk, with the
// queue's outbound caller ID.
type OutboundCall struct {
	// Destination is the customer's number: E.164 (+15555550123) or a local number.
	Destination string
	// QueueID is the outbound queue (caller ID, CTR queue, metrics); empty: the agent's
	// routing profile's default outbound queue.
	QueueID QueueID
}

// Validate checks the destination.
func (o OutboundCall) Validate() error {
	return ValidatePhoneNumber("destinationPhoneNumber", o.Destination)
}

// VoiceCallService is the part of the voice channel that places calls for agents. The voice
// channel (sip.VoiceChannel) implements it beside VoiceService; the API finds it by asserting
// its VoiceService to it. (Warm transfer and conference, which also place calls, are not built
// yet: docs/telephony.md.)
type VoiceCallService interface {
	// StartOutbound places an outbound call for agent and returns its contact ID at once (the
	// agent's phone rings). EInvalid (destination, queue), EConflict (the agent is not logged
	// in or already on a call), EUnavailable (no trunk, no registered softphone).
	StartOutbound(ctx context.Context, agent UserID, call OutboundCall) (ContactID, error)
}
