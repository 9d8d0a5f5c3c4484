package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

// crashChildEnv, when set to a database path, makes the test binary act as the child of
// TestDB_crashMidWrite instead of running tests.
const crashChildEnv = "PARLEY_SQLITE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		os.Exit(3) // crashChild never returns; its parent kills it
	}
	os.Exit(m.Run())
}

// crashChild commits one change, then starts a large one (enough to spill uncommitted pages
// into the WAL), says "ready" on stdout and waits to be killed.
func crashChild(path string) {
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	db := NewDB(path)
	db.PasswordParams = testParams
	if err := db.Open(); err != nil {
		fail(err)
	}
	ctx := parley.NewContextWithActor(context.Background(), parley.Actor{UserID: "child", Username: "child"})
	if err := NewSecurityProfileService(db).CreateSecurityProfile(ctx, &parley.SecurityProfile{Name: "Committed"}); err != nil {
		fail(err)
	}
	err := db.update(ctx, func(tx *Tx) error {
		if err := createSecurityProfile(ctx, tx, &parley.SecurityProfile{Name: "Partial"}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, username_key, phone_type, password_hash, created_at, updated_at)
			VALUES ('partial-user', 'partial', 'partial', 'SOFT_PHONE', 'x', ?, ?)`, formatTime(tx.now), formatTime(tx.now)); err != nil {
			return err
		}
		big := strings.Repeat("x", 16<<10)
		for i := 0; i < 400; i++ { // about 6 MiB: more than the page cache holds
			if err := audit(ctx, tx, parley.AuditUpdate, kUser, "partial-user", "partial", big, nil); err != nil {
				return err
			}
		}
		fmt.Println("ready")
		select {} // killed here, before the commit
	})
	fail(fmt.Errorf("the write transaction returned: %v", err))
}

func TestDB_crashMidWrite(t *testing.T) {
	db, _ := newTestDB(t)
	mustNoErr(t, db.Open())
	mustNoErr(t, db.EnsureDefaults(context.Background()))
	usersBefore := countRows(t, db, "users")
	auditBefore := countRows(t, db, "audit_entries")
	mustNoErr(t, db.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+db.path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	mustNoErr(t, err)
	mustNoErr(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child said %q (%v), want ready", line, err)
	}
	wal, err := os.Stat(db.path + "-wal")
	mustNoErr(t, err)
	if wal.Size() < 1<<20 {
		t.Errorf("the WAL holds %d bytes; the uncommitted change should have spilled into it", wal.Size())
	}
	mustNoErr(t, cmd.Process.Kill()) // SIGKILL: no deferred functions, no rollback
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}

	db2, _ := newTestDB(t)
	db2.path = db.path
	mustNoErr(t, db2.Open())
	defer db2.Close()
	checkIntegrity(t, db2.db)
	ctx := adminCtx()
	sps := NewSecurityProfileService(db2)
	if _, err := sps.FindSecurityProfileByName(ctx, "Committed"); err != nil {
		t.Errorf("the committed change is lost: %v", err)
	}
	_, err = sps.FindSecurityProfileByName(ctx, "Partial")
	wantCode(t, err, parley.ENotFound, "")
	if n := countRows(t, db2, "users"); n != usersBefore {
		t.Errorf("%d users, want %d", n, usersBefore)
	}
	if n := countRows(t, db2, "audit_entries"); n != auditBefore+1 {
		t.Errorf("%d audit entries, want %d (+1 for the committed change)", n, auditBefore+1)
	}
	// The killed writer's lock is gone: the same change can be made now.
	mustNoErr(t, sps.CreateSecurityProfile(ctx, &parley.SecurityProfile{Name: "Partial"}))
}

// Concurrent writers queue on the write lock (BEGIN IMMEDIATE with a busy timeout) instead of
// failing with SQLITE_BUSY or deadlocking, while readers go on.
func TestDB_concurrentWriters(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	hours := fix(t, db).hours("Office")
	qs := NewQueueService(db)
	const writers, each = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := 0; w < writers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				q := &parley.Queue{Name: fmt.Sprintf("Queue %d-%d", w, i), HoursOfOperationID: hours.ID}
				if err := qs.CreateQueue(ctx, q); err != nil {
					errs <- err
					continue
				}
				q.Description = "updated"
				if err := qs.UpdateQueue(ctx, q); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := qs.FindQueues(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := countRows(t, db, "queues"); n != writers*each {
		t.Errorf("%d queues, want %d", n, writers*each)
	}
	es, err := NewAuditService(db).FindAuditEntries(ctx, parley.AuditFilter{EntityType: "queue", Limit: MaxAuditLimit})
	mustNoErr(t, err)
	if len(es) != 2*writers*each {
		t.Errorf("%d queue audit entries, want %d", len(es), 2*writers*each)
	}
}
