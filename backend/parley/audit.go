package parley

import (
	"context"
	"encoding/json"
	"time"
)

// AuditAction is what an audited change did.
type AuditAction string

// Audit actions.
const (
	AuditCreate   AuditAction = "create"
	AuditUpdate   AuditAction = "update"
	AuditDelete   AuditAction = "delete"
	AuditPublish  AuditAction = "publish"
	AuditRollback AuditAction = "rollback"
	AuditPassword AuditAction = "password"
	AuditLogin    AuditAction = "login"
	AuditLogout   AuditAction = "logout"
	AuditAccess   AuditAction = "access" // a recording listened to or downloaded
)

// AuditEntry records one administrative change: who, what, when, before and after. It is
// written in the same transaction as the change.
type AuditEntry struct {
	ID            AuditEntryID
	Seq           int64
	Time          time.Time
	ActorID       UserID // empty for the system (bootstrap, CLI)
	ActorUsername string
	Action        AuditAction
	EntityType    string // "queue", "user", ...
	EntityID      string
	EntityName    string
	Before        json.RawMessage // the entity before the change, JSON; nil on create
	After         json.RawMessage // the entity after the change, JSON; nil on delete
}

// AuditFilter narrows an audit listing. Entries come newest first.
type AuditFilter struct {
	EntityType string
	EntityID   string
	ActorID    UserID
	Since      time.Time
	Until      time.Time
	BeforeSeq  int64 // entries with a smaller sequence number (paging); 0: from the newest
	Limit      int   // 0: 100
}

// AuditService reads the audit log. Entries are written by the services that make changes.
type AuditService interface {
	FindAuditEntries(ctx context.Context, filter AuditFilter) ([]*AuditEntry, error)
	// RecordAudit writes an entry outside any other change (logins, recording access).
	RecordAudit(ctx context.Context, e *AuditEntry) error
}

// Actor is who makes a change; the store reads it from the context to write audit entries.
type Actor struct {
	UserID   UserID
	Username string
}

// SystemActor makes changes nobody signed in for: bootstrap, migrations, the CLI.
var SystemActor = Actor{Username: "system"}

type actorKey struct{}

// NewContextWithActor returns a context carrying the actor.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the context's actor, or SystemActor.
func ActorFromContext(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return SystemActor
}
