package flow

import (
	"time"
)

// Channel is the channel of a contact, spelled as in Amazon Connect's $.Channel.
type Channel string

// Channels.
const (
	ChannelVoice Channel = "VOICE"
	ChannelChat  Channel = "CHAT"
	ChannelTask  Channel = "TASK"
)

// Endpoint is a customer or system endpoint ($.CustomerEndpoint, $.SystemEndpoint).
type Endpoint struct {
	Address string `json:"address,omitempty"`
	// Type is TELEPHONE_NUMBER, VOIP or CONTACT_FLOW, as in Connect.
	Type string `json:"type,omitempty"`
}

// QueueRef identifies a queue ($.Queue).
type QueueRef struct {
	ID               string `json:"id"`
	ARN              string `json:"arn,omitempty"`
	Name             string `json:"name,omitempty"`
	OutboundCallerID string `json:"outboundCallerId,omitempty"`
}

// Contact is what a flow knows about the contact it runs for. Channels fill
// it in before Start; the flow changes Attributes and Queue as it runs.
type Contact struct {
	ContactID         string            `json:"contactId"`
	InitialContactID  string            `json:"initialContactId,omitempty"`
	PreviousContactID string            `json:"previousContactId,omitempty"`
	Channel           Channel           `json:"channel"`
	InitiationMethod  string            `json:"initiationMethod,omitempty"`
	InstanceARN       string            `json:"instanceArn,omitempty"`
	Region            string            `json:"region,omitempty"`
	LanguageCode      string            `json:"languageCode,omitempty"`
	Name              string            `json:"name,omitempty"`
	Description       string            `json:"description,omitempty"`
	CustomerEndpoint  Endpoint          `json:"customerEndpoint"`
	SystemEndpoint    Endpoint          `json:"systemEndpoint"`
	Queue             *QueueRef         `json:"queue,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
}

// Status is where a session stands.
type Status string

// Session statuses.
const (
	// StatusWaiting means the flow waits for an Input (see Session.Wait).
	StatusWaiting Status = "waiting"
	// StatusEnded means the flow is over (see Session.End).
	StatusEnded Status = "ended"
)

// EndReason says why a flow ended.
type EndReason string

// End reasons.
const (
	EndDisconnected     EndReason = "disconnected"       // DisconnectParticipant
	EndFlowEnded        EndReason = "flow_ended"         // EndFlowExecution, or a module run on its own ended
	EndTransferred      EndReason = "transferred"        // to a queue, an agent or a third party, confirmed
	EndError            EndReason = "error"              // an error with no branch to take; see the log
	EndNoNextAction     EndReason = "no_next_action"     // a branch that leads nowhere
	EndStepLimitReached EndReason = "step_limit_reached" // too many actions without waiting
)

// WaitKind says what a waiting session expects.
type WaitKind string

// Wait kinds.
const (
	// WaitInput: customer digits (voice) or text (chat), or a timeout.
	WaitInput WaitKind = "input"
	// WaitFunction: the result of an external function call.
	WaitFunction WaitKind = "function"
	// WaitQueue: the contact was handed to a queue; a transfer result ends
	// the flow or takes an error branch.
	WaitQueue WaitKind = "queue"
	// WaitTransfer: the result of a transfer to an agent or a third party.
	WaitTransfer WaitKind = "transfer"
	// WaitPrompt: the end of a prompt (MessageParticipantIteratively), or
	// the interrupt timeout.
	WaitPrompt WaitKind = "prompt"
	// WaitTimer: the end of a Wait action (a timeout), or a chat message.
	WaitTimer WaitKind = "timer"
)

// Wait describes what a waiting session expects next.
type Wait struct {
	Kind     WaitKind `json:"kind"`
	FlowID   string   `json:"flowId"`
	ActionID string   `json:"actionId"`
	// Deadline, when set, is the time at which the channel must resume the
	// session with a Timeout input.
	Deadline time.Time `json:"deadline,omitzero"`
	// Index is the position in a list of messages (MessageParticipantIteratively).
	Index int `json:"index,omitempty"`
}

// Frame is one flow on the session's call stack: the root flow and the flow
// modules it invoked.
type Frame struct {
	FlowID string `json:"flowId"`
	// ActionID is the action running in this flow (for a caller frame, the
	// InvokeFlowModule action).
	ActionID string `json:"actionId"`
}

// Voice is the text-to-speech voice set by UpdateContactTextToSpeechVoice.
type Voice struct {
	Voice  string `json:"voice,omitempty"`
	Engine string `json:"engine,omitempty"`
	Style  string `json:"style,omitempty"`
}

// Session is the state of one flow run for one contact. It is plain data:
// encode it as JSON to persist a chat or task flow and decode it to resume
// after a restart.
type Session struct {
	Contact Contact `json:"contact"`

	Status Status    `json:"status"`
	Wait   *Wait     `json:"wait,omitempty"`
	End    EndReason `json:"end,omitempty"`
	// Frames is the call stack; the last frame is the running flow.
	Frames []Frame `json:"frames"`

	FlowAttributes      map[string]string `json:"flowAttributes,omitempty"`
	External            map[string]any    `json:"external,omitempty"`
	StoredCustomerInput string            `json:"storedCustomerInput,omitempty"`
	Metrics             map[string]string `json:"metrics,omitempty"`
	Lex                 map[string]string `json:"lex,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	Loops               map[string]int    `json:"loops,omitempty"`

	EventHooks     map[string]string `json:"eventHooks,omitempty"`
	CallbackNumber string            `json:"callbackNumber,omitempty"`
	Voice          Voice             `json:"voice,omitzero"`
	TargetAgentID  string            `json:"targetAgentId,omitempty"`
	Priority       int               `json:"priority,omitempty"`
	AgeSeconds     int               `json:"ageSeconds,omitempty"`

	// Logging is switched by UpdateFlowLoggingBehavior.
	Logging bool `json:"logging,omitempty"`
	// Log holds flow log entries not yet taken by TakeLog.
	Log []LogEntry `json:"log,omitempty"`
	// Steps counts the actions run over the session's life.
	Steps int `json:"steps"`

	flows map[string]*Flow
}

// LogEntry is one flow log record: an action run with its inputs and result,
// or a problem met while running.
type LogEntry struct {
	Time     time.Time         `json:"time"`
	FlowID   string            `json:"flowId,omitempty"`
	ActionID string            `json:"actionId,omitempty"`
	Type     string            `json:"type,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
	// Result is the branch taken: "next", "condition:<operand>", "error:<type>",
	// "wait:<kind>" or "end:<reason>".
	Result string `json:"result,omitempty"`
	// Error describes a problem met while running, if any.
	Error string `json:"error,omitempty"`
}

// TakeLog returns the pending log entries and clears them.
func (s *Session) TakeLog() []LogEntry {
	l := s.Log
	s.Log = nil
	return l
}

// Ended reports whether the flow is over.
func (s *Session) Ended() bool { return s.Status == StatusEnded }

// ContactData is the contact as an external function sees it, shaped like the
// ContactData of an Amazon Connect Lambda event.
type ContactData struct {
	Attributes        map[string]string `json:"Attributes"`
	Channel           Channel           `json:"Channel"`
	ContactID         string            `json:"ContactId"`
	CustomerEndpoint  *EndpointData     `json:"CustomerEndpoint"`
	SystemEndpoint    *EndpointData     `json:"SystemEndpoint"`
	InitialContactID  string            `json:"InitialContactId"`
	InitiationMethod  string            `json:"InitiationMethod"`
	InstanceARN       string            `json:"InstanceARN"`
	PreviousContactID string            `json:"PreviousContactId"`
	Queue             *QueueData        `json:"Queue"`
	LanguageCode      string            `json:"LanguageCode,omitempty"`
	Name              string            `json:"Name,omitempty"`
	Description       string            `json:"Description,omitempty"`
}

// EndpointData is an endpoint in ContactData.
type EndpointData struct {
	Address string `json:"Address"`
	Type    string `json:"Type"`
}

// QueueData is the queue in ContactData.
type QueueData struct {
	ARN  string `json:"ARN"`
	Name string `json:"Name"`
}

// ContactData returns the session's contact in Connect's Lambda event shape.
func (s *Session) ContactData() ContactData {
	c := &s.Contact
	d := ContactData{
		Attributes:        copyMap(c.Attributes),
		Channel:           c.Channel,
		ContactID:         c.ContactID,
		InitialContactID:  c.InitialContactID,
		InitiationMethod:  c.InitiationMethod,
		InstanceARN:       c.InstanceARN,
		PreviousContactID: c.PreviousContactID,
		LanguageCode:      c.LanguageCode,
		Name:              c.Name,
		Description:       c.Description,
	}
	if d.Attributes == nil {
		d.Attributes = map[string]string{}
	}
	if c.CustomerEndpoint.Address != "" {
		d.CustomerEndpoint = &EndpointData{Address: c.CustomerEndpoint.Address, Type: c.CustomerEndpoint.Type}
	}
	if c.SystemEndpoint.Address != "" {
		d.SystemEndpoint = &EndpointData{Address: c.SystemEndpoint.Address, Type: c.SystemEndpoint.Type}
	}
	if c.Queue != nil {
		d.Queue = &QueueData{ARN: c.Queue.ARN, Name: c.Queue.Name}
	}
	return d
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
