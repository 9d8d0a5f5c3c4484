package parley

import (
	"context"
	"time"
)

// FlowLogEntry is one executed flow action, kept per contact while the flow has logging on
// (UpdateFlowLoggingBehavior), and for every error met while running.
type FlowLogEntry struct {
	Seq       int64 // assigned by the store, increasing
	ContactID ContactID
	Time      time.Time
	FlowID    string
	ActionID  string
	Type      string            // the action type
	Params    map[string]string // the action's inputs as evaluated
	Result    string            // the branch taken: next, condition:<operand>, error:<type>, wait:<kind>, end:<reason>
	Error     string            // a problem met while running
}

// FlowLogService stores flow logs. Channels append the entries their flow sessions produce.
type FlowLogService interface {
	// AppendFlowLogs stores entries of one contact in order. EInvalid without a contact ID.
	AppendFlowLogs(ctx context.Context, contact ContactID, entries []FlowLogEntry) error
	// FindFlowLogs returns a contact's entries in order (empty when none).
	FindFlowLogs(ctx context.Context, contact ContactID) ([]*FlowLogEntry, error)
}
