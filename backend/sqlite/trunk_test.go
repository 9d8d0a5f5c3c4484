package sqlite

import (
	"strings"
	"testing"

	"github.com/parley-cc/parley/backend/parley"
)

func TestTrunkService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewTrunkService(db)

	if _, err := s.DefaultTrunk(ctx); parley.ErrorCodeOf(err) != parley.ENotFound {
		t.Fatalf("default trunk without trunks: %v, want not found", err)
	}
	a := &parley.Trunk{Name: "Carrier A", Host: "sip.carrier-a.example", Username: "parley", Password: "s3cret-pass"}
	mustNoErr(t, s.CreateTrunk(ctx, a))
	if a.ID == "" || a.Port != 5060 || a.Transport != parley.TrunkUDP || a.NumberFormat != parley.NumberE164 {
		t.Fatalf("create did not fill ID and defaults: %+v", a)
	}
	got, err := s.FindTrunkByID(ctx, a.ID)
	mustNoErr(t, err)
	diff(t, "found trunk", got, a)
	// The only trunk is the default even unmarked.
	def, err := s.DefaultTrunk(ctx)
	mustNoErr(t, err)
	if def.ID != a.ID {
		t.Errorf("default trunk %q, want the only one %q", def.ID, a.ID)
	}

	wantCode(t, s.CreateTrunk(ctx, &parley.Trunk{Name: "carrier a", Host: "x.example"}), parley.EConflict, "")
	wantCode(t, s.CreateTrunk(ctx, &parley.Trunk{Name: "Bad", Host: "x.example", Transport: "sctp"}), parley.EInvalid, "transport")
	wantCode(t, s.CreateTrunk(ctx, &parley.Trunk{Name: "Bad", Host: "x.example:5060"}), parley.EInvalid, "host")
	wantCode(t, s.CreateTrunk(ctx, &parley.Trunk{Name: "Bad", Host: "x.example", Password: "p"}), parley.EInvalid, "username")
	wantCode(t, s.CreateTrunk(ctx, &parley.Trunk{Name: "Bad", Host: "x.example", Port: 70000}), parley.EInvalid, "port")

	b := &parley.Trunk{Name: "Carrier B", Host: "10.0.0.7", Transport: parley.TrunkTLS, NumberFormat: parley.NumberDigits, Default: true}
	mustNoErr(t, s.CreateTrunk(ctx, b))
	if b.Port != 5061 {
		t.Errorf("TLS default port %d, want 5061", b.Port)
	}
	// Marking a the default takes it from b.
	upd := *a
	upd.Default, upd.Password = true, "" // an empty password keeps the stored one
	mustNoErr(t, s.UpdateTrunk(ctx, &upd))
	got, err = s.FindTrunkByID(ctx, a.ID)
	mustNoErr(t, err)
	if !got.Default || got.Password != "s3cret-pass" {
		t.Errorf("updated trunk %+v: want default with the stored password", got)
	}
	gotB, err := s.FindTrunkByID(ctx, b.ID)
	mustNoErr(t, err)
	if gotB.Default {
		t.Error("b is still the default after a became it")
	}
	def, err = s.DefaultTrunk(ctx)
	mustNoErr(t, err)
	if def.ID != a.ID {
		t.Errorf("default trunk %q, want a", def.Name)
	}
	// No username: no authentication, the password goes too.
	upd.Username, upd.Password = "", ""
	mustNoErr(t, s.UpdateTrunk(ctx, &upd))
	if got, _ = s.FindTrunkByID(ctx, a.ID); got.Password != "" {
		t.Errorf("password %q kept without a username", got.Password)
	}
	wantCode(t, s.UpdateTrunk(ctx, &parley.Trunk{ID: "nope", Name: "X", Host: "x.example"}), parley.ENotFound, "")
	dup := *b
	dup.Name = "CARRIER A"
	wantCode(t, s.UpdateTrunk(ctx, &dup), parley.EConflict, "")

	// The audit log never holds a password.
	entries, err := NewAuditService(db).FindAuditEntries(ctx, parley.AuditFilter{EntityType: "trunk"})
	mustNoErr(t, err)
	if len(entries) != 5 { // create a, create b, b loses the default, update a twice
		t.Errorf("%d audit entries, want 5", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(string(e.Before)+string(e.After), "s3cret") {
			t.Errorf("audit entry %s %s holds the password: %s / %s", e.Action, e.EntityName, e.Before, e.After)
		}
	}

	mustNoErr(t, s.DeleteTrunk(ctx, b.ID))
	wantCode(t, s.DeleteTrunk(ctx, b.ID), parley.ENotFound, "")
	list, err := s.FindTrunks(ctx)
	mustNoErr(t, err)
	if len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("trunks after delete: %+v", list)
	}
}
