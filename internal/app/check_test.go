package app_test

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// prodEnv is a correct production environment on the database at u.
func prodEnv(t testing.TB, u string) map[string]string {
	return map[string]string{
		"APP_ENV":         "production",
		"SECRET_KEY":      randomSecret(t),
		"PUBLIC_URL":      "https://garage-parrot.example",
		"DATA_DIR":        privateDir(t, 0o700),
		"DATABASE_URL":    u,
		"MAIL_SERVER":     "smtp.example.test",
		"TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8",
	}
}

// errorLines returns the ERREUR lines of a check output.
func errorLines(out string) []string {
	var lines []string
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "ERREUR") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}

func TestCheckProductionRefusals(t *testing.T) {
	t.Parallel()
	u := migratedURL(t, store.SQLite)
	tests := []struct {
		name    string
		change  func(t *testing.T, env map[string]string)
		varName string // the variable the single ERREUR line must name
		want    string // and a fragment of its explanation
	}{
		{"missing SECRET_KEY", func(t *testing.T, env map[string]string) { delete(env, "SECRET_KEY") },
			"SECRET_KEY", "vide"},
		{"empty SECRET_KEY", func(t *testing.T, env map[string]string) { env["SECRET_KEY"] = "" },
			"SECRET_KEY", "vide"},
		{"short SECRET_KEY", func(t *testing.T, env map[string]string) { env["SECRET_KEY"] = "Zq8-kP2xW7vN" },
			"SECRET_KEY", "trop courte"},
		{"31-byte SECRET_KEY", func(t *testing.T, env map[string]string) { env["SECRET_KEY"] = env["SECRET_KEY"][:31] },
			"SECRET_KEY", "trop courte"},
		{"placeholder SECRET_KEY", func(t *testing.T, env map[string]string) {
			env["SECRET_KEY"] = "remplacez-moi-par-une-valeur-aleatoire-de-32-octets-ou-plus"
		}, "SECRET_KEY", "valeur d'exemple"},
		{"repeated SECRET_KEY", func(t *testing.T, env map[string]string) { env["SECRET_KEY"] = strings.Repeat("ab", 24) },
			"SECRET_KEY", "valeur d'exemple"},
		{"http PUBLIC_URL", func(t *testing.T, env map[string]string) { env["PUBLIC_URL"] = "http://garage-parrot.example" },
			"PUBLIC_URL", "https://"},
		{"missing PUBLIC_URL", func(t *testing.T, env map[string]string) { delete(env, "PUBLIC_URL") },
			"PUBLIC_URL", "vide"},
		{"DATA_DIR readable by others", func(t *testing.T, env map[string]string) { env["DATA_DIR"] = privateDir(t, 0o755) },
			"DATA_DIR", "chmod 700"},
		{"DATA_DIR writable by others", func(t *testing.T, env map[string]string) { env["DATA_DIR"] = privateDir(t, 0o703) },
			"DATA_DIR", "chmod 700"},
		{"unparsable MAINTENANCE_START_DATE", func(t *testing.T, env map[string]string) {
			env["MAINTENANCE_START_DATE"] = "demain matin"
		}, "MAINTENANCE_START_DATE", "demain matin"},
		{"MAIL_USE_TLS and MAIL_USE_SSL", func(t *testing.T, env map[string]string) {
			env["MAIL_USE_TLS"], env["MAIL_USE_SSL"] = "true", "true"
		}, "MAIL_USE_SSL", "l'un ou l'autre"},
		{"missing SQLite database", func(t *testing.T, env map[string]string) {
			env["DATABASE_URL"] = storetest.URL(t, store.SQLite)
		}, "DATABASE_URL", "garage db upgrade"},
		{"unmigrated SQLite database", func(t *testing.T, env map[string]string) {
			env["DATABASE_URL"] = "sqlite:" + storetest.OpenEmpty(t, store.SQLite).Path()
		}, "DATABASE_URL", "garage db upgrade"},
		{"unmigrated PostgreSQL database", func(t *testing.T, env map[string]string) {
			env["DATABASE_URL"] = storetest.URL(t, store.Postgres)
		}, "DATABASE_URL", "garage db upgrade"},
		{"unreachable database", func(t *testing.T, env map[string]string) {
			env["DATABASE_URL"] = "postgres://garage@127.0.0.1:1/garage?sslmode=disable&connect_timeout=5"
		}, "DATABASE_URL", "inaccessible"},
		{"unparsable LOG_LEVEL", func(t *testing.T, env map[string]string) { env["LOG_LEVEL"] = "bavard" },
			"LOG_LEVEL", "bavard"},
		{"unknown APP_ENV", func(t *testing.T, env map[string]string) { env["APP_ENV"] = "prod" },
			"APP_ENV", "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := prodEnv(t, u)
			tt.change(t, env)
			r := run(t, env, "", "check")
			if r.code != 1 {
				t.Fatalf("want exit 1, got %v", r)
			}
			errs := errorLines(r.stdout)
			if len(errs) != 1 {
				t.Fatalf("want exactly one ERREUR line, got %d:\n%v", len(errs), r)
			}
			if !strings.Contains(errs[0], tt.varName) || !strings.Contains(errs[0], tt.want) {
				t.Errorf("the ERREUR line should name %s and say %q:\n%s", tt.varName, tt.want, errs[0])
			}
			if strings.Contains(r.stdout, "aucun problème") {
				t.Errorf("a failed check says « aucun problème »:\n%s", r.stdout)
			}
			if s := env["SECRET_KEY"]; len(s) >= 8 && strings.Contains(r.stdout+r.stderr, s) {
				t.Errorf("check prints SECRET_KEY:\n%v", r)
			}
		})
	}
}

func TestCheckProductionOK(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			env := prodEnv(t, migratedURL(t, engine))
			r := run(t, env, "", "check")
			if r.code != 0 {
				t.Fatalf("a correct production configuration fails the check: %v", r)
			}
			if errs := errorLines(r.stdout); len(errs) != 0 {
				t.Errorf("ERREUR lines on a correct configuration: %q", errs)
			}
			if strings.Contains(r.stdout, env["SECRET_KEY"]) {
				t.Errorf("check prints SECRET_KEY:\n%s", r.stdout)
			}
			switch engine {
			case store.Postgres:
				if !strings.Contains(r.stdout, "Configuration production : aucun problème.") {
					t.Errorf("check on PostgreSQL should report no problem at all:\n%s", r.stdout)
				}
			case store.SQLite:
				// The only remark is the SQLite warning.
				if strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(r.stdout, "AVERTISSEMENT : DATABASE_URL") {
					t.Errorf("check on SQLite should only warn about SQLite:\n%s", r.stdout)
				}
			}
		})
	}
}

// TestCheckWarnings: what is unwise but not dangerous is reported without
// failing the check.
func TestCheckWarnings(t *testing.T) {
	t.Parallel()
	env := prodEnv(t, migratedURL(t, store.SQLite))
	delete(env, "MAIL_SERVER")
	delete(env, "TRUSTED_PROXIES")
	r := run(t, env, "", "check")
	if r.code != 0 {
		t.Fatalf("warnings alone must not fail the check: %v", r)
	}
	for _, v := range []string{"MAIL_SERVER", "TRUSTED_PROXIES", "DATABASE_URL"} {
		if !strings.Contains(r.stdout, "AVERTISSEMENT : "+v) {
			t.Errorf("no warning about %s:\n%s", v, r.stdout)
		}
	}
}

// TestCheckFlaskEnv: FLASK_ENV=production, from an old Flask deployment,
// selects production exactly like APP_ENV.
func TestCheckFlaskEnv(t *testing.T) {
	t.Parallel()
	u := migratedURL(t, store.SQLite)

	t.Run("refusal", func(t *testing.T) {
		t.Parallel()
		env := prodEnv(t, u)
		delete(env, "APP_ENV")
		env["FLASK_ENV"] = "production"
		delete(env, "SECRET_KEY")
		r := run(t, env, "", "check")
		if errs := errorLines(r.stdout); r.code != 1 || len(errs) != 1 || !strings.Contains(errs[0], "SECRET_KEY") {
			t.Errorf("FLASK_ENV=production without SECRET_KEY: want exit 1 naming SECRET_KEY, got %v", r)
		}
	})
	t.Run("correct", func(t *testing.T) {
		t.Parallel()
		env := prodEnv(t, u)
		delete(env, "APP_ENV")
		env["FLASK_ENV"] = "production"
		r := run(t, env, "", "check")
		if r.code != 0 {
			t.Errorf("FLASK_ENV=production with a correct configuration: %v", r)
		}
	})
	t.Run("stricter of the two wins", func(t *testing.T) {
		t.Parallel()
		env := prodEnv(t, u)
		env["APP_ENV"] = "development"
		env["FLASK_ENV"] = "production"
		env["PUBLIC_URL"] = "http://garage-parrot.example"
		r := run(t, env, "", "check")
		if errs := errorLines(r.stdout); r.code != 1 || len(errs) != 1 || !strings.Contains(errs[0], "PUBLIC_URL") {
			t.Errorf("APP_ENV=development with FLASK_ENV=production must check as production, got %v", r)
		}
	})
	t.Run("development", func(t *testing.T) {
		t.Parallel()
		// Without either variable nothing production-only is required.
		env := maps.Clone(dbEnv(u))
		env["FLASK_ENV"] = "development"
		r := run(t, env, "", "check")
		if r.code != 0 || !strings.Contains(r.stdout, "Configuration development : aucun problème.") {
			t.Errorf("development check: %v", r)
		}
	})
}

func TestCheckDevelopmentStillChecksDates(t *testing.T) {
	t.Parallel()
	env := dbEnv(migratedURL(t, store.SQLite))
	env["MAINTENANCE_START_DATE"] = "2026-13-45"
	r := run(t, env, "", "check")
	if errs := errorLines(r.stdout); r.code != 1 || len(errs) != 1 || !strings.Contains(errs[0], "MAINTENANCE_START_DATE") {
		t.Errorf("an unparsable MAINTENANCE_START_DATE must fail the check in development too: %v", r)
	}
}

// TestCheckDoesNotCreateDatabase: check only reads. Pointed at a SQLite
// file that does not exist (a typo, or before the first db upgrade), it
// reports it instead of creating an empty database, its directory and its
// lock file — which, run as root with sudo, would leave root-owned files
// the service cannot write.
func TestCheckDoesNotCreateDatabase(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "absent")
	env := prodEnv(t, "sqlite:"+filepath.Join(dir, "garage.db"))
	r := run(t, env, "", "check")
	if errs := errorLines(r.stdout); r.code != 1 || len(errs) != 1 ||
		!strings.Contains(errs[0], "DATABASE_URL") || !strings.Contains(errs[0], "garage db upgrade") {
		t.Errorf("check on a missing SQLite file: want exit 1 and one DATABASE_URL error naming « garage db upgrade », got %v", r)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("check created %s (stat: %v)", dir, err)
	}
}

// Issue 21: systemd's EnvironmentFile keeps "# comment" at the end of a
// value; check says which variable carries one.
func TestCheckWarnsAboutCommentsInValues(t *testing.T) {
	t.Parallel()
	env := prodEnv(t, migratedURL(t, store.SQLite))
	env["MAIL_FROM"] = "Garage V. Parrot <contact@garage-parrot.fr>   # the sender"
	r := run(t, env, "", "check")
	if !strings.Contains(r.stdout, "AVERTISSEMENT : MAIL_FROM se termine par « ") || !strings.Contains(r.stdout, "# the sender") {
		t.Fatalf("no warning about the comment:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "AVERTISSEMENT : SECRET_KEY se termine") {
		t.Fatalf("a value without comment reported:\n%s", r.stdout)
	}
}
