package flow

import (
	"errors"
	"time"
)

// ErrNotFound is returned by Env lookups for something that does not exist.
// Actions take their error branch on it.
var ErrNotFound = errors.New("not found")

// Env answers the questions a flow asks while it runs. Every method must
// answer at once from memory or a cache: the engine calls them synchronously
// and does no I/O of its own. References (ref) are IDs, ARNs or names, as they
// appear in flow parameters; return ErrNotFound for unknown ones.
type Env interface {
	// Flow returns a flow or flow module, for TransferToFlow and
	// InvokeFlowModule and to restore a persisted session.
	Flow(ref string) (*Flow, error)
	// Queue returns a queue.
	Queue(ref string) (Queue, error)
	// Agent returns an agent, for UpdateContactTargetQueue with AgentId.
	Agent(ref string) (Agent, error)
	// HoursOpen reports whether the hours of operation are open at t.
	HoursOpen(ref string, t time.Time) (bool, error)
	// QueueMetrics returns the queue's real-time metrics.
	QueueMetrics(queueID string) (QueueMetrics, error)
	// QueueAtCapacity reports whether the queue is full.
	QueueAtCapacity(queueID string) (bool, error)
	// Prompt returns a recorded prompt.
	Prompt(ref string) (Prompt, error)
}

// Queue is a queue as a flow sees it.
type Queue struct {
	ID               string `json:"id"`
	ARN              string `json:"arn,omitempty"`
	Name             string `json:"name"`
	HoursID          string `json:"hoursId,omitempty"`
	OutboundCallerID string `json:"outboundCallerId,omitempty"`
}

// Ref returns the queue's reference for a contact.
func (q Queue) Ref() *QueueRef {
	return &QueueRef{ID: q.ID, ARN: q.ARN, Name: q.Name, OutboundCallerID: q.OutboundCallerID}
}

// Agent is an agent as a flow sees it.
type Agent struct {
	ID   string `json:"id"`
	ARN  string `json:"arn,omitempty"`
	Name string `json:"name,omitempty"`
	// QueueID is the agent's personal queue.
	QueueID string `json:"queueId,omitempty"`
}

// Prompt is a recorded prompt.
type Prompt struct {
	ID   string `json:"id"`
	ARN  string `json:"arn,omitempty"`
	Name string `json:"name,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// QueueMetrics are a queue's real-time metrics, as CheckMetricData and
// GetMetricData see them.
type QueueMetrics struct {
	AgentsOnline            int `json:"agentsOnline"`
	AgentsAvailable         int `json:"agentsAvailable"`
	AgentsStaffed           int `json:"agentsStaffed"`
	AgentsAfterContactWork  int `json:"agentsAfterContactWork"`
	AgentsBusy              int `json:"agentsBusy"`
	AgentsMissed            int `json:"agentsMissed"`
	AgentsNonProductive     int `json:"agentsNonProductive"`
	ContactsInQueue         int `json:"contactsInQueue"`
	OldestContactAgeSeconds int `json:"oldestContactAgeSeconds"`
}
