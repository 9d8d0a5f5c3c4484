package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
)

// loginFailed is the one answer to a bad username or a bad password.
const loginFailed = "invalid username or password"

// SessionService signs users in and out. A token is 32 random bytes in base64url; only its
// SHA-256 is stored.
type SessionService struct {
	db *DB

	dummyOnce sync.Once
	dummyHash string
	dummyErr  error
}

var _ parley.SessionService = (*SessionService)(nil)

// NewSessionService returns the sessions of db.
func NewSessionService(db *DB) *SessionService { return &SessionService{db: db} }

// Login checks the username (case-insensitively) and password and opens a session living ttl
// (parley.DefaultSessionTTL when ttl <= 0). An unknown user and a wrong password give the same
// EUnauthorized error after the same argon2id work.
func (s *SessionService) Login(ctx context.Context, username, pw string, ttl time.Duration) (string, *parley.Session, error) {
	if ttl <= 0 {
		ttl = parley.DefaultSessionTTL
	}
	var userID parley.UserID
	var hash string
	err := s.db.view(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, password_hash FROM users WHERE username_key = ?`, nameKey(username)).Scan(&userID, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if userID == "" {
		// Spend the time a real check takes, so that timing does not tell which usernames exist.
		dummy, err := s.dummy()
		if err != nil {
			return "", nil, err
		}
		_ = password.Verify(dummy, pw)
		return "", nil, parley.Errorf(parley.EUnauthorized, loginFailed)
	}
	if err := password.Verify(hash, pw); errors.Is(err, password.ErrMismatch) {
		return "", nil, parley.Errorf(parley.EUnauthorized, loginFailed)
	} else if err != nil {
		return "", nil, fmt.Errorf("login %q: verify password: %w", username, err)
	}

	var raw [32]byte
	_, _ = rand.Read(raw[:])
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	var sess *parley.Session
	err = s.db.update(ctx, func(tx *Tx) error {
		// The user may have been deleted, or the password changed, while we verified it.
		var current string
		err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, string(userID)).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && current != hash) {
			return parley.Errorf(parley.EUnauthorized, loginFailed)
		} else if err != nil {
			return err
		}
		sess = &parley.Session{
			ID:        parley.SessionID(tx.db.newID()),
			UserID:    userID,
			CreatedAt: tx.now,
			ExpiresAt: tx.now.Add(ttl),
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			string(sess.ID), string(sess.UserID), tokenHash(token), formatTime(sess.CreatedAt), formatTime(sess.ExpiresAt)); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		if sess.User, err = findUserByID(ctx, tx, userID); err != nil {
			return err
		}
		sess.Permissions, err = userPermissions(ctx, tx, userID)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// dummy returns a hash of a random password made with the DB's parameters.
func (s *SessionService) dummy() (string, error) {
	s.dummyOnce.Do(func() {
		s.dummyHash, s.dummyErr = password.Hash(NewUUID(), s.db.PasswordParams)
	})
	return s.dummyHash, s.dummyErr
}

// FindSessionByToken returns the live session of token with its user and permissions.
// EUnauthorized when the token is unknown, revoked or expired.
func (s *SessionService) FindSessionByToken(ctx context.Context, token string) (sess *parley.Session, err error) {
	err = s.db.view(ctx, func(tx *Tx) error {
		sess, err = findLiveSession(ctx, tx, token)
		if err != nil {
			return err
		}
		if sess.User, err = findUserByID(ctx, tx, sess.UserID); err != nil {
			return err
		}
		sess.Permissions, err = userPermissions(ctx, tx, sess.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// Logout revokes the session of token. EUnauthorized when it is not live.
func (s *SessionService) Logout(ctx context.Context, token string) error {
	return s.db.update(ctx, func(tx *Tx) error {
		sess, err := findLiveSession(ctx, tx, token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ?`, formatTime(tx.now), string(sess.ID)); err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		return nil
	})
}

func findLiveSession(ctx context.Context, tx *Tx, token string) (*parley.Session, error) {
	sess := &parley.Session{}
	var revoked *time.Time
	err := tx.QueryRowContext(ctx, `SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?`, tokenHash(token)).
		Scan(&sess.ID, &sess.UserID, timeCol{&sess.CreatedAt}, timeCol{&sess.ExpiresAt}, nullTimeCol{&revoked})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, parley.Errorf(parley.EUnauthorized, "unknown session token; sign in again")
	case err != nil:
		return nil, fmt.Errorf("find session: %w", err)
	case revoked != nil:
		return nil, parley.Errorf(parley.EUnauthorized, "the session has ended; sign in again")
	case !tx.now.Before(sess.ExpiresAt):
		return nil, parley.Errorf(parley.EUnauthorized, "the session has expired; sign in again")
	}
	return sess, nil
}

func revokeUserSessions(ctx context.Context, tx *Tx, id parley.UserID) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
		formatTime(tx.now), string(id)); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
