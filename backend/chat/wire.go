package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

// The customer protocol: JSON text frames over the websocket of GET /v1/chat/connect.
// docs/chat.md is its reference.

// Frame types the server sends. Item frames (MESSAGE, ATTACHMENT, EVENT) mirror parley.ChatItem.
const (
	FrameMessage    = "MESSAGE"
	FrameAttachment = "ATTACHMENT"
	FrameEvent      = "EVENT"
	FrameAck        = "CONNECTION_ACK" // first frame of every connection
	FrameError      = "ERROR"          // a client frame was refused; clientId says which
)

// Frame types the client sends.
const (
	ClientMessage    = "MESSAGE"    // content, clientId
	ClientEvent      = "EVENT"      // event (TYPING, MESSAGE_DELIVERED, MESSAGE_READ), messageId
	ClientDisconnect = "DISCONNECT" // the customer ends the chat
)

// MaxClientFrameBytes bounds a client frame.
const MaxClientFrameBytes = 16 << 10

// Frame is a server frame.
type Frame struct {
	Type            string      `json:"type"`
	ID              int64       `json:"id,omitempty"`
	ContactID       string      `json:"contactId,omitempty"`
	Event           string      `json:"event,omitempty"`
	ParticipantID   string      `json:"participantId,omitempty"`
	ParticipantRole string      `json:"participantRole,omitempty"`
	DisplayName     string      `json:"displayName,omitempty"`
	Content         string      `json:"content,omitempty"`
	ClientID        string      `json:"clientId,omitempty"`
	MessageID       int64       `json:"messageId,omitempty"`
	Attachment      *Attachment `json:"attachment,omitempty"`
	Time            time.Time   `json:"time,omitzero"`
	// CONNECTION_ACK: the customer's participant ID and the last item ID of the chat.
	LastID int64 `json:"lastId,omitempty"`
	// ERROR: what was refused.
	Error *ErrorInfo `json:"error,omitempty"`
}

// Attachment describes an attachment in a frame; download it from
// GET /v1/chat/attachments/{id}?token=...
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// ErrorInfo has the shape of backend/api's Error: clients branch on Code (invalid, too_many,
// conflict...), Field names the offending field.
type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// ErrorBody is the body of every error answer of the customer API, as backend/api's ErrorBody.
type ErrorBody struct {
	Error ErrorInfo `json:"error"`
}

// ClientFrame is a frame from the customer.
type ClientFrame struct {
	Type      string `json:"type"`
	Content   string `json:"content,omitempty"`
	ClientID  string `json:"clientId,omitempty"`
	Event     string `json:"event,omitempty"`
	MessageID int64  `json:"messageId,omitempty"`
}

// FrameOf is the customer's view of an item (no agent user IDs).
func FrameOf(it *parley.ChatItem) Frame {
	f := Frame{Type: string(it.Type), ID: it.ID, ContactID: string(it.ContactID), Event: string(it.Event),
		ParticipantID: it.ParticipantID, ParticipantRole: string(it.ParticipantRole), DisplayName: it.DisplayName,
		Content: it.Content, ClientID: it.ClientID, MessageID: it.MessageID, Time: it.Time}
	if a := it.Attachment; a != nil {
		f.Attachment = &Attachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size}
	}
	return f
}

func errorInfo(err error) *ErrorInfo {
	e := &ErrorInfo{Code: string(parley.ErrorCodeOf(err)), Message: parley.ErrorMessage(err)}
	if pe := parley.AsError(err); pe != nil {
		e.Field = pe.Field
	}
	return e
}

// DecodeClientFrame parses and checks a customer frame strictly: one JSON object, known fields
// only, a known type with the fields it needs. Limits that depend on configuration (message
// length, rate) are the service's.
func DecodeClientFrame(data []byte) (ClientFrame, error) {
	var f ClientFrame
	if len(data) > MaxClientFrameBytes {
		return f, parley.Invalidf("frame", "is %d bytes; at most %d are allowed", len(data), MaxClientFrameBytes)
	}
	if err := strictJSON(data, &f); err != nil {
		return ClientFrame{}, err
	}
	switch f.Type {
	case ClientMessage:
		if f.Event != "" || f.MessageID != 0 {
			return ClientFrame{}, parley.Invalidf("type", "a MESSAGE frame takes content and clientId only")
		}
		if strings.TrimSpace(f.Content) == "" {
			return ClientFrame{}, parley.Invalidf("content", "is empty; a message needs some text")
		}
		if len(f.ClientID) > MaxClientIDLength {
			return ClientFrame{}, parley.Invalidf("clientId", "is %d bytes; at most %d are allowed", len(f.ClientID), MaxClientIDLength)
		}
	case ClientEvent:
		if f.Content != "" {
			return ClientFrame{}, parley.Invalidf("content", "an EVENT frame has no content")
		}
		switch parley.ChatEventType(f.Event) {
		case parley.ChatEventTyping:
			if f.MessageID != 0 {
				return ClientFrame{}, parley.Invalidf("messageId", "a TYPING event has no messageId")
			}
		case parley.ChatEventMessageRead, parley.ChatEventMessageDelivered:
			if f.MessageID < 1 {
				return ClientFrame{}, parley.Invalidf("messageId", "is required for %s: the ID of the item", f.Event)
			}
		default:
			return ClientFrame{}, parley.Invalidf("event", "is %q; must be one of TYPING, MESSAGE_DELIVERED, MESSAGE_READ", f.Event)
		}
	case ClientDisconnect:
		if f.Content != "" || f.Event != "" || f.MessageID != 0 {
			return ClientFrame{}, parley.Invalidf("type", "a DISCONNECT frame has no other fields")
		}
	case "":
		return ClientFrame{}, parley.Invalidf("type", "is required: MESSAGE, EVENT or DISCONNECT")
	default:
		return ClientFrame{}, parley.Invalidf("type", "is %q; must be MESSAGE, EVENT or DISCONNECT", f.Type)
	}
	return f, nil
}

// DecodeFrame parses a server frame (for Go clients and tests).
func DecodeFrame(data []byte) (Frame, error) {
	var f Frame
	if err := strictJSON(data, &f); err != nil {
		return Frame{}, err
	}
	if f.Type == "" {
		return Frame{}, parley.Invalidf("type", "is required")
	}
	return f, nil
}

// strictJSON decodes exactly one JSON object with known fields only.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "frame"
			}
			return parley.Invalidf(field, "has a JSON %s of the wrong type", te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if name == "" {
				return parley.Invalidf("frame", "has a field with an empty name")
			}
			return parley.Invalidf(name, "is not a known field")
		}
		return parley.Invalidf("frame", "is not a JSON object: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return parley.Invalidf("frame", "has data after the JSON object")
	}
	return nil
}

// encodeFrame marshals a frame.
func encodeFrame(f Frame) []byte {
	b, err := json.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("chat: encode frame: %v", err)) // only strings, numbers and times
	}
	return b
}
