// Package storetest opens real, migrated, throw-away databases for tests:
// a SQLite file in a temporary directory always, and a fresh PostgreSQL
// schema when GARAGE_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/vparrot/garage/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "GARAGE_TEST_POSTGRES_URL"

// Engines lists the engines to test on: SQLite always, PostgreSQL when
// GARAGE_TEST_POSTGRES_URL is set.
func Engines() []store.Engine {
	engines := []store.Engine{store.SQLite}
	if os.Getenv(EnvPostgres) != "" {
		engines = append(engines, store.Postgres)
	}
	return engines
}

// ForEachEngine runs fn as a subtest on each engine with a fresh store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a migrated store with roles, closed at the end of the test.
func Open(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	s := OpenEmpty(t, engine)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	if _, err := s.InitRoles(ctx); err != nil {
		t.Fatalf("init roles: %v", err)
	}
	return s
}

// OpenEmpty returns a store on a brand-new, unmigrated database.
func OpenEmpty(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	u := URL(t, engine)
	s, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	// Tests change the database behind the store's back (their second "instance" shares the store), then
	// look at once: every page must follow at once. The lag of PostgreSQL has its own tests.
	s.SetContentVersionLag(0)
	return s
}

// URL returns the DATABASE_URL of a fresh, empty database: a new SQLite
// file, or a new PostgreSQL schema (dropped at the end of the test) selected
// through search_path.
func URL(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "garage.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " not set")
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}
