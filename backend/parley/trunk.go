package parley

import (
	"context"
	"strings"
	"time"
)

// TrunkID identifies a SIP trunk.
type TrunkID string

// TrunkTransport is how SIP reaches a trunk.
type TrunkTransport string

// Trunk transports.
const (
	TrunkUDP TrunkTransport = "udp"
	TrunkTCP TrunkTransport = "tcp"
	TrunkTLS TrunkTransport = "tls"
)

// NumberFormat says how a trunk wants numbers written in the SIP URIs Parley sends it: the
// caller ID (From) and the dialed number (Request-URI, To).
type NumberFormat string

// Number formats.
const (
	// NumberE164 writes numbers as E.164 with the plus: +15555550100.
	NumberE164 NumberFormat = "E164"
	// NumberDigits writes E.164 numbers without the plus: 15555550100.
	NumberDigits NumberFormat = "DIGITS"
)

// Trunk is a SIP trunk to the telephone network: where outbound calls go (the default trunk).
// Password is write-only in the API and redacted in the audit log.
type Trunk struct {
	ID          TrunkID
	Name        string
	Description string
	Host        string         // host name or IP of the provider's SIP server
	Port        int            // default 5060 (5061 for TLS)
	Transport   TrunkTransport // default udp
	Username    string         // digest authentication (RFC 3261 §22); empty: none
	Password    string         // never returned by the API
	// NumberFormat is how the caller ID and the dialed number are written; default E164.
	NumberFormat NumberFormat
	// Default marks the trunk outbound calls use. At most one trunk is the default: making
	// one the default takes it from the others.
	Default   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the trunk's fields and fills the defaults.
func (t *Trunk) Validate() error {
	if t.Transport == "" {
		t.Transport = TrunkUDP
	}
	if t.NumberFormat == "" {
		t.NumberFormat = NumberE164
	}
	if t.Port == 0 {
		t.Port = 5060
		if t.Transport == TrunkTLS {
			t.Port = 5061
		}
	}
	if err := firstError(
		ValidateName("name", t.Name),
		ValidateDescription("description", t.Description),
		oneOf("transport", t.Transport, TrunkUDP, TrunkTCP, TrunkTLS),
		oneOf("numberFormat", t.NumberFormat, NumberE164, NumberDigits),
		ValidateRange("port", t.Port, 1, 65535),
	); err != nil {
		return err
	}
	if t.Host == "" || len(t.Host) > 253 || strings.ContainsAny(t.Host, " \t\r\n@;:<>/\"") {
		return Invalidf("host", "%q is not a host name or IPv4 address (no port, user or parameters)", t.Host)
	}
	if strings.ContainsAny(t.Username, " \t\r\n@:;<>\"") || len(t.Username) > 128 {
		return Invalidf("username", "must be at most 128 characters without spaces, quotes, @, : or ;")
	}
	if len(t.Password) > 128 || strings.ContainsAny(t.Password, "\r\n\"") {
		return Invalidf("password", "must be at most 128 characters without quotes or line breaks")
	}
	if t.Password != "" && t.Username == "" {
		return Invalidf("username", "is required with a password")
	}
	return nil
}

// Format writes an E.164 number (+15555550100) the way the trunk wants it. Other numbers
// (local numbers, extensions) are written as they are.
func (t *Trunk) Format(number string) string {
	if t.NumberFormat == NumberDigits {
		return strings.TrimPrefix(number, "+")
	}
	return number
}

// TrunkService manages SIP trunks.
type TrunkService interface {
	// FindTrunkByID returns a trunk, with its password. ENotFound.
	FindTrunkByID(ctx context.Context, id TrunkID) (*Trunk, error)
	// FindTrunks lists trunks by name, with their passwords.
	FindTrunks(ctx context.Context) ([]*Trunk, error)
	// DefaultTrunk returns the default trunk (or the only trunk when there is one and it is
	// not marked). ENotFound when there is none.
	DefaultTrunk(ctx context.Context) (*Trunk, error)
	// CreateTrunk: EInvalid, EConflict (name).
	CreateTrunk(ctx context.Context, t *Trunk) error
	// UpdateTrunk replaces a trunk; an empty Password keeps the stored one unless Username is
	// empty too (no authentication). ENotFound, EInvalid, EConflict (name).
	UpdateTrunk(ctx context.Context, t *Trunk) error
	// DeleteTrunk: ENotFound.
	DeleteTrunk(ctx context.Context, id TrunkID) error
}
