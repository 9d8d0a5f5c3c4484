package api

import "time"

// RealtimeMetrics answers GET /v1/metrics/current: current agent, slot and queue counts, four
// ways. Formulas: docs/metrics.md.
type RealtimeMetrics struct {
	At              time.Time     `json:"at"`
	Queues          []RealtimeRow `json:"queues"`
	QueueChannels   []RealtimeRow `json:"queueChannels"`
	RoutingProfiles []RealtimeRow `json:"routingProfiles"`
	Channels        []RealtimeRow `json:"channels"`
}

// RealtimeRow is one row of current metrics; empty dimensions mean "all".
type RealtimeRow struct {
	QueueID                 string  `json:"queueId,omitempty"`
	RoutingProfileID        string  `json:"routingProfileId,omitempty"`
	Channel                 string  `json:"channel,omitempty"`
	AgentsOnline            int     `json:"agentsOnline"`
	AgentsAvailable         int     `json:"agentsAvailable"`
	AgentsOnContact         int     `json:"agentsOnContact"`
	AgentsAfterContactWork  int     `json:"agentsAfterContactWork"`
	AgentsNonProductive     int     `json:"agentsNonProductive"`
	AgentsStaffed           int     `json:"agentsStaffed"`
	AgentsError             int     `json:"agentsError"`
	SlotsActive             int     `json:"slotsActive"`
	SlotsAvailable          int     `json:"slotsAvailable"`
	ContactsInQueue         int     `json:"contactsInQueue"`
	OldestContactAgeSeconds float64 `json:"oldestContactAgeSeconds"`
	ContactsScheduled       int     `json:"contactsScheduled"`
}

// HistoricalMetrics answers GET /v1/metrics/history over [start, end).
type HistoricalMetrics struct {
	Start   time.Time       `json:"start"`
	End     time.Time       `json:"end"`
	GroupBy string          `json:"groupBy,omitempty"` // QUEUE, AGENT, CHANNEL or none
	Rows    []HistoricalRow `json:"rows"`
}

// HistoricalRow is one row of historical metrics. Times are seconds; averages and percentages
// are absent when no contact qualified. ServiceLevel maps a threshold in seconds ("15", "20",
// ... "600") to the percentage of contacts answered within it.
type HistoricalRow struct {
	QueueID                  string              `json:"queueId,omitempty"`
	AgentID                  string              `json:"agentId,omitempty"`
	Channel                  string              `json:"channel,omitempty"`
	ContactsQueued           int                 `json:"contactsQueued"`
	ContactsHandled          int                 `json:"contactsHandled"`
	ContactsAbandoned        int                 `json:"contactsAbandoned"`
	ContactsMissed           int                 `json:"contactsMissed"`
	ContactsTransferredIn    int                 `json:"contactsTransferredIn"`
	ContactsTransferredOut   int                 `json:"contactsTransferredOut"`
	CallbackAttempts         int                 `json:"callbackAttempts"`
	ContactsRemovedFromQueue int                 `json:"contactsRemovedFromQueue"`
	AvgQueueAnswerTime       *float64            `json:"avgQueueAnswerTime,omitempty"`
	AvgHandleTime            *float64            `json:"avgHandleTime,omitempty"`
	AvgInteractionTime       *float64            `json:"avgInteractionTime,omitempty"`
	AvgHoldTime              *float64            `json:"avgHoldTime,omitempty"`
	AvgHoldTimeAllContacts   *float64            `json:"avgHoldTimeAllContacts,omitempty"`
	AvgAfterContactWorkTime  *float64            `json:"avgAfterContactWorkTime,omitempty"`
	AvgAbandonTime           *float64            `json:"avgAbandonTime,omitempty"`
	ServiceLevel             map[string]*float64 `json:"serviceLevel"`
	OnlineTime               float64             `json:"onlineTime"`
	OnContactTime            float64             `json:"onContactTime"`
	IdleTime                 float64             `json:"idleTime"`
	NonProductiveTime        float64             `json:"nonProductiveTime"`
	ErrorTime                float64             `json:"errorTime"`
	Occupancy                *float64            `json:"occupancy,omitempty"`
}
