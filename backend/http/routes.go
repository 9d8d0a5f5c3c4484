package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// route is one API operation. The table of routes registers the handlers and generates the
// OpenAPI document, so the two cannot drift apart.
type route struct {
	Method     string
	Pattern    string // net/http pattern, e.g. /v1/queues/{id}
	Public     bool   // no sign-in needed
	QueryToken bool   // the token may also come as ?access_token=
	MaxBody    int64  // the request body limit; 0: maxBodyBytes
	Permission parley.Permission
	Tag        string
	Summary    string
	Query      []queryParam
	Request    any   // a value of the request body's type; nil: no body
	Response   any   // a value of the 2xx body's type; nil: no body
	Statuses   []int // every status the route can answer
	Handler    func(http.ResponseWriter, *http.Request) error
}

type queryParam struct {
	Name, Type, Description string
}

func (s *Server) routeTable() []route {
	rs := []route{
		{Method: "GET", Pattern: "/v1/health", Public: true, Tag: "system", Summary: "Check the server is up",
			Response: api.Health{}, Statuses: []int{200}, Handler: s.health},
		{Method: "POST", Pattern: "/v1/auth/login", Public: true, Tag: "auth", Summary: "Sign in and get a session token",
			Request: api.LoginRequest{}, Response: api.LoginResponse{}, Statuses: []int{200, 400, 401, 429}, Handler: s.login},
		{Method: "POST", Pattern: "/v1/auth/logout", Tag: "auth", Summary: "Revoke the session token",
			Statuses: []int{204, 401}, Handler: s.logout},
		{Method: "GET", Pattern: "/v1/me", Tag: "auth", Summary: "The signed-in user and their permissions",
			Response: api.Me{}, Statuses: []int{200, 401}, Handler: s.me},
		{Method: "GET", Pattern: "/v1/permissions", Tag: "security", Summary: "Every permission a security profile can grant",
			Response: api.List[string]{}, Statuses: []int{200, 401}, Handler: s.permissions},
		{Method: "GET", Pattern: "/v1/audit", Permission: parley.PermAuditLogView, Tag: "audit", Summary: "List audit entries, newest first",
			Query: []queryParam{
				{"entityType", "string", "only entries about this entity type (queue, user, ...)"},
				{"entityId", "string", "only entries about this entity"},
				{"actorId", "string", "only changes made by this user"},
				{"since", "date-time", "only entries at or after this time (RFC 3339)"},
				{"until", "date-time", "only entries before this time (RFC 3339)"},
				{"before", "integer", "only entries with a smaller seq (paging)"},
				{"limit", "integer", "at most this many entries (1-1000, default 100)"},
			},
			Response: api.List[api.AuditEntry]{}, Statuses: []int{200, 400, 401, 403}, Handler: s.audit},
	}
	rs = append(rs, s.userRoutes()...)
	rs = append(rs, s.agentRoutes()...)
	rs = append(rs, s.metricsRoutes()...)
	rs = append(rs, s.contactRoutes()...)
	rs = append(rs, s.channelRoutes()...)
	rs = append(rs, (&resource[api.SecurityProfile, parley.SecurityProfile, parley.SecurityProfileID]{
		name: "security profile", path: "/v1/security-profiles", tag: "security",
		view: parley.PermSecurityView, create: parley.PermSecurityCreate, edit: parley.PermSecurityEdit, delete: parley.PermSecurityDelete,
		list: s.svc.SecurityProfiles.FindSecurityProfiles, find: s.svc.SecurityProfiles.FindSecurityProfileByID,
		add: s.svc.SecurityProfiles.CreateSecurityProfile, update: s.svc.SecurityProfiles.UpdateSecurityProfile,
		remove: s.svc.SecurityProfiles.DeleteSecurityProfile,
		setID:  func(d *parley.SecurityProfile, id parley.SecurityProfileID) { d.ID = id },
		idOf:   func(d *parley.SecurityProfile) parley.SecurityProfileID { return d.ID },
		check: func(ctx context.Context, _, p *parley.SecurityProfile) error {
			if err := p.Validate(); err != nil { // unknown permissions are bad input, not a denial
				return err
			}
			return noEscalation(ctx, p.Permissions) // nobody grants what they do not hold
		},
		inUse: true,
	}).routes()...)
	rs = append(rs, (&resource[api.AgentStatus, parley.AgentStatus, parley.AgentStatusID]{
		name: "agent status", path: "/v1/agent-statuses", tag: "agent statuses",
		view: parley.PermAgentStatesView, create: parley.PermAgentStatesCreate, edit: parley.PermAgentStatesEdit, delete: parley.PermAgentStatesDelete,
		list: s.svc.AgentStatuses.FindAgentStatuses, find: s.svc.AgentStatuses.FindAgentStatusByID,
		add: s.svc.AgentStatuses.CreateAgentStatus, update: s.svc.AgentStatuses.UpdateAgentStatus,
		remove: s.svc.AgentStatuses.DeleteAgentStatus,
		setID:  func(d *parley.AgentStatus, id parley.AgentStatusID) { d.ID = id },
		idOf:   func(d *parley.AgentStatus) parley.AgentStatusID { return d.ID },
	}).routes()...)
	rs = append(rs, (&resource[api.HoursOfOperation, parley.HoursOfOperation, parley.HoursOfOperationID]{
		name: "hours of operation", path: "/v1/hours-of-operation", tag: "hours of operation",
		view: parley.PermHoursView, create: parley.PermHoursCreate, edit: parley.PermHoursEdit, delete: parley.PermHoursDelete,
		list: s.svc.Hours.FindHours, find: s.svc.Hours.FindHoursByID,
		add: s.svc.Hours.CreateHours, update: s.svc.Hours.UpdateHours, remove: s.svc.Hours.DeleteHours,
		setID: func(d *parley.HoursOfOperation, id parley.HoursOfOperationID) { d.ID = id },
		idOf:  func(d *parley.HoursOfOperation) parley.HoursOfOperationID { return d.ID },
		inUse: true,
	}).routes()...)
	rs = append(rs, (&resource[api.Queue, parley.Queue, parley.QueueID]{
		name: "queue", path: "/v1/queues", tag: "queues",
		view: parley.PermQueuesView, create: parley.PermQueuesCreate, edit: parley.PermQueuesEdit, delete: parley.PermQueuesDelete,
		list: s.svc.Queues.FindQueues, find: s.svc.Queues.FindQueueByID,
		add: s.svc.Queues.CreateQueue, update: s.svc.Queues.UpdateQueue, remove: s.svc.Queues.DeleteQueue,
		setID: func(d *parley.Queue, id parley.QueueID) { d.ID = id },
		idOf:  func(d *parley.Queue) parley.QueueID { return d.ID },
		inUse: true,
	}).routes()...)
	rs = append(rs, (&resource[api.RoutingProfile, parley.RoutingProfile, parley.RoutingProfileID]{
		name: "routing profile", path: "/v1/routing-profiles", tag: "routing profiles",
		view: parley.PermRoutingView, create: parley.PermRoutingCreate, edit: parley.PermRoutingEdit, delete: parley.PermRoutingDelete,
		list: s.svc.RoutingProfiles.FindRoutingProfiles, find: s.svc.RoutingProfiles.FindRoutingProfileByID,
		add: s.svc.RoutingProfiles.CreateRoutingProfile, update: s.svc.RoutingProfiles.UpdateRoutingProfile,
		remove: s.svc.RoutingProfiles.DeleteRoutingProfile,
		setID:  func(d *parley.RoutingProfile, id parley.RoutingProfileID) { d.ID = id },
		idOf:   func(d *parley.RoutingProfile) parley.RoutingProfileID { return d.ID },
		inUse:  true,
	}).routes()...)
	rs = append(rs, (&resource[api.QuickConnect, parley.QuickConnect, parley.QuickConnectID]{
		name: "quick connect", path: "/v1/quick-connects", tag: "quick connects",
		view: parley.PermQuickConnectsView, create: parley.PermQuickConnectsCreate, edit: parley.PermQuickConnectsEdit, delete: parley.PermQuickConnectsDelete,
		list: s.svc.QuickConnects.FindQuickConnects, find: s.svc.QuickConnects.FindQuickConnectByID,
		add: s.svc.QuickConnects.CreateQuickConnect, update: s.svc.QuickConnects.UpdateQuickConnect,
		remove: s.svc.QuickConnects.DeleteQuickConnect,
		setID:  func(d *parley.QuickConnect, id parley.QuickConnectID) { d.ID = id },
		idOf:   func(d *parley.QuickConnect) parley.QuickConnectID { return d.ID },
		inUse:  true,
	}).routes()...)
	rs = append(rs, (&resource[api.PhoneNumber, parley.PhoneNumber, parley.PhoneNumberID]{
		name: "phone number", path: "/v1/phone-numbers", tag: "phone numbers",
		view: parley.PermPhoneNumbersView, create: parley.PermPhoneNumbersClaim, edit: parley.PermPhoneNumbersEdit, delete: parley.PermPhoneNumbersRelease,
		list: func(ctx context.Context) ([]*parley.PhoneNumber, error) {
			return s.svc.PhoneNumbers.FindPhoneNumbers(ctx, parley.PhoneNumberFilter{})
		},
		find: s.svc.PhoneNumbers.FindPhoneNumberByID,
		add:  s.svc.PhoneNumbers.CreatePhoneNumber, update: s.svc.PhoneNumbers.UpdatePhoneNumber, remove: s.svc.PhoneNumbers.DeletePhoneNumber,
		setID: func(d *parley.PhoneNumber, id parley.PhoneNumberID) { d.ID = id },
		idOf:  func(d *parley.PhoneNumber) parley.PhoneNumberID { return d.ID },
		inUse: true,
	}).routes()...)
	rs = append(rs, s.flowRoutes()...)
	rs = append(rs, (&resource[api.Prompt, parley.Prompt, parley.PromptID]{
		name: "prompt", path: "/v1/prompts", tag: "prompts",
		view: parley.PermPromptsView, create: parley.PermPromptsCreate, edit: parley.PermPromptsEdit, delete: parley.PermPromptsDelete,
		list: s.svc.Prompts.FindPrompts, find: s.svc.Prompts.FindPromptByID,
		add: s.svc.Prompts.CreatePrompt, update: s.svc.Prompts.UpdatePrompt, remove: s.svc.Prompts.DeletePrompt,
		setID: func(d *parley.Prompt, id parley.PromptID) { d.ID = id },
		idOf:  func(d *parley.Prompt) parley.PromptID { return d.ID },
	}).routes()...)
	rs = append(rs, (&resource[api.ExternalFunction, parley.ExternalFunction, parley.ExternalFunctionID]{
		name: "external function", path: "/v1/external-functions", tag: "external functions",
		view: parley.PermExternalView, create: parley.PermExternalCreate, edit: parley.PermExternalEdit, delete: parley.PermExternalDelete,
		list: s.svc.ExternalFunctions.FindExternalFunctions, find: s.svc.ExternalFunctions.FindExternalFunctionByID,
		add: s.svc.ExternalFunctions.CreateExternalFunction, update: s.svc.ExternalFunctions.UpdateExternalFunction,
		remove: s.svc.ExternalFunctions.DeleteExternalFunction,
		setID:  func(d *parley.ExternalFunction, id parley.ExternalFunctionID) { d.ID = id },
		idOf:   func(d *parley.ExternalFunction) parley.ExternalFunctionID { return d.ID },
		redact: func(w *api.ExternalFunction) { w.Secret = "" },
	}).routes()...)
	return rs
}

// noEscalation refuses to grant permissions the caller does not hold.
func noEscalation(ctx context.Context, perms []parley.Permission) error {
	sess := sessionFrom(ctx)
	for _, p := range perms {
		if !parley.HasPermission(sess.Permissions, p) {
			return &parley.Error{Code: parley.EForbidden, Permission: p,
				Message: "cannot grant permission " + string(p) + ": you do not hold it yourself"}
		}
	}
	return nil
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := parley.AuditFilter{EntityType: q.Get("entityType"), EntityID: q.Get("entityId"), ActorID: parley.UserID(q.Get("actorId"))}
	var err error
	if f.Since, err = queryTime(q.Get("since"), "since"); err != nil {
		return err
	}
	if f.Until, err = queryTime(q.Get("until"), "until"); err != nil {
		return err
	}
	before, err := queryInt(q.Get("before"), "before", 0, 1<<62)
	if err != nil {
		return err
	}
	f.BeforeSeq = int64(before)
	if f.Limit, err = queryInt(q.Get("limit"), "limit", 1, 1000); err != nil {
		return err
	}
	entries, err := s.svc.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	items, err := convertAll[api.AuditEntry](entries)
	if err != nil {
		return err
	}
	for i := range items { // a missing side is absent, not JSON null
		if string(items[i].Before) == "null" {
			items[i].Before = nil
		}
		if string(items[i].After) == "null" {
			items[i].After = nil
		}
	}
	writeJSON(w, http.StatusOK, api.List[api.AuditEntry]{Items: items})
	return nil
}

func queryTime(v, name string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, parley.Invalidf(name, "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", v)
	}
	return t, nil
}

// queryInt parses an optional integer query parameter in [min, max]; absent gives 0.
func queryInt(v, name string, min, max int) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, parley.Invalidf(name, "%q is not an integer between %d and %d", v, min, max)
	}
	return n, nil
}
