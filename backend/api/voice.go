package api

import "time"

// The agent's voice routes: /v1/agent/sip and /v1/agent/calls/{id}/...

// SIPCredentials are the agent's softphone credentials: register username/password with the
// registrar (digest, realm) to receive calls.
type SIPCredentials struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	Registrar string `json:"registrar"` // a SIP URI, e.g. sip:127.0.0.1:5060
	Realm     string `json:"realm"`
}

// VoiceDigitsRequest holds DTMF digits to send to the customer: 0-9, *, # and A-D.
type VoiceDigitsRequest struct {
	Digits string `json:"digits"`
}

// VoiceTransferRequest names exactly one destination of a blind transfer.
type VoiceTransferRequest struct {
	QueueID        string `json:"queueId,omitempty"`
	AgentID        string `json:"agentId,omitempty"`
	QuickConnectID string `json:"quickConnectId,omitempty"`
}

// VoiceTransferResponse names the contact the call continues on.
type VoiceTransferResponse struct {
	ContactID string `json:"contactId"`
}

// Trunk is a SIP trunk outbound calls go through (/v1/trunks). Password is write-only:
// responses omit it, and a PUT without one keeps the stored password (unless username is
// empty: no authentication).
type Trunk struct {
	ID           string    `json:"id,omitempty"`
	Name         string    `json:"name"`
	Description  string    `json:"description,omitempty"`
	Host         string    `json:"host"`
	Port         int       `json:"port,omitempty"`         // default 5060 (5061 for tls)
	Transport    string    `json:"transport,omitempty"`    // udp (default), tcp, tls
	Username     string    `json:"username,omitempty"`     // digest authentication
	Password     string    `json:"password,omitempty"`     // write-only
	NumberFormat string    `json:"numberFormat,omitempty"` // E164 (default: +15555550100) or DIGITS (15555550100)
	Default      bool      `json:"default,omitempty"`      // outbound calls use the default trunk
	CreatedAt    time.Time `json:"createdAt,omitzero"`
	UpdatedAt    time.Time `json:"updatedAt,omitzero"`
}

// OutboundCallRequest asks for an outbound call: your softphone rings, then the customer.
type OutboundCallRequest struct {
	DestinationPhoneNumber string `json:"destinationPhoneNumber"` // E.164 or a local number
	QueueID                string `json:"queueId,omitempty"`      // default: your routing profile's default outbound queue
}

// OutboundCallResponse names the outbound contact.
type OutboundCallResponse struct {
	ContactID string `json:"contactId"`
}
