package sqlite

import (
	"context"
	"fmt"

	"github.com/parley-cc/parley/backend/parley"
)

// PromptService manages prompts. The WAV files of AUDIO prompts live beside the database; the
// store keeps their paths.
type PromptService struct{ db *DB }

var _ parley.PromptService = (*PromptService)(nil)

// NewPromptService returns the prompts of db.
func NewPromptService(db *DB) *PromptService { return &PromptService{db: db} }

// FindPromptByID returns a prompt. ENotFound.
func (s *PromptService) FindPromptByID(ctx context.Context, id parley.PromptID) (p *parley.Prompt, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findPromptByID(ctx, tx, id)
		return err
	})
	return p, err
}

// FindPrompts lists prompts by name.
func (s *PromptService) FindPrompts(ctx context.Context) (ps []*parley.Prompt, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		ps, err = findPrompts(ctx, tx, "", nil)
		return err
	})
	return ps, err
}

// CreatePrompt stores a new prompt. EInvalid, EConflict.
func (s *PromptService) CreatePrompt(ctx context.Context, p *parley.Prompt) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkUnique(ctx, tx, kPrompt, nameKey(p.Name), p.Name, ""); err != nil {
			return err
		}
		p.ID = parley.PromptID(tx.db.newID())
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO prompts (id, name, name_key, description, type, text, audio_file, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(p.ID), p.Name, nameKey(p.Name), p.Description, string(p.Type), p.Text, p.AudioFile,
			formatTime(p.CreatedAt), formatTime(p.UpdatedAt)); err != nil {
			return fmt.Errorf("insert prompt: %w", err)
		}
		return audit(ctx, tx, parley.AuditCreate, kPrompt, p.ID, p.Name, nil, p)
	})
}

// UpdatePrompt replaces a prompt. ENotFound, EInvalid, EConflict.
func (s *PromptService) UpdatePrompt(ctx context.Context, p *parley.Prompt) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findPromptByID(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, kPrompt, nameKey(p.Name), p.Name, p.ID); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = existing.CreatedAt, tx.now
		res, err := tx.ExecContext(ctx, `UPDATE prompts SET name = ?, name_key = ?, description = ?, type = ?, text = ?, audio_file = ?,
			updated_at = ? WHERE id = ?`,
			p.Name, nameKey(p.Name), p.Description, string(p.Type), p.Text, p.AudioFile, formatTime(p.UpdatedAt), string(p.ID))
		if err != nil {
			return fmt.Errorf("update prompt: %w", err)
		}
		if err := checkAffected(res, kPrompt, p.ID); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditUpdate, kPrompt, p.ID, p.Name, existing, p)
	})
}

// DeletePrompt deletes a prompt. ENotFound.
func (s *PromptService) DeletePrompt(ctx context.Context, id parley.PromptID) error {
	return s.db.update(ctx, func(tx *Tx) error {
		existing, err := findPromptByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, kPrompt, id); err != nil {
			return err
		}
		return audit(ctx, tx, parley.AuditDelete, kPrompt, id, existing.Name, existing, nil)
	})
}

func findPrompts(ctx context.Context, tx *Tx, where string, args []any) ([]*parley.Prompt, error) {
	q := `SELECT id, name, description, type, text, audio_file, created_at, updated_at FROM prompts`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find prompts: %w", err)
	}
	defer rows.Close()
	var out []*parley.Prompt
	for rows.Next() {
		p := &parley.Prompt{}
		if err := rows.Scan(&p.ID, &p.Name, &p.Description, &p.Type, &p.Text, &p.AudioFile,
			timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("scan prompt: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func findPromptByID(ctx context.Context, tx *Tx, id parley.PromptID) (*parley.Prompt, error) {
	ps, err := findPrompts(ctx, tx, "id = ?", []any{string(id)})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, kPrompt.notFound(id)
	}
	return ps[0], nil
}
