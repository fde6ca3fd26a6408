package store_test

import (
	"context"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestRetentionPurges(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old := &garage.Message{LastName: "Ancien", FirstName: "A", Email: "a@exemple.fr", Subject: "s", Body: "b"}
		recent := &garage.Message{LastName: "Récent", FirstName: "R", Email: "r@exemple.fr", Subject: "s", Body: "b"}
		if err := s.CreateMessage(ctx, old, nil, t0.AddDate(-4, 0, 0)); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMessage(ctx, recent, nil, t0.AddDate(-1, 0, 0)); err != nil {
			t.Fatal(err)
		}
		n, err := s.DeleteMessagesUpdatedBefore(ctx, t0.AddDate(-3, 0, 0))
		if err != nil || n != 1 {
			t.Fatalf("purged %d %v", n, err)
		}
		if _, err := s.MessageByID(ctx, recent.ID); err != nil {
			t.Fatal("recent message purged")
		}
		if err := s.EnqueueMail(ctx, &garage.OutboxMail{Kind: "k", To: "x@exemple.fr", Subject: "s", Text: "t"}, t0.AddDate(0, -2, 0)); err != nil {
			t.Fatal(err)
		}
		// A pending mail is never purged, however old.
		if n, err := s.DeleteFinishedMailBefore(ctx, t0); err != nil || n != 0 {
			t.Fatalf("pending mail purged: %d %v", n, err)
		}
		if _, err := s.DB().Exec(`UPDATE mail_outbox SET status = 'sent'`); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteFinishedMailBefore(ctx, t0.AddDate(0, -1, 0)); err != nil || n != 1 {
			t.Fatalf("sent mail purge: %d %v", n, err)
		}
	})
}
