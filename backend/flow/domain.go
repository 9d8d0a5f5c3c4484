package flow

import (
	"errors"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// DomainValidator validates flow documents for the domain (parley.FlowValidator): every problem
// becomes a detail of one EInvalid error, so the API reports them all at once.
type DomainValidator struct{}

var _ parley.FlowValidator = DomainValidator{}

// ValidateFlow parses and validates content.
func (DomainValidator) ValidateFlow(content []byte) error {
	_, err := Parse(content)
	if err == nil {
		return nil
	}
	var verr *ValidationError
	if !errors.As(err, &verr) {
		return parley.Invalidf("content", "is not a Flow language document: %v", err)
	}
	e := &parley.Error{Code: parley.EInvalid, Field: "content",
		Message: fmt.Sprintf("content: the flow has %d problem(s); see details", len(verr.Problems))}
	for _, p := range verr.Problems {
		field := p.Field
		if p.ActionID != "" {
			field = "Actions[" + p.ActionID + "]." + p.Field
		}
		e.Details = append(e.Details, parley.ErrorDetail{Field: field, Message: p.Message})
	}
	if len(e.Details) > 0 {
		e.Message = "content: " + e.Details[0].Field + ": " + e.Details[0].Message
		if n := len(e.Details); n > 1 {
			e.Message += fmt.Sprintf(" (and %d more problems; see details)", n-1)
		}
	}
	return e
}

// DomainLogEntries converts a session's log entries (Session.TakeLog) into the domain's flow log
// entries of contact, for a parley.FlowLogService.
func DomainLogEntries(contact parley.ContactID, entries []LogEntry) []parley.FlowLogEntry {
	out := make([]parley.FlowLogEntry, 0, len(entries))
	for _, l := range entries {
		out = append(out, parley.FlowLogEntry{ContactID: contact, Time: l.Time, FlowID: l.FlowID, ActionID: l.ActionID,
			Type: l.Type, Params: l.Params, Result: l.Result, Error: l.Error})
	}
	return out
}
