package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadDotEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	content := "# comment\nSECRET_KEY=from-file\nADDR=0.0.0.0:9000\nMAIL_SERVER='smtp.file'\nEMPTY_IN_ENV=from-file\nQUOTED=\"a b\"\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	real := map[string]string{"SECRET_KEY": "from-env", "EMPTY_IN_ENV": ""}
	lookup := func(k string) (string, bool) { v, ok := real[k]; return v, ok }

	getenv, err := LoadDotEnv(path, lookup)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"SECRET_KEY", "from-env"}, // the real environment wins
		{"EMPTY_IN_ENV", ""},       // even when set to empty
		{"ADDR", "0.0.0.0:9000"},   // the file fills the gaps
		{"MAIL_SERVER", "smtp.file"},
		{"QUOTED", "a b"},
		{"UNSET", ""},
	} {
		if got := getenv(tc.name); got != tc.want {
			t.Errorf("getenv(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	// The process environment is left alone.
	if _, ok := os.LookupEnv("QUOTED"); ok {
		t.Error("LoadDotEnv modified the process environment")
	}
}

func TestLoadDotEnvMissingFile(t *testing.T) {
	getenv, err := LoadDotEnv(filepath.Join(t.TempDir(), "absent.env"), func(k string) (string, bool) {
		return "env-" + k, true
	})
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if got := getenv("ADDR"); got != "env-ADDR" {
		t.Errorf("getenv(ADDR) = %q", got)
	}
}

func TestLoadDotEnvErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.env")
	if err := os.WriteFile(bad, []byte("NOT A VALID LINE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDotEnv(bad, nil); err == nil {
		t.Error("malformed file: no error")
	}
	// A directory cannot be read as a file.
	if _, err := LoadDotEnv(dir, nil); err == nil {
		t.Error("directory: no error")
	}
}
