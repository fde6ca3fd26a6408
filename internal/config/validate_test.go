package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hasProblem reports whether problems holds one of the given severity whose
// message names variable.
func hasProblem(problems []Problem, fatal bool, variable string) bool {
	for _, p := range problems {
		if p.Fatal == fatal && strings.Contains(p.Message, variable) {
			return true
		}
	}
	return false
}

const goodSecret = "q8Vt3nZ1xLr7Kp0sWb5yHc2mJd9fGa4e" // 32 bytes

// safeProduction returns an environment that passes Validate in production
// apart from warnings, with a private data directory.
func safeProduction(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"APP_ENV":         "production",
		"SECRET_KEY":      goodSecret,
		"PUBLIC_URL":      "https://garage-parrot.fr",
		"DATA_DIR":        dir,
		"DATABASE_URL":    "postgres://garage@db/garage",
		"MAIL_SERVER":     "smtp.example.fr",
		"TRUSTED_PROXIES": "127.0.0.1",
	}
}

func TestValidateSafeProduction(t *testing.T) {
	c := mustLoad(t, safeProduction(t))
	if p := c.Validate(); len(p) != 0 {
		t.Errorf("Validate() = %v, want none", p)
	}
	// A data directory that does not exist yet is fine: serve creates it 0700.
	env := safeProduction(t)
	env["DATA_DIR"] = filepath.Join(t.TempDir(), "not", "yet")
	if p := mustLoad(t, env).Validate(); len(p) != 0 {
		t.Errorf("missing DATA_DIR: Validate() = %v, want none", p)
	}
}

func TestValidateProductionFatal(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      map[string]string
		variable string
	}{
		{"secret missing", map[string]string{"SECRET_KEY": ""}, "SECRET_KEY"},
		{"secret short", map[string]string{"SECRET_KEY": "q8Vt3nZ1xLr7Kp0sWb5yHc2mJd9fGa4"}, "SECRET_KEY"},
		{"secret change-me", map[string]string{"SECRET_KEY": "change-me"}, "SECRET_KEY"},
		{"secret changeme", map[string]string{"SECRET_KEY": "CHANGEME"}, "SECRET_KEY"},
		{"secret secret", map[string]string{"SECRET_KEY": "secret"}, "SECRET_KEY"},
		{"secret your-secret-key", map[string]string{"SECRET_KEY": "your-secret-key"}, "SECRET_KEY"},
		{"secret dev", map[string]string{"SECRET_KEY": "dev"}, "SECRET_KEY"},
		{"secret development", map[string]string{"SECRET_KEY": "development"}, "SECRET_KEY"},
		{"secret .env.example", map[string]string{"SECRET_KEY": "remplacez-moi-par-une-valeur-aleatoire-de-32-octets-ou-plus"}, "SECRET_KEY"},
		{"secret long change-me", map[string]string{"SECRET_KEY": "change-me-please-0123456789abcdefghij"}, "SECRET_KEY"},
		{"secret repeated char", map[string]string{"SECRET_KEY": strings.Repeat("a", 64)}, "SECRET_KEY"},
		{"secret repeated pattern", map[string]string{"SECRET_KEY": strings.Repeat("abc123", 8)}, "SECRET_KEY"},
		{"public url missing", map[string]string{"PUBLIC_URL": ""}, "PUBLIC_URL"},
		{"public url http", map[string]string{"PUBLIC_URL": "http://garage-parrot.fr"}, "PUBLIC_URL"},
		{"public url no host", map[string]string{"PUBLIC_URL": "https://"}, "PUBLIC_URL"},
		{"public url unparsable", map[string]string{"PUBLIC_URL": "https://garage parrot.fr:x"}, "PUBLIC_URL"},
		{"public url no scheme", map[string]string{"PUBLIC_URL": "garage-parrot.fr"}, "PUBLIC_URL"},
		{"maintenance date", map[string]string{"MAINTENANCE_START_DATE": "1er décembre"}, "MAINTENANCE_START_DATE"},
		{"tls and ssl", map[string]string{"MAIL_USE_TLS": "true", "MAIL_USE_SSL": "true"}, "MAIL_USE_SSL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := safeProduction(t)
			for k, v := range tc.set {
				env[k] = v
			}
			problems := mustLoad(t, env).Validate()
			if !hasProblem(problems, true, tc.variable) {
				t.Errorf("no fatal problem naming %s in %v", tc.variable, problems)
			}
			if !HasFatal(problems) {
				t.Error("HasFatal = false")
			}
		})
	}
}

func TestValidateDataDirPermissions(t *testing.T) {
	for _, tc := range []struct {
		mode  os.FileMode
		fatal bool
	}{
		{0o700, false}, {0o750, false}, {0o770, false},
		{0o701, true}, {0o702, true}, {0o704, true}, {0o755, true}, {0o777, true},
	} {
		env := safeProduction(t)
		if err := os.Chmod(env["DATA_DIR"], tc.mode); err != nil {
			t.Fatal(err)
		}
		problems := mustLoad(t, env).Validate()
		if got := hasProblem(problems, true, "DATA_DIR"); got != tc.fatal {
			t.Errorf("mode %04o: fatal DATA_DIR problem = %v, want %v (%v)", tc.mode, got, tc.fatal, problems)
		}
	}
	// A file where the directory should be.
	env := safeProduction(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env["DATA_DIR"] = file
	if p := mustLoad(t, env).Validate(); !hasProblem(p, true, "DATA_DIR") {
		t.Errorf("DATA_DIR is a file: %v", p)
	}
}

func TestValidateProductionWarnings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      map[string]string
		variable string
		text     string
	}{
		{"sqlite", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL", "SQLite en production"},
		{"no mail server", map[string]string{"MAIL_SERVER": ""}, "MAIL_SERVER", "les e-mails ne seront pas envoyés"},
		{"no trusted proxies", map[string]string{"TRUSTED_PROXIES": ""}, "TRUSTED_PROXIES", "proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := safeProduction(t)
			for k, v := range tc.set {
				env[k] = v
			}
			problems := mustLoad(t, env).Validate()
			if len(problems) != 1 || problems[0].Fatal || !strings.Contains(problems[0].Message, tc.variable) ||
				!strings.Contains(problems[0].Message, tc.text) {
				t.Errorf("want one warning naming %s with %q, got %v", tc.variable, tc.text, problems)
			}
			if HasFatal(problems) {
				t.Error("HasFatal = true for a warning")
			}
		})
	}
}

func TestValidateDevelopment(t *testing.T) {
	// Unsafe values that production refuses pass in development...
	c := mustLoad(t, map[string]string{
		"SECRET_KEY": "dev", "PUBLIC_URL": "http://localhost:8080", "DATA_DIR": t.TempDir(),
	})
	if p := c.Validate(); len(p) != 0 {
		t.Errorf("development: Validate() = %v, want none", p)
	}
	// ...but TLS with SSL and a bad maintenance date are always reported.
	c = mustLoad(t, map[string]string{"MAIL_USE_TLS": "1", "MAIL_USE_SSL": "1", "MAINTENANCE_START_DATE": "bientôt"})
	p := c.Validate()
	if len(p) != 2 || !hasProblem(p, true, "MAIL_USE_TLS") || !hasProblem(p, true, "MAINTENANCE_START_DATE") {
		t.Errorf("development: Validate() = %v", p)
	}
}

func TestValidateFatalFirst(t *testing.T) {
	env := safeProduction(t)
	env["DATABASE_URL"], env["MAIL_SERVER"], env["SECRET_KEY"] = "", "", ""
	p := mustLoad(t, env).Validate()
	seenWarning := false
	for _, pr := range p {
		if !pr.Fatal {
			seenWarning = true
		} else if seenWarning {
			t.Errorf("fatal problem after a warning: %v", p)
		}
		if strings.ContainsRune(pr.Message, '\n') {
			t.Errorf("multi-line message %q", pr.Message)
		}
	}
	if got := (Problem{Fatal: true, Message: "x"}).String(); got != "ERREUR : x" {
		t.Errorf("String() = %q", got)
	}
	if got := (Problem{Message: "x"}).String(); got != "AVERTISSEMENT : x" {
		t.Errorf("String() = %q", got)
	}
}

func TestValidatePrivateFiles(t *testing.T) {
	for _, name := range []string{"garage.db", "photos", "backups"} {
		t.Run(name, func(t *testing.T) {
			env := safeProduction(t)
			dir := env["DATA_DIR"]
			env["DATABASE_URL"] = "sqlite:" + filepath.Join(dir, "garage.db")
			p := filepath.Join(dir, name)
			if name == "garage.db" {
				if err := os.WriteFile(p, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			if hasProblem(mustLoad(t, env).Validate(), true, p) {
				t.Fatalf("%s with mode 0700/0600 reported", name)
			}
			if err := os.Chmod(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if !hasProblem(mustLoad(t, env).Validate(), true, p) {
				t.Fatalf("%s readable by others not reported", name)
			}
		})
	}
}
