package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// kind describes a configuration entity's table for the checks shared by every service.
type kind struct {
	table   string // SQL table
	typ     string // audit entity type, lower snake
	label   string // in messages: "routing profile"
	article string // "a", "an" or ""
	keyCol  string // the column unique per entity: name_key, username_key or number
	nameCol string // the column naming the entity in messages
}

var (
	kUser             = kind{"users", "user", "user", "a", "username_key", "username"}
	kSecurityProfile  = kind{"security_profiles", "security_profile", "security profile", "a", "name_key", "name"}
	kAgentStatus      = kind{"agent_statuses", "agent_status", "agent status", "an", "name_key", "name"}
	kHours            = kind{"hours_of_operation", "hours_of_operation", "hours of operation", "", "name_key", "name"}
	kQueue            = kind{"queues", "queue", "queue", "a", "name_key", "name"}
	kRoutingProfile   = kind{"routing_profiles", "routing_profile", "routing profile", "a", "name_key", "name"}
	kQuickConnect     = kind{"quick_connects", "quick_connect", "quick connect", "a", "name_key", "name"}
	kPhoneNumber      = kind{"phone_numbers", "phone_number", "phone number", "a", "number", "number"}
	kFlow             = kind{"flows", "flow", "flow", "a", "name_key", "name"}
	kPrompt           = kind{"prompts", "prompt", "prompt", "a", "name_key", "name"}
	kExternalFunction = kind{"external_functions", "external_function", "external function", "an", "name_key", "name"}
)

func (k kind) withArticle() string {
	if k.article == "" {
		return k.label
	}
	return k.article + " " + k.label
}

// notFound is the ENotFound error for an unknown ID.
func (k kind) notFound(id any) error {
	return parley.NotFoundf("no %s with ID %q", k.label, fmt.Sprint(id))
}

// checkUnique returns EConflict when another entity of k (not exceptID) has the key of
// display. key is the folded name (or the number, for phone numbers).
func checkUnique(ctx context.Context, tx *Tx, k kind, key, display string, exceptID any) error {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM `+k.table+` WHERE `+k.keyCol+` = ? AND id <> ?`, key, fmt.Sprint(exceptID)).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	switch k {
	case kUser:
		return parley.Conflictf("the username %q is taken", display)
	case kPhoneNumber:
		return parley.Conflictf("the phone number %s is already claimed", display)
	}
	return parley.Conflictf("%s named %q already exists", k.withArticle(), display)
}

// exists reports whether an entity of k has the ID.
func exists(ctx context.Context, tx *Tx, k kind, id any) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+k.table+` WHERE id = ?`, fmt.Sprint(id)).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// checkRef returns EInvalid on field when no entity of k has the ID.
func checkRef[T ~string](ctx context.Context, tx *Tx, k kind, field string, id T) error {
	ok, err := exists(ctx, tx, k, id)
	if err != nil {
		return err
	}
	if !ok {
		return parley.Invalidf(field, "no %s with ID %q", k.label, string(id))
	}
	return nil
}

// checkOptionalRef is checkRef for a reference that may be empty.
func checkOptionalRef[T ~string](ctx context.Context, tx *Tx, k kind, field string, id T) error {
	if id == "" {
		return nil
	}
	return checkRef(ctx, tx, k, field, id)
}

// usage finds the first entity using another: a query returning one name, given the used ID.
type usage struct {
	by    kind
	query string
}

// checkUnused returns EConflict naming the first entity that uses the entity (k, id, name).
func checkUnused(ctx context.Context, tx *Tx, k kind, id any, name string, usages ...usage) error {
	for _, u := range usages {
		var user string
		err := tx.QueryRowContext(ctx, u.query, fmt.Sprint(id)).Scan(&user)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		return parley.Conflictf("%s %q is used by %s %q", k.label, name, u.by.label, user)
	}
	return nil
}

// deleteRow deletes the entity's row. ENotFound when there is none.
func deleteRow(ctx context.Context, tx *Tx, k kind, id any) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE id = ?`, fmt.Sprint(id))
	if err != nil {
		return fmt.Errorf("delete %s: %w", k.label, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return k.notFound(id)
	}
	return nil
}

// checkAffected turns an UPDATE that touched no row into ENotFound.
func checkAffected(res sql.Result, k kind, id any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return k.notFound(id)
	}
	return nil
}
