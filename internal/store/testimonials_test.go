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

func TestTestimonialsModerationAndStats(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		staff := newUser(t, s, "lea@exemple.fr", garage.RoleEmployee)
		add := func(name string, rating int, status garage.TestimonialStatus) *garage.Testimonial {
			r := &garage.Testimonial{Name: name, Comment: "c", Rating: rating, Status: status, Email: "a@exemple.fr"}
			if err := s.CreateTestimonial(ctx, r, t0, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		pending := add("A", 1, "")
		add("B", 4, garage.TestimonialApproved)
		add("C", 5, garage.TestimonialApproved)
		if err := s.CreateTestimonial(ctx, &garage.Testimonial{Name: "X", Comment: "c", Rating: 6}, t0, garage.Actor{}); err == nil {
			t.Fatal("a rating of 6 was stored")
		}
		n, avg, err := s.TestimonialStats(ctx, t0.Add(-time.Hour))
		if err != nil || n != 2 || avg != 4.5 {
			t.Fatalf("stats %d %v %v", n, avg, err)
		}
		if p, _ := s.CountPendingTestimonials(ctx); p != 1 {
			t.Fatalf("pending %d", p)
		}
		if list, _ := s.ListTestimonialsForModeration(ctx, 10, 0); list[0].ID != pending.ID {
			t.Fatal("pending reviews do not come first")
		}
		// A refusal and its e-mail are stored together.
		before, err := s.ModerateTestimonial(ctx, pending.ID, garage.Moderation{Status: garage.TestimonialRejected, RejectGround: "publicite", By: staff.ID},
			func(b *garage.Testimonial) (*garage.OutboxMail, error) {
				return &garage.OutboxMail{To: b.Email, Subject: "Votre avis", Text: "refusé"}, nil
			}, t0.Add(time.Hour), garage.Actor{})
		if err != nil || before.Status != garage.TestimonialPending {
			t.Fatal(before, err)
		}
		if mails, _ := s.ListOutbox(ctx, 10); len(mails) != 1 || mails[0].To != "a@exemple.fr" {
			t.Fatalf("outbox %v", mails)
		}
		// Approving keeps nothing of the refusal; a review that was already
		// published keeps its first publication date.
		if _, err := s.ModerateTestimonial(ctx, pending.ID, garage.Moderation{Status: garage.TestimonialApproved, By: staff.ID}, nil, t0.Add(2*time.Hour), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.TestimonialByID(ctx, pending.ID)
		if got.RejectGround != "" || got.PublishedAt == nil || !got.PublishedAt.Equal(t0.Add(2*time.Hour)) || got.ModeratedBy == nil || *got.ModeratedBy != staff.ID {
			t.Fatalf("approved %+v", got)
		}
		if _, err := s.ModerateTestimonial(ctx, pending.ID, garage.Moderation{Status: garage.TestimonialApproved, By: staff.ID}, nil, t0.Add(3*time.Hour), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TestimonialByID(ctx, pending.ID); !got.PublishedAt.Equal(t0.Add(2 * time.Hour)) {
			t.Fatalf("publication date moved: %v", got.PublishedAt)
		}
		// Retention: only publications since the given time count.
		if n, _, _ := s.TestimonialStats(ctx, t0.Add(time.Hour)); n != 1 {
			t.Fatalf("stats since: %d", n)
		}
		if list, _ := s.ListApprovedTestimonials(ctx, t0.Add(-time.Hour), 10, 0); len(list) != 3 || list[0].ID != pending.ID {
			t.Fatalf("approved list %d", len(list))
		}
		if _, err := s.DeleteTestimonial(ctx, pending.ID, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteTestimonial(ctx, pending.ID, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}
