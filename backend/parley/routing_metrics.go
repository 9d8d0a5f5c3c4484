package parley

import (
	"context"
	"time"
)

// AgentCounts are the agent and slot counts of a real-time metrics row, as defined in
// docs/metrics.md (Amazon Connect's AGENTS_* and SLOTS_* current metrics).
type AgentCounts struct {
	Online           int
	Available        int
	OnContact        int
	AfterContactWork int
	NonProductive    int
	Staffed          int
	Error            int
	SlotsActive      int
	SlotsAvailable   int
}

// RealtimeRow is one row of real-time metrics. Empty dimensions mean "all": a row with only
// QueueID set covers every channel of that queue.
type RealtimeRow struct {
	QueueID          QueueID
	RoutingProfileID RoutingProfileID
	Channel          Channel
	AgentCounts
	ContactsInQueue   int
	OldestContactAge  time.Duration // 0 when no contact waits
	ContactsScheduled int
}

// RealtimeMetrics is a snapshot of current metrics, grouped four ways.
type RealtimeMetrics struct {
	At              time.Time
	Queues          []RealtimeRow // one per queue, every channel
	QueueChannels   []RealtimeRow // one per queue and channel
	RoutingProfiles []RealtimeRow // one per routing profile (contacts: the profile's queues)
	Channels        []RealtimeRow // one per channel
}

// MetricsGrouping says how historical metrics are grouped.
type MetricsGrouping string

// Groupings.
const (
	GroupNone    MetricsGrouping = ""
	GroupQueue   MetricsGrouping = "QUEUE"
	GroupAgent   MetricsGrouping = "AGENT"
	GroupChannel MetricsGrouping = "CHANNEL"
)

// ServiceLevelThresholds are the service-level thresholds reported, in seconds.
var ServiceLevelThresholds = []int{15, 20, 30, 60, 90, 120, 180, 300, 600}

// HistoricalQuery asks for historical metrics over [Start, End).
type HistoricalQuery struct {
	Start    time.Time
	End      time.Time
	Grouping MetricsGrouping
}

// HistoricalRow is one row of historical metrics; see docs/metrics.md for each formula. Average
// times are in seconds; a nil average means no contact qualified. Percentages are 0-100.
type HistoricalRow struct {
	QueueID QueueID
	AgentID UserID
	Channel Channel

	ContactsQueued           int
	ContactsHandled          int
	ContactsAbandoned        int
	ContactsMissed           int
	ContactsTransferredIn    int
	ContactsTransferredOut   int
	CallbackAttempts         int
	ContactsRemovedFromQueue int

	AvgQueueAnswerTime      *float64
	AvgHandleTime           *float64
	AvgInteractionTime      *float64
	AvgHoldTime             *float64 // contacts put on hold at least once
	AvgHoldTimeAllContacts  *float64 // every contact handled
	AvgAfterContactWorkTime *float64
	AvgAbandonTime          *float64
	ServiceLevel            map[int]*float64 // threshold seconds -> percent

	OnlineTime        time.Duration
	OnContactTime     time.Duration
	IdleTime          time.Duration
	NonProductiveTime time.Duration
	ErrorTime         time.Duration
	Occupancy         *float64 // percent
}

// HistoricalMetrics is the answer to a HistoricalQuery.
type HistoricalMetrics struct {
	Query HistoricalQuery
	Rows  []HistoricalRow
}

// RealtimeMetricsService reads current metrics (implemented by the router).
type RealtimeMetricsService interface {
	// RealtimeMetrics: EUnavailable when the router is not running.
	RealtimeMetrics(ctx context.Context) (*RealtimeMetrics, error)
}

// HistoricalMetricsService computes historical metrics from stored CTRs and agent events.
type HistoricalMetricsService interface {
	// HistoricalMetrics: EInvalid (End not after Start, unknown grouping).
	HistoricalMetrics(ctx context.Context, q HistoricalQuery) (*HistoricalMetrics, error)
}
