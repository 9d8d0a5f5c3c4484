package http

import (
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func init() { channelRouteSets = append(channelRouteSets, (*Server).voiceRoutes) }

func (s *Server) voiceRoutes() []route {
	call := func(verb, summary string, req, resp any, statuses []int, h func(http.ResponseWriter, *http.Request) error) route {
		return route{Method: "POST", Pattern: "/v1/agent/calls/{id}/" + verb, Permission: parley.PermBasicAgentAccess, Tag: "voice",
			Summary: summary, Request: req, Response: resp, Statuses: statuses, Handler: s.withVoice(h)}
	}
	noContent := func(do func(parley.VoiceService, *http.Request, parley.UserID, parley.ContactID) error) func(http.ResponseWriter, *http.Request) error {
		return func(w http.ResponseWriter, r *http.Request) error {
			agent, id := voiceAgentContact(r)
			if err := do(s.svc.Voice, r, agent, id); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
	}
	return []route{
		{Method: "GET", Pattern: "/v1/agent/sip", Permission: parley.PermBasicAgentAccess, Tag: "voice",
			Summary:  "Your softphone's SIP credentials (issued on first use, the same until your agent session ends): register with them to receive calls",
			Response: api.SIPCredentials{}, Statuses: []int{200, 401, 403, 503}, Handler: s.withVoice(s.sipCredentials)},
		call("hold", "Put the customer of a call connected to you on hold (they hear hold music)", nil, nil,
			[]int{204, 401, 403, 404, 409},
			noContent(func(v parley.VoiceService, r *http.Request, a parley.UserID, id parley.ContactID) error {
				return v.Hold(r.Context(), a, id)
			})),
		call("resume", "Take the customer off hold", nil, nil, []int{204, 401, 403, 404, 409},
			noContent(func(v parley.VoiceService, r *http.Request, a parley.UserID, id parley.ContactID) error {
				return v.Resume(r.Context(), a, id)
			})),
		call("dtmf", "Send DTMF digits (0-9, *, #, A-D) to the customer", api.VoiceDigitsRequest{}, nil,
			[]int{204, 400, 401, 403, 404, 409}, s.voiceDigits),
		call("transfer", "Blind-transfer the call to a queue, an agent or a quick connect; it continues on a new contact and your phone hangs up",
			api.VoiceTransferRequest{}, api.VoiceTransferResponse{}, []int{200, 400, 401, 403, 404, 409, 503}, s.voiceTransfer),
		call("hangup", "Hang up the call (you enter after-contact work)", nil, nil, []int{204, 401, 403, 404, 409},
			noContent(func(v parley.VoiceService, r *http.Request, a parley.UserID, id parley.ContactID) error {
				return v.Hangup(r.Context(), a, id)
			})),
		{Method: "POST", Pattern: "/v1/contacts/outbound", Permission: parley.PermOutboundCallAccess, Tag: "voice",
			Summary: "Call a customer: your softphone rings first, then the customer through the default SIP trunk with the queue's outbound caller ID (default queue: your routing profile's default outbound queue)",
			Request: api.OutboundCallRequest{}, Response: api.OutboundCallResponse{}, Statuses: []int{200, 400, 401, 403, 409, 503},
			Handler: s.withVoice(s.outboundCall)},
	}
}

func (s *Server) outboundCall(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.OutboundCallRequest](r)
	if err != nil {
		return err
	}
	vc, ok := s.svc.Voice.(parley.VoiceCallService)
	if !ok {
		return parley.Errorf(parley.EUnavailable, "the voice channel cannot place calls")
	}
	id, err := vc.StartOutbound(r.Context(), sessionFrom(r.Context()).UserID,
		parley.OutboundCall{Destination: in.DestinationPhoneNumber, QueueID: parley.QueueID(in.QueueID)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.OutboundCallResponse{ContactID: string(id)})
	return nil
}

// withVoice answers 503 when the voice channel is not running.
func (s *Server) withVoice(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.svc.Voice == nil {
			return parley.Errorf(parley.EUnavailable, "the voice channel is not running")
		}
		return h(w, r)
	}
}

func voiceAgentContact(r *http.Request) (parley.UserID, parley.ContactID) {
	return sessionFrom(r.Context()).UserID, parley.ContactID(r.PathValue("id"))
}

func (s *Server) sipCredentials(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Voice.SIPCredentials(r.Context(), sessionFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.SIPCredentials{Username: c.Username, Password: c.Password, Registrar: c.Registrar, Realm: c.Realm})
	return nil
}

func (s *Server) voiceDigits(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.VoiceDigitsRequest](r)
	if err != nil {
		return err
	}
	agent, id := voiceAgentContact(r)
	if err := s.svc.Voice.SendDigits(r.Context(), agent, id, in.Digits); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) voiceTransfer(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.VoiceTransferRequest](r)
	if err != nil {
		return err
	}
	agent, id := voiceAgentContact(r)
	next, err := s.svc.Voice.Transfer(r.Context(), agent, id, parley.VoiceTransfer{QueueID: parley.QueueID(in.QueueID),
		AgentID: parley.UserID(in.AgentID), QuickConnectID: parley.QuickConnectID(in.QuickConnectID)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.VoiceTransferResponse{ContactID: string(next)})
	return nil
}
