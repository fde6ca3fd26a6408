package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestDBUpgrade(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			u := storetest.URL(t, engine)
			env := dbEnv(u)

			r := mustRun(t, env, "", "db", "upgrade")
			if !strings.Contains(r.stdout, "migrée de la version 0 à la version") {
				t.Errorf("first db upgrade: %v", r)
			}
			if !strings.Contains(r.stdout, string(engine)) {
				t.Errorf("db upgrade does not name the engine %s: %q", engine, r.stdout)
			}

			s := openStore(t, u)
			cur, latest, err := s.MigrationStatus(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if cur != latest || latest == 0 {
				t.Fatalf("after db upgrade the schema is at %d, want %d", cur, latest)
			}

			r = mustRun(t, env, "", "db", "upgrade")
			if want := fmt.Sprintf("déjà à jour (version %d)", latest); !strings.Contains(r.stdout, want) {
				t.Errorf("second db upgrade: want %q in\n%v", want, r)
			}
		})
	}
}

func TestInitRoles(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			u := storetest.URL(t, engine)
			env := dbEnv(u)

			r := run(t, env, "", "init-roles")
			if r.code != 1 || !strings.Contains(r.stderr, "garage db upgrade") {
				t.Fatalf("init-roles before db upgrade: want exit 1 naming « garage db upgrade », got %v", r)
			}

			mustRun(t, env, "", "db", "upgrade")
			r = mustRun(t, env, "", "init-roles")
			if !strings.Contains(r.stdout, "2 rôle(s) ajouté(s)") {
				t.Errorf("first init-roles: %v", r)
			}
			r = mustRun(t, env, "", "init-roles")
			if !strings.Contains(r.stdout, "rien à faire") {
				t.Errorf("second init-roles: %v", r)
			}
		})
	}
}

// adminPassword is a password CheckStrength accepts.
const adminPassword = "Vidange-Courroie-2026"

func TestCreateAdmin(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			u := migratedURL(t, engine)
			env := dbEnv(u)
			s := openStore(t, u)
			const email = "vincent@example.test"

			assertNoUsers := func(t *testing.T) {
				t.Helper()
				users, err := s.ListUsers(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(users) != 0 {
					t.Fatalf("a refused create-admin created %d account(s)", len(users))
				}
			}
			for _, tt := range []struct{ name, stdin, want string }{
				{"short", "Court-1\n", "12 caractères"},
				{"common", "motdepasse123\n", "trop courant"},
				{"common capitalised", "Azerty123456!\n", "trop courant"},
				{"repeated", "aaaaaaaaaaaaaaaa\n", "répété"},
				{"contains the e-mail", "vincent-2026-garage\n", "adresse e-mail"},
				{"empty stdin", "", "aucun mot de passe"},
				{"empty line", "\nVidange-Courroie-2026\n", "aucun mot de passe"},
			} {
				t.Run("weak/"+tt.name, func(t *testing.T) {
					r := run(t, env, tt.stdin, "create-admin", "--email", email)
					if r.code != 1 {
						t.Fatalf("want exit 1, got %v", r)
					}
					if !strings.Contains(r.stderr, tt.want) {
						t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
					}
					if strings.Contains(r.stderr+r.stdout, strings.TrimSpace(tt.stdin)) && tt.stdin != "" {
						t.Errorf("the refused password is echoed back:\n%v", r)
					}
					assertNoUsers(t)
				})
			}

			r := mustRun(t, env, adminPassword+"\n", "create-admin", "--email", email)
			if !strings.Contains(r.stdout, "Administrateur "+email+" créé") {
				t.Errorf("create-admin output: %v", r)
			}
			if strings.Contains(r.stdout+r.stderr, adminPassword) {
				t.Errorf("create-admin prints the password:\n%v", r)
			}
			u1, err := s.UserByEmail(ctx, email)
			if err != nil {
				t.Fatalf("the administrator was not created: %v", err)
			}
			if u1.Role != garage.RoleAdmin || !u1.Active || u1.FirstName != "Vincent" || u1.LastName != "Parrot" {
				t.Errorf("created account: %+v", u1)
			}
			if !strings.HasPrefix(u1.PasswordHash, "$argon2id$") {
				t.Errorf("password hash %q is not argon2id", u1.PasswordHash)
			}
			h := password.NewHasher(password.DefaultParams(), 2)
			if ok, err := h.Verify(ctx, adminPassword, u1.PasswordHash); err != nil || !ok {
				t.Errorf("Verify(right password) = %v, %v", ok, err)
			}
			if ok, err := h.Verify(ctx, adminPassword+"x", u1.PasswordHash); err != nil || ok {
				t.Errorf("Verify(wrong password) = %v, %v", ok, err)
			}

			audit, err := s.ListAudit(ctx, "user.create", 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) != 1 {
				t.Fatalf("want 1 user.create audit row, got %d", len(audit))
			}
			if a := audit[0]; a.Target != fmt.Sprintf("user:%d", u1.ID) || !strings.Contains(a.Details, email) || a.ActorEmail == "" {
				t.Errorf("audit row: %+v", a)
			}

			// The same address in another case is refused, and nothing changes.
			r = run(t, env, "Autre-Mot-De-Passe-42\n", "create-admin", "--email", "Vincent@EXAMPLE.test")
			if r.code != 1 || !strings.Contains(r.stderr, "existe déjà") {
				t.Errorf("duplicate create-admin: want exit 1 « existe déjà », got %v", r)
			}
			users, err := s.ListUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(users) != 1 || users[0].PasswordHash != u1.PasswordHash {
				t.Errorf("the refused duplicate changed the accounts: %+v", users)
			}

			// Names from the flags; a Windows line ending is not part of the
			// password.
			r = mustRun(t, env, "Disques-Et-Plaquettes-31\r\nignoré\n", "create-admin",
				"--email", "Marie.Curie@example.test", "--first-name", "Marie", "--last-name", "Curie")
			u2, err := s.UserByEmail(ctx, "marie.curie@example.test")
			if err != nil {
				t.Fatalf("second administrator: %v (%v)", err, r)
			}
			if u2.Email != "Marie.Curie@example.test" || u2.FirstName != "Marie" || u2.LastName != "Curie" || u2.Role != garage.RoleAdmin {
				t.Errorf("second administrator: %+v", u2)
			}
			if ok, err := h.Verify(ctx, "Disques-Et-Plaquettes-31", u2.PasswordHash); err != nil || !ok {
				t.Errorf("Verify(second password) = %v, %v", ok, err)
			}
			if audit, _ := s.ListAudit(ctx, "user.create", 10, 0); len(audit) != 2 {
				t.Errorf("want 2 user.create audit rows, got %d", len(audit))
			}
		})
	}
}

func TestCreateAdminNeedsSchema(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			u := storetest.URL(t, engine)
			r := run(t, dbEnv(u), adminPassword+"\n", "create-admin", "--email", "vincent@example.test")
			if r.code != 1 || !strings.Contains(r.stderr, "garage db upgrade") {
				t.Errorf("create-admin on an empty database: want exit 1 naming « garage db upgrade », got %v", r)
			}
		})
	}
}

// TestCreateAdminBeforeInitRoles: the users table refers to the roles
// table, so an administrator cannot exist before init-roles. The command
// then creates the roles itself (init-roles is idempotent), says so, and
// works when run again.
func TestCreateAdminBeforeInitRoles(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			u := storetest.URL(t, engine)
			env := dbEnv(u)
			mustRun(t, env, "", "db", "upgrade")
			r := run(t, env, adminPassword+"\n", "create-admin", "--email", "vincent@example.test")
			if r.code != 1 || !strings.Contains(r.stderr, "init-roles") || !strings.Contains(r.stderr, "relancez") {
				t.Fatalf("create-admin before init-roles: want exit 1 naming init-roles and asking to run it again, got %v", r)
			}
			s := openStore(t, u)
			if _, err := s.UserByEmail(context.Background(), "vincent@example.test"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("account after the refused create-admin: err = %v", err)
			}
			// What the message says is true: the roles now exist...
			if r := mustRun(t, env, "", "init-roles"); !strings.Contains(r.stdout, "rien à faire") {
				t.Errorf("init-roles after the refused create-admin: %v", r)
			}
			// ...and running the command again is enough.
			mustRun(t, env, adminPassword+"\n", "create-admin", "--email", "vincent@example.test")
		})
	}
}

// Issue 21: concurrent "db upgrade" runs each said "migrée de la version 0
// à la version N"; only the one that migrated may say so, the others say
// the schema was already current.
func TestDBUpgradeConcurrentReportsOneMigration(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			u := storetest.URL(t, engine)
			const runs = 4
			results := make([]result, runs)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range runs {
				wg.Go(func() {
					<-start
					results[i] = run(t, dbEnv(u), "", "db", "upgrade")
				})
			}
			close(start)
			wg.Wait()
			migrated, current := 0, 0
			for _, r := range results {
				if r.code != 0 {
					t.Fatalf("db upgrade: %v", r)
				}
				switch {
				case strings.Contains(r.stdout, "migrée de la version 0 à la version"):
					migrated++
				case strings.Contains(r.stdout, "déjà à jour"):
					current++
				default:
					t.Errorf("db upgrade said %q", r.stdout)
				}
			}
			if migrated != 1 || current != runs-1 {
				t.Fatalf("%d runs said they migrated, %d that the schema was current; want 1 and %d", migrated, current, runs-1)
			}
		})
	}
}
