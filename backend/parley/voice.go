package parley

import (
	"context"
	"strings"
)

// SIPCredentials are what an agent's softphone needs to register with Parley's SIP registrar
// (digest authentication, RFC 3261 §22). The username is random, not the agent's ID.
type SIPCredentials struct {
	Username string
	Password string
	// Registrar is the SIP URI to register with, for example "sip:127.0.0.1:5060".
	Registrar string
	// Realm is the digest realm the registrar challenges with.
	Realm string
}

// VoiceTransfer names the destination of a blind transfer of a voice call: exactly one of a
// queue, an agent (their personal queue) or a quick connect (of type QUEUE or USER).
type VoiceTransfer struct {
	QueueID        QueueID
	AgentID        UserID
	QuickConnectID QuickConnectID
}

// Validate checks that exactly one destination is set.
func (t VoiceTransfer) Validate() error {
	n := 0
	for _, s := range []string{string(t.QueueID), string(t.AgentID), string(t.QuickConnectID)} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return Invalidf("queueId", "give exactly one of queueId, agentId and quickConnectId")
	}
	return nil
}

// MaxDTMFDigits bounds the digits an agent sends to the customer in one request.
const MaxDTMFDigits = 50

// ValidateDTMF checks digits an agent sends to the customer: 1 to MaxDTMFDigits of the keys
// 0-9, *, # and A-D.
func ValidateDTMF(field, digits string) error {
	if digits == "" {
		return Invalidf(field, "is required")
	}
	if len(digits) > MaxDTMFDigits {
		return Invalidf(field, "is %d digits long; at most %d are allowed", len(digits), MaxDTMFDigits)
	}
	for i, r := range digits {
		if !strings.ContainsRune("0123456789*#ABCD", r) {
			return Invalidf(field, "has %q at position %d; only 0-9, *, # and A-D are allowed", r, i+1)
		}
	}
	return nil
}

// VoiceService is the voice channel as agents drive it: their softphone's SIP credentials and
// the in-call controls of a voice contact connected to them. Every call-control method acts on
// a call that is connected to agent (ENotFound when there is no live call for the contact,
// EConflict when it is not connected to that agent).
type VoiceService interface {
	// SIPCredentials returns the agent's softphone credentials, issuing them when the agent
	// has none (the first call after sign-in, or after they were revoked at sign-out). Calling
	// it again returns the same credentials. EUnavailable when the SIP server is not running.
	SIPCredentials(ctx context.Context, agent UserID) (*SIPCredentials, error)
	// Hold puts the customer on hold (they hear hold music). EConflict when already on hold.
	Hold(ctx context.Context, agent UserID, id ContactID) error
	// Resume takes the customer off hold. EConflict unless on hold.
	Resume(ctx context.Context, agent UserID, id ContactID) error
	// SendDigits sends DTMF digits to the customer (RFC 4733). EInvalid (see ValidateDTMF).
	SendDigits(ctx context.Context, agent UserID, id ContactID, digits string) error
	// Transfer blind-transfers the customer: a new contact, linked to this one, is queued at
	// the destination, this one ends (TRANSFERRED) and the agent's phone is hung up. It
	// returns the new contact's ID. EInvalid (no or several destinations, unknown queue,
	// agent or quick connect, a phone-number quick connect), EUnavailable (queue full or
	// disabled).
	Transfer(ctx context.Context, agent UserID, id ContactID, to VoiceTransfer) (ContactID, error)
	// Hangup ends the call (reason AGENT_DISCONNECT); the agent goes to after-contact work.
	Hangup(ctx context.Context, agent UserID, id ContactID) error
}
