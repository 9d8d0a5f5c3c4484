package chat_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/parley"
)

// FuzzDecodeClientFrame: the decoder of the customer's websocket frames never panics, refuses
// with an EInvalid error naming a field, and what it accepts is well-formed and round-trips.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"MESSAGE","content":"hello","clientId":"c1"}`,
		`{"type":"EVENT","event":"TYPING"}`,
		`{"type":"EVENT","event":"MESSAGE_READ","messageId":12}`,
		`{"type":"EVENT","event":"MESSAGE_DELIVERED","messageId":3}`,
		`{"type":"DISCONNECT"}`,
		`{"type":"MESSAGE","content":""}`,
		`{"type":"MESSAGE","content":"x","extra":1}`,
		`{"type":"EVENT","event":"MESSAGE_READ","messageId":-1}`,
		`{"type":7}`, `[]`, `null`, `{}`, `{"type":"MESSAGE","content":"a"} {}`, `{"type":"MESSAGE","content":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := chat.DecodeClientFrame(data)
		if err != nil {
			e := parley.AsError(err)
			if e == nil || e.Code != parley.EInvalid || e.Field == "" {
				t.Fatalf("error %v is not an EInvalid error naming a field", err)
			}
			return
		}
		switch fr.Type {
		case chat.ClientMessage:
			if fr.Content == "" || len(fr.ClientID) > chat.MaxClientIDLength {
				t.Fatalf("accepted %+v", fr)
			}
		case chat.ClientEvent:
			if fr.Event != "TYPING" && fr.MessageID < 1 {
				t.Fatalf("accepted %+v", fr)
			}
		case chat.ClientDisconnect:
		default:
			t.Fatalf("accepted type %q", fr.Type)
		}
		again, err := json.Marshal(fr)
		if err != nil {
			t.Fatal(err)
		}
		back, err := chat.DecodeClientFrame(again)
		if err != nil || !reflect.DeepEqual(back, fr) {
			t.Fatalf("round trip of %+v: %+v, %v", fr, back, err)
		}
	})
}

// FuzzDecodeFrame: the decoder of the server's frames (Go clients, tests) never panics, and
// what it accepts round-trips.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"MESSAGE","id":3,"contactId":"c","participantId":"p","participantRole":"AGENT","displayName":"Ann","content":"hi","time":"2026-03-02T09:00:00Z"}`,
		`{"type":"ATTACHMENT","id":4,"attachment":{"id":"a","name":"x.png","contentType":"image/png","size":68}}`,
		`{"type":"EVENT","event":"MESSAGE_READ","messageId":3}`,
		`{"type":"CONNECTION_ACK","lastId":9}`,
		`{"type":"ERROR","clientId":"c1","error":{"code":"too_many","message":"slow down"}}`,
		`{"type":"EVENT","time":"yesterday"}`, `{"id":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := chat.DecodeFrame(data)
		if err != nil {
			if parley.ErrorCodeOf(err) != parley.EInvalid {
				t.Fatalf("error %v is not EInvalid", err)
			}
			return
		}
		again, err := json.Marshal(fr)
		if err != nil {
			return // a time outside what JSON can carry (year > 9999) is the decoder's to accept
		}
		back, err := chat.DecodeFrame(again)
		if err != nil {
			t.Fatalf("round trip of %s: %v", again, err)
		}
		if !back.Time.Equal(fr.Time) {
			t.Fatalf("time %v became %v", fr.Time, back.Time)
		}
		back.Time = fr.Time
		if !reflect.DeepEqual(back, fr) {
			t.Fatalf("round trip: %+v became %+v", fr, back)
		}
	})
}
