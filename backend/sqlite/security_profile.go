package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/parley-cc/parley/backend/parley"
)

// SecurityProfileService manages security profiles.
type SecurityProfileService struct{ db *DB }

var _ parley.SecurityProfileService = (*SecurityProfileService)(nil)

// NewSecurityProfileService returns the security profiles of db.
func NewSecurityProfileService(db *DB) *SecurityProfileService {
	return &SecurityProfileService{db: db}
}

// FindSecurityProfileByID returns a profile. ENotFound.
func (s *SecurityProfileService) FindSecurityProfileByID(ctx context.Context, id parley.SecurityProfileID) (p *parley.SecurityProfile, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findSecurityProfileByID(ctx, tx, id)
		return err
	})
	return p, err
}

// FindSecurityProfileByName returns the profile with the name, compared case-insensitively.
// ENotFound.
func (s *SecurityProfileService) FindSecurityProfileByName(ctx context.Context, name string) (p *parley.SecurityProfile, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findSecurityProfileByName(ctx, tx, name)
		return err
	})
	return p, err
}

// FindSecurityProfiles lists profiles by name.
func (s *SecurityProfileService) FindSecurityProfiles(ctx context.Context) (ps []*parley.SecurityProfile, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		ps, err = findSecurityProfiles(ctx, tx, "", nil)
		return err
	})
	return ps, err
}

// CreateSecurityProfile stores a new profile and sets its ID and timestamps. EInvalid, EConflict.
func (s *SecurityProfileService) CreateSecurityProfile(ctx context.Context, p *parley.SecurityProfile) error {
	return s.db.update(ctx, func(tx *Tx) error { return createSecurityProfile(ctx, tx, p) })
}

// UpdateSecurityProfile replaces a profile. ENotFound, EInvalid, EConflict. The Admin profile
// keeps its name and every permission (EInvalid), so that it always means "may do everything".
func (s *SecurityProfileService) UpdateSecurityProfile(ctx context.Context, p *parley.SecurityProfile) error {
	return s.db.update(ctx, func(tx *Tx) error { return updateSecurityProfile(ctx, tx, p) })
}

// DeleteSecurityProfile deletes a profile. ENotFound; EConflict while a user has it.
func (s *SecurityProfileService) DeleteSecurityProfile(ctx context.Context, id parley.SecurityProfileID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findSecurityProfileByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnused(ctx, tx, kSecurityProfile, id, existing.Name,
			usage{kUser, `SELECT u.username FROM users u JOIN user_security_profiles usp ON usp.user_id = u.id
				WHERE usp.security_profile_id = ? ORDER BY u.username_key LIMIT 1`},
		); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kSecurityProfile, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kSecurityProfile, id, existing.Name, existing, nil)
	})
}

const securityProfileCols = `id, name, description, permissions, created_at, updated_at`

func findSecurityProfiles(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.SecurityProfile, error) {
	q := `SELECT ` + securityProfileCols + ` FROM security_profiles`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find security profiles: %w", err)
	}
	defer rows.Close()
	var out []*parley.SecurityProfile
	for rows.Next() {
		p := &parley.SecurityProfile{}
		if err := rows.Scan(&p.ID, &p.Name, &p.Description, jsonCol{&p.Permissions}, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan security profile: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func findSecurityProfileByID(ctx context.Context, tx *Tx, id parley.SecurityProfileID) (*parley.SecurityProfile, error) {
	ps, err := findSecurityProfiles(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, kSecurityProfile.notFound(id)
	}
	return ps[0], nil
}

func findSecurityProfileByName(ctx context.Context, tx *Tx, name string) (*parley.SecurityProfile, error) {
	ps, err := findSecurityProfiles(ctx, tx, "name_key = ?", []any{nameKey(name)})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, parley.NotFoundf("no security profile named %q", name)
	}
	return ps[0], nil
}

func createSecurityProfile(ctx context.Context, tx *Tx, p *parley.SecurityProfile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := checkUnique(ctx, tx, kSecurityProfile, nameKey(p.Name), p.Name, ""); err != nil {
		return err
	}
	perms, err := jsonText(p.Permissions)
	if err != nil {
		return err
	}
	p.ID = parley.SecurityProfileID(tx.db.newID())
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	if _, err := tx.ExecContext(ctx, `INSERT INTO security_profiles (id, name, name_key, description, permissions, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, string(p.ID), p.Name, nameKey(p.Name), p.Description, perms,
		formatTime(p.CreatedAt), formatTime(p.UpdatedAt)); err != nil {
		return fmt.Errorf("insert security profile: %w", err)
	}
	return audit(ctx, tx, parley.AuditCreate, kSecurityProfile, p.ID, p.Name, nil, p)
}

func updateSecurityProfile(ctx context.Context, tx *Tx, p *parley.SecurityProfile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	existing, err := findSecurityProfileByID(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	if nameKey(existing.Name) == nameKey(parley.ProfileAdmin) {
		if nameKey(p.Name) != nameKey(parley.ProfileAdmin) {
			return parley.Invalidf("name", "the %s security profile cannot be renamed", parley.ProfileAdmin)
		}
		for _, perm := range existing.Permissions {
			if !slices.Contains(p.Permissions, perm) {
				return parley.Invalidf("permissions", "the %s security profile holds every permission; %s cannot be removed", parley.ProfileAdmin, perm)
			}
		}
	}
	if err := checkUnique(ctx, tx, kSecurityProfile, nameKey(p.Name), p.Name, p.ID); err != nil {
		return err
	}
	perms, err := jsonText(p.Permissions)
	if err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = existing.CreatedAt, tx.now
	res, err := tx.ExecContext(ctx, `UPDATE security_profiles SET name = ?, name_key = ?, description = ?, permissions = ?, updated_at = ?
		WHERE id = ?`, p.Name, nameKey(p.Name), p.Description, perms, formatTime(p.UpdatedAt), string(p.ID))
	if err != nil {
		return fmt.Errorf("update security profile: %w", err)
	}
	if err := checkAffected(res, kSecurityProfile, p.ID); err != nil {
		return err
	}
	return audit(ctx, tx, parley.AuditUpdate, kSecurityProfile, p.ID, p.Name, existing, p)
}

// adminProfileID returns the ID of the Admin security profile, "" when there is none.
func adminProfileID(ctx context.Context, tx *Tx) (parley.SecurityProfileID, error) {
	var id parley.SecurityProfileID
	err := tx.QueryRowContext(ctx, `SELECT id FROM security_profiles WHERE name_key = ?`, nameKey(parley.ProfileAdmin)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
