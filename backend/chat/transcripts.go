package chat

import (
	"context"
	"sync"

	"github.com/parley-cc/parley/backend/parley"
)

// MemoryTranscripts is a parley.ChatTranscriptStore in memory, for tests and tools; parleyd
// uses the SQLite store. Safe for concurrent use.
type MemoryTranscripts struct {
	mu    sync.Mutex
	chats map[parley.ContactID][]*parley.ChatItem
}

var _ parley.ChatTranscriptStore = (*MemoryTranscripts)(nil)

// AppendChatItems implements parley.ChatTranscriptStore.
func (m *MemoryTranscripts) AppendChatItems(_ context.Context, items []*parley.ChatItem) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.chats == nil {
		m.chats = map[parley.ContactID][]*parley.ChatItem{}
	}
	for _, it := range items {
		have := m.chats[it.ChatID]
		if n := len(have); n > 0 && have[n-1].ID >= it.ID {
			return parley.Conflictf("chat %q already has item %d", it.ChatID, it.ID)
		}
		cp := *it
		if it.Attachment != nil {
			a := *it.Attachment
			cp.Attachment = &a
		}
		m.chats[it.ChatID] = append(have, &cp)
	}
	return nil
}

// FindChatItems implements parley.ChatTranscriptStore.
func (m *MemoryTranscripts) FindChatItems(_ context.Context, chat parley.ContactID, after int64, limit int) ([]*parley.ChatItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*parley.ChatItem
	for _, it := range m.chats[chat] {
		if it.ID <= after {
			continue
		}
		cp := *it
		out = append(out, &cp)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
