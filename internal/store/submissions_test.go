package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestSubmissionOnce: the same key stores one message and one review, even
// when the submissions arrive at once, on both engines; an empty key claims
// nothing; old keys are forgotten.
func TestSubmissionOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		message := func() *garage.Message {
			return &garage.Message{LastName: "Durand", FirstName: "Paul", Email: "paul@example.fr", Phone: "0612345678",
				Subject: "Révision", Body: "Bonjour, je voudrais un rendez-vous pour une révision."}
		}
		mail := func(*garage.Message) (*garage.OutboxMail, error) {
			return &garage.OutboxMail{To: "garage@example.fr", Subject: "Nouveau message", Text: "x"}, nil
		}
		count := func(table string) (n int) {
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		key := garage.SubmissionKey("contact", "1234.abcd", "Durand", "Paul")
		if err := s.CreateMessageOnce(ctx, key, message(), mail, now); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMessageOnce(ctx, key, message(), mail, now); !errors.Is(err, store.ErrAlreadySubmitted) {
			t.Fatalf("second submission: %v", err)
		}
		if count("messages") != 1 || count("mail_outbox") != 1 {
			t.Fatalf("%d messages, %d mails", count("messages"), count("mail_outbox"))
		}

		// Concurrent identical submissions: one row, the others told so.
		const n = 8
		for _, kind := range []string{"message", "review"} {
			key := garage.SubmissionKey(kind, "5678.ef01", "concurrent")
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if kind == "message" {
						errs[i] = s.CreateMessageOnce(ctx, key, message(), mail, now)
					} else {
						errs[i] = s.CreateTestimonialOnce(ctx, key, &garage.Testimonial{Name: "Paul", Comment: "Très bon accueil, travail soigné.",
							Rating: 5}, now, garage.Actor{})
					}
				}()
			}
			close(start)
			wg.Wait()
			stored := 0
			for _, err := range errs {
				switch {
				case err == nil:
					stored++
				case !errors.Is(err, store.ErrAlreadySubmitted):
					t.Fatalf("%s: %v", kind, err)
				}
			}
			if stored != 1 {
				t.Fatalf("%s: %d of %d concurrent identical submissions stored", kind, stored, n)
			}
		}
		if count("messages") != 2 || count("testimonials") != 1 || count("mail_outbox") != 2 {
			t.Fatalf("%d messages, %d reviews, %d mails", count("messages"), count("testimonials"), count("mail_outbox"))
		}

		// No key: nothing claimed (the staff's own entries).
		for range 2 {
			if err := s.CreateMessage(ctx, message(), nil, now); err != nil {
				t.Fatal(err)
			}
		}
		if count("messages") != 4 || count("form_submissions") != 3 {
			t.Fatalf("%d messages, %d keys", count("messages"), count("form_submissions"))
		}
		if n, err := s.DeleteFormSubmissionsBefore(ctx, now.Add(time.Second)); err != nil || n != 3 {
			t.Fatalf("janitor: %d %v", n, err)
		}
	})
}
