package storetest

import (
	"fmt"
	"testing"

	"github.com/vparrot/garage/internal/store"
)

// FillSQLite limits s (one connection) to the pages it has and fills its
// free pages, so that the next write needing a page fails with SQLITE_FULL.
func FillSQLite(t *testing.T, s *store.Store) {
	t.Helper()
	db := s.DB()
	db.SetMaxOpenConns(1) // PRAGMA max_page_count holds for one connection
	var pages int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	for range 10000 {
		if _, err := db.Exec(`INSERT INTO filler (b) VALUES (randomblob(1000))`); err != nil {
			if !store.IsNoSpace(err) {
				t.Fatalf("filling: %v", err)
			}
			return
		}
	}
	t.Fatal("the database never filled up")
}
