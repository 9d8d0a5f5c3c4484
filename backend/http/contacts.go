package http

import (
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func (s *Server) contactRoutes() []route {
	return []route{
		{Method: "GET", Pattern: "/v1/contacts", Permission: parley.PermContactSearchView, Tag: "contacts",
			Summary: "Search contact trace records by initiation time, channel, queue and agent",
			Query: []queryParam{
				{"since", "date-time", "initiated at or after (RFC 3339)"},
				{"until", "date-time", "initiated before (RFC 3339)"},
				{"channel", "string", "VOICE, CHAT or TASK"},
				{"queueId", "string", "only contacts of this queue"},
				{"agentId", "string", "only contacts handled by this agent"},
				{"limit", "integer", "at most this many (1-1000, default 100)"},
			},
			Response: api.List[api.CTR]{}, Statuses: []int{200, 400, 401, 403}, Handler: s.searchContacts},
		{Method: "GET", Pattern: "/v1/contacts/{id}", Permission: parley.PermContactSearchView, Tag: "contacts",
			Summary: "A contact as it is now", Response: api.Contact{}, Statuses: []int{200, 401, 403, 404}, Handler: s.getContact},
		{Method: "GET", Pattern: "/v1/contacts/{id}/record", Permission: parley.PermContactSearchView, Tag: "contacts",
			Summary: "A contact's trace record (partial until after-contact work ends)", Response: api.CTR{},
			Statuses: []int{200, 401, 403, 404}, Handler: s.getCTR},
		{Method: "GET", Pattern: "/v1/contacts/{id}/flow-logs", Permission: parley.PermContactSearchView, Tag: "contacts",
			Summary: "The flow actions a contact went through while its flow had logging on", Response: api.List[api.FlowLogEntry]{},
			Statuses: []int{200, 401, 403}, Handler: s.getFlowLogs},
	}
}

func (s *Server) searchContacts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := parley.CTRFilter{Channel: parley.Channel(q.Get("channel")), QueueID: parley.QueueID(q.Get("queueId")), AgentID: parley.UserID(q.Get("agentId"))}
	if f.Channel != "" && !f.Channel.Valid() {
		return parley.Invalidf("channel", "is %q; must be VOICE, CHAT or TASK", f.Channel)
	}
	var err error
	if f.Since, err = queryTime(q.Get("since"), "since"); err != nil {
		return err
	}
	if f.Until, err = queryTime(q.Get("until"), "until"); err != nil {
		return err
	}
	if f.Limit, err = queryInt(q.Get("limit"), "limit", 1, 1000); err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	ctrs, err := s.svc.CTRs.FindCTRs(r.Context(), f)
	if err != nil {
		return err
	}
	return writeWireList[api.CTR](w, ctrs)
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Contacts.FindContactByID(r.Context(), parley.ContactID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeWire[api.Contact](w, http.StatusOK, c)
}

func (s *Server) getCTR(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.CTRs.FindCTR(r.Context(), parley.ContactID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeWire[api.CTR](w, http.StatusOK, c)
}

func (s *Server) getFlowLogs(w http.ResponseWriter, r *http.Request) error {
	logs, err := s.svc.FlowLogs.FindFlowLogs(r.Context(), parley.ContactID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeWireList[api.FlowLogEntry](w, logs)
}
