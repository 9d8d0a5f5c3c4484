package api

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
