package parley

import (
	"context"
	"time"
	"unicode/utf8"
)

// PromptType says how a prompt is played.
type PromptType string

// Prompt types.
const (
	PromptText  PromptType = "TEXT"  // synthesised (espeak-ng on voice, sent as text on chat)
	PromptAudio PromptType = "AUDIO" // a WAV file uploaded to the instance
)

// MaxPromptTextLength bounds a text prompt (Amazon Connect's limit for prompt text).
const MaxPromptTextLength = 3000

// Prompt is a reusable message.
type Prompt struct {
	ID          PromptID
	Name        string
	Description string
	Type        PromptType
	Text        string // TEXT: plain text or SSML (<speak>...</speak>)
	AudioFile   string // AUDIO: path of the WAV file relative to the data directory; set by upload
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate checks the prompt's fields.
func (p *Prompt) Validate() error {
	if err := firstError(
		ValidateName("name", p.Name),
		ValidateDescription("description", p.Description),
		oneOf("type", p.Type, PromptText, PromptAudio),
	); err != nil {
		return err
	}
	if p.Type == PromptText {
		if p.Text == "" {
			return Invalidf("text", "is required for a TEXT prompt")
		}
		if n := utf8.RuneCountInString(p.Text); n > MaxPromptTextLength {
			return Invalidf("text", "is %d characters long; at most %d are allowed", n, MaxPromptTextLength)
		}
	} else if p.Text != "" {
		return Invalidf("text", "must be empty for an AUDIO prompt; upload the WAV file instead")
	}
	return nil
}

// PromptService manages prompts.
type PromptService interface {
	FindPromptByID(ctx context.Context, id PromptID) (*Prompt, error)
	FindPrompts(ctx context.Context) ([]*Prompt, error)
	// CreatePrompt: EInvalid, EConflict (name).
	CreatePrompt(ctx context.Context, p *Prompt) error
	// UpdatePrompt: ENotFound, EInvalid, EConflict (name).
	UpdatePrompt(ctx context.Context, p *Prompt) error
	// DeletePrompt: ENotFound.
	DeletePrompt(ctx context.Context, id PromptID) error
}
