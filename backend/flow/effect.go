package flow

import (
	"encoding/json"
	"time"
)

// Effect is something the flow asks its channel to do. Start and Resume return
// effects in the order the channel must carry them out. Switch on the
// concrete type:
//
//	for _, e := range effects {
//		switch e := e.(type) {
//		case *flow.Message:         // play (voice) or send (chat) e.Content
//		case *flow.CollectInput:    // play the prompt, collect digits or text
//		case *flow.TransferToQueue: // hand the contact to the router
//		...
//		}
//	}
type Effect interface {
	// Kind names the effect in JSON and logs.
	Kind() EffectKind
}

// EffectKind names an effect type.
type EffectKind string

// Effect kinds.
const (
	KindMessage              EffectKind = "message"
	KindCollectInput         EffectKind = "collect_input"
	KindSetAttributes        EffectKind = "set_attributes"
	KindSetQueue             EffectKind = "set_queue"
	KindTransferToQueue      EffectKind = "transfer_to_queue"
	KindTransferToAgent      EffectKind = "transfer_to_agent"
	KindTransferToThirdParty EffectKind = "transfer_to_third_party"
	KindDisconnect           EffectKind = "disconnect"
	KindInvokeFunction       EffectKind = "invoke_function"
	KindCreateTask           EffectKind = "create_task"
	KindCreateCallback       EffectKind = "create_callback"
	KindSetEventHooks        EffectKind = "set_event_hooks"
	KindSetRoutingBehavior   EffectKind = "set_routing_behavior"
	KindSetRecording         EffectKind = "set_recording"
	KindSetCallbackNumber    EffectKind = "set_callback_number"
	KindSetVoice             EffectKind = "set_voice"
	KindSetTags              EffectKind = "set_tags"
	KindStartTimer           EffectKind = "start_timer"
	KindFlowEnded            EffectKind = "flow_ended"
)

// Content is what to say or show: exactly one of Text, SSML or a prompt.
type Content struct {
	Text string `json:"text,omitempty"`
	SSML string `json:"ssml,omitempty"`
	// PromptID and PromptURI identify a recorded prompt (voice); PromptName
	// is its human name.
	PromptID   string `json:"promptId,omitempty"`
	PromptName string `json:"promptName,omitempty"`
	PromptURI  string `json:"promptUri,omitempty"`
}

// Empty reports whether c says nothing.
func (c Content) Empty() bool { return c.Text == "" && c.SSML == "" && c.PromptID == "" }

// Message plays a prompt (voice) or sends a message (chat, task).
type Message struct {
	ActionID string `json:"actionId"`
	Content
}

// InputMode is how CollectInput collects.
type InputMode string

// Input modes.
const (
	InputDTMF InputMode = "dtmf" // voice: keypad digits
	InputText InputMode = "text" // chat: the customer's next message
)

// CollectInput plays Prompt (if any) and collects the customer's input. The
// channel resumes the session with Digits or Text, or Timeout at Deadline.
type CollectInput struct {
	ActionID string    `json:"actionId"`
	Prompt   Content   `json:"prompt,omitzero"`
	Mode     InputMode `json:"mode"`
	// TimeoutSeconds is the time allowed for input, from the end of the prompt.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// MaxDigits ends DTMF collection once that many digits are in.
	MaxDigits int `json:"maxDigits,omitempty"`
	// Terminator ends DTMF collection early (for example "#").
	Terminator string `json:"terminator,omitempty"`
	// InterdigitTimeoutSeconds ends DTMF collection after a pause.
	InterdigitTimeoutSeconds int `json:"interdigitTimeoutSeconds,omitempty"`
	// Encrypt asks the channel not to log the input.
	Encrypt bool `json:"encrypt,omitempty"`
}

// SetAttributes records contact attributes on the contact.
type SetAttributes struct {
	// Target is "Current" or "Related" (the related contact).
	Target     string            `json:"target,omitempty"`
	Attributes map[string]string `json:"attributes"`
}

// SetQueue records the contact's target queue (UpdateContactTargetQueue).
type SetQueue struct {
	Queue   *QueueRef `json:"queue,omitempty"`
	AgentID string    `json:"agentId,omitempty"`
}

// TransferToQueue hands the contact to the router on Queue. The channel
// resumes the session with a TransferResult when the router answers.
type TransferToQueue struct {
	Queue QueueRef `json:"queue"`
}

// TransferToAgent transfers the contact to an agent (TransferContactToAgent).
type TransferToAgent struct {
	AgentID string `json:"agentId,omitempty"`
}

// TransferToThirdParty calls a phone number and bridges the customer to it.
type TransferToThirdParty struct {
	PhoneNumber    string `json:"phoneNumber"`
	TimeoutSeconds int    `json:"timeoutSeconds"`
	ContinueFlow   bool   `json:"continueFlow,omitempty"`
	CallerIDNumber string `json:"callerIdNumber,omitempty"`
	CallerIDName   string `json:"callerIdName,omitempty"`
	DTMF           string `json:"dtmf,omitempty"`
}

// Disconnect ends the contact.
type Disconnect struct{}

// InvokeFunction calls an external function. The channel resumes the session
// with FunctionResult or FunctionError (see backend/extfunc).
type InvokeFunction struct {
	ActionID string `json:"actionId"`
	// Function is the LambdaFunctionARN parameter, resolved: the name or
	// ARN of a configured external function.
	Function       string `json:"function"`
	TimeoutSeconds int    `json:"timeoutSeconds"`
	// Async is set for InvocationType ASYNCHRONOUS: the flow does not wait
	// and the result is ignored.
	Async bool `json:"async,omitempty"`
	// ResponseType is STRING_MAP (flat strings) or JSON.
	ResponseType string            `json:"responseType"`
	Parameters   map[string]string `json:"parameters"`
	ContactData  ContactData       `json:"contactData"`
}

// CreateTask creates a task contact.
type CreateTask struct {
	Name          string            `json:"name"`
	Description   string            `json:"description,omitempty"`
	FlowID        string            `json:"flowId,omitempty"`
	TemplateID    string            `json:"templateId,omitempty"`
	Attributes    map[string]string `json:"attributes,omitempty"`
	References    map[string]string `json:"references,omitempty"`
	DelaySeconds  int               `json:"delaySeconds,omitempty"`
	ScheduledTime time.Time         `json:"scheduledTime,omitzero"`
}

// CreateCallback creates a callback contact in a queue.
type CreateCallback struct {
	Queue               *QueueRef `json:"queue,omitempty"`
	Number              string    `json:"number"`
	InitialDelaySeconds int       `json:"initialDelaySeconds"`
	MaxAttempts         int       `json:"maxAttempts"`
	RetryDelaySeconds   int       `json:"retryDelaySeconds"`
}

// SetEventHooks records the flows to run on contact events (customer queue,
// hold, whisper, disconnect...). Values are flow IDs, ARNs or names.
type SetEventHooks struct {
	Hooks map[string]string `json:"hooks"`
}

// SetRoutingBehavior changes the contact's priority or age in the queue.
type SetRoutingBehavior struct {
	// Priority is the new queue priority (1 highest), 0 for unchanged.
	Priority int `json:"priority,omitempty"`
	// AgeSeconds is added to the contact's age in queue.
	AgeSeconds int `json:"ageSeconds,omitempty"`
}

// SetRecording changes recording behaviour.
type SetRecording struct {
	// Participants is the list of recorded participants ("Agent", "Customer").
	Participants []string `json:"participants"`
	// IVR is "Enabled" or "Disabled" when set (recording of the IVR part).
	IVR string `json:"ivr,omitempty"`
}

// SetCallbackNumber records the callback number.
type SetCallbackNumber struct {
	Number string `json:"number"`
}

// SetVoice changes the text-to-speech voice.
type SetVoice struct {
	Voice
}

// SetTags adds tags to the contact.
type SetTags struct {
	Tags map[string]string `json:"tags"`
}

// StartTimer asks the channel to resume the session with Timeout at Until
// (the Wait action).
type StartTimer struct {
	ActionID string    `json:"actionId"`
	Until    time.Time `json:"until"`
}

// FlowEnded says the flow is over and why.
type FlowEnded struct {
	Reason EndReason `json:"reason"`
}

func (*Message) Kind() EffectKind              { return KindMessage }
func (*CollectInput) Kind() EffectKind         { return KindCollectInput }
func (*SetAttributes) Kind() EffectKind        { return KindSetAttributes }
func (*SetQueue) Kind() EffectKind             { return KindSetQueue }
func (*TransferToQueue) Kind() EffectKind      { return KindTransferToQueue }
func (*TransferToAgent) Kind() EffectKind      { return KindTransferToAgent }
func (*TransferToThirdParty) Kind() EffectKind { return KindTransferToThirdParty }
func (*Disconnect) Kind() EffectKind           { return KindDisconnect }
func (*InvokeFunction) Kind() EffectKind       { return KindInvokeFunction }
func (*CreateTask) Kind() EffectKind           { return KindCreateTask }
func (*CreateCallback) Kind() EffectKind       { return KindCreateCallback }
func (*SetEventHooks) Kind() EffectKind        { return KindSetEventHooks }
func (*SetRoutingBehavior) Kind() EffectKind   { return KindSetRoutingBehavior }
func (*SetRecording) Kind() EffectKind         { return KindSetRecording }
func (*SetCallbackNumber) Kind() EffectKind    { return KindSetCallbackNumber }
func (*SetVoice) Kind() EffectKind             { return KindSetVoice }
func (*SetTags) Kind() EffectKind              { return KindSetTags }
func (*StartTimer) Kind() EffectKind           { return KindStartTimer }
func (*FlowEnded) Kind() EffectKind            { return KindFlowEnded }

// MarshalEffect encodes an effect as {"type": kind, ...fields}, for logs,
// golden files and the wire.
func MarshalEffect(e Effect) ([]byte, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	typ, _ := json.Marshal(e.Kind())
	if string(body) == "{}" {
		return []byte(`{"type":` + string(typ) + `}`), nil
	}
	out := make([]byte, 0, len(body)+len(typ)+9)
	out = append(out, `{"type":`...)
	out = append(out, typ...)
	out = append(out, ',')
	out = append(out, body[1:]...)
	return out, nil
}
