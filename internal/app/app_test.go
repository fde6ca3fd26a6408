package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/app"
	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestMain moves the whole test binary into an empty directory: Run reads a
// .env from the working directory, and none of these tests may depend on
// one lying around in the package directory. Tests that want a .env use
// t.Chdir into their own directory (they cannot run in parallel).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "garage-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.Chdir(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// engines lists both engines whatever the environment: storetest.URL skips
// the PostgreSQL subtests (visibly) when GARAGE_TEST_POSTGRES_URL is unset.
var engines = []store.Engine{store.SQLite, store.Postgres}

// result is what one garage invocation did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// lookupFrom is a fake environment backed by a map.
func lookupFrom(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// run executes "garage args..." in process with env as the whole
// environment and stdin as standard input.
func run(t testing.TB, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := app.Run(t.Context(), append([]string{"garage"}, args...), lookupFrom(env),
		strings.NewReader(stdin), &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustRun runs a command that must succeed.
func mustRun(t testing.TB, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	r := run(t, env, stdin, args...)
	if r.code != 0 {
		t.Fatalf("garage %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// dbEnv is a development environment using databaseURL.
func dbEnv(databaseURL string) map[string]string {
	return map[string]string{"DATABASE_URL": databaseURL}
}

// migratedURL returns the URL of a fresh database brought up to date with
// "garage db upgrade" and "garage init-roles".
func migratedURL(t testing.TB, engine store.Engine) string {
	t.Helper()
	u := storetest.URL(t, engine)
	mustRun(t, dbEnv(u), "", "db", "upgrade")
	mustRun(t, dbEnv(u), "", "init-roles")
	return u
}

// openStore opens the database at u for inspection, closed at the end of
// the test.
func openStore(t testing.TB, u string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// randomSecret returns a random 48-character SECRET_KEY.
func randomSecret(t testing.TB) string {
	t.Helper()
	var b [36]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// privateDir returns a new directory with mode perm.
func privateDir(t testing.TB, perm os.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil { // Mkdir is subject to the umask
		t.Fatal(err)
	}
	return dir
}

// syncBuffer is an io.Writer safe for a server's concurrent log writes
// while the test reads what was written.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonLogs decodes the complete JSON log lines written so far, skipping
// any other line (create-admin and demo print plain text too).
func jsonLogs(s string) []map[string]any {
	var recs []map[string]any
	for line := range strings.Lines(s) {
		if !strings.HasSuffix(line, "\n") {
			break // still being written
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil {
			recs = append(recs, rec)
		}
	}
	return recs
}

// findLog returns the first JSON log record with the given msg.
func findLog(s, msg string) map[string]any {
	for _, rec := range jsonLogs(s) {
		if rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

// waitLog waits until out holds a JSON log record with msg, or fails the
// test at the deadline or when the command has already returned. The
// deadline only catches a hang: under the race detector on a loaded
// machine, the demo's seeding (about 30 cars, each photo decoded and
// resized) took more than 20 s.
func waitLog(t testing.TB, out *syncBuffer, msg string, done <-chan int) map[string]any {
	t.Helper()
	// Generous: a demo seed draws its photos, which under the race detector
	// on a busy 2-core CI machine takes minutes. A bound, not a speed check.
	const wait = 5 * time.Minute
	deadline := time.Now().Add(wait)
	for {
		if rec := findLog(out.String(), msg); rec != nil {
			return rec
		}
		select {
		case code := <-done:
			t.Fatalf("command exited with code %d before logging %q:\n%s", code, msg, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q log line within %s:\n%s", msg, wait, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// commandNames are the subcommands, as typed.
var commandNames = [][]string{{"serve"}, {"db", "upgrade"}, {"init-roles"}, {"create-admin"}, {"check"}, {"demo"}}

func assertMentionsEveryVar(t *testing.T, out string) {
	t.Helper()
	for _, v := range config.Vars() {
		if !strings.Contains(out, v.Name) {
			t.Errorf("help does not mention %s:\n%s", v.Name, out)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h", "help"} {
		t.Run(arg, func(t *testing.T) {
			t.Parallel()
			r := run(t, nil, "", arg)
			if r.code != 0 {
				t.Fatalf("garage %s: %v", arg, r)
			}
			assertMentionsEveryVar(t, r.stdout)
			for _, c := range commandNames {
				if !strings.Contains(r.stdout, strings.Join(c, " ")) {
					t.Errorf("garage %s does not list the command %q", arg, strings.Join(c, " "))
				}
			}
			for _, step := range []string{"garage db upgrade", "garage init-roles", "garage create-admin"} {
				if !strings.Contains(r.stdout, step) {
					t.Errorf("garage %s does not explain the first start-up step %q", arg, step)
				}
			}
		})
	}
	for _, c := range commandNames {
		name := strings.Join(c, " ")
		for _, flag := range []string{"--help", "-h"} {
			t.Run(name+" "+flag, func(t *testing.T) {
				t.Parallel()
				r := run(t, nil, "", append(c, flag)...)
				if r.code != 0 {
					t.Fatalf("garage %s %s: %v", name, flag, r)
				}
				if !strings.Contains(r.stdout, "Usage : garage "+name) {
					t.Errorf("no usage line for %q:\n%s", name, r.stdout)
				}
				assertMentionsEveryVar(t, r.stdout)
			})
		}
	}
	t.Run("create-admin documents its flags", func(t *testing.T) {
		t.Parallel()
		r := run(t, nil, "", "create-admin", "--help")
		for _, want := range []string{"-email", "-first-name", "-last-name", "entrée standard"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("create-admin --help lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "-password") {
			t.Errorf("create-admin --help offers a password flag:\n%s", r.stdout)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	// None of these may touch the database: they are refused before.
	dbPath := filepath.Join(t.TempDir(), "jamais.db")
	env := dbEnv("sqlite:" + dbPath)
	tests := []struct {
		args   []string
		stderr string // a fragment of the expected message, if any
	}{
		{nil, ""},
		{[]string{"frobnicate"}, "commande inconnue"},
		{[]string{"db"}, "commande inconnue"},
		{[]string{"db", "downgrade"}, "commande inconnue"},
		{[]string{"Serve"}, "commande inconnue"},
		{[]string{"serve", "--bogus"}, "bogus"},
		{[]string{"serve", "now"}, "argument inattendu"},
		{[]string{"db", "upgrade", "--force"}, "force"},
		{[]string{"init-roles", "admin"}, "argument inattendu"},
		{[]string{"check", "--strict"}, "strict"},
		{[]string{"check", "production"}, "argument inattendu"},
		{[]string{"demo", "--port", "80"}, "port"},
		{[]string{"create-admin"}, "--email"},
		{[]string{"create-admin", "--email"}, "email"},
		{[]string{"create-admin", "--email", ""}, "--email"},
		{[]string{"create-admin", "--email", "pas-une-adresse"}, "--email"},
		{[]string{"create-admin", "--email", "vincent@"}, "--email"},
		{[]string{"create-admin", "--email", "Vincent <vincent@example.test>"}, "--email"},
		{[]string{"create-admin", "--email", "vincent@example.test", "--password", "x"}, "password"},
		{[]string{"create-admin", "--email", "vincent@example.test", "--password=Vidange-Courroie-2026"}, "password"},
		{[]string{"create-admin", "--email", "vincent@example.test", "Vidange-Courroie-2026"}, "argument inattendu"},
		{[]string{"create-admin", "--email", "vincent@example.test", "--first-name", " "}, "prénom"},
		{[]string{"create-admin", "--email", "vincent@example.test", "--last-name", ""}, "nom"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, env, "Vidange-Courroie-2026\n", tt.args...)
			if r.code != 2 {
				t.Fatalf("garage %q: want exit 2, got %v", tt.args, r)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("garage %q: stderr lacks %q:\n%s", tt.args, tt.stderr, r.stderr)
			}
		})
	}
	if _, err := os.Stat(dbPath); !os.IsNotExist(err) {
		t.Errorf("a usage error opened the database (stat: %v)", err)
	}
}

// TestDotEnv checks that Run reads .env from the working directory without
// ever letting it override the real environment. It changes directory, so
// it cannot run in parallel.
func TestDotEnv(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	u := "sqlite:" + filepath.Join(dir, "db", "garage.db")
	dotenv := "# test\nAPP_ENV=production\nSECRET_KEY=court\nDATABASE_URL=" + u + "\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}

	// DATABASE_URL comes from the file.
	r := mustRun(t, nil, "", "db", "upgrade")
	if !strings.Contains(r.stdout, "migrée") {
		t.Errorf("db upgrade did not migrate the .env database:\n%v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "db", "garage.db")); err != nil {
		t.Errorf("the database named in .env was not created: %v", err)
	}

	// APP_ENV=production and the short SECRET_KEY come from the file.
	r = run(t, nil, "", "check")
	if r.code != 1 || !strings.Contains(r.stdout, "SECRET_KEY est trop courte") {
		t.Errorf("check did not use APP_ENV and SECRET_KEY from .env:\n%v", r)
	}

	// The environment wins, even when it sets a variable to "".
	r = run(t, map[string]string{"APP_ENV": ""}, "", "check")
	if r.code != 0 {
		t.Errorf("APP_ENV set to \"\" in the environment did not override .env:\n%v", r)
	}

	// An unreadable .env stops every command with exit code 1.
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET_KEY='jamais fermée\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, "", "check")
	if r.code != 1 || !strings.Contains(r.stderr, ".env") {
		t.Errorf("a malformed .env was not refused:\n%v", r)
	}
}
