package http

import (
	"context"
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func init() { channelRouteSets = append(channelRouteSets, (*Server).taskRoutes) }

func (s *Server) taskRoutes() []route {
	if s.svc.Tasks == nil {
		return nil
	}
	act := func(verb, summary string, do func(context.Context, parley.ContactID) (*parley.Task, error)) route {
		return route{Method: "POST", Pattern: "/v1/tasks/{id}/" + verb, Permission: parley.PermBasicAgentAccess, Tag: "tasks",
			Summary: summary, Response: api.Task{}, Statuses: []int{200, 401, 403, 404, 409},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				t, err := do(r.Context(), parley.ContactID(r.PathValue("id")))
				if err != nil {
					return err
				}
				return writeWire[api.Task](w, http.StatusOK, t)
			}}
	}
	t := s.svc.Tasks
	return []route{
		{Method: "POST", Pattern: "/v1/tasks", Permission: parley.PermBasicAgentAccess, Tag: "tasks",
			Summary: "Start a task: it runs its flow (or queues directly), now or at scheduledAt", Request: api.StartTaskRequest{},
			Response: api.Task{}, Statuses: []int{201, 400, 401, 403, 503}, Handler: s.startTask},
		{Method: "GET", Pattern: "/v1/tasks/{id}", Permission: parley.PermBasicAgentAccess, Tag: "tasks",
			Summary: "A task", Response: api.Task{}, Statuses: []int{200, 401, 403, 404},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				task, err := t.FindTask(r.Context(), parley.ContactID(r.PathValue("id")))
				if err != nil {
					return err
				}
				return writeWire[api.Task](w, http.StatusOK, task)
			}},
		act("accept", "Accept the task ringing you", t.Accept),
		act("reject", "Decline the task ringing you (it returns to its queue)", t.Reject),
		act("pause", "Pause a queued or connected task", t.Pause),
		act("resume", "Resume a paused task", t.Resume),
		act("complete", "Complete a task, wherever it is", t.Complete),
		{Method: "POST", Pattern: "/v1/tasks/{id}/transfer", Permission: parley.PermBasicAgentAccess, Tag: "tasks",
			Summary: "Transfer a task to a queue or an agent (at most 11 transfers per task)", Request: api.TaskTransferRequest{},
			Response: api.Task{}, Statuses: []int{200, 400, 401, 403, 404, 409}, Handler: s.transferTask},
	}
}

func (s *Server) startTask(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.StartTaskRequest](r)
	if err != nil {
		return err
	}
	req, err := convert[parley.StartTaskRequest](in)
	if err != nil {
		return err
	}
	t, err := s.svc.Tasks.StartTask(r.Context(), *req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/tasks/"+string(t.ID))
	return writeWire[api.Task](w, http.StatusCreated, t)
}

func (s *Server) transferTask(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.TaskTransferRequest](r)
	if err != nil {
		return err
	}
	t, err := s.svc.Tasks.Transfer(r.Context(), parley.ContactID(r.PathValue("id")),
		parley.TaskTransfer{QueueID: parley.QueueID(in.QueueID), AgentID: parley.UserID(in.AgentID)})
	if err != nil {
		return err
	}
	return writeWire[api.Task](w, http.StatusOK, t)
}
