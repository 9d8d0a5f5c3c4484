package http

import (
	"net/http"
	"strconv"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func (s *Server) flowRoutes() []route {
	res := &resource[api.Flow, parley.Flow, parley.FlowID]{
		name: "flow", path: "/v1/flows", tag: "flows",
		view: parley.PermFlowsView, create: parley.PermFlowsCreate, edit: parley.PermFlowsEdit, delete: parley.PermFlowsDelete,
		list: s.svc.Flows.FindFlows, find: s.svc.Flows.FindFlowByID,
		add: s.svc.Flows.CreateFlow, update: s.svc.Flows.UpdateFlow, remove: s.svc.Flows.DeleteFlow,
		setID: func(d *parley.Flow, id parley.FlowID) { d.ID = id },
		idOf:  func(d *parley.Flow) parley.FlowID { return d.ID },
		inUse: true,
	}
	return append(res.routes(),
		route{Method: "POST", Pattern: "/v1/flows/{id}/publish", Permission: parley.PermFlowsPublish, Tag: "flows",
			Summary: "Validate the draft and publish it as the next version", Response: api.FlowVersion{},
			Statuses: []int{200, 400, 401, 403, 404}, Handler: s.publishFlow},
		route{Method: "GET", Pattern: "/v1/flows/{id}/versions", Permission: parley.PermFlowsView, Tag: "flows",
			Summary: "List a flow's published versions, newest first", Response: api.List[api.FlowVersion]{},
			Statuses: []int{200, 401, 403, 404}, Handler: s.flowVersions},
		route{Method: "GET", Pattern: "/v1/flows/{id}/versions/{version}", Permission: parley.PermFlowsView, Tag: "flows",
			Summary: "Get one published version", Response: api.FlowVersion{},
			Statuses: []int{200, 400, 401, 403, 404}, Handler: s.flowVersion},
		route{Method: "POST", Pattern: "/v1/flows/{id}/rollback", Permission: parley.PermFlowsPublish, Tag: "flows",
			Summary: "Make an earlier version live again (and the draft)", Request: api.FlowRollbackRequest{}, Response: api.Flow{},
			Statuses: []int{200, 400, 401, 403, 404}, Handler: s.rollbackFlow},
	)
}

func (s *Server) validateFlow(content string) error {
	if s.FlowValidator != nil {
		return s.FlowValidator.ValidateFlow([]byte(content))
	}
	return parley.ValidateFlowShape("content", content)
}

func (s *Server) publishFlow(w http.ResponseWriter, r *http.Request) error {
	id := parley.FlowID(r.PathValue("id"))
	f, err := s.svc.Flows.FindFlowByID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.validateFlow(f.Content); err != nil {
		return err
	}
	v, err := s.svc.Flows.PublishFlow(r.Context(), id)
	if err != nil {
		return err
	}
	return writeWire[api.FlowVersion](w, http.StatusOK, v)
}

func (s *Server) flowVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.svc.Flows.FindFlowVersions(r.Context(), parley.FlowID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return writeWireList[api.FlowVersion](w, vs)
}

func (s *Server) flowVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		return parley.Invalidf("version", "%q is not a version number (1, 2, ...)", r.PathValue("version"))
	}
	v, err := s.svc.Flows.FindFlowVersion(r.Context(), parley.FlowID(r.PathValue("id")), n)
	if err != nil {
		return err
	}
	return writeWire[api.FlowVersion](w, http.StatusOK, v)
}

func (s *Server) rollbackFlow(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.FlowRollbackRequest](r)
	if err != nil {
		return err
	}
	if in.Version < 1 {
		return parley.Invalidf("version", "is required: the number of an earlier published version (1, 2, ...)")
	}
	f, err := s.svc.Flows.RollbackFlow(r.Context(), parley.FlowID(r.PathValue("id")), in.Version)
	if err != nil {
		return err
	}
	return writeWire[api.Flow](w, http.StatusOK, f)
}
