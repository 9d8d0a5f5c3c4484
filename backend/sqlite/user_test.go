package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parley-cc/parley/backend/parley"
)

func TestSecurityProfileService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewSecurityProfileService(db)

	p := &parley.SecurityProfile{Name: "Supervisors", Description: "floor", Permissions: []parley.Permission{parley.PermMonitorContacts, parley.PermAccessMetrics}}
	mustNoErr(t, s.CreateSecurityProfile(ctx, p))
	created := *p
	got, err := s.FindSecurityProfileByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "found profile", got, p)
	got, err = s.FindSecurityProfileByName(ctx, "SUPERVISORS")
	mustNoErr(t, err)
	diff(t, "profile by name", got, p)
	_, err = s.FindSecurityProfileByName(ctx, "nobody")
	wantCode(t, err, parley.ENotFound, "")

	wantCode(t, s.CreateSecurityProfile(ctx, &parley.SecurityProfile{Name: "supervisors"}), parley.EConflict, "")
	wantCode(t, s.CreateSecurityProfile(ctx, &parley.SecurityProfile{Name: "X", Permissions: []parley.Permission{"Fly"}}), parley.EInvalid, "permissions[0]")
	wantCode(t, s.CreateSecurityProfile(ctx, &parley.SecurityProfile{Name: " X"}), parley.EInvalid, "name")

	empty := &parley.SecurityProfile{Name: "Nothing"}
	mustNoErr(t, s.CreateSecurityProfile(ctx, empty))
	list, err := s.FindSecurityProfiles(ctx)
	mustNoErr(t, err)
	diff(t, "profile list", list, []*parley.SecurityProfile{empty, p})

	upd := *p
	upd.Name, upd.Permissions = "Team leads", []parley.Permission{parley.PermBasicAgentAccess}
	mustNoErr(t, s.UpdateSecurityProfile(ctx, &upd))
	got, err = s.FindSecurityProfileByID(ctx, p.ID)
	mustNoErr(t, err)
	diff(t, "updated profile", got, &upd)
	bad := upd
	bad.ID = "nope"
	wantCode(t, s.UpdateSecurityProfile(ctx, &bad), parley.ENotFound, "")
	bad = upd
	bad.Name = "NOTHING"
	wantCode(t, s.UpdateSecurityProfile(ctx, &bad), parley.EConflict, "")

	u := fix(t, db).user("carol", &upd)
	e := wantCode(t, s.DeleteSecurityProfile(ctx, p.ID), parley.EConflict, "")
	if e.Message != `security profile "Team leads" is used by user "carol"` {
		t.Errorf("message = %q", e.Message)
	}
	mustNoErr(t, NewUserService(db).DeleteUser(ctx, u.ID))
	mustNoErr(t, s.DeleteSecurityProfile(ctx, p.ID))
	wantCode(t, s.DeleteSecurityProfile(ctx, p.ID), parley.ENotFound, "")

	es := auditOf(t, db, "security_profile", string(p.ID))
	if len(es) != 3 {
		t.Fatalf("%d audit entries, want 3", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Supervisors", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "Team leads", &created, &upd)
	checkAudit(t, es[2], parley.AuditDelete, "Team leads", &upd, nil)
}

func TestSecurityProfileService_adminKeepsEverything(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	s := NewSecurityProfileService(db)
	admin := fix(t, db).adminProfile()

	renamed := *admin
	renamed.Name = "Superusers"
	wantCode(t, s.UpdateSecurityProfile(ctx, &renamed), parley.EInvalid, "name")
	fewer := *admin
	fewer.Permissions = admin.Permissions[1:]
	wantCode(t, s.UpdateSecurityProfile(ctx, &fewer), parley.EInvalid, "permissions")
	described := *admin
	described.Description = "The people who run the place."
	mustNoErr(t, s.UpdateSecurityProfile(ctx, &described))
}

func TestDB_EnsureDefaults(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := context.Background()
	mustNoErr(t, db.EnsureDefaults(ctx))
	profiles, err := NewSecurityProfileService(db).FindSecurityProfiles(ctx)
	mustNoErr(t, err)
	var names []string
	for _, p := range profiles {
		names = append(names, p.Name)
		for _, d := range parley.DefaultSecurityProfiles() {
			if d.Name == p.Name {
				diff(t, "permissions of "+p.Name, p.Permissions, d.Permissions)
			}
		}
	}
	diff(t, "profiles", names, []string{"Admin", "Agent", "CallCenterManager", "QualityAnalyst"})
	statuses, err := NewAgentStatusService(db).FindAgentStatuses(ctx)
	mustNoErr(t, err)
	if len(statuses) != 2 || statuses[0].Name != "Available" || statuses[0].Type != parley.StatusRoutable || statuses[0].DisplayOrder != 1 || !statuses[0].Enabled ||
		statuses[1].Name != "Offline" || statuses[1].Type != parley.StatusOffline || !statuses[1].Enabled {
		t.Errorf("statuses = %+v %+v", statuses[0], statuses[1])
	}
	es, err := NewAuditService(db).FindAuditEntries(ctx, parley.AuditFilter{})
	mustNoErr(t, err)
	if len(es) != 6 {
		t.Errorf("%d audit entries, want 6 (4 profiles, 2 statuses)", len(es))
	}
	for _, e := range es {
		if e.ActorUsername != "system" || e.ActorID != "" || e.Action != parley.AuditCreate {
			t.Errorf("audit entry by %q/%q: %s", e.ActorID, e.ActorUsername, e.Action)
		}
	}

	// Again: nothing new, even after a rename of the ROUTABLE status.
	statuses[0].Name = "Ready"
	mustNoErr(t, NewAgentStatusService(db).UpdateAgentStatus(ctx, statuses[0]))
	mustNoErr(t, db.EnsureDefaults(ctx))
	for table, want := range map[string]int{"security_profiles": 4, "agent_statuses": 2, "audit_entries": 7} {
		if n := countRows(t, db, table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	// An Admin profile missing a permission gets it back.
	mustNoErr(t, db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE security_profiles SET permissions = '["BasicAgentAccess"]' WHERE name = 'Admin'`)
		return err
	}))
	mustNoErr(t, db.EnsureDefaults(ctx))
	admin, err := NewSecurityProfileService(db).FindSecurityProfileByName(ctx, "Admin")
	mustNoErr(t, err)
	if len(admin.Permissions) != len(parley.AllPermissions) {
		t.Errorf("Admin has %d permissions, want %d", len(admin.Permissions), len(parley.AllPermissions))
	}
}

func TestUserService(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewUserService(db)
	agents := f.securityProfile("Agents", parley.PermBasicAgentAccess, parley.PermOutboundCallAccess)
	metrics := f.securityProfile("Metrics", parley.PermAccessMetrics, parley.PermBasicAgentAccess)
	rp := f.routingProfile("Sales Agents", f.queue("Sales", f.hours("Office")))

	u := &parley.User{Username: "Alice", FirstName: "Alice", LastName: "Liddell", Email: "alice@example.com",
		SecurityProfileIDs: []parley.SecurityProfileID{metrics.ID, agents.ID}, RoutingProfileID: rp.ID,
		PhoneType: parley.PhoneDesk, DeskPhoneNumber: "+442071838750", AutoAccept: true}
	mustNoErr(t, s.CreateUser(ctx, u, "correct horse"))
	created := *u
	got, err := s.FindUserByID(ctx, u.ID)
	mustNoErr(t, err)
	diff(t, "found user", got, u)
	perms, err := s.UserPermissions(ctx, u.ID)
	mustNoErr(t, err)
	diff(t, "permissions", perms, []parley.Permission{parley.PermBasicAgentAccess, parley.PermOutboundCallAccess, parley.PermAccessMetrics})
	_, err = s.UserPermissions(ctx, "nope")
	wantCode(t, err, parley.ENotFound, "")

	for _, tc := range []struct {
		name  string
		u     parley.User
		pw    string
		code  parley.ErrorCode
		field string
	}{
		{"taken username", parley.User{Username: "ALICE", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID}}, "password1", parley.EConflict, ""},
		{"bad username", parley.User{Username: "-x", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID}}, "password1", parley.EInvalid, "username"},
		{"short password", parley.User{Username: "x", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID}}, "short", parley.EInvalid, "password"},
		{"no profile", parley.User{Username: "x"}, "password1", parley.EInvalid, "securityProfileIds"},
		{"unknown profile", parley.User{Username: "x", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID, "nope"}}, "password1", parley.EInvalid, "securityProfileIds[1]"},
		{"profile twice", parley.User{Username: "x", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID, agents.ID}}, "password1", parley.EInvalid, "securityProfileIds[1]"},
		{"unknown routing profile", parley.User{Username: "x", SecurityProfileIDs: []parley.SecurityProfileID{agents.ID}, RoutingProfileID: "nope"}, "password1", parley.EInvalid, "routingProfileId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.u
			wantCode(t, s.CreateUser(ctx, &u, tc.pw), tc.code, tc.field)
		})
	}
	if n := countRows(t, db, "users"); n != 1 {
		t.Errorf("%d users after failed creates, want 1", n)
	}

	bob := f.user("bob", agents)
	list, err := s.FindUsers(ctx, parley.UserFilter{})
	mustNoErr(t, err)
	diff(t, "user list", list, []*parley.User{u, bob})
	list, err = s.FindUsers(ctx, parley.UserFilter{Username: "aLiCe"})
	mustNoErr(t, err)
	diff(t, "users by name", list, []*parley.User{u})

	upd := *u
	upd.Username, upd.PhoneType, upd.DeskPhoneNumber, upd.RoutingProfileID = "alice2", parley.PhoneSoft, "", ""
	upd.SecurityProfileIDs = []parley.SecurityProfileID{agents.ID}
	mustNoErr(t, s.UpdateUser(ctx, &upd))
	got, err = s.FindUserByID(ctx, u.ID)
	mustNoErr(t, err)
	diff(t, "updated user", got, &upd)
	bad := upd
	bad.Username = "BOB"
	wantCode(t, s.UpdateUser(ctx, &bad), parley.EConflict, "")
	bad = upd
	bad.ID = "nope"
	wantCode(t, s.UpdateUser(ctx, &bad), parley.ENotFound, "")
	wantCode(t, s.SetPassword(ctx, "nope", "password1"), parley.ENotFound, "")
	wantCode(t, s.SetPassword(ctx, u.ID, "short"), parley.EInvalid, "password")
	mustNoErr(t, s.SetPassword(ctx, u.ID, "new password"))
	afterPw, err := s.FindUserByID(ctx, u.ID)
	mustNoErr(t, err)

	mustNoErr(t, s.DeleteUser(ctx, u.ID))
	wantCode(t, s.DeleteUser(ctx, u.ID), parley.ENotFound, "")
	_, err = s.FindUserByID(ctx, u.ID)
	wantCode(t, err, parley.ENotFound, "")
	var n int
	mustNoErr(t, db.db.QueryRow(`SELECT count(*) FROM user_security_profiles WHERE user_id = ?`, string(u.ID)).Scan(&n))
	if n != 0 {
		t.Errorf("%d user_security_profiles rows left", n)
	}

	es := auditOf(t, db, "user", string(u.ID))
	if len(es) != 4 {
		t.Fatalf("%d audit entries, want 4", len(es))
	}
	checkAudit(t, es[0], parley.AuditCreate, "Alice", nil, &created)
	checkAudit(t, es[1], parley.AuditUpdate, "alice2", &created, &upd)
	checkAudit(t, es[2], parley.AuditPassword, "alice2", &upd, afterPw)
	checkAudit(t, es[3], parley.AuditDelete, "alice2", afterPw, nil)
	for _, e := range es {
		if strings.Contains(string(e.Before)+string(e.After), "argon2") {
			t.Errorf("audit entry %s holds a password hash", e.Action)
		}
	}
}

func TestUserService_lastAdmin(t *testing.T) {
	db, _ := mustOpenDB(t)
	ctx := adminCtx()
	f := fix(t, db)
	s := NewUserService(db)
	admin := f.adminProfile()
	agents := f.securityProfile("Agents", parley.PermBasicAgentAccess)
	root := f.user("root", admin, agents)
	agent := f.user("agent", agents)

	e := wantCode(t, s.DeleteUser(ctx, root.ID), parley.EConflict, "")
	if !strings.Contains(e.Message, "last user with the Admin security profile") {
		t.Errorf("message = %q", e.Message)
	}
	demoted := *root
	demoted.SecurityProfileIDs = []parley.SecurityProfileID{agents.ID}
	wantCode(t, s.UpdateUser(ctx, &demoted), parley.EConflict, "")
	// Other changes to the last admin are fine.
	renamed := *root
	renamed.FirstName = "Root"
	mustNoErr(t, s.UpdateUser(ctx, &renamed))

	// With a second admin, either may go.
	agent.SecurityProfileIDs = append(agent.SecurityProfileIDs, admin.ID)
	mustNoErr(t, s.UpdateUser(ctx, agent))
	mustNoErr(t, s.UpdateUser(ctx, &demoted))
	e = wantCode(t, s.DeleteUser(ctx, agent.ID), parley.EConflict, "")
	if !strings.Contains(e.Message, `"agent"`) {
		t.Errorf("message = %q", e.Message)
	}
	mustNoErr(t, s.DeleteUser(ctx, root.ID))
	n, err := db.CountUsers(ctx)
	mustNoErr(t, err)
	if n != 1 {
		t.Errorf("CountUsers = %d, want 1", n)
	}
}

func TestSessionService(t *testing.T) {
	db, clock := mustOpenDB(t)
	ctx := context.Background()
	f := fix(t, db)
	users := NewUserService(db)
	s := NewSessionService(db)
	agents := f.securityProfile("Agents", parley.PermBasicAgentAccess)
	metrics := f.securityProfile("Metrics", parley.PermAccessMetrics)
	u := f.user("dave", agents, metrics) // password "correct horse"

	token, sess, err := s.Login(ctx, "DAVE", "correct horse", time.Hour)
	mustNoErr(t, err)
	if len(token) != 43 || strings.ContainsAny(token, "+/=") {
		t.Errorf("token %q is not 32 bytes of base64url", token)
	}
	if sess.UserID != u.ID || !sess.ExpiresAt.Equal(sess.CreatedAt.Add(time.Hour)) {
		t.Errorf("session = %+v", sess)
	}
	var stored string
	mustNoErr(t, db.db.QueryRow(`SELECT token_hash FROM sessions WHERE id = ?`, string(sess.ID)).Scan(&stored))
	if stored == token || stored != tokenHash(token) {
		t.Errorf("stored token %q, want the SHA-256 of the token", stored)
	}

	found, err := s.FindSessionByToken(ctx, token)
	mustNoErr(t, err)
	diff(t, "session user", found.User, u)
	diff(t, "session permissions", found.Permissions, []parley.Permission{parley.PermBasicAgentAccess, parley.PermAccessMetrics})
	found.User, found.Permissions = nil, nil
	sess.User, sess.Permissions = nil, nil
	diff(t, "found session", found, sess)

	// Wrong password and unknown user: the same error.
	_, _, errPw := s.Login(ctx, "dave", "wrong horse", time.Hour)
	_, _, errUser := s.Login(ctx, "nobody", "correct horse", time.Hour)
	for _, err := range []error{errPw, errUser} {
		if e := wantCode(t, err, parley.EUnauthorized, ""); e.Message != "invalid username or password" {
			t.Errorf("message = %q", e.Message)
		}
	}
	if errPw.Error() != errUser.Error() {
		t.Errorf("errors differ: %v / %v", errPw, errUser)
	}

	_, err = s.FindSessionByToken(ctx, "not-a-token")
	wantCode(t, err, parley.EUnauthorized, "")

	// Expiry.
	clock.Advance(time.Hour)
	_, err = s.FindSessionByToken(ctx, token)
	wantCode(t, err, parley.EUnauthorized, "")
	wantCode(t, s.Logout(ctx, token), parley.EUnauthorized, "")

	// Logout.
	token2, _, err := s.Login(ctx, "dave", "correct horse", 0)
	mustNoErr(t, err)
	clock.Advance(parley.DefaultSessionTTL - time.Minute) // the default TTL applies
	mustNoErr(t, s.Logout(ctx, token2))
	_, err = s.FindSessionByToken(ctx, token2)
	wantCode(t, err, parley.EUnauthorized, "")
	wantCode(t, s.Logout(ctx, token2), parley.EUnauthorized, "")

	// SetPassword revokes every session; the new password works, the old one not.
	t3, _, err := s.Login(ctx, "dave", "correct horse", time.Hour)
	mustNoErr(t, err)
	t4, _, err := s.Login(ctx, "dave", "correct horse", time.Hour)
	mustNoErr(t, err)
	mustNoErr(t, users.SetPassword(ctx, u.ID, "battery staple"))
	for _, tok := range []string{t3, t4} {
		_, err = s.FindSessionByToken(ctx, tok)
		wantCode(t, err, parley.EUnauthorized, "")
	}
	_, _, err = s.Login(ctx, "dave", "correct horse", time.Hour)
	wantCode(t, err, parley.EUnauthorized, "")
	t5, _, err := s.Login(ctx, "dave", "battery staple", time.Hour)
	mustNoErr(t, err)

	// Deleting the user removes their sessions.
	mustNoErr(t, users.DeleteUser(ctx, u.ID))
	_, err = s.FindSessionByToken(ctx, t5)
	wantCode(t, err, parley.EUnauthorized, "")
	if n := countRows(t, db, "sessions"); n != 0 {
		t.Errorf("%d sessions left after the user was deleted", n)
	}
}
