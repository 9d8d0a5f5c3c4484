package http

import (
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// EventStream serves GET /v1/events (backend/ws). It returns an error, and writes nothing, when
// the request cannot be served; after upgrading it returns nil.
type EventStream interface {
	ServeEvents(w http.ResponseWriter, r *http.Request) error
}

func (s *Server) agentRoutes() []route {
	contact := func(verb, summary string, do func(*Server, *http.Request, parley.UserID, parley.ContactID) error) route {
		return route{Method: "POST", Pattern: "/v1/agent/contacts/{id}/" + verb, Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: summary, Statuses: []int{204, 401, 403, 404, 409},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				if err := do(s, r, sessionFrom(r.Context()).UserID, parley.ContactID(r.PathValue("id"))); err != nil {
					return err
				}
				w.WriteHeader(http.StatusNoContent)
				return nil
			}}
	}
	return []route{
		{Method: "GET", Pattern: "/v1/events", Tag: "events", QueryToken: true,
			Summary: "The event stream (websocket): contact and agent events after ?after=SEQ, then live. Browsers may pass the token as ?access_token=.",
			Query: []queryParam{
				{"after", "string", "replay the stored events with a greater sequence number first; \"latest\": only new events"},
				{"access_token", "string", "the session token, for clients that cannot set headers on a websocket"},
			},
			Response: api.Event{}, Statuses: []int{101, 400, 401}, Handler: s.events},
		{Method: "POST", Pattern: "/v1/agent/session", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "Go online in the CCP: log in to routing (status Offline); idempotent", Response: api.LiveAgent{},
			Statuses: []int{200, 400, 401, 403}, Handler: s.startAgentSession},
		{Method: "DELETE", Pattern: "/v1/agent/session", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "Log out of routing", Statuses: []int{204, 401, 403, 404, 409}, Handler: s.endAgentSession},
		{Method: "GET", Pattern: "/v1/agent", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "The signed-in agent's routing state and contacts", Response: api.LiveAgent{},
			Statuses: []int{200, 401, 403, 404}, Handler: s.liveAgentSelf},
		{Method: "GET", Pattern: "/v1/agent/statuses", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "The statuses an agent may choose, enabled ones in display order", Response: api.List[api.AgentStatus]{},
			Statuses: []int{200, 401, 403}, Handler: s.agentStatuses},
		{Method: "PUT", Pattern: "/v1/agent/status", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "Choose a status (on a contact, Offline and custom statuses become the next status)", Request: api.SetStatusRequest{},
			Response: api.LiveAgent{}, Statuses: []int{200, 400, 401, 403, 404}, Handler: s.setOwnStatus},
		{Method: "GET", Pattern: "/v1/agent/queues", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "The instance's queues, for showing names and choosing transfer targets", Response: api.List[api.Queue]{},
			Statuses: []int{200, 401, 403}, Handler: s.agentQueues},
		{Method: "GET", Pattern: "/v1/agent/quick-connects", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "The instance's quick connects, for the transfer dialog", Response: api.List[api.QuickConnect]{},
			Statuses: []int{200, 401, 403}, Handler: s.agentQuickConnects},
		{Method: "GET", Pattern: "/v1/agent/contacts/{id}", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "One of the agent's contacts, offered or handled: the screen pop", Response: api.Contact{},
			Statuses: []int{200, 401, 403, 404}, Handler: s.agentContact},
		{Method: "PUT", Pattern: "/v1/agent/contacts/{id}/attributes", Permission: parley.PermBasicAgentAccess, Tag: "agent",
			Summary: "Merge attributes into one of the agent's contacts (after-contact work notes, disposition); they reach its record",
			Request: api.SetAttributesRequest{}, Statuses: []int{204, 400, 401, 403, 404}, Handler: s.setContactAttributes},
		contact("accept", "Accept an offered contact", func(s *Server, r *http.Request, a parley.UserID, id parley.ContactID) error {
			return s.svc.Agents.AcceptContact(r.Context(), a, id)
		}),
		contact("reject", "Reject an offered contact (it returns to its queue; the agent is Missed)", func(s *Server, r *http.Request, a parley.UserID, id parley.ContactID) error {
			return s.svc.Agents.RejectContact(r.Context(), a, id)
		}),
		contact("clear", "End after-contact work", func(s *Server, r *http.Request, a parley.UserID, id parley.ContactID) error {
			return s.svc.Agents.ClearContact(r.Context(), a, id)
		}),
		{Method: "GET", Pattern: "/v1/agents", Permission: parley.PermAccessMetrics, Tag: "supervisor",
			Summary: "Logged-in agents with their status and contacts", Response: api.List[api.LiveAgent]{},
			Statuses: []int{200, 401, 403}, Handler: s.liveAgents},
		{Method: "PUT", Pattern: "/v1/agents/{id}/status", Permission: parley.PermUsersEdit, Tag: "supervisor",
			Summary: "Set an agent's status (e.g. force Offline)", Request: api.SetStatusRequest{}, Response: api.LiveAgent{},
			Statuses: []int{200, 400, 401, 403, 404}, Handler: s.setAgentStatus},
	}
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Events == nil {
		return parley.Errorf(parley.EUnavailable, "the event stream is not running")
	}
	return s.svc.Events.ServeEvents(w, r)
}

func writeLiveAgent(w http.ResponseWriter, status int, a *parley.LiveAgent) error {
	return writeWire[api.LiveAgent](w, status, a)
}

func (s *Server) startAgentSession(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.Agents.StartAgentSession(r.Context(), sessionFrom(r.Context()).User)
	if err != nil {
		return err
	}
	return writeLiveAgent(w, http.StatusOK, a)
}

func (s *Server) endAgentSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Agents.EndAgentSession(r.Context(), sessionFrom(r.Context()).UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) liveAgentSelf(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.Agents.FindLiveAgent(r.Context(), sessionFrom(r.Context()).UserID)
	if err != nil {
		return err
	}
	return writeLiveAgent(w, http.StatusOK, a)
}

func (s *Server) liveAgents(w http.ResponseWriter, r *http.Request) error {
	as, err := s.svc.Agents.FindLiveAgents(r.Context())
	if err != nil {
		return err
	}
	return writeWireList[api.LiveAgent](w, as)
}

func (s *Server) setOwnStatus(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, sessionFrom(r.Context()).UserID)
}

func (s *Server) setAgentStatus(w http.ResponseWriter, r *http.Request) error {
	return s.setStatus(w, r, parley.UserID(r.PathValue("id")))
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request, agent parley.UserID) error {
	in, err := decodeBody[api.SetStatusRequest](r)
	if err != nil {
		return err
	}
	if in.StatusID == "" {
		return parley.Invalidf("statusId", "is required: the ID of an agent status (GET /v1/agent-statuses)")
	}
	a, err := s.svc.Agents.SetAgentStatus(r.Context(), agent, parley.AgentStatusID(in.StatusID))
	if err != nil {
		return err
	}
	return writeLiveAgent(w, http.StatusOK, a)
}

func (s *Server) agentStatuses(w http.ResponseWriter, r *http.Request) error {
	all, err := s.svc.AgentStatuses.FindAgentStatuses(r.Context())
	if err != nil {
		return err
	}
	var enabled []*parley.AgentStatus
	for _, st := range all {
		if st.Enabled {
			enabled = append(enabled, st)
		}
	}
	return writeWireList[api.AgentStatus](w, enabled)
}

func (s *Server) agentQueues(w http.ResponseWriter, r *http.Request) error {
	qs, err := s.svc.Queues.FindQueues(r.Context())
	if err != nil {
		return err
	}
	return writeWireList[api.Queue](w, qs)
}

func (s *Server) agentContact(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Agents.FindAgentContact(r.Context(), sessionFrom(r.Context()).UserID, parley.ContactID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeWire[api.Contact](w, http.StatusOK, c)
}

func (s *Server) setContactAttributes(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.SetAttributesRequest](r)
	if err != nil {
		return err
	}
	if len(in.Attributes) == 0 {
		return parley.Invalidf("attributes", "is required: at least one attribute to set")
	}
	if err := parley.ValidateAttributes("attributes", in.Attributes); err != nil {
		return err
	}
	if err := s.svc.Agents.SetContactAttributes(r.Context(), sessionFrom(r.Context()).UserID, parley.ContactID(r.PathValue("id")), in.Attributes); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) agentQuickConnects(w http.ResponseWriter, r *http.Request) error {
	qcs, err := s.svc.QuickConnects.FindQuickConnects(r.Context())
	if err != nil {
		return err
	}
	return writeWireList[api.QuickConnect](w, qcs)
}
