package parley

import (
	"context"
	"fmt"
	"time"
)

// CrossChannelBehavior says whether an agent on a contact of one channel may be offered
// contacts of other channels.
type CrossChannelBehavior string

// Cross-channel behaviours, as in Amazon Connect.
const (
	RouteCurrentChannelOnly CrossChannelBehavior = "ROUTE_CURRENT_CHANNEL_ONLY"
	RouteAnyChannel         CrossChannelBehavior = "ROUTE_ANY_CHANNEL"
)

// Concurrency limits, as in Amazon Connect: voice is 1; chats up to 10; tasks up to 10.
var maxConcurrency = map[Channel]int{ChannelVoice: 1, ChannelChat: 10, ChannelTask: 10}

// MediaConcurrency is how many contacts of one channel an agent handles at once. A channel
// missing from a routing profile is not offered to its agents.
type MediaConcurrency struct {
	Channel              Channel
	Concurrency          int
	CrossChannelBehavior CrossChannelBehavior
}

// RoutingProfileQueue puts one queue's contacts of one channel in a routing profile.
type RoutingProfileQueue struct {
	QueueID  QueueID
	Channel  Channel
	Priority int // 1 (highest) to 99
	Delay    int // seconds a contact must have waited before agents of this profile get it, 0-9999
}

// RoutingProfile decides which contacts an agent is offered.
type RoutingProfile struct {
	ID                        RoutingProfileID
	Name                      string
	Description               string
	MediaConcurrencies        []MediaConcurrency
	Queues                    []RoutingProfileQueue
	DefaultOutboundQueueID    QueueID
	AfterContactWorkTimeLimit int // seconds; 0: ACW lasts until the agent clears it
	CreatedAt                 time.Time
	UpdatedAt                 time.Time
}

// Concurrency returns the profile's concurrency for c, 0 when c is not handled.
func (p *RoutingProfile) Concurrency(c Channel) int {
	for _, m := range p.MediaConcurrencies {
		if m.Channel == c {
			return m.Concurrency
		}
	}
	return 0
}

// Validate checks the profile's own fields and fills default cross-channel behaviours.
func (p *RoutingProfile) Validate() error {
	if err := firstError(
		ValidateName("name", p.Name),
		ValidateDescription("description", p.Description),
		ValidateRequiredID("defaultOutboundQueueId", p.DefaultOutboundQueueID),
		ValidateRange("afterContactWorkTimeLimit", p.AfterContactWorkTimeLimit, 0, 2000000),
	); err != nil {
		return err
	}
	if len(p.MediaConcurrencies) == 0 {
		return Invalidf("mediaConcurrencies", "at least one channel (VOICE, CHAT or TASK) is required")
	}
	seen := map[Channel]bool{}
	for i := range p.MediaConcurrencies {
		m := &p.MediaConcurrencies[i]
		if !m.Channel.Valid() {
			return Invalidf(indexField("mediaConcurrencies", i, "channel"), "is %q; must be one of VOICE, CHAT, TASK", m.Channel)
		}
		if seen[m.Channel] {
			return Invalidf(indexField("mediaConcurrencies", i, "channel"), "%s is listed twice", m.Channel)
		}
		seen[m.Channel] = true
		if err := ValidateRange(indexField("mediaConcurrencies", i, "concurrency"), m.Concurrency, 1, maxConcurrency[m.Channel]); err != nil {
			return err
		}
		if m.CrossChannelBehavior == "" {
			m.CrossChannelBehavior = RouteAnyChannel
		}
		if err := oneOf(indexField("mediaConcurrencies", i, "crossChannelBehavior"), m.CrossChannelBehavior, RouteCurrentChannelOnly, RouteAnyChannel); err != nil {
			return err
		}
	}
	type key struct {
		q QueueID
		c Channel
	}
	entries := map[key]bool{}
	for i, q := range p.Queues {
		if err := ValidateRequiredID(indexField("queues", i, "queueId"), q.QueueID); err != nil {
			return err
		}
		if !q.Channel.Valid() {
			return Invalidf(indexField("queues", i, "channel"), "is %q; must be one of VOICE, CHAT, TASK", q.Channel)
		}
		if !seen[q.Channel] {
			return Invalidf(indexField("queues", i, "channel"), "%s has no entry in mediaConcurrencies", q.Channel)
		}
		if err := firstError(
			ValidateRange(indexField("queues", i, "priority"), q.Priority, 1, 99),
			ValidateRange(indexField("queues", i, "delay"), q.Delay, 0, 9999),
		); err != nil {
			return err
		}
		k := key{q.QueueID, q.Channel}
		if entries[k] {
			return Invalidf(fmt.Sprintf("queues[%d]", i), "queue %q is listed twice for %s", q.QueueID, q.Channel)
		}
		entries[k] = true
	}
	return nil
}

// RoutingProfileService manages routing profiles.
type RoutingProfileService interface {
	FindRoutingProfileByID(ctx context.Context, id RoutingProfileID) (*RoutingProfile, error)
	FindRoutingProfiles(ctx context.Context) ([]*RoutingProfile, error)
	// CreateRoutingProfile: EInvalid (fields, unknown queues), EConflict (name).
	CreateRoutingProfile(ctx context.Context, p *RoutingProfile) error
	// UpdateRoutingProfile: ENotFound, EInvalid, EConflict (name).
	UpdateRoutingProfile(ctx context.Context, p *RoutingProfile) error
	// DeleteRoutingProfile: ENotFound; EConflict while a user has it.
	DeleteRoutingProfile(ctx context.Context, id RoutingProfileID) error
}
