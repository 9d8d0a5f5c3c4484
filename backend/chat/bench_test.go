package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-cc/parley/backend/chat"
	"github.com/parley-cc/parley/backend/parley"
)

// BenchmarkRelay1000Chats measures messages relayed from customers to agents with 1,000 chats
// open at once: each customer sends over their websocket, each agent reads their chats'
// streams. It reports msgs/s (all chats together).
func BenchmarkRelay1000Chats(b *testing.B) {
	const chats, perAgent = 1000, 10
	w := newWorld(b, perAgent, func(s *chat.Service) { s.MessageBurst = 1 << 30 })
	ctx := context.Background()
	for a := range chats / perAgent {
		w.agent(parley.UserID(fmt.Sprintf("agent%03d", a)))
	}
	type pair struct {
		cust *websocket.Conn
		st   parley.ChatStream
	}
	pairs := make([]pair, chats)
	for i := range pairs {
		s, err := w.svc.StartChat(ctx, chat.StartRequest{FlowID: "queue", DisplayName: fmt.Sprintf("Customer %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		id := parley.ContactID(s.ContactID)
		c, err := w.router.Contact(ctx, id)
		if err != nil || c.AgentID == "" {
			b.Fatalf("chat %d not offered: %+v %v", i, c, err)
		}
		w.ok(w.router.Accept(ctx, c.AgentID, id))
		w.svc.Sync(ctx)
		st, err := w.svc.SubscribeChat(ctx, c.AgentID, id, 1<<40)
		if err != nil {
			b.Fatal(err)
		}
		u := "ws" + w.url[len("http"):] + "/v1/chat/connect?token=" + s.ParticipantToken + "&after=1000000"
		conn, _, err := websocket.DefaultDialer.Dial(u, nil)
		if err != nil {
			b.Fatal(err)
		}
		go func() { // the customer reads (and drops) what comes back
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		}()
		pairs[i] = pair{conn, st}
	}
	defer func() {
		for _, p := range pairs {
			p.cust.Close()
			p.st.Close()
		}
	}()
	msg, _ := json.Marshal(chat.ClientFrame{Type: chat.ClientMessage, Content: "Hello, I have a question about my order."})
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, p := range pairs {
		n := b.N / chats
		if i < b.N%chats {
			n++
		}
		if n == 0 {
			continue
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range n {
				if err := p.cust.WriteMessage(websocket.TextMessage, msg); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			rctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			for got := 0; got < n; {
				it, err := p.st.Next(rctx)
				if err != nil {
					b.Error(err)
					return
				}
				if it.Type == parley.ChatItemMessage {
					got++
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
