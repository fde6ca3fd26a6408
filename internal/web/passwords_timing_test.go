package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestPasswordResetRequestAnswersBeforeAnyWork: for a known and an unknown
// address alike, the whole answer reaches the visitor before the account is
// looked up or anything is written, so the time it takes cannot tell who has
// an account (no timing measured: the work is held until the answer is read).
func TestPasswordResetRequestAnswersBeforeAnyWork(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		release := make(chan struct{})
		var held atomic.Int32
		e.app.beforeDeferredWork = func() {
			held.Add(1)
			<-release
		}
		ask := func(email string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/mot-de-passe-oublie", strings.NewReader(url.Values{"email": {email}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.server.URL)
			res, err := e.client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			return res.StatusCode, string(b)
		}
		tokens := func() (n int) {
			if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM account_tokens`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Known account: the answer is complete while the work is held.
		status, known := ask(employeeEmail)
		if status != http.StatusOK || !strings.Contains(known, "Si un compte du personnel correspond") {
			t.Fatalf("known: %d", status)
		}
		if n := tokens(); n != 0 {
			t.Fatalf("%d tokens written before the answer left", n)
		}
		if n := len(e.outbox(t)); n != 0 {
			t.Fatalf("%d mails queued before the answer left", n)
		}
		close(release)
		e.app.deferredWork.Wait()
		if tokens() != 1 || len(e.outbox(t)) != 1 {
			t.Fatal("the link was not made after the answer")
		}
		// Unknown account: the same path (the work runs, finds nobody).
		status, unknown := ask("personne@garage-parrot.test")
		e.app.deferredWork.Wait()
		if status != http.StatusOK || held.Load() != 2 {
			t.Fatalf("unknown: %d, deferred work run %d times, want 2", status, held.Load())
		}
		if known != unknown {
			t.Error("the answers differ")
		}
		if tokens() != 1 || len(e.outbox(t)) != 1 {
			t.Fatal("something was written for an unknown address")
		}
		if _, err := e.store.UserByEmail(context.Background(), "personne@garage-parrot.test"); err == nil {
			t.Fatal("unexpected account")
		}
	})
}
