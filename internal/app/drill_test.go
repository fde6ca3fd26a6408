package app_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
)

// fencedBlock returns the first fenced block of kind lang after heading in
// doc (a path from the repository root).
func fencedBlock(t *testing.T, doc, heading, lang string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0) // the tests run in a temporary directory (TestMain)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(self), "../..", doc))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, heading)
	if i < 0 {
		t.Fatalf("%s has no %q", doc, heading)
	}
	s = s[i:]
	j := strings.Index(s, "```"+lang+"\n")
	if j < 0 {
		t.Fatalf("%s: no %s block after %q", doc, lang, heading)
	}
	s = s[j+len(lang)+4:]
	return s[:strings.Index(s, "```")]
}

// The restore drill of operations.md: the restore runs as written and
// succeeds, and both commands' environments have no MAIL_SERVER (the
// pending mails of the backup are not sent again) and METRICS_ADDR=off (no
// collision with production's port).
func TestRestoreDrillAsDocumented(t *testing.T) {
	block := fencedBlock(t, "docs/operations.md", "### Restore drill", "sh")
	tmp := t.TempDir()
	var cmds [][]string
	for line := range strings.Lines(block) {
		line = strings.ReplaceAll(strings.TrimSpace(line), "/tmp/drill", filepath.Join(tmp, "drill"))
		if line == "" {
			continue
		}
		cmds = append(cmds, strings.Fields(line))
	}
	if len(cmds) != 2 {
		t.Fatalf("want the restore and the serve commands, got %q", cmds)
	}
	parse := func(fields []string) (map[string]string, []string) {
		if fields[0] != "env" || fields[1] != "-i" {
			t.Fatalf("the drill must start from a clean environment (env -i): %q", fields)
		}
		env := map[string]string{}
		i := 2
		for ; i < len(fields); i++ {
			k, v, ok := strings.Cut(fields[i], "=")
			if !ok {
				break
			}
			env[k] = v
		}
		if fields[i] != "garage" {
			t.Fatalf("not a garage command: %q", fields)
		}
		return env, fields[i+1:]
	}
	// A backup of a production-like database.
	src := migratedURL(t, store.SQLite)
	mustRun(t, dbEnv(src), "", "db", "backup", "--out", filepath.Join(tmp, "drill.tar.gz"))

	for _, c := range cmds {
		env, args := parse(c)
		if _, ok := env["MAIL_SERVER"]; ok || env["METRICS_ADDR"] != "off" {
			t.Fatalf("drill environment %v: it must set METRICS_ADDR=off and no MAIL_SERVER", env)
		}
		delete(env, "PATH")
		cfg, err := config.Load(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MetricsEnabled() || cfg.Mail.Server != "" {
			t.Fatalf("the drill would listen for metrics or send mail: %+v", cfg)
		}
		if args[0] == "db" {
			mustRun(t, env, "", args...)
		} else if args[0] != "serve" {
			t.Fatalf("unexpected command %q", args)
		}
	}
}
