package main

import (
	"context"
	"fmt"
	"log/slog"

	parleyhttp "github.com/parley-cc/parley/backend/http"
	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/routing"
	"github.com/parley-cc/parley/backend/sip"
	"github.com/parley-cc/parley/backend/sqlite"
	"github.com/parley-cc/parley/backend/task"
	"github.com/parley-cc/parley/backend/ws"
)

// routingParts are the router and what runs beside it.
type routingParts struct {
	router     *routing.Router
	pub        *routing.BufferedPublisher
	recorder   *routing.StoreRecorder
	hub        *ws.Hub
	store      *sqlite.RoutingStore
	inbox      *task.Inbox     // router events for the task channel
	chat       relay           // router events for the chat channel, set before the router runs
	voiceInbox *sip.VoiceInbox // router events for the voice channel
}

// relay passes events on to a publisher set after the router was made (the chat channel needs
// the router to be made).
type relay struct{ to *routing.Publisher }

func (r relay) Publish(ev parley.RoutingEvent) {
	if *r.to != nil {
		(*r.to).Publish(ev)
	}
}

// newRouting builds the router from the stored configuration.
// ctrs receives the contact trace records (partial and final).
func newRouting(ctx context.Context, db *sqlite.DB, svc parleyhttp.Services, ctrs parley.CTRService, logger *slog.Logger) (*routingParts, error) {
	cfg, err := routing.LoadConfig(ctx, svc.Queues, svc.RoutingProfiles, svc.AgentStatuses)
	if err != nil {
		return nil, err
	}
	cfg.NewID = sqlite.NewUUID
	p := &routingParts{store: sqlite.NewRoutingStore(db)}
	p.pub = routing.NewBufferedPublisher(8192)
	p.recorder = routing.NewStoreRecorder(routing.StateStore{Store: p.store}, ctrs, sqlite.NewAgentEventService(db), 4096)
	p.recorder.OnError = func(err error) { logger.Error("persist routing record", slog.Any("err", err)) }
	p.inbox = task.NewInbox()
	p.chat = relay{to: new(routing.Publisher)}
	p.voiceInbox = sip.NewVoiceInbox()
	cfg.Publisher, cfg.Recorder = routing.Publishers{p.pub, p.inbox, p.chat, p.voiceInbox}, p.recorder
	if p.router, err = routing.New(cfg); err != nil {
		return nil, fmt.Errorf("start router: %w", err)
	}
	p.router.HeartbeatInterval = 0
	p.hub = ws.NewHub(p.store)
	p.hub.Logger = logger
	return p, nil
}

// restore gives the router back the contacts and agents of the previous run.
func (p *routingParts) restore(ctx context.Context, ctrs parley.CTRService, logger *slog.Logger) error {
	in, skipped, err := routing.StateStore{Store: p.store}.LoadRestoreInput(ctx, ctrs)
	if err != nil {
		return fmt.Errorf("read routing state: %w", err)
	}
	for _, err := range skipped {
		logger.Error("skip a routing record", slog.Any("err", err))
	}
	rep, err := p.router.Restore(ctx, in)
	if err != nil {
		return fmt.Errorf("restore routing: %w", err)
	}
	if n := len(rep.Requeued) + len(rep.Closed); n > 0 {
		logger.Info("restored routing", slog.Int("requeued", len(rep.Requeued)), slog.Int("closed", len(rep.Closed)))
	}
	return nil
}
