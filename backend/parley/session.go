package parley

import (
	"context"
	"time"
)

// DefaultSessionTTL is how long a session token lives after sign-in (a fixed expiry: a new
// sign-in is needed after it, however busy the session was).
const DefaultSessionTTL = 12 * time.Hour

// Session is a signed-in user's token. Only a hash of the token is stored.
type Session struct {
	ID          SessionID
	UserID      UserID
	CreatedAt   time.Time
	ExpiresAt   time.Time
	User        *User        // filled by FindSessionByToken
	Permissions []Permission // filled by FindSessionByToken
}

// SessionService signs users in and out.
type SessionService interface {
	// Login checks a username and password and opens a session living ttl. EUnauthorized with the
	// same message whether the user is unknown or the password wrong.
	Login(ctx context.Context, username, password string, ttl time.Duration) (token string, s *Session, err error)
	// FindSessionByToken returns the live session for token with its user and permissions.
	// EUnauthorized when the token is unknown, revoked or expired.
	FindSessionByToken(ctx context.Context, token string) (*Session, error)
	// Logout revokes the session of token. EUnauthorized when it is not live.
	Logout(ctx context.Context, token string) error
}
