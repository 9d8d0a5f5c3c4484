package app

// Events the app sends to the frontend (Runtime.Emit).
const (
	EventStream     = "parley:event"      // an api.Event from GET /v1/events
	EventConnection = "parley:connection" // a Connection: the stream's state
	EventResync     = "parley:resync"     // events may have been lost: reload the state over REST
	EventAudioLevel = "audio:level"       // an audio.Level from the level meter
	EventNotifyAct  = "parley:notify"     // a NotificationAction: the user answered a notification
)

// Runtime is what the app needs from its host: sending events to the frontend and showing OS
// notifications. WailsRuntime is the desktop one; tests and the browser harness have their own.
type Runtime interface {
	Emit(name string, data any)
	Notify(n Notification) error
	SetTitle(title string)
	Show() // bring the window to the front
}

// Notification is an OS notification. Actions are the buttons ("accept", "reject").
type Notification struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Actions []string `json:"actions,omitempty"`
}

// NotificationAction is the user's answer to a notification.
type NotificationAction struct {
	ID     string `json:"id"`
	Action string `json:"action"` // "accept", "reject" or "" (clicked)
}

// Connection is the event stream's state, sent as EventConnection.
type Connection struct {
	State   string `json:"state"` // "connecting", "connected", "lost", "closed", "expired"
	Code    string `json:"code,omitempty"`
	Attempt int    `json:"attempt,omitempty"`
	RetryMs int64  `json:"retryMs,omitempty"`
}

// nopRuntime drops everything: the App before Wails starts it.
type nopRuntime struct{}

func (nopRuntime) Emit(string, any)          {}
func (nopRuntime) Notify(Notification) error { return nil }
func (nopRuntime) SetTitle(string)           {}
func (nopRuntime) Show()                     {}
