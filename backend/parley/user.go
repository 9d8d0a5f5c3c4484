package parley

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// Permission names an action a security profile allows. Names follow Amazon Connect's security
// profile permissions ("Queues.Edit", "BasicAgentAccess", ...).
type Permission string

// Permissions.
const (
	PermBasicAgentAccess    Permission = "BasicAgentAccess"
	PermOutboundCallAccess  Permission = "OutboundCallAccess"
	PermAccessMetrics       Permission = "AccessMetrics"
	PermMonitorContacts     Permission = "MonitorContacts"
	PermContactSearchView   Permission = "ContactSearch.View"
	PermListenRecordings    Permission = "ListenCallRecordings"
	PermDownloadRecordings  Permission = "DownloadCallRecordings"
	PermAuditLogView        Permission = "AuditLog.View"
	PermUsersView           Permission = "Users.View"
	PermUsersCreate         Permission = "Users.Create"
	PermUsersEdit           Permission = "Users.Edit"
	PermUsersDelete         Permission = "Users.Delete"
	PermUsersEditPermission Permission = "Users.EditPermission"
	PermSecurityView        Permission = "SecurityProfiles.View"
	PermSecurityCreate      Permission = "SecurityProfiles.Create"
	PermSecurityEdit        Permission = "SecurityProfiles.Edit"
	PermSecurityDelete      Permission = "SecurityProfiles.Delete"
	PermAgentStatesView     Permission = "AgentStates.View"
	PermAgentStatesCreate   Permission = "AgentStates.Create"
	PermAgentStatesEdit     Permission = "AgentStates.Edit"
	PermAgentStatesDelete   Permission = "AgentStates.Delete"
	PermHoursView           Permission = "HoursOfOperation.View"
	PermHoursCreate         Permission = "HoursOfOperation.Create"
	PermHoursEdit           Permission = "HoursOfOperation.Edit"
	PermHoursDelete         Permission = "HoursOfOperation.Delete"
	PermQueuesView          Permission = "Queues.View"
	PermQueuesCreate        Permission = "Queues.Create"
	PermQueuesEdit          Permission = "Queues.Edit"
	PermQueuesDelete        Permission = "Queues.Delete"
	PermRoutingView         Permission = "RoutingPolicies.View"
	PermRoutingCreate       Permission = "RoutingPolicies.Create"
	PermRoutingEdit         Permission = "RoutingPolicies.Edit"
	PermRoutingDelete       Permission = "RoutingPolicies.Delete"
	PermQuickConnectsView   Permission = "TransferDestinations.View"
	PermQuickConnectsCreate Permission = "TransferDestinations.Create"
	PermQuickConnectsEdit   Permission = "TransferDestinations.Edit"
	PermQuickConnectsDelete Permission = "TransferDestinations.Delete"
	PermPhoneNumbersView    Permission = "PhoneNumbers.View"
	PermPhoneNumbersClaim   Permission = "PhoneNumbers.Claim"
	PermPhoneNumbersEdit    Permission = "PhoneNumbers.Edit"
	PermPhoneNumbersRelease Permission = "PhoneNumbers.Release"
	PermFlowsView           Permission = "ContactFlows.View"
	PermFlowsCreate         Permission = "ContactFlows.Create"
	PermFlowsEdit           Permission = "ContactFlows.Edit"
	PermFlowsDelete         Permission = "ContactFlows.Delete"
	PermFlowsPublish        Permission = "ContactFlows.Publish"
	PermPromptsView         Permission = "Prompts.View"
	PermPromptsCreate       Permission = "Prompts.Create"
	PermPromptsEdit         Permission = "Prompts.Edit"
	PermPromptsDelete       Permission = "Prompts.Delete"
	PermExternalView        Permission = "ExternalFunctions.View"
	PermExternalCreate      Permission = "ExternalFunctions.Create"
	PermExternalEdit        Permission = "ExternalFunctions.Edit"
	PermExternalDelete      Permission = "ExternalFunctions.Delete"
)

// AllPermissions lists every permission, in documentation order.
var AllPermissions = []Permission{
	PermBasicAgentAccess, PermOutboundCallAccess, PermAccessMetrics, PermMonitorContacts,
	PermContactSearchView, PermListenRecordings, PermDownloadRecordings, PermAuditLogView,
	PermUsersView, PermUsersCreate, PermUsersEdit, PermUsersDelete, PermUsersEditPermission,
	PermSecurityView, PermSecurityCreate, PermSecurityEdit, PermSecurityDelete,
	PermAgentStatesView, PermAgentStatesCreate, PermAgentStatesEdit, PermAgentStatesDelete,
	PermHoursView, PermHoursCreate, PermHoursEdit, PermHoursDelete,
	PermQueuesView, PermQueuesCreate, PermQueuesEdit, PermQueuesDelete,
	PermRoutingView, PermRoutingCreate, PermRoutingEdit, PermRoutingDelete,
	PermQuickConnectsView, PermQuickConnectsCreate, PermQuickConnectsEdit, PermQuickConnectsDelete,
	PermPhoneNumbersView, PermPhoneNumbersClaim, PermPhoneNumbersEdit, PermPhoneNumbersRelease,
	PermFlowsView, PermFlowsCreate, PermFlowsEdit, PermFlowsDelete, PermFlowsPublish,
	PermPromptsView, PermPromptsCreate, PermPromptsEdit, PermPromptsDelete,
	PermExternalView, PermExternalCreate, PermExternalEdit, PermExternalDelete,
}

// Valid reports whether p is a known permission.
func (p Permission) Valid() bool {
	for _, q := range AllPermissions {
		if p == q {
			return true
		}
	}
	return false
}

// Names of the security profiles every instance starts with.
const (
	ProfileAdmin             = "Admin"
	ProfileAgent             = "Agent"
	ProfileCallCenterManager = "CallCenterManager"
	ProfileQualityAnalyst    = "QualityAnalyst"
)

// DefaultSecurityProfiles returns the profiles every instance starts with, as Amazon Connect
// creates them: Admin may do everything; Agent handles contacts; CallCenterManager runs the
// floor and its configuration but not security; QualityAnalyst reviews metrics and recordings.
func DefaultSecurityProfiles() []*SecurityProfile {
	var manager []Permission
	for _, p := range AllPermissions {
		switch p {
		case PermSecurityCreate, PermSecurityEdit, PermSecurityDelete, PermUsersEditPermission:
		default:
			manager = append(manager, p)
		}
	}
	return []*SecurityProfile{
		{Name: ProfileAdmin, Description: "Every permission.", Permissions: append([]Permission(nil), AllPermissions...)},
		{Name: ProfileAgent, Description: "Handle contacts in the CCP and make outbound calls.", Permissions: []Permission{PermBasicAgentAccess, PermOutboundCallAccess}},
		{Name: ProfileCallCenterManager, Description: "Run the floor: configuration, users, metrics, monitoring; not security profiles.", Permissions: manager},
		{Name: ProfileQualityAnalyst, Description: "Review metrics, contacts and recordings; monitor live contacts.", Permissions: []Permission{
			PermAccessMetrics, PermContactSearchView, PermListenRecordings, PermMonitorContacts,
			PermUsersView, PermQueuesView, PermRoutingView, PermAgentStatesView}},
	}
}

// SecurityProfile is a named set of permissions assigned to users.
type SecurityProfile struct {
	ID          SecurityProfileID
	Name        string
	Description string
	Permissions []Permission
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the profile's own fields.
func (p *SecurityProfile) Validate() error {
	if err := firstError(ValidateName("name", p.Name), ValidateDescription("description", p.Description)); err != nil {
		return err
	}
	seen := map[Permission]bool{}
	for i, perm := range p.Permissions {
		if !perm.Valid() {
			return Invalidf(fmt.Sprintf("permissions[%d]", i), "%q is not a permission; see GET /v1/permissions for the list", perm)
		}
		if seen[perm] {
			return Invalidf("permissions", "%q is listed twice", perm)
		}
		seen[perm] = true
	}
	return nil
}

// PhoneType is how an agent takes calls.
type PhoneType string

// Phone types.
const (
	PhoneSoft PhoneType = "SOFT_PHONE" // the desktop app's softphone
	PhoneDesk PhoneType = "DESK_PHONE" // an external number reached through the trunk
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$`)

// User is a person who signs in: agent, supervisor or administrator, depending on their
// security profiles.
type User struct {
	ID                 UserID
	Username           string
	FirstName          string
	LastName           string
	Email              string
	SecurityProfileIDs []SecurityProfileID
	RoutingProfileID   RoutingProfileID // required for users who take contacts; may be empty
	PhoneType          PhoneType
	DeskPhoneNumber    string
	AutoAccept         bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// ValidatePassword checks a new password.
func ValidatePassword(field, pw string) error {
	if len(pw) < MinPasswordLength {
		return Invalidf(field, "must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > 256 {
		return Invalidf(field, "must be at most 256 characters")
	}
	return nil
}

// Validate checks the user's own fields (references are checked by the store) and fills the
// default phone type.
func (u *User) Validate() error {
	if !usernamePattern.MatchString(u.Username) {
		return Invalidf("username", "%q is not allowed; use 1 to 64 letters, digits and . _ @ + -, starting with a letter or digit", u.Username)
	}
	if u.PhoneType == "" {
		u.PhoneType = PhoneSoft
	}
	if err := oneOf("phoneType", u.PhoneType, PhoneSoft, PhoneDesk); err != nil {
		return err
	}
	if u.PhoneType == PhoneDesk {
		if err := ValidatePhoneNumber("deskPhoneNumber", u.DeskPhoneNumber); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{{"firstName", u.FirstName}, {"lastName", u.LastName}, {"email", u.Email}} {
		if err := ValidateDescription(f.name, f.v); err != nil {
			return err
		}
	}
	if len(u.SecurityProfileIDs) == 0 {
		return Invalidf("securityProfileIds", "at least one security profile is required")
	}
	return uniqueIDs("securityProfileIds", u.SecurityProfileIDs)
}

// HasPermission reports whether perms contains p.
func HasPermission(perms []Permission, p Permission) bool {
	for _, q := range perms {
		if q == p {
			return true
		}
	}
	return false
}

// UserFilter narrows a user listing.
type UserFilter struct {
	Username string // exact, case-insensitive
}

// UserService manages users and their credentials.
type UserService interface {
	// FindUserByID returns ENotFound for an unknown ID.
	FindUserByID(ctx context.Context, id UserID) (*User, error)
	// FindUsers lists users ordered by username.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, error)
	// CreateUser stores a new user with the given password and sets u.ID and timestamps.
	// EInvalid for bad fields or references, EConflict for a taken username.
	CreateUser(ctx context.Context, u *User, password string) error
	// UpdateUser replaces the user's fields (not the password). ENotFound, EInvalid, EConflict.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes a user and their sessions. ENotFound; EConflict when it would remove
	// the last user holding the Admin profile, or while a quick connect points to the user.
	DeleteUser(ctx context.Context, id UserID) error
	// SetPassword replaces a user's password and revokes their sessions. ENotFound, EInvalid.
	SetPassword(ctx context.Context, id UserID, password string) error
	// UserPermissions returns the union of the user's security profiles' permissions.
	UserPermissions(ctx context.Context, id UserID) ([]Permission, error)
}

// SecurityProfileService manages security profiles.
type SecurityProfileService interface {
	FindSecurityProfileByID(ctx context.Context, id SecurityProfileID) (*SecurityProfile, error)
	FindSecurityProfiles(ctx context.Context) ([]*SecurityProfile, error)
	// CreateSecurityProfile: EInvalid, EConflict (name).
	CreateSecurityProfile(ctx context.Context, p *SecurityProfile) error
	// UpdateSecurityProfile: ENotFound, EInvalid (including renaming the Admin profile or
	// taking a permission from it), EConflict (name).
	UpdateSecurityProfile(ctx context.Context, p *SecurityProfile) error
	// DeleteSecurityProfile: ENotFound; EConflict while a user has it.
	DeleteSecurityProfile(ctx context.Context, id SecurityProfileID) error
}
