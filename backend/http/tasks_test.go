package http_test

import (
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/api"
)

// taskAgent makes a queue served only by a new, available agent who takes two tasks at once.
func (f *fixtures) taskAgent() (c *api.Client, agent, queue string) {
	w := f.w
	var h api.HoursOfOperation
	var q api.Queue
	w.must(w.admin, "POST", "/v1/queues", api.Queue{Name: f.name("Tasks"), HoursOfOperationID: f.hoursID(&h), MaxContacts: 1}, &q)
	var rp api.RoutingProfile
	w.must(w.admin, "POST", "/v1/routing-profiles", api.RoutingProfile{Name: f.name("Task agents"), DefaultOutboundQueueID: q.ID,
		MediaConcurrencies: []api.MediaConcurrency{{Channel: "TASK", Concurrency: 2}},
		Queues:             []api.RoutingProfileQueue{{QueueID: q.ID, Channel: "TASK", Priority: 1}}}, &rp)
	name := f.name("tasker")
	var u api.User
	w.must(w.admin, "POST", "/v1/users", api.NewUser{User: api.User{Username: name, RoutingProfileID: rp.ID,
		SecurityProfileIDs: []string{string(w.profiles["Agent"])}}, Password: "password-123"}, &u)
	c = w.login(name, "password-123")
	w.must(c, "POST", "/v1/agent/session", nil, nil)
	w.must(c, "PUT", "/v1/agent/status", api.SetStatusRequest{StatusID: f.status("ROUTABLE")}, nil)
	return c, u.ID, q.ID
}

func (f *fixtures) anyQueue() string {
	var l api.List[api.Queue]
	f.w.must(f.w.admin, "GET", "/v1/queues", nil, &l)
	return l.Items[0].ID
}

func (f *fixtures) hoursID(h *api.HoursOfOperation) string {
	var l api.List[api.HoursOfOperation]
	f.w.must(f.w.admin, "GET", "/v1/hours-of-operation", nil, &l)
	*h = l.Items[0]
	return h.ID
}

// ringingTask starts a task that rings a new agent; it returns the agent's client and the task.
func (f *fixtures) ringingTask() (*api.Client, api.Task) {
	c, _, q := f.taskAgent()
	var t api.Task
	f.w.must(c, "POST", "/v1/tasks", api.StartTaskRequest{Name: f.name("Call back Mrs Smith"), QueueID: q,
		References: []api.TaskReference{{Name: "Order", Type: "URL", Value: "https://shop.example/orders/42"}}}, &t)
	if t.State != "INCOMING" {
		f.w.t.Fatalf("new task is %s, want INCOMING (ringing the agent)", t.State)
	}
	return c, t
}

func (f *fixtures) connectedTask() (*api.Client, api.Task) {
	c, t := f.ringingTask()
	f.w.must(c, "POST", "/v1/tasks/"+t.ID+"/accept", nil, &t)
	return c, t
}

func init() {
	path := func(verb, id string) string {
		if verb == "" {
			return "/v1/tasks/" + id
		}
		return "/v1/tasks/" + id + "/" + verb
	}
	register := func(key string, sc func(f *fixtures) request) { extraScenarios[key] = sc }
	register("POST /v1/tasks 201", func(f *fixtures) request {
		c, _, q := f.taskAgent()
		return request{client: c, path: "/v1/tasks", body: api.StartTaskRequest{Name: "Follow up", QueueID: q}}
	})
	register("POST /v1/tasks 400", func(f *fixtures) request {
		return request{client: f.w.agent, path: "/v1/tasks", body: api.StartTaskRequest{Name: "", QueueID: f.anyQueue()}}
	})
	register("POST /v1/tasks 503", func(f *fixtures) request { // the queue holds one contact at most
		c, agent, q := f.taskAgent()
		f.w.must(f.w.admin, "PUT", "/v1/agents/"+agent+"/status", api.SetStatusRequest{StatusID: f.status("OFFLINE")}, nil)
		f.w.must(c, "POST", "/v1/tasks", api.StartTaskRequest{Name: "First", QueueID: q}, nil)
		return request{client: c, path: "/v1/tasks", body: api.StartTaskRequest{Name: "Second", QueueID: q}}
	})
	register("GET /v1/tasks/{id} 200", func(f *fixtures) request {
		c, t := f.ringingTask()
		return request{client: c, path: path("", t.ID)}
	})
	for _, verb := range []string{"", "accept", "reject", "pause", "resume", "complete", "transfer"} {
		method := "POST"
		if verb == "" {
			method = "GET"
		}
		key := method + " /v1/tasks/{id}"
		if verb != "" {
			key += "/" + verb
		}
		v := verb
		register(key+" 404", func(f *fixtures) request {
			return request{client: f.w.agent, path: path(v, "no-such-task"), body: api.TaskTransferRequest{QueueID: f.anyQueue()}}
		})
	}
	register("POST /v1/tasks/{id}/accept 200", func(f *fixtures) request {
		c, t := f.ringingTask()
		return request{client: c, path: path("accept", t.ID)}
	})
	register("POST /v1/tasks/{id}/accept 409", func(f *fixtures) request { // rings someone else
		_, t := f.ringingTask()
		return request{client: f.w.admin, path: path("accept", t.ID)}
	})
	register("POST /v1/tasks/{id}/reject 200", func(f *fixtures) request {
		c, t := f.ringingTask()
		return request{client: c, path: path("reject", t.ID)}
	})
	register("POST /v1/tasks/{id}/reject 409", func(f *fixtures) request {
		c, t := f.connectedTask()
		return request{client: c, path: path("reject", t.ID)}
	})
	register("POST /v1/tasks/{id}/pause 200", func(f *fixtures) request {
		c, t := f.connectedTask()
		return request{client: c, path: path("pause", t.ID)}
	})
	register("POST /v1/tasks/{id}/pause 409", func(f *fixtures) request { // ringing
		c, t := f.ringingTask()
		return request{client: c, path: path("pause", t.ID)}
	})
	register("POST /v1/tasks/{id}/resume 200", func(f *fixtures) request {
		c, t := f.connectedTask()
		f.w.must(c, "POST", path("pause", t.ID), nil, nil)
		return request{client: c, path: path("resume", t.ID)}
	})
	register("POST /v1/tasks/{id}/resume 409", func(f *fixtures) request { // not paused
		c, t := f.connectedTask()
		return request{client: c, path: path("resume", t.ID)}
	})
	register("POST /v1/tasks/{id}/complete 200", func(f *fixtures) request {
		c, t := f.connectedTask()
		return request{client: c, path: path("complete", t.ID)}
	})
	register("POST /v1/tasks/{id}/complete 409", func(f *fixtures) request {
		c, t := f.connectedTask()
		f.w.must(c, "POST", path("complete", t.ID), nil, nil)
		return request{client: c, path: path("complete", t.ID)}
	})
	register("POST /v1/tasks/{id}/transfer 200", func(f *fixtures) request {
		c, t := f.connectedTask()
		return request{client: c, path: path("transfer", t.ID), body: api.TaskTransferRequest{QueueID: f.anyQueue()}}
	})
	register("POST /v1/tasks/{id}/transfer 400", func(f *fixtures) request { // both targets
		c, t := f.connectedTask()
		return request{client: c, path: path("transfer", t.ID), body: api.TaskTransferRequest{QueueID: f.anyQueue(), AgentID: "x"}}
	})
	register("POST /v1/tasks/{id}/transfer 409", func(f *fixtures) request { // still ringing
		c, t := f.ringingTask()
		return request{client: c, path: path("transfer", t.ID), body: api.TaskTransferRequest{QueueID: f.anyQueue()}}
	})
}

func TestTaskOverTheAPI(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	c, task := f.connectedTask()
	if task.State != "CONNECTED" || len(task.References) != 1 || task.References[0].Value != "https://shop.example/orders/42" || task.ExpiresAt.IsZero() {
		t.Fatalf("accepted task = %+v", task)
	}
	var done api.Task
	w.must(c, "POST", "/v1/tasks/"+task.ID+"/complete", nil, &done)
	if done.State != "COMPLETED" || done.DisconnectReason != "AGENT_DISCONNECT" {
		t.Fatalf("completed task = %+v", done)
	}
	// The agent's slot is free again: a new task rings them at once.
	var again api.Task
	w.must(c, "POST", "/v1/tasks", api.StartTaskRequest{Name: "Another", QueueID: task.QueueID}, &again)
	if again.State != "INCOMING" || again.AgentID != task.AgentID {
		t.Fatalf("next task = %s for %s, want INCOMING for %s", again.State, again.AgentID, task.AgentID)
	}
	st, e := w.do(c, "POST", "/v1/tasks", api.StartTaskRequest{Name: "Bad ref", QueueID: task.QueueID,
		References: []api.TaskReference{{Name: "Mail", Type: "EMAIL", Value: "not-an-address"}}}, nil)
	if st != 400 || e.Field != "references[0].value" {
		t.Fatalf("bad reference: %d %+v", st, e)
	}
}

func TestTaskFlowLogs(t *testing.T) {
	w := newWorld(t)
	f := newFixtures(w)
	c, _, q := f.taskAgent()
	var fl api.Flow
	w.must(w.admin, "POST", "/v1/flows", api.Flow{Name: "Logged task flow", Type: "CONTACT_FLOW", Content: `{"Version":"2019-10-30","StartAction":"log","Actions":[
	 {"Identifier":"log","Type":"UpdateFlowLoggingBehavior","Parameters":{"FlowLoggingBehavior":"Enabled"},"Transitions":{"NextAction":"attrs"}},
	 {"Identifier":"attrs","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"tier":"gold"}},"Transitions":{"NextAction":"queue","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"queue","Type":"UpdateContactTargetQueue","Parameters":{"QueueId":"` + q + `"},"Transitions":{"NextAction":"xfer","Errors":[{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"xfer","Type":"TransferContactToQueue","Parameters":{},"Transitions":{"NextAction":"end","Errors":[{"NextAction":"end","ErrorType":"QueueAtCapacity"},{"NextAction":"end","ErrorType":"NoMatchingError"}]}},
	 {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]}`}, &fl)
	w.must(w.admin, "POST", "/v1/flows/"+fl.ID+"/publish", nil, nil)
	var task api.Task
	w.must(c, "POST", "/v1/tasks", api.StartTaskRequest{Name: "Logged", FlowID: fl.ID}, &task)
	var logs api.List[api.FlowLogEntry]
	w.must(w.admin, "GET", "/v1/contacts/"+task.ID+"/flow-logs", nil, &logs)
	var actions []string
	for _, l := range logs.Items {
		if l.ContactID != task.ID || l.FlowID != fl.ID {
			t.Fatalf("log entry of another contact or flow: %+v", l)
		}
		actions = append(actions, l.ActionID)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "attrs queue xfer") {
		t.Fatalf("logged actions %q, want attrs, queue and xfer in order", got)
	}
}
