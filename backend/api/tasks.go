package api

import "time"

// TaskReference is a named link or value shown with a task: URL, STRING, NUMBER, DATE, EMAIL.
type TaskReference struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// StartTaskRequest is the body of POST /v1/tasks (Amazon Connect's StartTaskContact).
type StartTaskRequest struct {
	Name              string            `json:"name"`
	Description       string            `json:"description,omitempty"`
	References        []TaskReference   `json:"references,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
	ScheduledAt       *time.Time        `json:"scheduledAt,omitempty"` // at most 6 days ahead
	PreviousContactID string            `json:"previousContactId,omitempty"`
	FlowID            string            `json:"flowId,omitempty"`  // default: the instance's task flow
	QueueID           string            `json:"queueId,omitempty"` // without a flow: queue directly
}

// Task is a task contact.
type Task struct {
	Contact
	References []TaskReference `json:"references,omitempty"`
	FlowID     string          `json:"flowId,omitempty"`
	PausedAt   *time.Time      `json:"pausedAt,omitempty"`
	Transfers  int             `json:"transfers"`
	ExpiresAt  time.Time       `json:"expiresAt"`
}

// TaskTransferRequest is the body of POST /v1/tasks/{id}/transfer: exactly one of the two.
type TaskTransferRequest struct {
	QueueID string `json:"queueId,omitempty"`
	AgentID string `json:"agentId,omitempty"`
}
