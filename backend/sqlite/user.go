package sqlite

import (
	"context"
	"fmt"
	"slices"

	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
)

// UserService manages users and their passwords. Password hashes never leave it.
type UserService struct{ db *DB }

var _ parley.UserService = (*UserService)(nil)

// NewUserService returns the users of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// FindUserByID returns a user. ENotFound.
func (s *UserService) FindUserByID(ctx context.Context, id parley.UserID) (u *parley.User, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		u, err = findUserByID(ctx, tx, id)
		return err
	})
	return u, err
}

// FindUsers lists users by username.
func (s *UserService) FindUsers(ctx context.Context, f parley.UserFilter) (us []*parley.User, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		if f.Username != "" {
			us, err = findUsers(ctx, tx, "username_key = ?", []any{nameKey(f.Username)})
		} else {
			us, err = findUsers(ctx, tx, "", nil)
		}
		return err
	})
	return us, err
}

// CreateUser stores a new user with a hash of pw and sets its ID and timestamps. EInvalid,
// EConflict.
func (s *UserService) CreateUser(ctx context.Context, u *parley.User, pw string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if err := parley.ValidatePassword("password", pw); err != nil {
		return err
	}
	// Hash before taking the write lock: argon2id takes tens of milliseconds by design.
	hash, err := password.Hash(pw, s.db.PasswordParams)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUserRefs(ctx, tx, u); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kUser, nameKey(u.Username), u.Username, ""); err != nil {
			return err
		}
		u.ID = parley.UserID(tx.db.newID())
		u.CreatedAt, u.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, username_key, first_name, last_name, email,
			routing_profile_id, phone_type, desk_phone_number, auto_accept, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(u.ID), u.Username, nameKey(u.Username), u.FirstName, u.LastName, u.Email,
			nullStr(u.RoutingProfileID), string(u.PhoneType), u.DeskPhoneNumber, u.AutoAccept, hash,
			formatTime(u.CreatedAt), formatTime(u.UpdatedAt)); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if err := insertUserSecurityProfiles(ctx, tx, u); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditCreate, kUser, u.ID, u.Username, nil, u)
	})
}

// UpdateUser replaces a user's fields, not the password. ENotFound, EInvalid, EConflict (the
// username is taken, or the change would take the Admin profile from the last user holding it).
func (s *UserService) UpdateUser(ctx context.Context, u *parley.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findUserByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if err := checkUserRefs(ctx, tx, u); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kUser, nameKey(u.Username), u.Username, u.ID); err != nil {
			return err
		}
		adminID, err := adminProfileID(ctx, tx)
		if err != nil {
			return err
		}
		if adminID != "" && slices.Contains(existing.SecurityProfileIDs, adminID) && !slices.Contains(u.SecurityProfileIDs, adminID) {
			if last, err := isLastAdmin(ctx, tx, adminID, existing); err != nil {
				return err
			} else if last {
				return parley.Conflictf("user %q is the last user with the %s security profile; give %s to another user before taking it from %q",
					existing.Username, parley.ProfileAdmin, parley.ProfileAdmin, existing.Username)
			}
		}
		u.CreatedAt, u.UpdatedAt = existing.CreatedAt, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE users SET username = ?, username_key = ?, first_name = ?, last_name = ?,
			email = ?, routing_profile_id = ?, phone_type = ?, desk_phone_number = ?, auto_accept = ?, updated_at = ?
			WHERE id = ?`,
			u.Username, nameKey(u.Username), u.FirstName, u.LastName, u.Email, nullStr(u.RoutingProfileID),
			string(u.PhoneType), u.DeskPhoneNumber, u.AutoAccept, formatTime(u.UpdatedAt), string(u.ID)); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_security_profiles WHERE user_id = ?`, string(u.ID)); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if err := insertUserSecurityProfiles(ctx, tx, u); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kUser, u.ID, u.Username, existing, u)
	})
}

// DeleteUser removes a user and their sessions. ENotFound; EConflict when the user is the last
// one holding the Admin profile, or a quick connect transfers to them.
func (s *UserService) DeleteUser(ctx context.Context, id parley.UserID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findUserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		adminID, err := adminProfileID(ctx, tx)
		if err != nil {
			return err
		}
		if adminID != "" && slices.Contains(existing.SecurityProfileIDs, adminID) {
			if last, err := isLastAdmin(ctx, tx, adminID, existing); err != nil {
				return err
			} else if last {
				return parley.Conflictf("user %q is the last user with the %s security profile and cannot be deleted; give %s to another user first",
					existing.Username, parley.ProfileAdmin, parley.ProfileAdmin)
			}
		}
		if err := checkUnused(ctx, tx, kUser, id, existing.Username,
			usage{kQuickConnect, `SELECT name FROM quick_connects WHERE user_id = ? ORDER BY name_key LIMIT 1`},
		); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, string(id)); err != nil {
			return fmt.Errorf("delete sessions: %w", err)
		}
		if err := deleteRow(ctx, tx, kUser, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kUser, id, existing.Username, existing, nil)
	})
}

// SetPassword replaces a user's password and revokes their sessions. ENotFound, EInvalid.
func (s *UserService) SetPassword(ctx context.Context, id parley.UserID, pw string) error {
	if err := parley.ValidatePassword("password", pw); err != nil {
		return err
	}
	hash, err := password.Hash(pw, s.db.PasswordParams)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findUserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
			hash, formatTime(tx.now), string(id)); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if err := revokeUserSessions(ctx, tx, id); err != nil {
			return err
		}
		after := *existing
		after.UpdatedAt = tx.now
		return audit(ctx, tx, parley.AuditPassword, kUser, id, existing.Username, existing, &after)
	})
}

// UserPermissions returns the union of the user's security profiles' permissions, in the
// order of parley.AllPermissions. ENotFound.
func (s *UserService) UserPermissions(ctx context.Context, id parley.UserID) (perms []parley.Permission, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		if ok, err := exists(ctx, tx, kUser, id); err != nil {
			return err
		} else if !ok {
			return kUser.notFound(id)
		}
		perms, err = userPermissions(ctx, tx, id)
		return err
	})
	return perms, err
}

func userPermissions(ctx context.Context, tx *Tx, id parley.UserID) ([]parley.Permission, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sp.permissions FROM security_profiles sp
		JOIN user_security_profiles usp ON usp.security_profile_id = sp.id WHERE usp.user_id = ?`, string(id))
	if err != nil {
		return nil, fmt.Errorf("find permissions: %w", err)
	}
	defer rows.Close()
	has := map[parley.Permission]bool{}
	for rows.Next() {
		var perms []parley.Permission
		if err := rows.Scan(jsonCol{&perms}); err != nil {
			return nil, fmt.Errorf("scan permissions: %w", err)
		}
		for _, p := range perms {
			has[p] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []parley.Permission{}
	for _, p := range parley.AllPermissions {
		if has[p] {
			out = append(out, p)
		}
	}
	return out, nil
}

// isLastAdmin reports whether u is the only user holding the Admin profile.
func isLastAdmin(ctx context.Context, tx *Tx, adminID parley.SecurityProfileID, u *parley.User) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_security_profiles WHERE security_profile_id = ? AND user_id <> ?`,
		string(adminID), string(u.ID)).Scan(&n); err != nil {
		return false, err
	}
	return n == 0, nil
}

func checkUserRefs(ctx context.Context, tx *Tx, u *parley.User) error {
	seen := map[parley.SecurityProfileID]bool{}
	for i, id := range u.SecurityProfileIDs {
		field := fmt.Sprintf("securityProfileIds[%d]", i)
		if id == "" {
			return parley.Invalidf(field, "is empty; give the ID of a security profile")
		}
		if seen[id] {
			return parley.Invalidf(field, "lists %q twice", id)
		}
		seen[id] = true
		if err := checkRef(ctx, tx, kSecurityProfile, field, id); err != nil {
			return err
		}
	}
	return checkOptionalRef(ctx, tx, kRoutingProfile, "routingProfileId", u.RoutingProfileID)
}

func insertUserSecurityProfiles(ctx context.Context, tx *Tx, u *parley.User) error {
	for i, id := range u.SecurityProfileIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_security_profiles (user_id, security_profile_id, position) VALUES (?, ?, ?)`,
			string(u.ID), string(id), i); err != nil {
			return fmt.Errorf("insert user security profile: %w", err)
		}
	}
	return nil
}

const userCols = `id, username, first_name, last_name, email, routing_profile_id, phone_type, desk_phone_number, auto_accept, created_at, updated_at`

func findUsers(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.User, error) {
	q := `SELECT ` + userCols + ` FROM users`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY username_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var out []*parley.User
	for rows.Next() {
		u := &parley.User{}
		if err := rows.Scan(&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, strCol[parley.RoutingProfileID]{&u.RoutingProfileID},
			&u.PhoneType, &u.DeskPhoneNumber, &u.AutoAccept, timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, u := range out {
		if u.SecurityProfileIDs, err = userSecurityProfileIDs(ctx, tx, u.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func userSecurityProfileIDs(ctx context.Context, tx *Tx, id parley.UserID) ([]parley.SecurityProfileID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT security_profile_id FROM user_security_profiles WHERE user_id = ? ORDER BY position`, string(id))
	if err != nil {
		return nil, fmt.Errorf("find user security profiles: %w", err)
	}
	defer rows.Close()
	var ids []parley.SecurityProfileID
	for rows.Next() {
		var id parley.SecurityProfileID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func findUserByID(ctx context.Context, tx *Tx, id parley.UserID) (*parley.User, error) {
	us, err := findUsers(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, kUser.notFound(id)
	}
	return us[0], nil
}
