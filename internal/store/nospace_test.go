package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestNoSpaceClassification(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "53100", Message: "could not extend file: No space left on device"}, true},
		{fmt.Errorf("exec: %w", &pgconn.PgError{Code: "53100"}), true},
		{&pgconn.PgError{Code: "53200", Message: "out of memory"}, false},
		{&pgconn.PgError{Code: "23505"}, false},
		{&os.PathError{Op: "write", Path: "/var/lib/garage/photos/x", Err: syscall.ENOSPC}, true},
		{errors.New("database or disk is full (13)"), true},
		{errors.New("connection refused"), false},
		{nil, false},
	} {
		if got := store.IsNoSpace(tc.err); got != tc.want {
			t.Errorf("IsNoSpace(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if store.IsNoSpace(store.ErrUnavailable) || !store.IsNoSpace(fmt.Errorf("x: %w", store.ErrNoSpace)) {
		t.Error("sentinels")
	}
}

// TestSQLiteFullDatabase fills a real SQLite database up to its size limit
// (PRAGMA max_page_count) and checks that the failing write says ErrNoSpace,
// stores nothing, loses nothing, and that reads go on.
func TestSQLiteFullDatabase(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	msg := func(i int) *garage.Message {
		return &garage.Message{LastName: "Durand", FirstName: "Paul", Email: "paul@example.fr", Phone: "0612345678",
			Subject: fmt.Sprintf("Message %d", i), Body: strings.Repeat("Bonjour, je voudrais un rendez-vous. ", 120)}
	}
	if err := s.CreateMessage(ctx, msg(0), nil, now); err != nil {
		t.Fatal(err)
	}
	storetest.FillSQLite(t, s)
	var err error
	for i := 1; i < 200 && err == nil; i++ {
		err = s.CreateMessage(ctx, msg(i), nil, now)
	}
	if !errors.Is(err, store.ErrNoSpace) || !store.IsNoSpace(err) || store.IsUnavailable(err) {
		t.Fatalf("write on a full database: %v", err)
	}
	if !strings.Contains(err.Error(), "store: create message") {
		t.Fatalf("the operation is not named: %v", err)
	}
	list, rerr := s.ListMessages(ctx, "", 1000, 0)
	if rerr != nil || len(list) == 0 || list[len(list)-1].Subject != "Message 0" {
		t.Fatalf("reads on a full database: %d messages, %v", len(list), rerr)
	}
}
