package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
)

// docBlock returns the first fenced block of kind lang after the heading in
// the doc (a path from the repository root).
func docBlock(t *testing.T, doc, heading, lang string) string {
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

// The environment file of deployment.md, loaded as its garage_env one-liner
// does (sh, set -a), gives every value whole (MAIL_FROM with its spaces) and
// no comment inside a value; config reads it without a load error.
func TestDeploymentEnvFileLoads(t *testing.T) {
	block := docBlock(t, "docs/deployment.md", "## Environment", "sh")
	for line := range strings.Lines(block) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") && strings.Contains(line, "#") {
			t.Errorf("a comment on a value's line (systemd keeps it in the value): %q", line)
		}
	}
	file := filepath.Join(t.TempDir(), "garage.env")
	if err := os.WriteFile(file, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", "-c", `set -a; . "$1"; set +a; exec env`, "garage-env", file).Output()
	if err != nil {
		t.Fatalf("sh cannot load the file: %v", err)
	}
	env := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "="); ok {
			env[k] = v
		}
	}
	for k, want := range map[string]string{
		"MAIL_FROM":    "Garage V. Parrot <contact@garage-parrot.fr>",
		"DATABASE_URL": "sqlite:/var/lib/garage/garage.db",
		"LOG_FILE":     "/var/log/garage/garage.log",
		"APP_ENV":      "production",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	get := func(k string) string { return env[k] }
	if p := config.CommentedValues(get); len(p) != 0 {
		t.Errorf("values with comments: %v", p)
	}
	if _, err := config.Load(get); err != nil {
		t.Errorf("config.Load: %v", err)
	}
}

// The unit of deployment.md: LogsDirectory for LOG_FILE, a stop timeout
// above the longest drain + the shutdown timeout + the mail batch, and
// systemd's own verdict when systemd-analyze is installed.
func TestDeploymentSystemdUnit(t *testing.T) {
	unit := docBlock(t, "docs/deployment.md", "## systemd", "ini")
	keys := map[string]string{}
	for line := range strings.Lines(unit) {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			keys[k] = v
		}
	}
	if keys["LogsDirectory"] != "garage" {
		t.Errorf("LogsDirectory = %q: LOG_FILE=/var/log/garage/… needs LogsDirectory=garage", keys["LogsDirectory"])
	}
	stop, err := strconv.Atoi(keys["TimeoutStopSec"])
	if err != nil {
		t.Fatalf("TimeoutStopSec = %q", keys["TimeoutStopSec"])
	}
	const longestDrain, mailBatch = 10 * time.Second, 10 * time.Second // scaling.md's drain; a batch of 20 mails
	if need := longestDrain + shutdownTimeout + mailBatch; time.Duration(stop)*time.Second <= need {
		t.Errorf("TimeoutStopSec=%d: systemd would kill the process before drain + requests + mail (%v)", stop, need)
	}
	for _, k := range []string{"EnvironmentFile", "ExecStart", "User", "StateDirectory"} {
		if keys[k] == "" {
			t.Errorf("no %s", k)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not installed: parsed only")
		return
	}
	dir := t.TempDir()
	// The binary and the environment file must exist for verify; stand-ins take their places.
	envFile := filepath.Join(dir, "garage.env")
	if err := os.WriteFile(envFile, []byte("APP_ENV=production\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u := strings.ReplaceAll(unit, "/usr/local/bin/garage", "/bin/true")
	u = strings.ReplaceAll(u, "/etc/garage/garage.env", envFile)
	path := filepath.Join(dir, "garage.service")
	if err := os.WriteFile(path, []byte(u), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "garage.service:") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
