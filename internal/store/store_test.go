package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestMigrateIsRepeatableAndConcurrent(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, engine)
			// Several "instances" migrate the same empty database at once.
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() {
					s, err := store.Open(ctx, url)
					if err != nil {
						errs[i] = err
						return
					}
					defer s.Close()
					errs[i] = s.Migrate(ctx)
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
			}
			s, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("re-run: %v", err)
			}
			cur, latest, err := s.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if cur != latest || cur < 1 {
				t.Fatalf("version %d, latest %d", cur, latest)
			}
		})
	}
}

func TestInitRolesIdempotent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		// storetest.Open already ran it once.
		n, err := s.InitRoles(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second run added %d, err %v", n, err)
		}
	})
}

func newUser(t *testing.T, s *store.Store, email string, role garage.Role) *garage.User {
	t.Helper()
	u := &garage.User{Email: email, PasswordHash: "x", FirstName: "Léa", LastName: "Martin", Role: role, Active: true}
	if err := s.CreateUser(context.Background(), u, t0, garage.Actor{}); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "Lea.Martin@Example.fr", garage.RoleEmployee)
		if u.ID == 0 {
			t.Fatal("no id")
		}
		got, err := s.UserByEmail(ctx, "  lea.martin@example.FR ")
		if err != nil || got.ID != u.ID || got.Role != garage.RoleEmployee || !got.Active {
			t.Fatalf("by email: %+v %v", got, err)
		}
		if !got.CreatedAt.Equal(t0) {
			t.Fatalf("created_at %v", got.CreatedAt)
		}
		dup := &garage.User{Email: "LEA.MARTIN@example.fr", FirstName: "A", LastName: "B", Role: garage.RoleAdmin}
		if err := s.CreateUser(ctx, dup, t0, garage.Actor{}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate e-mail: %v", err)
		}
		if _, err := s.UserByEmail(ctx, "nobody@example.fr"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown: %v", err)
		}
		if _, err := s.UserByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		bad := &garage.User{Email: "x@example.fr", FirstName: "A", LastName: "B", Role: "boss"}
		if err := s.CreateUser(ctx, bad, t0, garage.Actor{}); err == nil {
			t.Fatal("unknown role accepted")
		}
		newUser(t, s, "vincent@example.fr", garage.RoleAdmin)
		if n, err := s.CountActiveAdmins(ctx); err != nil || n != 1 {
			t.Fatalf("admins %d %v", n, err)
		}
		list, err := s.ListUsers(ctx)
		if err != nil || len(list) != 2 || list[0].Role != garage.RoleAdmin {
			t.Fatalf("list %v %v", list, err)
		}
		if err := s.SetPasswordHash(ctx, u.ID, "new", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, u.ID); got.PasswordHash != "new" {
			t.Fatal("hash not changed")
		}
		if err := s.SetPasswordHash(ctx, 9999, "new", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("set hash unknown: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "a@example.fr", garage.RoleEmployee)
		sess := &garage.Session{TokenHash: "h1", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
		if err := s.CreateSession(ctx, sess, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		idle := 2 * time.Hour
		now := t0.Add(time.Hour)
		gs, gu, err := s.SessionUser(ctx, "h1", now, now.Add(-idle))
		if err != nil || gs.UserID != u.ID || gu.Email != u.Email {
			t.Fatalf("lookup: %v %v %v", gs, gu, err)
		}
		// Idle too long.
		now = t0.Add(3 * time.Hour)
		if _, _, err := s.SessionUser(ctx, "h1", now, now.Add(-idle)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("idle session still valid: %v", err)
		}
		// Activity keeps it alive, up to the absolute expiry.
		if err := s.TouchSession(ctx, "h1", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1", now, now.Add(-idle)); err != nil {
			t.Fatalf("touched session: %v", err)
		}
		now = t0.Add(12 * time.Hour)
		if err := s.TouchSession(ctx, "h1", now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1", now, now.Add(-idle)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session still valid: %v", err)
		}
		// Flash messages are read once.
		if err := s.SetSessionFlash(ctx, "h1", "Enregistré."); err != nil {
			t.Fatal(err)
		}
		if f, err := s.TakeSessionFlash(ctx, "h1"); f != "Enregistré." || err != nil {
			t.Fatalf("flash %q %v", f, err)
		}
		if f, err := s.TakeSessionFlash(ctx, "h1"); f != "" || err != nil {
			t.Fatalf("second flash %q %v", f, err)
		}
		if f, err := s.TakeSessionFlash(ctx, "nope"); f != "" || err != nil {
			t.Fatalf("unknown flash %q %v", f, err)
		}
		// Revocation of every session of a user.
		for _, h := range []string{"h2", "h3"} {
			if err := s.CreateSession(ctx, &garage.Session{TokenHash: h, UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.DeleteUserSessions(ctx, u.ID); err != nil || n != 3 {
			t.Fatalf("revoked %d %v", n, err)
		}
		if err := s.CreateSession(ctx, &garage.Session{TokenHash: "old", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteStaleSessions(ctx, t0.Add(2*time.Hour), t0); err != nil || n != 1 {
			t.Fatalf("stale %d %v", n, err)
		}
	})
}

func TestInactiveUserHasNoSession(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &garage.User{Email: "off@example.fr", FirstName: "A", LastName: "B", Role: garage.RoleEmployee, Active: false}
		if err := s.CreateUser(ctx, u, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, &garage.Session{TokenHash: "h", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h", t0, t0.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("inactive user's session valid: %v", err)
		}
	})
}

func TestRateCountersAndLoginFailures(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := 1; i <= 3; i++ {
			n, err := s.HitRate(ctx, "login:ip:192.0.2.1", t0)
			if err != nil || n != i {
				t.Fatalf("hit %d: %d %v", i, n, err)
			}
		}
		if n, _ := s.HitRate(ctx, "login:ip:192.0.2.1", t0.Add(10*time.Minute)); n != 1 {
			t.Fatalf("new window starts at %d", n)
		}
		if n, err := s.RateHits(ctx, "login:ip:192.0.2.1", t0); n != 3 || err != nil {
			t.Fatalf("peek %d %v", n, err)
		}
		if n, err := s.RateHits(ctx, "other", t0); n != 0 || err != nil {
			t.Fatalf("peek absent %d %v", n, err)
		}
		if n, err := s.DeleteRateCountersBefore(ctx, t0.Add(time.Minute)); n != 1 || err != nil {
			t.Fatalf("cleanup %d %v", n, err)
		}

		const acct = "a@example.fr"
		for i := 1; i <= 4; i++ {
			n, err := s.RecordLoginFailure(ctx, acct, t0.Add(time.Duration(i)*time.Minute), time.Hour)
			if err != nil || n != i {
				t.Fatalf("failure %d: %d %v", i, n, err)
			}
		}
		f, err := s.LoginFailuresFor(ctx, acct)
		if err != nil || f.Count != 4 || !f.Last.Equal(t0.Add(4*time.Minute)) {
			t.Fatalf("failures %+v %v", f, err)
		}
		// A failure long after the last one starts a new run.
		if n, _ := s.RecordLoginFailure(ctx, acct, t0.Add(3*time.Hour), time.Hour); n != 1 {
			t.Fatalf("run not reset: %d", n)
		}
		if err := s.ClearLoginFailures(ctx, acct); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.LoginFailuresFor(ctx, acct); f.Count != 0 {
			t.Fatalf("not cleared: %+v", f)
		}
	})
}

func TestGarageHoursServices(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.GarageDetails(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("empty garage: %v", err)
		}
		g := &garage.Details{Name: "Garage V. Parrot", Street: "12 rue X", PostalCode: "31000", City: "Toulouse", Phone: "05 61 00 00 00", Email: "contact@example.fr"}
		if err := s.SaveGarageDetails(ctx, g, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		g.City = "Toulouse Cedex"
		if err := s.SaveGarageDetails(ctx, g, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GarageDetails(ctx)
		if err != nil || got.City != "Toulouse Cedex" || got.PhoneURI() != "tel:+33561000000" {
			t.Fatalf("garage %+v %v", got, err)
		}

		w, err := s.OpeningHours(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range w {
			if len(d.Ranges) != 0 || hours.MondayIndex(d.Weekday) != i {
				t.Fatalf("empty week day %d: %+v", i, d)
			}
		}
		want := hours.DefaultWeek()
		if err := s.SaveOpeningHours(ctx, want, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		got2, err := s.OpeningHours(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if hours.FormatDay(got2[i]) != hours.FormatDay(want[i]) || got2[i].Weekday != want[i].Weekday {
				t.Fatalf("day %d: got %+v want %+v", i, got2[i], want[i])
			}
		}

		price := 89
		for _, sv := range []*garage.Service{
			{Title: "Vidange", Visible: true, PriceFrom: &price},
			{Title: "Carrosserie", Visible: false},
			{Title: "Freinage", Visible: true},
		} {
			if err := s.CreateService(ctx, sv, t0, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.ListServices(ctx, false)
		if err != nil || len(all) != 3 || all[0].Title != "Vidange" || *all[0].PriceFrom != 89 || all[2].Position != 3 {
			t.Fatalf("all services %v %v", all, err)
		}
		vis, err := s.ListServices(ctx, true)
		if err != nil || len(vis) != 2 || vis[1].Title != "Freinage" || vis[1].PriceFrom != nil {
			t.Fatalf("visible services %v %v", vis, err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id := int64(7)
		e := &garage.AuditEntry{At: t0, ActorID: &id, ActorEmail: "a@example.fr", Action: "login.success", IP: "192.0.2.1"}
		if err := s.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAudit(ctx, &garage.AuditEntry{At: t0, Action: "login.failure", Details: `{"email":"x"}`}); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListAudit(ctx, "", 10, 0)
		if err != nil || len(list) != 2 || list[0].Action != "login.failure" || list[1].ActorID == nil || *list[1].ActorID != 7 {
			t.Fatalf("list %v %v", list, err)
		}
		list, err = s.ListAudit(ctx, "login.s", 10, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("prefix %v %v", list, err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
			t.Fatal("audit row updated")
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("audit row deleted")
		}
	})
}

// TestPoolMaxConns: pool_max_conns in a PostgreSQL DATABASE_URL sizes the
// process's pool (several instances share max_connections) and never
// reaches PostgreSQL, which would refuse an unknown parameter.
func TestPoolMaxConns(t *testing.T) {
	u := storetest.URL(t, store.Postgres) // skips without PostgreSQL
	ctx := context.Background()
	s, err := store.Open(ctx, u+"&pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.DB().Stats().MaxOpenConnections; got != 3 {
		t.Errorf("MaxOpenConnections = %d, want 3", got)
	}
	def, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer def.Close()
	if got := def.DB().Stats().MaxOpenConnections; got != store.DefaultPoolMaxConns {
		t.Errorf("default MaxOpenConnections = %d, want %d", got, store.DefaultPoolMaxConns)
	}
	if _, err := store.Open(ctx, u+"&pool_max_conns=0"); err == nil {
		t.Error("pool_max_conns=0 accepted")
	}
}

// TestMigrationStatusTakesNoLock: reading the schema version (what every
// `garage serve` does at start-up) does not wait for the migration lock,
// held here as a long `garage db upgrade` would hold it. Behind PgBouncer in
// transaction mode a session lock taken at every start could be released
// on another server connection and stay held.
func TestMigrationStatusTakesNoLock(t *testing.T) {
	u := storetest.URL(t, store.Postgres) // skips without PostgreSQL
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var schema string
	if err := s.DB().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	holder, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, store.MigrationLockID(schema)); err != nil {
		t.Fatal(err)
	}
	defer holder.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, store.MigrationLockID(schema))
	// With the lock taken, MigrationStatus would wait (up to ten minutes,
	// past the context's deadline) if it asked for it.
	cur, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur != latest {
		t.Fatalf("version %d, latest %d", cur, latest)
	}
}
