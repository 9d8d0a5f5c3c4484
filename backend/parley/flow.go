package parley

import (
	"context"
	"encoding/json"
	"time"
)

// FlowType says where a flow can be used, as in Amazon Connect.
type FlowType string

// Flow types.
const (
	FlowContact         FlowType = "CONTACT_FLOW" // inbound: phone numbers, chat, tasks
	FlowCustomerQueue   FlowType = "CUSTOMER_QUEUE"
	FlowCustomerHold    FlowType = "CUSTOMER_HOLD"
	FlowCustomerWhisper FlowType = "CUSTOMER_WHISPER"
	FlowAgentHold       FlowType = "AGENT_HOLD"
	FlowAgentWhisper    FlowType = "AGENT_WHISPER"
	FlowOutboundWhisper FlowType = "OUTBOUND_WHISPER"
	FlowAgentTransfer   FlowType = "AGENT_TRANSFER"
	FlowQueueTransfer   FlowType = "QUEUE_TRANSFER"
	FlowModule          FlowType = "MODULE" // invoked by InvokeFlowModule
)

// FlowTypes lists every flow type.
var FlowTypes = []FlowType{FlowContact, FlowCustomerQueue, FlowCustomerHold, FlowCustomerWhisper,
	FlowAgentHold, FlowAgentWhisper, FlowOutboundWhisper, FlowAgentTransfer, FlowQueueTransfer, FlowModule}

// FlowLanguageVersion is the Amazon Connect Flow language version Parley reads.
const FlowLanguageVersion = "2019-10-30"

// MaxFlowContentBytes bounds a flow document.
const MaxFlowContentBytes = 1 << 20

// Flow is a contact flow: a draft being edited and, once published, immutable versions of which
// one is live.
type Flow struct {
	ID               FlowID
	Name             string
	Description      string
	Type             FlowType
	Content          string // the draft, Flow language JSON
	PublishedVersion int    // the live version; 0 until the flow is first published
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// FlowVersion is a published, immutable version of a flow.
type FlowVersion struct {
	FlowID      FlowID
	Version     int // 1, 2, ...
	Content     string
	PublishedAt time.Time
	PublishedBy UserID
}

// Validate checks the flow's fields and that its content has the Flow language's outer shape
// (a JSON object with Version, StartAction and Actions). Full validation of the actions happens
// on publish, by a FlowValidator.
func (f *Flow) Validate() error {
	if err := firstError(
		ValidateName("name", f.Name),
		ValidateDescription("description", f.Description),
		oneOf("type", f.Type, FlowTypes...),
	); err != nil {
		return err
	}
	return ValidateFlowShape("content", f.Content)
}

// ValidateFlowShape checks that content is a Flow language document's outer shape.
func ValidateFlowShape(field, content string) error {
	if len(content) > MaxFlowContentBytes {
		return Invalidf(field, "is %d bytes; at most %d are allowed", len(content), MaxFlowContentBytes)
	}
	var doc struct {
		Version     *string           `json:"Version"`
		StartAction *string           `json:"StartAction"`
		Actions     []json.RawMessage `json:"Actions"`
	}
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return Invalidf(field, "is not a Flow language JSON object: %v", err)
	}
	switch {
	case doc.Version == nil || *doc.Version != FlowLanguageVersion:
		return Invalidf(field, "Version must be %q", FlowLanguageVersion)
	case doc.StartAction == nil || *doc.StartAction == "":
		return Invalidf(field, "StartAction is required: the Identifier of the first action")
	case doc.Actions == nil:
		return Invalidf(field, "Actions is required: a list of actions")
	}
	return nil
}

// FlowValidator fully validates a flow document before it is published. It returns an EInvalid
// *Error whose Details list every problem.
type FlowValidator interface {
	ValidateFlow(content []byte) error
}

// FlowService manages flows and their versions.
type FlowService interface {
	FindFlowByID(ctx context.Context, id FlowID) (*Flow, error)
	FindFlows(ctx context.Context) ([]*Flow, error)
	// CreateFlow stores a flow with its draft: EInvalid, EConflict (name).
	CreateFlow(ctx context.Context, f *Flow) error
	// UpdateFlow replaces the name, description and draft (the type cannot change): ENotFound,
	// EInvalid, EConflict (name).
	UpdateFlow(ctx context.Context, f *Flow) error
	// DeleteFlow: ENotFound; EConflict while a phone number, queue or quick connect uses it.
	DeleteFlow(ctx context.Context, id FlowID) error
	// PublishFlow stores the current draft as the next version and makes it live. The caller
	// validates the draft first. ENotFound.
	PublishFlow(ctx context.Context, id FlowID) (*FlowVersion, error)
	// FindFlowVersions lists a flow's versions, newest first. ENotFound for an unknown flow.
	FindFlowVersions(ctx context.Context, id FlowID) ([]*FlowVersion, error)
	// FindFlowVersion returns one version. ENotFound.
	FindFlowVersion(ctx context.Context, id FlowID, version int) (*FlowVersion, error)
	// RollbackFlow makes an earlier version live again and copies it into the draft. ENotFound.
	RollbackFlow(ctx context.Context, id FlowID, version int) (*Flow, error)
}

// FlowSource loads the content of a flow's published (live) version, for channels that start
// flows by ID.
type FlowSource interface {
	// PublishedFlowContent returns the live version's Flow language JSON. ENotFound for an
	// unknown flow; EInvalid (field flowId) for a flow that was never published.
	PublishedFlowContent(ctx context.Context, id FlowID) (string, error)
}

// PublishedFlows is the FlowSource over a FlowService.
type PublishedFlows struct{ Flows FlowService }

// PublishedFlowContent implements FlowSource.
func (s PublishedFlows) PublishedFlowContent(ctx context.Context, id FlowID) (string, error) {
	f, err := s.Flows.FindFlowByID(ctx, id)
	if err != nil {
		return "", err
	}
	if f.PublishedVersion == 0 {
		return "", Invalidf("flowId", "flow %q (%s) has never been published; publish it first", id, f.Name)
	}
	v, err := s.Flows.FindFlowVersion(ctx, id, f.PublishedVersion)
	if err != nil {
		return "", err
	}
	return v.Content, nil
}
