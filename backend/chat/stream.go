package chat

import (
	"context"
	"io"
	"sync"

	"github.com/parley-cc/parley/backend/parley"
)

// maxPending is how many items a stream holds for a reader that does not keep up; past it the
// reader is cut off and resumes after the last ID it saw.
const maxPending = 4096

// stream is one reader's view of a chat (a websocket). push never blocks.
type stream struct {
	participantID string
	userID        parley.UserID

	mu      sync.Mutex
	q       []*parley.ChatItem
	notify  chan struct{}
	done    bool // no more items will come
	lagged  bool
	closed  bool
	onClose func()
}

var _ parley.ChatStream = (*stream)(nil)

func newStream(participantID string, user parley.UserID) *stream {
	return &stream{participantID: participantID, userID: user, notify: make(chan struct{}, 1)}
}

func (st *stream) wake() {
	select {
	case st.notify <- struct{}{}:
	default:
	}
}

func (st *stream) push(it *parley.ChatItem) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done || st.closed || st.lagged {
		return
	}
	if len(st.q) >= maxPending {
		if it.ID == 0 {
			return // a typing event can be missed
		}
		st.lagged, st.q = true, nil
	} else {
		st.q = append(st.q, it)
	}
	st.wake()
}

func (st *stream) finish() {
	st.mu.Lock()
	st.done = true
	st.mu.Unlock()
	st.wake()
}

// errLagged tells a reader it fell behind.
var errLagged = parley.Errorf(parley.EUnavailable, "the connection fell behind; reconnect after the last item ID received")

// Next implements parley.ChatStream.
func (st *stream) Next(ctx context.Context) (*parley.ChatItem, error) {
	for {
		st.mu.Lock()
		switch {
		case st.closed:
			st.mu.Unlock()
			return nil, io.EOF
		case st.lagged:
			st.mu.Unlock()
			return nil, errLagged
		case len(st.q) > 0:
			it := st.q[0]
			st.q[0] = nil
			st.q = st.q[1:]
			st.mu.Unlock()
			return it, nil
		case st.done:
			st.mu.Unlock()
			return nil, io.EOF
		}
		st.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-st.notify:
		}
	}
}

// Close implements parley.ChatStream.
func (st *stream) Close() {
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return
	}
	st.closed = true
	st.q = nil
	f := st.onClose
	st.mu.Unlock()
	st.wake()
	if f != nil {
		f()
	}
}
