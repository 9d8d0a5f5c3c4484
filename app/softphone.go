package app

import "context"

// Softphone is the seam where the SIP user agent plugs in. The backend's SIP registrar
// (backend/sip) is being built; when it issues agents' digest credentials over the API, a
// diago user agent implementing this interface registers with it, rings on INVITE, and bridges
// the call's RTP to the headset through audio/ (audio.Uplink/audio.Downlink turn 48 kHz device
// frames into 20 ms G.711 frames and back).
//
// Until then the App uses NoSoftphone: voice contacts are accepted in the UI (the backend's
// accept route) but carry no audio.
type Softphone interface {
	// Register starts the user agent with the credentials the backend issued.
	Register(ctx context.Context, creds SIPCredentials) error
	// State reports registration and call state for the UI.
	State() SoftphoneState
	// Mute, Hold and Hangup act on the current call.
	Mute(on bool) error
	Hold(on bool) error
	Hangup() error
	// SendDTMF sends RFC 4733 digits on the current call.
	SendDTMF(digits string) error
	Close() error
}

// SIPCredentials are what the backend will issue for an agent's registration.
type SIPCredentials struct {
	Registrar string `json:"registrar"` // sip:host:port
	Username  string `json:"username"`
	Password  string `json:"password"`
}

// SoftphoneState is shown in the UI.
type SoftphoneState struct {
	Available  bool   `json:"available"`
	Registered bool   `json:"registered"`
	InCall     bool   `json:"inCall"`
	Muted      bool   `json:"muted"`
	Reason     string `json:"reason,omitempty"` // why it is not available: a message key
}

// NoSoftphone is the Softphone before SIP lands: every call fails with code "unavailable".
type NoSoftphone struct{}

var _ Softphone = NoSoftphone{}

var errNoSIP = &Error{Code: CodeUnavailable, Message: "the softphone is not available yet: the backend's SIP registrar is not ready"}

func (NoSoftphone) Register(context.Context, SIPCredentials) error { return errNoSIP }
func (NoSoftphone) State() SoftphoneState {
	return SoftphoneState{Reason: "softphone.notReady"}
}
func (NoSoftphone) Mute(bool) error       { return errNoSIP }
func (NoSoftphone) Hold(bool) error       { return errNoSIP }
func (NoSoftphone) Hangup() error         { return errNoSIP }
func (NoSoftphone) SendDTMF(string) error { return errNoSIP }
func (NoSoftphone) Close() error          { return nil }

// SoftphoneStatus returns the softphone's state for the UI.
func (a *App) SoftphoneStatus() (SoftphoneState, error) {
	if a.Softphone == nil {
		return NoSoftphone{}.State(), nil
	}
	return a.Softphone.State(), nil
}
