// Package chat is the chat channel: Amazon Connect's chat contacts (StartChatContact, the
// participant connection, SendMessage, SendEvent, attachments, GetTranscript) on Parley's
// router and flow engine, with an embeddable web widget.
//
// A [Service] serves the customer side over HTTP and websockets ([Service.Handler], mounted at
// /v1/chat/ and /chat/) and implements parley.ChatService, the agent side that backend/http
// exposes. Starting a chat stores a CHAT contact and runs its flow: MessageParticipant becomes a
// message from the system, GetParticipantInput waits for the customer's next message (or its
// time limit), Wait waits for a message or its time, and TransferContactToQueue hands the
// contact to the router, which offers it to an agent with a free CHAT slot. The Service learns
// what the router does from its events: the router's Publisher must forward them to
// [Service.Publish] (which never blocks); [Service.Run] applies them. An agent accepting the
// offer joins the chat (the contact is connected at once: chat has no media to set up).
//
// Every item of a chat (messages, attachments, receipts, participants joining and leaving, the
// end) gets the next ID of the chat and is stored in a parley.ChatTranscriptStore before it is
// delivered; a client that reconnects with the last ID it saw gets everything after it, once.
// TYPING events are relayed live only. A chat spans its transfers: the same items, the same
// customer token, a new contact per agent connection.
//
// Limits (message length, attachment size and type, messages per second per participant, chats
// started per address) answer with errors in backend/api's error body shape; a chat nobody wrote
// in for IdleTimeout ends with reason EXPIRED. Time comes from an injected routing.Clock.
//
// docs/chat.md describes the protocol, the widget and the choices made.
//
// It imports the standard library, gorilla/websocket, the domain package, flow and routing only.
package chat
