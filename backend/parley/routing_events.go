package parley

import "time"

// ContactEventType is the kind of a contact event published by the router, named after Amazon
// Connect's contact events where Connect has one.
type ContactEventType string

// Contact event types.
const (
	ContactEventInitiated      ContactEventType = "INITIATED"          // the router created the contact (transfer, callback attempt)
	ContactEventQueued         ContactEventType = "QUEUED"             // waiting in a queue (also after a missed offer)
	ContactEventScheduled      ContactEventType = "SCHEDULED"          // in a queue, not routable before its scheduled time
	ContactEventOffered        ContactEventType = "OFFERED"            // ringing an agent (state INCOMING)
	ContactEventConnecting     ContactEventType = "CONNECTING"         // accepted, media being set up
	ContactEventConnected      ContactEventType = "CONNECTED_TO_AGENT" // with an agent
	ContactEventOnHold         ContactEventType = "ON_HOLD"
	ContactEventResumed        ContactEventType = "RESUMED"
	ContactEventMissed         ContactEventType = "MISSED"   // ring timeout; the contact is queued again
	ContactEventRejected       ContactEventType = "REJECTED" // the agent rejected; the contact is queued again
	ContactEventError          ContactEventType = "ERROR"    // the offer failed; the contact is queued again
	ContactEventDequeued       ContactEventType = "DEQUEUED" // left its queue back to its flow
	ContactEventTransferred    ContactEventType = "TRANSFERRED"
	ContactEventDisconnected   ContactEventType = "DISCONNECTED" // ended; the agent, if any, is in after-contact work
	ContactEventCompleted      ContactEventType = "COMPLETED"    // after-contact work done; the CTR is final
	ContactEventRoutingUpdated ContactEventType = "ROUTING_UPDATED"
)

// ContactEvent is a change of a contact as the router sees it.
type ContactEvent struct {
	Type              ContactEventType
	Timestamp         time.Time
	ContactID         ContactID
	InitialContactID  ContactID
	PreviousContactID ContactID
	NextContactID     ContactID
	Channel           Channel
	InitiationMethod  InitiationMethod
	State             ContactState
	QueueID           QueueID
	AgentID           UserID
	DisconnectReason  DisconnectReason
}

// RoutingEvent is one event of the router's stream: exactly one of Contact and Agent is set.
// Seq increases by one per event, so a subscriber that sees a gap knows it missed events and
// resyncs over REST.
type RoutingEvent struct {
	ID        string
	Seq       int64
	Timestamp time.Time
	Contact   *ContactEvent
	Agent     *AgentEvent
}
