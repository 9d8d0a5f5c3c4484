package parley

import (
	"context"
	"time"
)

// AgentStatusType says what a status means to the router.
type AgentStatusType string

// Agent status types, as in Amazon Connect. Every instance has exactly one ROUTABLE status
// ("Available") and one OFFLINE status ("Offline"); admins add CUSTOM ones (Break, Lunch, ...),
// which are not routable.
const (
	StatusRoutable AgentStatusType = "ROUTABLE"
	StatusCustom   AgentStatusType = "CUSTOM"
	StatusOffline  AgentStatusType = "OFFLINE"
)

// AgentStatus is a status an agent can choose in the CCP.
type AgentStatus struct {
	ID           AgentStatusID
	Name         string
	Description  string
	Type         AgentStatusType
	DisplayOrder int // position in the CCP's list, 1 first
	Enabled      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate checks the status's own fields.
func (s *AgentStatus) Validate() error {
	return firstError(
		ValidateName("name", s.Name),
		ValidateDescription("description", s.Description),
		oneOf("type", s.Type, StatusRoutable, StatusCustom, StatusOffline),
		ValidateRange("displayOrder", s.DisplayOrder, 1, 50),
	)
}

// AgentStatusService manages agent statuses.
type AgentStatusService interface {
	FindAgentStatusByID(ctx context.Context, id AgentStatusID) (*AgentStatus, error)
	// FindAgentStatuses lists statuses by display order, then name.
	FindAgentStatuses(ctx context.Context) ([]*AgentStatus, error)
	// CreateAgentStatus creates a CUSTOM status: EInvalid (including any other type), EConflict (name).
	CreateAgentStatus(ctx context.Context, s *AgentStatus) error
	// UpdateAgentStatus: ENotFound, EInvalid (the type cannot change; the system statuses cannot
	// be disabled), EConflict (name).
	UpdateAgentStatus(ctx context.Context, s *AgentStatus) error
	// DeleteAgentStatus deletes a CUSTOM status: ENotFound; EInvalid for the system statuses.
	DeleteAgentStatus(ctx context.Context, id AgentStatusID) error
}
