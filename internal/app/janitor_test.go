package app

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// Issue 21: the janitor never ran in a test, so keeping messages three months instead of three years
// went unnoticed. One pass of the janitor, as serve wires it, against what the privacy page promises:
// IP counters erased after 24 hours, contact messages three years after the last exchange, the copy sent
// to the team a month after it was sent.
func TestJanitorKeepsThePrivacyPagePromises(t *testing.T) {
	_, self, _, _ := runtime.Caller(0) // the tests run in a temporary directory (TestMain)
	page, err := os.ReadFile(filepath.Join(filepath.Dir(self), "../web/views/legal_public.templ"))
	if err != nil {
		t.Fatal(err)
	}
	for _, promise := range []string{"effacés au bout de 24 heures", "trois ans après notre dernier échange", "un mois après son envoi"} {
		if !strings.Contains(string(page), promise) {
			t.Fatalf("the privacy page no longer says %q: update the janitor and this test with it", promise)
		}
	}
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		msg := func(at time.Time) *garage.Message {
			m := &garage.Message{LastName: "Nom", FirstName: "P", Email: "p@exemple.fr", Subject: "s", Body: "b"}
			if err := s.CreateMessage(ctx, m, nil, at); err != nil {
				t.Fatal(err)
			}
			return m
		}
		oldMsg, keptMsg := msg(now.AddDate(-3, 0, -1)), msg(now.AddDate(-3, 0, 1))
		sentMail := func(at time.Time) {
			if err := s.EnqueueMail(ctx, &garage.OutboxMail{Kind: "k", To: "x@exemple.fr", Subject: "s", Text: "t"}, at); err != nil {
				t.Fatal(err)
			}
		}
		sentMail(now.AddDate(0, -1, -1))
		sentMail(now.AddDate(0, 0, -25))
		if _, err := s.DB().Exec(`UPDATE mail_outbox SET status = 'sent'`); err != nil {
			t.Fatal(err)
		}
		oldWindow, keptWindow := now.Add(-25*time.Hour), now.Add(-23*time.Hour)
		for _, w := range []time.Time{oldWindow, keptWindow} {
			if _, err := s.HitRate(ctx, "contact:192.0.2.1", w); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RecordLoginFailure(ctx, "ancien@exemple.fr", now.Add(-25*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordLoginFailure(ctx, "recent@exemple.fr", now.Add(-23*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}

		janitorPass(ctx, s, quietLog(), now)

		if _, err := s.MessageByID(ctx, oldMsg.ID); err == nil {
			t.Error("a message older than three years was kept")
		}
		if _, err := s.MessageByID(ctx, keptMsg.ID); err != nil {
			t.Errorf("a message younger than three years was deleted: %v", err)
		}
		if list, err := s.ListOutbox(ctx, 100); err != nil || len(list) != 1 {
			t.Errorf("%d sent mails left, want the one younger than a month (%v)", len(list), err)
		}
		if n, _ := s.RateHits(ctx, "contact:192.0.2.1", oldWindow); n != 0 {
			t.Error("an IP counter older than 24 hours was kept")
		}
		if n, _ := s.RateHits(ctx, "contact:192.0.2.1", keptWindow); n != 1 {
			t.Error("an IP counter younger than 24 hours was deleted")
		}
		if f, _ := s.LoginFailuresFor(ctx, "ancien@exemple.fr"); f.Count != 0 {
			t.Error("login failures older than 24 hours were kept")
		}
		if f, _ := s.LoginFailuresFor(ctx, "recent@exemple.fr"); f.Count != 1 {
			t.Error("recent login failures were deleted")
		}
	})
}
