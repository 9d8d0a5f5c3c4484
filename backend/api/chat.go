package api

import "time"

// The agent's chat routes: /v1/agent/chats/{id}/... and /v1/contacts/{id}/transcript.

// ChatItem is one entry of a chat: a message, an attachment or an event.
type ChatItem struct {
	ID              int64           `json:"id,omitempty"` // 0 for TYPING
	ChatID          string          `json:"chatId"`
	ContactID       string          `json:"contactId"`
	Type            string          `json:"type"`            // MESSAGE, ATTACHMENT, EVENT
	Event           string          `json:"event,omitempty"` // TYPING, MESSAGE_DELIVERED, MESSAGE_READ, PARTICIPANT_JOINED, PARTICIPANT_LEFT, TRANSFER_SUCCEEDED, CHAT_ENDED
	ParticipantID   string          `json:"participantId"`
	ParticipantRole string          `json:"participantRole"` // CUSTOMER, AGENT, SYSTEM
	UserID          string          `json:"userId,omitempty"`
	DisplayName     string          `json:"displayName,omitempty"`
	Content         string          `json:"content,omitempty"`
	ClientID        string          `json:"clientId,omitempty"`
	MessageID       int64           `json:"messageId,omitempty"`
	Attachment      *ChatAttachment `json:"attachment,omitempty"`
	Time            time.Time       `json:"time"`
}

// ChatAttachment describes a file sent in a chat.
type ChatAttachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// ChatTranscript is a chat's items in order.
type ChatTranscript struct {
	ChatID string     `json:"chatId"`
	Items  []ChatItem `json:"items"`
}

// ChatMessageRequest is an agent's message.
type ChatMessageRequest struct {
	Content  string `json:"content"`
	ClientID string `json:"clientId,omitempty"`
}

// ChatEventRequest is an agent's TYPING, MESSAGE_DELIVERED or MESSAGE_READ (with messageId).
type ChatEventRequest struct {
	Event     string `json:"event"`
	MessageID int64  `json:"messageId,omitempty"`
}

// ChatTransferRequest names exactly one target.
type ChatTransferRequest struct {
	QueueID        string `json:"queueId,omitempty"`
	AgentID        string `json:"agentId,omitempty"`
	QuickConnectID string `json:"quickConnectId,omitempty"`
}

// ChatTransferResponse names the contact the chat continues on.
type ChatTransferResponse struct {
	ContactID string `json:"contactId"`
}

// ChatFrame is a frame of the agent's chat websocket: an item (type MESSAGE, ATTACHMENT,
// EVENT), CONNECTION_ACK first, or ERROR for a refused client frame. The agent sends
// {"type":"MESSAGE","content":...,"clientId":...} or {"type":"EVENT","event":...,"messageId":...}.
type ChatFrame struct {
	ChatItem
	Error *Error `json:"error,omitempty"`
}
