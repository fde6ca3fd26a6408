package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store"
)

// The driver opens exactly the file the application checked and created:
// characters SQLite's URI syntax would decode ("%41" is "A") reach it
// escaped, and a "#" (a comment kept in the value) is refused before
// anything is created.
func TestSQLiteOpensTheCheckedPath(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "x%41y")
	path := filepath.Join(dir, "garage.db")
	s, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("the database is not at %s: %v", path, err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(root, "xAy")); err == nil {
		t.Fatal("the driver opened another path")
	}

	commented := filepath.Join(root, "c", "garage.db") + "   # the database"
	if _, err := store.Open(ctx, "sqlite:"+commented); err == nil || !strings.Contains(err.Error(), "#") {
		t.Fatalf("a path with a comment: %v", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Fatalf("a refused path left files behind: %v", entries)
	}
}
