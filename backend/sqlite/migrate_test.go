package sqlite

import (
	"bytes"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestDB_Open_migrations(t *testing.T) {
	db, _ := newTestDB(t)
	mustNoErr(t, db.Open())
	// A fresh file gets every migration.
	rows, err := db.db.Query(`SELECT name, applied_at FROM schema_migrations ORDER BY name`)
	mustNoErr(t, err)
	var names []string
	for rows.Next() {
		var name, at string
		mustNoErr(t, rows.Scan(&name, &at))
		if _, err := parseTime(at); err != nil {
			t.Errorf("applied_at of %s: %v", name, err)
		}
		names = append(names, name)
	}
	mustNoErr(t, rows.Err())
	want := embeddedMigrations(t)
	if len(want) == 0 {
		t.Fatal("no embedded migrations")
	}
	diff(t, "schema_migrations", names, want)

	var mode string
	mustNoErr(t, db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	mustNoErr(t, db.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
	checkIntegrity(t, db.db)
	mustNoErr(t, db.Close())

	// A second Open applies nothing.
	db2, _ := newTestDB(t)
	db2.path = db.path
	var log bytes.Buffer
	db2.Logger = slog.New(slog.NewTextHandler(&log, nil))
	mustNoErr(t, db2.Open())
	defer db2.Close()
	if log.Len() != 0 {
		t.Errorf("second Open logged %q, want nothing applied", log.String())
	}
	applied, err := db2.Migrate()
	mustNoErr(t, err)
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v, want nothing", applied)
	}
	var n int
	mustNoErr(t, db2.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n))
	if n != len(want) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(want))
	}
}

func embeddedMigrations(t *testing.T) []string {
	t.Helper()
	entries, err := migrationFS.ReadDir("migrations")
	mustNoErr(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// checkIntegrity fails the test unless SQLite finds the file and its foreign keys sound.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ok string
	mustNoErr(t, db.QueryRow(`PRAGMA integrity_check`).Scan(&ok))
	if ok != "ok" {
		t.Errorf("integrity_check = %q", ok)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	mustNoErr(t, err)
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		mustNoErr(t, rows.Scan(&table, &rowid, &parent, &fkid))
		t.Errorf("foreign_key_check: %s row %v refers to a missing %s row", table, rowid, parent)
	}
	mustNoErr(t, rows.Err())
}

func TestDB_Migrate_order_and_failure(t *testing.T) {
	db, _ := newTestDB(t)
	db.migrations = fstest.MapFS{
		"migrations/0002_second.sql": {Data: []byte(`INSERT INTO things (name) VALUES ('second');`)},
		"migrations/0001_first.sql":  {Data: []byte(`CREATE TABLE things (name TEXT NOT NULL);`)},
	}
	mustNoErr(t, db.Open())
	applied, err := db.Migrate()
	mustNoErr(t, err)
	if len(applied) != 0 {
		t.Errorf("Migrate after Open applied %v", applied)
	}
	mustNoErr(t, db.Close())

	// 0003 fails half-way: its first statement must be rolled back with it, and Open must
	// name the file.
	db.migrations.(fstest.MapFS)["migrations/0003_bad.sql"] = &fstest.MapFile{Data: []byte(
		`INSERT INTO things (name) VALUES ('third'); INSERT INTO no_such_table VALUES (1);`)}
	err = db.Open()
	if err == nil || !strings.Contains(err.Error(), "0003_bad.sql") {
		t.Fatalf("Open with a bad migration: err = %v, want one naming 0003_bad.sql", err)
	}
	if db.db != nil {
		t.Fatal("a failed Open left the database open")
	}

	// Without the bad file the database is as 0001 and 0002 left it.
	delete(db.migrations.(fstest.MapFS), "migrations/0003_bad.sql")
	mustNoErr(t, db.Open())
	defer db.Close()
	var things []string
	rows, err := db.db.Query(`SELECT name FROM things ORDER BY rowid`)
	mustNoErr(t, err)
	for rows.Next() {
		var s string
		mustNoErr(t, rows.Scan(&s))
		things = append(things, s)
	}
	mustNoErr(t, rows.Err())
	if d := cmp.Diff([]string{"second"}, things); d != "" {
		t.Errorf("things (-want +got):\n%s", d)
	}
	var migrations []string
	rows, err = db.db.Query(`SELECT name FROM schema_migrations ORDER BY name`)
	mustNoErr(t, err)
	for rows.Next() {
		var s string
		mustNoErr(t, rows.Scan(&s))
		migrations = append(migrations, s)
	}
	mustNoErr(t, rows.Err())
	diff(t, "schema_migrations", migrations, []string{"0001_first.sql", "0002_second.sql"})
}

func TestDB_Open_badPath(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		if err := NewDB(p).Open(); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", p)
		}
	}
}

func TestDB_SkipMigrations(t *testing.T) {
	db, _ := newTestDB(t)
	db.SkipMigrations = true
	mustNoErr(t, db.Open())
	defer db.Close()
	if _, err := NewQueueService(db).FindQueues(adminCtx()); err == nil {
		t.Fatal("queues exist before Migrate")
	}
	applied, err := db.Migrate()
	mustNoErr(t, err)
	diff(t, "applied", applied, embeddedMigrations(t))
	if _, err := NewQueueService(db).FindQueues(adminCtx()); err != nil {
		t.Fatal(err)
	}
	applied, err = db.Migrate()
	mustNoErr(t, err)
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v", applied)
	}
}

func TestDB_Open_oddPath(t *testing.T) {
	db, _ := newTestDB(t)
	db.path = filepath.Join(t.TempDir(), "a dir?with#odd%chars", "parley.db")
	mustNoErr(t, db.Open())
	defer db.Close()
	if _, err := os.Stat(db.path); err != nil {
		t.Fatalf("the database is not at its path: %v", err)
	}
	n, err := db.CountUsers(adminCtx())
	mustNoErr(t, err)
	if n != 0 {
		t.Errorf("CountUsers = %d", n)
	}
}
