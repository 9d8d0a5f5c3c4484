package routing

import (
	"context"
	"log/slog"

	"github.com/parley-cc/parley/backend/parley"
)

// LoadConfig reads the queues, routing profiles and agent statuses a router starts with.
func LoadConfig(ctx context.Context, queues parley.QueueService, profiles parley.RoutingProfileService, statuses parley.AgentStatusService) (Config, error) {
	var cfg Config
	qs, err := queues.FindQueues(ctx)
	if err != nil {
		return cfg, err
	}
	ps, err := profiles.FindRoutingProfiles(ctx)
	if err != nil {
		return cfg, err
	}
	ss, err := statuses.FindAgentStatuses(ctx)
	if err != nil {
		return cfg, err
	}
	for _, q := range qs {
		cfg.Queues = append(cfg.Queues, *q)
	}
	for _, p := range ps {
		cfg.Profiles = append(cfg.Profiles, *p)
	}
	for _, s := range ss {
		cfg.Statuses = append(cfg.Statuses, *s)
	}
	return cfg, nil
}

// The services below wrap the stored configuration services and keep a running router in step
// with the changes admins make. The store is the truth: when the router refuses a change (which
// validation should have caught), the change stays stored, the router picks it up at the next
// start, and the refusal is logged.

// SyncedQueues passes created and updated queues to the router.
type SyncedQueues struct {
	parley.QueueService
	Router *Router
	Logger *slog.Logger
}

// CreateQueue implements parley.QueueService.
func (s SyncedQueues) CreateQueue(ctx context.Context, q *parley.Queue) error {
	if err := s.QueueService.CreateQueue(ctx, q); err != nil {
		return err
	}
	logSync(s.Logger, "queue", string(q.ID), s.Router.UpsertQueue(ctx, *q))
	return nil
}

// UpdateQueue implements parley.QueueService.
func (s SyncedQueues) UpdateQueue(ctx context.Context, q *parley.Queue) error {
	if err := s.QueueService.UpdateQueue(ctx, q); err != nil {
		return err
	}
	logSync(s.Logger, "queue", string(q.ID), s.Router.UpsertQueue(ctx, *q))
	return nil
}

// SyncedRoutingProfiles passes created and updated routing profiles to the router.
type SyncedRoutingProfiles struct {
	parley.RoutingProfileService
	Router *Router
	Logger *slog.Logger
}

// CreateRoutingProfile implements parley.RoutingProfileService.
func (s SyncedRoutingProfiles) CreateRoutingProfile(ctx context.Context, p *parley.RoutingProfile) error {
	if err := s.RoutingProfileService.CreateRoutingProfile(ctx, p); err != nil {
		return err
	}
	logSync(s.Logger, "routing_profile", string(p.ID), s.Router.UpsertRoutingProfile(ctx, *p))
	return nil
}

// UpdateRoutingProfile implements parley.RoutingProfileService.
func (s SyncedRoutingProfiles) UpdateRoutingProfile(ctx context.Context, p *parley.RoutingProfile) error {
	if err := s.RoutingProfileService.UpdateRoutingProfile(ctx, p); err != nil {
		return err
	}
	logSync(s.Logger, "routing_profile", string(p.ID), s.Router.UpsertRoutingProfile(ctx, *p))
	return nil
}

// SyncedAgentStatuses passes created and updated agent statuses to the router.
type SyncedAgentStatuses struct {
	parley.AgentStatusService
	Router *Router
	Logger *slog.Logger
}

// CreateAgentStatus implements parley.AgentStatusService.
func (s SyncedAgentStatuses) CreateAgentStatus(ctx context.Context, st *parley.AgentStatus) error {
	if err := s.AgentStatusService.CreateAgentStatus(ctx, st); err != nil {
		return err
	}
	logSync(s.Logger, "agent_status", string(st.ID), s.Router.UpsertAgentStatus(ctx, *st))
	return nil
}

// UpdateAgentStatus implements parley.AgentStatusService.
func (s SyncedAgentStatuses) UpdateAgentStatus(ctx context.Context, st *parley.AgentStatus) error {
	if err := s.AgentStatusService.UpdateAgentStatus(ctx, st); err != nil {
		return err
	}
	logSync(s.Logger, "agent_status", string(st.ID), s.Router.UpsertAgentStatus(ctx, *st))
	return nil
}

func logSync(logger *slog.Logger, kind, id string, err error) {
	if err == nil {
		return
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger.Error("the router refused a configuration change; it applies at the next start",
		slog.String("entity", kind), slog.String("id", id), slog.Any("err", err))
}
