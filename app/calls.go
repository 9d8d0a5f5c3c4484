package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parley-cc/parley/audio"
	"github.com/parley-cc/parley/backend/api"
)

// Events of the softphone.
const (
	EventSoftphone = "softphone:state" // a SoftphoneState
	EventCallLevel = "softphone:level" // an audio.Level: the microphone during a call
)

// wireSoftphone gives a SIPPhone what it needs from the App (devices, settings, events) the
// first time it is used.
func (a *App) wireSoftphone() {
	sp, ok := a.Softphone.(*SIPPhone)
	if !ok {
		return
	}
	if sp.Audio == nil {
		sp.Audio = a.audioSystem()
	}
	if sp.Devices == nil {
		sp.Devices = func() AudioSettings {
			st, _ := a.settings().Load()
			return st.Audio
		}
	}
	if sp.Logger == nil {
		sp.Logger = a.Logger
	}
	if sp.OnChange == nil {
		sp.OnChange = func(st SoftphoneState) { a.runtime().Emit(EventSoftphone, st) }
	}
	if sp.OnLevel == nil {
		sp.OnLevel = func(l audio.Level) { a.runtime().Emit(EventCallLevel, l) }
	}
}

// startSoftphone registers the agent's softphone with the credentials of GET /v1/agent/sip
// (in the background: sign-in does not wait for it).
func (a *App) startSoftphone(s *session) {
	a.wireSoftphone()
	creds := func(ctx context.Context) (SIPCredentials, error) {
		var c api.SIPCredentials
		if err := s.client.Do(ctx, http.MethodGet, "/v1/agent/sip", nil, &c); err != nil {
			return c, toError(err)
		}
		return c, nil
	}
	if err := a.softphone().Start(creds); err != nil {
		a.logger().Info("softphone not started", slog.Any("err", err))
		return
	}
	a.mu.Lock()
	s.phone = true
	a.mu.Unlock()
}

// stopSoftphone hangs up and unregisters the softphone of session s.
func (a *App) stopSoftphone(s *session) {
	a.mu.Lock()
	on := s.phone
	s.phone = false
	a.mu.Unlock()
	if !on {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.softphone().Stop(ctx); err != nil {
		a.logger().Warn("stop the softphone", slog.Any("err", err))
	}
}

func callPath(contactID, verb string) (string, error) {
	if contactID == "" {
		return "", &Error{Code: CodeInvalid, Field: "contactId", Message: "a contact ID is required"}
	}
	return "/v1/agent/calls/" + url.PathEscape(contactID) + "/" + verb, nil
}

// HoldCall puts the customer of the agent's call on hold (they hear hold music; the agent's
// phone stays connected). Errors: not_found (no live call), conflict (already on hold).
func (a *App) HoldCall(contactID string) error {
	p, err := callPath(contactID, "hold")
	if err != nil {
		return err
	}
	return a.call(http.MethodPost, p, nil, nil)
}

// ResumeCall takes the customer off hold.
func (a *App) ResumeCall(contactID string) error {
	p, err := callPath(contactID, "resume")
	if err != nil {
		return err
	}
	return a.call(http.MethodPost, p, nil, nil)
}

// SendDigits sends DTMF digits (0-9, *, #, A-D) to the customer. The backend sends them as
// RFC 4733 events on the customer's leg, whatever the phone and the bridge do with the agent's
// own telephone-events.
func (a *App) SendDigits(contactID, digits string) error {
	p, err := callPath(contactID, "dtmf")
	if err != nil {
		return err
	}
	return a.call(http.MethodPost, p, api.VoiceDigitsRequest{Digits: digits}, nil)
}

// HangupCall hangs up the call (after-contact work follows). When the backend has no live call
// for it (not_found) or cannot be reached, the phone hangs up its side itself.
func (a *App) HangupCall(contactID string) error {
	p, err := callPath(contactID, "hangup")
	if err != nil {
		return err
	}
	err = a.call(http.MethodPost, p, nil, nil)
	if code := codeOf(err); code == "not_found" || code == CodeUnreachable {
		if st := a.softphone().State(); st.ContactID == contactID && st.Call != "" {
			return a.softphone().Hangup()
		}
	}
	return err
}

// MuteCall mutes or unmutes the microphone on the current call (local: the customer hears
// silence).
func (a *App) MuteCall(on bool) (SoftphoneState, error) {
	if err := a.softphone().Mute(on); err != nil {
		return a.softphone().State(), toError(err)
	}
	return a.softphone().State(), nil
}

// TransferTarget names one destination of a blind transfer.
type TransferTarget = api.VoiceTransferRequest

// TransferCall blind-transfers the call to a queue, an agent or a quick connect; the call
// continues on the new contact returned, and the agent's phone is hung up.
func (a *App) TransferCall(contactID string, target TransferTarget) (string, error) {
	p, err := callPath(contactID, "transfer")
	if err != nil {
		return "", err
	}
	var res api.VoiceTransferResponse
	if err := a.call(http.MethodPost, p, target, &res); err != nil {
		return "", err
	}
	return res.ContactID, nil
}

// TransferOption is one destination in the transfer dialog.
type TransferOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"` // quick connects: USER, QUEUE or PHONE_NUMBER
}

// TransferTargets lists where a call can go: the queues (GET /v1/agent/queues), the quick
// connects (GET /v1/agent/quick-connects; phone numbers are left out: a blind transfer to a
// number needs the consult leg the backend does not have yet), and the other agents when the
// user may read users.
type TransferTargets struct {
	Queues        []TransferOption `json:"queues"`
	QuickConnects []TransferOption `json:"quickConnects"`
	Agents        []TransferOption `json:"agents"`
}

// TransferTargets loads the destinations of the transfer dialog.
func (a *App) TransferTargets() (*TransferTargets, error) {
	s, err := a.current()
	if err != nil {
		return nil, err
	}
	out := &TransferTargets{Queues: []TransferOption{}, QuickConnects: []TransferOption{}, Agents: []TransferOption{}}
	var qs api.List[api.Queue]
	if err := a.call(http.MethodGet, "/v1/agent/queues", nil, &qs); err != nil {
		return nil, err
	}
	for _, q := range qs.Items {
		if q.Status != "" && !strings.EqualFold(q.Status, "ENABLED") {
			continue
		}
		out.Queues = append(out.Queues, TransferOption{ID: q.ID, Name: q.Name})
	}
	var qcs api.List[api.QuickConnect]
	if err := a.call(http.MethodGet, "/v1/agent/quick-connects", nil, &qcs); err == nil {
		for _, qc := range qcs.Items {
			if qc.Type == "PHONE_NUMBER" {
				continue
			}
			out.QuickConnects = append(out.QuickConnects, TransferOption{ID: qc.ID, Name: qc.Name, Type: qc.Type})
		}
	}
	for id, name := range s.dir.Users {
		if id != s.info.User.ID {
			out.Agents = append(out.Agents, TransferOption{ID: id, Name: name})
		}
	}
	for _, l := range [][]TransferOption{out.Queues, out.QuickConnects, out.Agents} {
		slices.SortFunc(l, func(x, y TransferOption) int { return strings.Compare(x.Name, y.Name) })
	}
	return out, nil
}
