package app

import (
	"context"
	"time"

	"github.com/parley-cc/parley/backend/api"
)

// Softphone is the agent's SIP phone as the App drives it. SIPPhone (a diago user agent) is
// the real one; NoSoftphone stands in where there is none.
//
// Who does what on a voice contact (docs/telephony.md, "Offer"): the backend INVITEs the
// agent's registered phone when it offers the contact (header X-Parley-Contact-Id) and, when the
// offer was already accepted, with Call-Info answer-after=0. Answering the INVITE is accepting:
// the backend accepts the offer itself when the phone answers. So Accept answers the ringing
// INVITE when there is one and the App does not call the accept route; when the INVITE has not
// arrived yet, the phone remembers the contact (it answers its INVITE at once) and the App
// accepts over the API, after which the backend's INVITE carries answer-after=0 anyway.
type Softphone interface {
	// Start runs the user agent and keeps it registered with the credentials creds returns;
	// creds is called again after a refusal (revoked credentials) and on Refresh. It returns at
	// once; registration goes on in the background until Stop.
	Start(creds func(context.Context) (SIPCredentials, error)) error
	// Refresh registers again now, with credentials fetched again (the backend reconnected:
	// it may have restarted and forgotten the registration).
	Refresh()
	// Stop hangs up, unregisters (best effort, within ctx) and stops the user agent.
	Stop(ctx context.Context) error
	// Accept answers the ringing call of contactID and reports true; with no such call it
	// remembers contactID so that its INVITE is answered on arrival, and reports false.
	Accept(contactID string) (answered bool, err error)
	// Mute stops (or restarts) sending the microphone; the call goes on.
	Mute(on bool) error
	// Hangup ends the current call from the phone (BYE), or declines a ringing one (603).
	Hangup() error
	// State reports registration and call state for the UI.
	State() SoftphoneState
	Close() error
}

// SIPCredentials are what GET /v1/agent/sip returns: the registrar (sip:host:port), digest
// username, password and realm.
type SIPCredentials = api.SIPCredentials

// Call states of SoftphoneState.Call.
const (
	CallRinging   = "ringing"
	CallConnected = "connected"
)

// SoftphoneState is shown in the UI (EventSoftphone).
type SoftphoneState struct {
	Available  bool       `json:"available"`  // the user agent runs (an agent is signed in)
	Registered bool       `json:"registered"` // the registrar accepted the last REGISTER
	Registrar  string     `json:"registrar,omitempty"`
	Call       string     `json:"call,omitempty"`
	ContactID  string     `json:"contactId,omitempty"`  // the call's contact (X-Parley-Contact-Id)
	AnsweredAt *time.Time `json:"answeredAt,omitempty"` // for the call timer
	InCall     bool       `json:"inCall"`
	Muted      bool       `json:"muted"`
	Codec      string     `json:"codec,omitempty"` // PCMU or PCMA
	// Reason says why it is not available or not registered; Notice tells about the devices
	// of the current call (a device fell back to the default). Both are message keys.
	Reason string `json:"reason,omitempty"`
	Notice string `json:"notice,omitempty"`
	// Seq increases with every change: the UI keeps the newest of what SoftphoneStatus returns
	// and what EventSoftphone brings, whichever arrives first.
	Seq int64 `json:"seq"`
}

// Message keys of SoftphoneState.Reason and Notice.
const (
	ReasonSignedOut      = "softphone.signedOut"
	ReasonRegistering    = "softphone.registering"
	ReasonRegisterFailed = "softphone.registerFailed"
	ReasonNoCredentials  = "softphone.noCredentials"
	ReasonNotAvailable   = "softphone.notAvailable"
	NoticeMicFallback    = "softphone.micFallback"
	NoticeSpeakerFallbk  = "softphone.speakerFallback"
	NoticeNoMicrophone   = "softphone.noMicrophone"
	NoticeNoSpeaker      = "softphone.noSpeaker"
)

// NoSoftphone is a Softphone that is never available: voice contacts are accepted over the API
// and carry no audio in the app.
type NoSoftphone struct{}

var _ Softphone = NoSoftphone{}

var errNoSoftphone = &Error{Code: CodeUnavailable, Message: "this app has no softphone"}

func (NoSoftphone) Start(func(context.Context) (SIPCredentials, error)) error { return errNoSoftphone }
func (NoSoftphone) Refresh()                                                  {}
func (NoSoftphone) Stop(context.Context) error                                { return nil }
func (NoSoftphone) Accept(string) (bool, error)                               { return false, nil }
func (NoSoftphone) Mute(bool) error                                           { return errNoSoftphone }
func (NoSoftphone) Hangup() error                                             { return errNoSoftphone }
func (NoSoftphone) State() SoftphoneState                                     { return SoftphoneState{Reason: ReasonNotAvailable} }
func (NoSoftphone) Close() error                                              { return nil }

func (a *App) softphone() Softphone {
	if a.Softphone == nil {
		return NoSoftphone{}
	}
	return a.Softphone
}

// SoftphoneStatus returns the softphone's state for the UI.
func (a *App) SoftphoneStatus() (SoftphoneState, error) {
	return a.softphone().State(), nil
}
