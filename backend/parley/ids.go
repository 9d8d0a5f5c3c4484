package parley

// Typed IDs. They are opaque strings (random UUIDs from the store's ID source); a typed ID
// cannot be passed where another entity's ID is expected.
type (
	UserID             string
	SecurityProfileID  string
	AgentStatusID      string
	HoursOfOperationID string
	QueueID            string
	RoutingProfileID   string
	QuickConnectID     string
	PhoneNumberID      string
	FlowID             string
	PromptID           string
	ExternalFunctionID string
	ContactID          string
	SessionID          string
	AuditEntryID       string
	AgentEventID       string
)

// Channel is a contact's medium.
type Channel string

// Channels.
const (
	ChannelVoice Channel = "VOICE"
	ChannelChat  Channel = "CHAT"
	ChannelTask  Channel = "TASK"
)

// Channels lists every channel in a stable order.
var Channels = []Channel{ChannelVoice, ChannelChat, ChannelTask}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	return c == ChannelVoice || c == ChannelChat || c == ChannelTask
}
