package parley

import (
	"context"
	"io"
	"time"
)

// Limits and defaults of the chat channel, after Amazon Connect's chat (docs/chat.md).
const (
	// DefaultChatMessageLength is the longest message, in characters, unless configured.
	DefaultChatMessageLength = 1024
	// DefaultChatAttachmentBytes is the largest attachment unless configured (Connect: 20 MB).
	DefaultChatAttachmentBytes = 20 << 20
	// MaxChatDisplayName is the longest participant display name, in characters.
	MaxChatDisplayName = 256
)

// ChatParticipantRole is who wrote a chat item, as in Amazon Connect's participant service.
type ChatParticipantRole string

// Chat participant roles.
const (
	ChatRoleCustomer ChatParticipantRole = "CUSTOMER"
	ChatRoleAgent    ChatParticipantRole = "AGENT"
	ChatRoleSystem   ChatParticipantRole = "SYSTEM" // the flow's messages and the channel's notices
)

// ChatItemType is the kind of a chat item.
type ChatItemType string

// Chat item types.
const (
	ChatItemMessage    ChatItemType = "MESSAGE"
	ChatItemAttachment ChatItemType = "ATTACHMENT"
	ChatItemEvent      ChatItemType = "EVENT"
)

// ChatEventType is the kind of an EVENT chat item, named after Amazon Connect's chat events.
type ChatEventType string

// Chat event types. TYPING is ephemeral: it is relayed live, never stored, and has no ID.
const (
	ChatEventTyping            ChatEventType = "TYPING"
	ChatEventMessageDelivered  ChatEventType = "MESSAGE_DELIVERED" // MessageID says which
	ChatEventMessageRead       ChatEventType = "MESSAGE_READ"      // MessageID says which
	ChatEventParticipantJoined ChatEventType = "PARTICIPANT_JOINED"
	ChatEventParticipantLeft   ChatEventType = "PARTICIPANT_LEFT"
	ChatEventTransferred       ChatEventType = "TRANSFER_SUCCEEDED" // the chat moved to a new contact (ContactID)
	ChatEventEnded             ChatEventType = "CHAT_ENDED"         // Content holds the disconnect reason
)

// ChatAttachment describes a file sent in a chat. The bytes live with the chat channel.
type ChatAttachment struct {
	ID          string
	Name        string // the file name given by the sender
	ContentType string // sniffed from the content: image/png, image/jpeg, image/gif, application/pdf
	Size        int64
}

// ChatItem is one entry of a chat's transcript: a message, an attachment or an event. Items of
// a chat have increasing IDs, starting at 1 and shared by all the contacts of the chat (a
// transfer continues the same chat), so a client resumes after the last ID it saw.
type ChatItem struct {
	ID              int64     // 0 for ephemeral events (TYPING)
	ChatID          ContactID // the chat: its initial contact
	ContactID       ContactID // the contact the chat was on when the item was written
	Type            ChatItemType
	Event           ChatEventType // for EVENT items
	ParticipantID   string
	ParticipantRole ChatParticipantRole
	UserID          UserID // the agent, for AGENT items
	DisplayName     string
	Content         string // message text; for CHAT_ENDED the disconnect reason
	ClientID        string // the sender's own ID for a message, echoed so it can match and dedupe
	MessageID       int64  // for receipts: the item read or delivered
	Attachment      *ChatAttachment
	Time            time.Time
}

// ChatTranscript is a chat's items in ID order.
type ChatTranscript struct {
	ChatID ContactID
	Items  []*ChatItem
}

// ChatTranscriptStore keeps chat transcripts: every item except TYPING, appended as it
// happens.
type ChatTranscriptStore interface {
	// AppendChatItems stores items in order, in one transaction. Their ChatID and ID are set;
	// EConflict when a (ChatID, ID) pair is already stored.
	AppendChatItems(ctx context.Context, items []*ChatItem) error
	// FindChatItems returns the items of a chat with ID > after, in ID order, at most limit
	// (0: all). An unknown chat has no items.
	FindChatItems(ctx context.Context, chat ContactID, after int64, limit int) ([]*ChatItem, error)
}

// ChatTransfer says where an agent transfers a chat: exactly one of the fields.
type ChatTransfer struct {
	QueueID        QueueID
	AgentID        UserID
	QuickConnectID QuickConnectID // a QUEUE or USER quick connect
}

// ChatStream delivers a chat's items to one reader: the stored ones after a given ID first,
// then live ones (TYPING included), in order.
type ChatStream interface {
	// Next waits for the next item. It returns io.EOF once the reader's part of the chat is
	// over (the chat ended, or the agent left it) and every item was delivered, an EUnavailable
	// error when the reader fell too far behind (reconnect after the last ID seen), and ctx's
	// error when ctx ends.
	Next(ctx context.Context) (*ChatItem, error)
	// Close stops the stream; Next then returns io.EOF.
	Close()
}

// ChatViewer is who asks for a chat's transcript or attachments.
type ChatViewer struct {
	UserID UserID
	// Any is true for users allowed to see every contact (permission ContactSearch.View); the
	// others see the chats they were an agent on.
	Any bool
}

// ChatService is the agent side of the chat channel. The agent acts on the chat through the
// contact they were offered; accepting and rejecting offers go through AgentService.
type ChatService interface {
	// SendChatMessage posts the agent's message. clientID (optional, at most 64 characters)
	// is echoed and deduplicates a resent message. EInvalid (empty or too long), ENotFound
	// (no such chat contact), EConflict (the contact is not connected to this agent, or the
	// chat ended), ETooMany (too many messages per second).
	SendChatMessage(ctx context.Context, agent UserID, id ContactID, content, clientID string) (*ChatItem, error)
	// SendChatEvent posts TYPING, MESSAGE_DELIVERED or MESSAGE_READ (with the item's ID).
	// EInvalid, ENotFound, EConflict.
	SendChatEvent(ctx context.Context, agent UserID, id ContactID, event ChatEventType, messageID int64) error
	// SendChatAttachment stores and posts a file read from r (at most the configured size;
	// PNG, JPEG, GIF or PDF by content). EInvalid (type, size, name), ENotFound, EConflict,
	// ETooMany.
	SendChatAttachment(ctx context.Context, agent UserID, id ContactID, name string, r io.Reader) (*ChatItem, error)
	// OpenChatAttachment returns an attachment of the chat that contact id belongs to, and its
	// content; the caller closes it. ENotFound (contact, attachment, or not visible to viewer:
	// EForbidden).
	OpenChatAttachment(ctx context.Context, viewer ChatViewer, id ContactID, attachmentID string) (*ChatAttachment, io.ReadCloser, error)
	// TransferChat moves the connected chat to a queue or an agent; the chat continues on the
	// new contact, returned. The agent leaves and enters after-contact work. EInvalid (target),
	// ENotFound, EConflict, EUnavailable (the queue is full or disabled).
	TransferChat(ctx context.Context, agent UserID, id ContactID, to ChatTransfer) (ContactID, error)
	// EndChat ends the chat (reason AGENT_DISCONNECT); the agent enters after-contact work.
	// ENotFound, EConflict.
	EndChat(ctx context.Context, agent UserID, id ContactID) error
	// SubscribeChat streams the chat to its agent, from the item after `after`. ENotFound,
	// EConflict (not this agent's chat).
	SubscribeChat(ctx context.Context, agent UserID, id ContactID, after int64) (ChatStream, error)
	// ChatTranscript returns the whole transcript of the chat that contact id belongs to (all
	// its contacts). ENotFound, EForbidden (the viewer was not an agent of the chat).
	ChatTranscript(ctx context.Context, viewer ChatViewer, id ContactID) (*ChatTranscript, error)
}
