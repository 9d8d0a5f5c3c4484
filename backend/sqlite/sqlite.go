package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/parley-cc/parley/backend/parley"
	"github.com/parley-cc/parley/backend/password"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DefaultBusyTimeout is how long a connection waits for another writer's lock before failing.
const DefaultBusyTimeout = 5 * time.Second

// DB is the SQLite database behind every service of this package.
type DB struct {
	db   *sql.DB
	path string

	configVersion atomic.Uint64

	// migrations holds the migration files (migrations/NNNN_name.sql); tests replace it.
	migrations fs.FS

	// Now returns the current time; the store writes it in UTC. Default: time.Now.
	Now func() time.Time

	// NewID returns a new entity ID. Default: a random UUID version 4 from crypto/rand.
	NewID func() string

	// PasswordParams are the argon2id costs for new password hashes. Default:
	// password.DefaultParams. Existing hashes keep the parameters they were made with.
	PasswordParams password.Params

	// BusyTimeout is how long a connection waits for a lock. Default: DefaultBusyTimeout.
	BusyTimeout time.Duration

	// Logger receives migration progress. Default: slog.Default().
	Logger *slog.Logger

	// SkipMigrations makes Open leave the schema alone; call Migrate to apply pending
	// migrations (parleyd migrate does, to report what it applied). Default: false, Open
	// migrates.
	SkipMigrations bool
}

// NewDB returns a DB for the database file at path. It opens nothing; call Open.
func NewDB(path string) *DB {
	return &DB{
		path:           path,
		migrations:     migrationFS,
		Now:            time.Now,
		NewID:          NewUUID,
		PasswordParams: password.DefaultParams,
		BusyTimeout:    DefaultBusyTimeout,
		Logger:         slog.Default(),
	}
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Open opens the database file, creating it and its parent directory when missing, sets WAL
// journal mode, foreign keys, the busy timeout and synchronous=NORMAL on every connection, and
// applies pending migrations (unless SkipMigrations is set).
func (db *DB) Open() (err error) {
	if db.path == "" {
		return errors.New("open store: a database file path is required")
	}
	if db.path == ":memory:" || strings.HasPrefix(db.path, "file:") {
		return fmt.Errorf("open store %q: give a file path, not a SQLite URI or :memory:", db.path)
	}
	if db.db != nil {
		return fmt.Errorf("open store %q: already open", db.path)
	}
	abs, err := filepath.Abs(db.path)
	if err != nil {
		return fmt.Errorf("open store %q: %w", db.path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return fmt.Errorf("open store %q: %w", db.path, err)
	}
	sdb, err := sql.Open("sqlite3", dsn(abs, db.BusyTimeout))
	if err != nil {
		return fmt.Errorf("open store %q: %w", db.path, err)
	}
	db.db = sdb
	defer func() {
		if err != nil {
			_ = sdb.Close()
			db.db = nil
		}
	}()
	var mode string
	if err := sdb.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("open store %q: %w", db.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("open store %q: journal mode is %q, not wal", db.path, mode)
	}
	if !db.SkipMigrations {
		if _, err := db.Migrate(); err != nil {
			return fmt.Errorf("open store %q: %w", db.path, err)
		}
	}
	return nil
}

// dsn returns the go-sqlite3 data source name for the file at abs. The settings go in the DSN
// so that every connection of the pool gets them. _txlock=immediate makes every BeginTx a
// BEGIN IMMEDIATE: a writer takes the write lock first, so two writers never deadlock
// upgrading read locks.
func dsn(abs string, busy time.Duration) string {
	if busy <= 0 {
		busy = DefaultBusyTimeout
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	return u.String() + "?" + q.Encode()
}

// Close closes the database.
func (db *DB) Close() error {
	if db.db == nil {
		return nil
	}
	err := db.db.Close()
	db.db = nil
	if err != nil {
		return fmt.Errorf("close store %q: %w", db.path, err)
	}
	return nil
}

var migrationName = regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)

// Migrate applies the migrations not applied yet, in file name order, each in its own
// transaction recorded in schema_migrations, and returns the names of those it applied. A
// failing migration is rolled back and the error names its file. Open calls it.
func (db *DB) Migrate() (applied []string, err error) {
	if db.db == nil {
		return nil, errors.New("migrate: the store is not open")
	}
	ctx := context.Background()
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(db.migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		base := path.Base(name)
		if !migrationName.MatchString(base) {
			return applied, fmt.Errorf("migrate: %s: the name must look like 0001_init.sql", base)
		}
		did, err := db.migrateFile(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("migrate: %s: %w", base, err)
		}
		if did {
			db.logger().Info("applied migration", "migration", base)
			applied = append(applied, base)
		}
	}
	return applied, nil
}

func (db *DB) migrateFile(ctx context.Context, name string) (applied bool, err error) {
	base := path.Base(name)
	body, err := fs.ReadFile(db.migrations, name)
	if err != nil {
		return false, err
	}
	err = db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, base, formatTime(tx.now)); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

func (db *DB) logger() *slog.Logger {
	if db.Logger != nil {
		return db.Logger
	}
	return slog.Default()
}

func (db *DB) now() time.Time {
	now := time.Now
	if db.Now != nil {
		now = db.Now
	}
	return now().UTC()
}

func (db *DB) newID() string {
	if db.NewID != nil {
		return db.NewID()
	}
	return NewUUID()
}

// NewUUID returns a random (version 4) UUID read from crypto/rand.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// queryer is what *sql.Tx and *sql.Conn have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction, write (BEGIN IMMEDIATE) or read (BEGIN), with the time it started:
// every timestamp a write transaction sets is the same.
type Tx struct {
	queryer
	db  *DB
	now time.Time
	// configChanged is set by a write of configuration (every such write is audited); the
	// DB's configuration version moves on when the transaction commits.
	configChanged bool
}

// update runs fn in a write transaction and commits when fn returns nil.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.db == nil {
		return errors.New("the store is not open")
	}
	stx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	tx := &Tx{queryer: stx, db: db, now: db.now()}
	if err := fn(tx); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.configChanged {
		db.configVersion.Add(1)
	}
	return nil
}

// ConfigVersion implements parley.ConfigVersioner: it moves on after every committed change of
// configuration made through this DB, so caches of the configuration know when to reload.
func (db *DB) ConfigVersion() uint64 { return db.configVersion.Load() }

// view runs fn in a read transaction: a deferred BEGIN on one connection, so that several
// queries see one snapshot while writers go on (WAL).
func (db *DB) view(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.db == nil {
		return errors.New("the store is not open")
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.Background(), `ROLLBACK`); rerr != nil {
			// The connection may still be inside the transaction: do not pool it again.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return fn(&Tx{queryer: conn, db: db, now: db.now()})
}

// CountUsers returns how many users exist (parleyd offers to create the first admin when 0).
func (db *DB) CountUsers(ctx context.Context) (n int, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	})
	return n, err
}

// Names of the system agent statuses EnsureDefaults creates.
const (
	StatusAvailable = "Available"
	StatusOffline   = "Offline"
)

// EnsureDefaults creates what every instance starts with, when missing, as the system actor:
// parley.DefaultSecurityProfiles (matched by name; the Admin profile also gets any permission
// it lacks, so it always holds every permission) and the two system agent statuses, "Available"
// (ROUTABLE, display order 1) and "Offline" (OFFLINE, display order 50), matched by type. It is
// idempotent.
func (db *DB) EnsureDefaults(ctx context.Context) error {
	ctx = parley.NewContextWithActor(ctx, parley.SystemActor)
	return db.update(ctx, func(tx *Tx) error {
		for _, p := range parley.DefaultSecurityProfiles() {
			existing, err := findSecurityProfileByName(ctx, tx, p.Name)
			if parley.ErrorCodeOf(err) == parley.ENotFound {
				if err := createSecurityProfile(ctx, tx, p); err != nil {
					return fmt.Errorf("create security profile %q: %w", p.Name, err)
				}
				continue
			} else if err != nil {
				return err
			}
			if p.Name != parley.ProfileAdmin {
				continue
			}
			upd := *existing
			upd.Permissions = slices.Clone(existing.Permissions)
			for _, perm := range parley.AllPermissions {
				if !slices.Contains(upd.Permissions, perm) {
					upd.Permissions = append(upd.Permissions, perm)
				}
			}
			if len(upd.Permissions) != len(existing.Permissions) {
				if err := updateSecurityProfile(ctx, tx, &upd); err != nil {
					return fmt.Errorf("update security profile %q: %w", p.Name, err)
				}
			}
		}
		for _, s := range []*parley.AgentStatus{
			{Name: StatusAvailable, Description: "Ready to take contacts.", Type: parley.StatusRoutable, DisplayOrder: 1, Enabled: true},
			{Name: StatusOffline, Description: "Signed out of routing.", Type: parley.StatusOffline, DisplayOrder: 50, Enabled: true},
		} {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agent_statuses WHERE type = ?`, s.Type).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			if err := createAgentStatus(ctx, tx, s); err != nil {
				return fmt.Errorf("create agent status %q: %w", s.Name, err)
			}
		}
		return nil
	})
}

// Time columns hold UTC in a fixed-width format, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTime returns a column value for an optional time: NULL for nil or zero.
func nullTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return formatTime(*t)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q in the database: %w", s, err)
	}
	return t.UTC(), nil
}

// timeCol scans a NOT NULL time column.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case string:
		t, err := parseTime(v)
		*c.t = t
		return err
	case []byte:
		t, err := parseTime(string(v))
		*c.t = t
		return err
	case time.Time:
		*c.t = v.UTC()
		return nil
	}
	return fmt.Errorf("cannot scan %T into a time", v)
}

// nullTimeCol scans a nullable time column into a *time.Time.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(v any) error {
	if v == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(v); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// jsonCol scans a JSON text column into v; NULL leaves v alone.
type jsonCol struct{ v any }

func (c jsonCol) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(s), c.v)
	case []byte:
		return json.Unmarshal(s, c.v)
	}
	return fmt.Errorf("cannot scan %T as JSON", src)
}

// strCol scans a nullable text column into a string kind; NULL becomes "".
type strCol[T ~string] struct{ s *T }

func (c strCol[T]) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = T(s)
	case []byte:
		*c.s = T(s)
	default:
		return fmt.Errorf("cannot scan %T into a string", src)
	}
	return nil
}

// nullStr returns NULL for an empty string: optional references are NULL when unset.
func nullStr[T ~string](s T) any {
	if s == "" {
		return nil
	}
	return string(s)
}

// jsonText marshals v for a JSON column.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal %T: %w", v, err)
	}
	return string(b), nil
}

// nameKey folds a name for case-insensitive uniqueness.
func nameKey(s string) string { return strings.ToLower(s) }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
