package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

// ChatTranscripts stores chat transcripts.
type ChatTranscripts struct{ db *DB }

var _ parley.ChatTranscriptStore = (*ChatTranscripts)(nil)

// NewChatTranscripts returns the transcript store over db.
func NewChatTranscripts(db *DB) *ChatTranscripts { return &ChatTranscripts{db: db} }

// AppendChatItems implements parley.ChatTranscriptStore.
func (s *ChatTranscripts) AppendChatItems(ctx context.Context, items []*parley.ChatItem) error {
	if len(items) == 0 {
		return nil
	}
	return s.db.update(ctx, func(tx *Tx) error {
		for _, it := range items {
			if it.ChatID == "" || it.ID <= 0 {
				return parley.Invalidf("id", "a chat item needs its chat ID and a positive ID (got %q, %d)", it.ChatID, it.ID)
			}
			var att any
			if it.Attachment != nil {
				a, err := jsonText(it.Attachment)
				if err != nil {
					return err
				}
				att = a
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO chat_items (chat_id, id, contact_id, type, event, participant_id,
				participant_role, user_id, display_name, content, client_id, message_id, attachment, time)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				string(it.ChatID), it.ID, string(it.ContactID), string(it.Type), string(it.Event), it.ParticipantID,
				string(it.ParticipantRole), string(it.UserID), it.DisplayName, it.Content, it.ClientID, it.MessageID, att, formatTime(it.Time))
			if err != nil {
				if strings.Contains(err.Error(), "UNIQUE constraint failed") {
					return parley.Conflictf("chat %s already has an item %d", it.ChatID, it.ID)
				}
				return fmt.Errorf("insert chat item: %w", err)
			}
		}
		return nil
	})
}

// FindChatItems implements parley.ChatTranscriptStore.
func (s *ChatTranscripts) FindChatItems(ctx context.Context, chat parley.ContactID, after int64, limit int) ([]*parley.ChatItem, error) {
	q := `SELECT chat_id, id, contact_id, type, event, participant_id, participant_role, user_id, display_name, content,
		client_id, message_id, attachment, time FROM chat_items WHERE chat_id = ? AND id > ? ORDER BY id`
	args := []any{string(chat), after}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	var out []*parley.ChatItem
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("find chat items: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			it := &parley.ChatItem{}
			if err := rows.Scan(&it.ChatID, &it.ID, &it.ContactID, &it.Type, &it.Event, &it.ParticipantID, &it.ParticipantRole,
				&it.UserID, &it.DisplayName, &it.Content, &it.ClientID, &it.MessageID, jsonCol{&it.Attachment}, timeCol{&it.Time}); err != nil {
				return fmt.Errorf("scan chat item: %w", err)
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	return out, err
}
