// Command parleyd is Parley's backend: one binary with an embedded SQLite database is a working
// contact center.
//
//	parleyd serve [--demo] [--data-dir DIR] [--http ADDR]
//	parleyd user add|passwd ...
//	parleyd migrate
//	parleyd flow check|test FILE...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	_ "time/tzdata" // hours of operation need IANA zones even where the system has none

	"github.com/parley-cc/parley/backend/sqlite"
)

const usage = `parleyd is Parley's contact-center backend.

Usage:
  parleyd serve [flags]        start the backend (--demo seeds a demo instance on first start)
  parleyd user add [flags]     add a user
  parleyd user passwd [flags]  set a user's password
  parleyd migrate [flags]      apply database migrations and exit
  parleyd flow check FILE...   validate Amazon Connect flow files
  parleyd flow test FILE...    run flow test files in the simulator

Run "parleyd COMMAND --help" for a command's flags. Flags can also come from the environment:
PARLEY_DATA_DIR, PARLEY_HTTP_ADDR, PARLEY_LOG_FORMAT, PARLEY_DEMO.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code: 0 ok, 1 failure, 2 usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "user":
		return cmdUser(ctx, args[1:], stdin, stdout, stderr)
	case "migrate":
		return cmdMigrate(args[1:], stdout, stderr)
	case "flow":
		return runFlowCommand(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "parleyd: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// common holds the flags every command that opens the database shares.
type common struct {
	dataDir   string
	logFormat string
	logLevel  string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data-dir", envOr("PARLEY_DATA_DIR", defaultDataDir()), "data directory (database, recordings); env PARLEY_DATA_DIR")
	fs.StringVar(&c.logFormat, "log-format", envOr("PARLEY_LOG_FORMAT", "auto"), "log format: auto (text on a terminal, JSON otherwise), text or json; env PARLEY_LOG_FORMAT")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// defaultDataDir is $XDG_DATA_HOME/parley, or ~/.local/share/parley.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "parley")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "parley")
	}
	return "parley-data"
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// logger builds the structured logger: text on a terminal, JSON otherwise (or as asked).
func (c *common) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := c.logFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use auto, text or json", c.logFormat)
}

// openStore opens (creating when needed) the database in the data directory.
func (c *common) openStore(logger *slog.Logger) (*sqlite.DB, error) {
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db := sqlite.NewDB(filepath.Join(c.dataDir, "parley.db"))
	db.Logger = logger
	if err := db.Open(); err != nil {
		return nil, err
	}
	return db, nil
}

// parseFlags parses a subcommand's flags; it returns (exit code, done) when parsing ended the
// command (help or a usage error).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parleyd %s: unexpected argument %q\n", fs.Name(), strings.Join(fs.Args(), " "))
		fs.Usage()
		return 2, true
	}
	return 0, false
}

func cmdMigrate(args []string, stdout, stderr io.Writer) int {
	var c common
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: parleyd migrate [flags]\n\nApplies the database migrations that have not run yet, then exits.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, stderr); done {
		return code
	}
	logger, err := c.logger(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "parleyd migrate:", err)
		return 2
	}
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		fmt.Fprintln(stderr, "parleyd migrate:", err)
		return 1
	}
	db := sqlite.NewDB(filepath.Join(c.dataDir, "parley.db"))
	db.Logger = logger
	db.SkipMigrations = true // so that Migrate reports what it applies
	if err := db.Open(); err != nil {
		fmt.Fprintln(stderr, "parleyd migrate:", err)
		return 1
	}
	applied, err := db.Migrate()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(stderr, "parleyd migrate:", err)
		return 1
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	fmt.Fprintf(stdout, "database %s is up to date\n", db.Path())
	return 0
}
