package routing

import (
	"context"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

var _ parley.AgentService = (*Router)(nil)

// liveAgent reads one agent in the router's goroutine.
func (r *Router) liveAgent(ctx context.Context, id parley.UserID) (*parley.LiveAgent, error) {
	info, err := r.Agent(ctx, id)
	if err != nil {
		return nil, err
	}
	return &parley.LiveAgent{AgentID: id, State: info.State, Snapshot: info.Snapshot}, nil
}

// StartAgentSession implements parley.AgentService: it logs the agent in, or returns their
// state when they already are.
func (r *Router) StartAgentSession(ctx context.Context, u *parley.User) (*parley.LiveAgent, error) {
	if u.RoutingProfileID == "" {
		return nil, parley.Invalidf("routingProfileId", "user %q has no routing profile; an administrator must give them one before they can take contacts", u.Username)
	}
	err := call0(r, ctx, func(now time.Time) error {
		if _, _, ok := r.eng.Agent(u.ID); ok {
			return nil
		}
		return r.eng.Login(now, *u)
	})
	if err != nil {
		return nil, err
	}
	return r.liveAgent(ctx, u.ID)
}

// EndAgentSession implements parley.AgentService.
func (r *Router) EndAgentSession(ctx context.Context, agent parley.UserID) error {
	return r.Logout(ctx, agent)
}

// FindLiveAgent implements parley.AgentService.
func (r *Router) FindLiveAgent(ctx context.Context, agent parley.UserID) (*parley.LiveAgent, error) {
	return r.liveAgent(ctx, agent)
}

// FindLiveAgents implements parley.AgentService, in agent ID order.
func (r *Router) FindLiveAgents(ctx context.Context) ([]*parley.LiveAgent, error) {
	return call(r, ctx, func(now time.Time) ([]*parley.LiveAgent, error) {
		var out []*parley.LiveAgent
		for _, v := range r.eng.Snapshot(now).Agents {
			if st, snap, ok := r.eng.Agent(v.ID); ok {
				out = append(out, &parley.LiveAgent{AgentID: v.ID, State: st, Snapshot: snap})
			}
		}
		return out, nil
	})
}

// SetAgentStatus implements parley.AgentService.
func (r *Router) SetAgentStatus(ctx context.Context, agent parley.UserID, status parley.AgentStatusID) (*parley.LiveAgent, error) {
	if err := r.SetStatus(ctx, agent, status); err != nil {
		return nil, err
	}
	return r.liveAgent(ctx, agent)
}

// AcceptContact implements parley.AgentService.
func (r *Router) AcceptContact(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return r.Accept(ctx, agent, id)
}

// RejectContact implements parley.AgentService.
func (r *Router) RejectContact(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return r.Reject(ctx, agent, id)
}

// ClearContact implements parley.AgentService.
func (r *Router) ClearContact(ctx context.Context, agent parley.UserID, id parley.ContactID) error {
	return r.ClearACW(ctx, agent, id)
}

// FindAgentContact implements parley.AgentService: a contact offered to or handled by agent.
func (r *Router) FindAgentContact(ctx context.Context, agent parley.UserID, id parley.ContactID) (*parley.Contact, error) {
	c, err := r.Contact(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.AgentID != agent {
		return nil, parley.NotFoundf("contact %q is not one of your contacts", id)
	}
	return &c, nil
}

// SetContactAttributes implements parley.AgentService.
func (r *Router) SetContactAttributes(ctx context.Context, agent parley.UserID, id parley.ContactID, attrs map[string]string) error {
	return call0(r, ctx, func(now time.Time) error { return r.eng.SetAttributes(now, agent, id, attrs) })
}
