package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestAccountTokens(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "new@example.fr", garage.RoleEmployee)
		if err := s.CreateSession(ctx, &garage.Session{TokenHash: "sess", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.SendAccountLink(ctx, u.ID, garage.AccountLink{TokenHash: "old", Purpose: garage.TokenInvite}, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		// A new invitation revokes the previous link.
		if err := s.SendAccountLink(ctx, u.ID, garage.AccountLink{TokenHash: "tok", Purpose: garage.TokenInvite}, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountTokenUser(ctx, "old", garage.TokenInvite, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token: %v", err)
		}
		if got, err := s.AccountTokenUser(ctx, "tok", garage.TokenInvite, t0.Add(time.Hour)); err != nil || got.ID != u.ID {
			t.Fatalf("peek: %v %v", got, err)
		}
		if _, err := s.AccountTokenUser(ctx, "tok", garage.TokenReset, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("wrong purpose accepted: %v", err)
		}
		if _, err := s.UseAccountTokenAndSetPassword(ctx, "tok", garage.TokenInvite, "h", t0.Add(73*time.Hour), garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired token used: %v", err)
		}
		got, err := s.UseAccountTokenAndSetPassword(ctx, "tok", garage.TokenInvite, "newhash", t0.Add(time.Hour), garage.Actor{})
		if err != nil || got.PasswordHash != "newhash" {
			t.Fatalf("use: %v %v", got, err)
		}
		if _, _, err := s.SessionUser(ctx, "sess", t0, t0.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("sessions survive a password set by token")
		}
		if _, err := s.UseAccountTokenAndSetPassword(ctx, "tok", garage.TokenInvite, "again", t0.Add(time.Hour), garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("token used twice: %v", err)
		}
		if got, _ := s.UserByID(ctx, u.ID); got.PasswordHash != "newhash" {
			t.Fatal("second use changed the password")
		}
		if n, err := s.DeleteExpiredAccountTokens(ctx, t0.Add(100*time.Hour)); err != nil || n != 1 {
			t.Fatalf("cleanup %d %v", n, err)
		}
	})
}

func TestOutboxEnqueue(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := &garage.OutboxMail{Kind: "account.invite", To: "léa@example.fr", ToName: "Léa Martin", Subject: "Votre accès à l'espace du garage", Text: "Bonjour Léa"}
		if err := s.EnqueueMail(ctx, m, t0); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListOutbox(ctx, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		got := list[0]
		if got.ID != m.ID || got.Status != "pending" || got.Subject != m.Subject || got.ToName != "Léa Martin" ||
			!got.NextAttemptAt.Equal(t0) || got.SentAt != nil || !got.CreatedAt.Equal(t0) {
			t.Fatalf("stored %+v", got)
		}
	})
}

func TestDeleteOldLoginFailures(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.RecordLoginFailure(ctx, "a", t0, time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordLoginFailure(ctx, "b", t0.Add(2*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteLoginFailuresBefore(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("deleted %d %v", n, err)
		}
		if f, _ := s.LoginFailuresFor(ctx, "b"); f.Count != 1 {
			t.Fatal("recent run deleted")
		}
	})
}
