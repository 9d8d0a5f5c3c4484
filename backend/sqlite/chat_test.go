package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-cc/parley/backend/parley"
)

func TestChatTranscripts(t *testing.T) {
	db, _ := mustOpenDB(t)
	s := NewChatTranscripts(db)
	ctx := context.Background()
	ts := time.Date(2026, 6, 1, 9, 0, 0, 123, time.UTC)
	items := []*parley.ChatItem{
		{ChatID: "chat1", ID: 1, ContactID: "chat1", Type: parley.ChatItemEvent, Event: parley.ChatEventType("PARTICIPANT_JOINED"),
			ParticipantID: "p1", ParticipantRole: parley.ChatParticipantRole("CUSTOMER"), DisplayName: "Pat", Time: ts},
		{ChatID: "chat1", ID: 2, ContactID: "chat1", Type: parley.ChatItemMessage, ParticipantID: "p1",
			ParticipantRole: parley.ChatParticipantRole("CUSTOMER"), Content: "Hello, my order is late", ClientID: "c-1", Time: ts.Add(time.Second)},
		{ChatID: "chat1", ID: 3, ContactID: "chat2", Type: parley.ChatItemAttachment, ParticipantID: "a1", UserID: "agent-1",
			ParticipantRole: parley.ChatParticipantRole("AGENT"), Attachment: &parley.ChatAttachment{ID: "att1", Name: "label.pdf", ContentType: "application/pdf", Size: 1234},
			Time: ts.Add(2 * time.Second)},
	}
	mustNoErr(t, s.AppendChatItems(ctx, items[:2]))
	mustNoErr(t, s.AppendChatItems(ctx, items[2:]))
	got, err := s.FindChatItems(ctx, "chat1", 0, 0)
	mustNoErr(t, err)
	if diff := cmp.Diff(items, got); diff != "" {
		t.Fatalf("transcript (-want +got):\n%s", diff)
	}
	page, err := s.FindChatItems(ctx, "chat1", 1, 1)
	mustNoErr(t, err)
	if len(page) != 1 || page[0].ID != 2 {
		t.Fatalf("after 1, limit 1: %+v", page)
	}
	// A duplicate item fails the whole batch.
	err = s.AppendChatItems(ctx, []*parley.ChatItem{{ChatID: "chat1", ID: 4, ContactID: "chat2", Type: parley.ChatItemMessage, Time: ts},
		{ChatID: "chat1", ID: 2, ContactID: "chat2", Type: parley.ChatItemMessage, Time: ts}})
	if parley.ErrorCodeOf(err) != parley.EConflict {
		t.Fatalf("duplicate item: %v", err)
	}
	if all, _ := s.FindChatItems(ctx, "chat1", 0, 0); len(all) != 3 {
		t.Fatalf("a failed batch left %d items", len(all))
	}
	if none, err := s.FindChatItems(ctx, "other", 0, 0); err != nil || len(none) != 0 {
		t.Fatalf("unknown chat: %v %v", none, err)
	}
}
