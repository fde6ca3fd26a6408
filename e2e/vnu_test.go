package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// validateHTML runs the Nu HTML Checker (the W3C's validator, npm package
// vnu-jar, on Java) once over the pages (path → HTML) and fails on every
// error. GARAGE_VNU_JAR names vnu.jar (scripts/test.sh installs it under
// CI=true and exports it); without it or without Java the check is skipped
// with a message, except with CI=true where it is mandatory.
func validateHTML(t *testing.T, pages map[string]string) {
	t.Helper()
	jar := os.Getenv("GARAGE_VNU_JAR")
	java, javaErr := exec.LookPath("java")
	if jar == "" || javaErr != nil {
		msg := "HTML validation skipped: set GARAGE_VNU_JAR to vnu.jar and install Java (scripts/test.sh does both with CI=true)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Log(msg)
		return
	}
	dir := t.TempDir()
	names := map[string]string{}
	var files []string
	for path, html := range pages {
		name := filepath.Join(dir, "page-"+strconv.Itoa(len(files))+".html")
		if err := os.WriteFile(name, []byte(html), 0o600); err != nil {
			t.Fatal(err)
		}
		names["file:"+name] = path
		files = append(files, name)
	}
	sort.Strings(files)
	cmd := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always"}, files...)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("vnu: %v\n%s", err, stderr.String())
	}
	var report struct {
		Messages []struct {
			URL     string `json:"url"`
			Type    string `json:"type"`
			Line    int    `json:"lastLine"`
			Message string `json:"message"`
			Extract string `json:"extract"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out.String())
	}
	for _, m := range report.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		path := names[m.URL]
		if path == "" {
			path = m.URL
		}
		t.Errorf("HTML %s line %d: %s\n    %s", path, m.Line, m.Message, strings.TrimSpace(m.Extract))
	}
	t.Logf("Nu HTML Checker: %d pages checked", len(files))
}
