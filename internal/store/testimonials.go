package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

const testimonialColumns = `id, name, comment, rating, experience_date, email, status, reject_ground, reject_reason,
	source, created_by, moderated_by, published_at, created_at, updated_at`

func scanTestimonial(row scanner) (*garage.Testimonial, error) {
	var t garage.Testimonial
	var created, moderated sql.NullInt64
	var published sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &t.Comment, &t.Rating, &t.ExperienceDate, &t.Email, &t.Status, &t.RejectGround,
		&t.RejectReason, &t.Source, &created, &moderated, &published, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	if created.Valid {
		id := created.Int64
		t.CreatedBy = &id
	}
	if moderated.Valid {
		id := moderated.Int64
		t.ModeratedBy = &id
	}
	if published.Valid {
		p := time.Unix(published.Int64, 0).UTC()
		t.PublishedAt = &p
	}
	return &t, nil
}

func nullID(id *int64) sql.NullInt64 {
	if id == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *id, Valid: true}
}

// CreateTestimonial stores t: a visitor's review (pending; by is the zero
// Actor, nothing is audited), or one the staff received offline and enters
// approved, published at once and audited.
func (s *Store) CreateTestimonial(ctx context.Context, t *garage.Testimonial, now time.Time, by garage.Actor) (err error) {
	return s.CreateTestimonialOnce(ctx, "", t, now, by)
}

// CreateTestimonialOnce is CreateTestimonial for a visitor's form: key
// (garage.SubmissionKey) is claimed in the same transaction, and a second
// submission with the same key stores nothing and returns
// ErrAlreadySubmitted.
func (s *Store) CreateTestimonialOnce(ctx context.Context, key string, t *garage.Testimonial, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create testimonial")
	now = now.UTC()
	if t.Status == "" {
		t.Status = garage.TestimonialPending
	}
	if t.Source == "" {
		t.Source = garage.SourceVisitor
	}
	var published sql.NullInt64
	if t.Status == garage.TestimonialApproved {
		published = sql.NullInt64{Int64: now.Unix(), Valid: true}
		p := time.Unix(now.Unix(), 0).UTC()
		t.PublishedAt = &p
	}
	return s.inTxOnce(ctx, key, now, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO testimonials (name, comment, rating, experience_date, email, status, source, created_by, moderated_by,
			   published_at, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			t.Name, t.Comment, t.Rating, t.ExperienceDate, t.Email, string(t.Status), t.Source, nullID(t.CreatedBy), nullID(t.ModeratedBy),
			published, now).Scan(&t.ID)
		if err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = now, now
		return audit(ctx, tx, by, now, "review.create", garage.Target("testimonial", t.ID),
			map[string]string{"name": t.Name, "rating": strconv.Itoa(t.Rating)})
	})
}

// TestimonialByID returns one testimonial.
func (s *Store) TestimonialByID(ctx context.Context, id int64) (t *garage.Testimonial, err error) {
	defer wrap(&err, "read testimonial %d", id)
	return scanTestimonial(s.db.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`, id))
}

// ListApprovedTestimonials returns the testimonials published since
// since, newest publication first: the only ones ever shown to the public.
func (s *Store) ListApprovedTestimonials(ctx context.Context, since time.Time, limit, offset int) (list []*garage.Testimonial, err error) {
	defer wrap(&err, "list approved testimonials")
	return queryAll(ctx, s.db, scanTestimonial, `SELECT `+testimonialColumns+` FROM testimonials
		WHERE status = 'approved' AND published_at >= $1
		ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3`, since.Unix(), limit, offset)
}

// ListTestimonialsForModeration returns every testimonial, pending first,
// then newest first.
func (s *Store) ListTestimonialsForModeration(ctx context.Context, limit, offset int) (list []*garage.Testimonial, err error) {
	defer wrap(&err, "list testimonials")
	return queryAll(ctx, s.db, scanTestimonial, `SELECT `+testimonialColumns+` FROM testimonials
		ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT $1 OFFSET $2`, limit, offset)
}

// TestimonialStats returns the number and the average rating of the
// testimonials published since since (0, 0 when there is none).
func (s *Store) TestimonialStats(ctx context.Context, since time.Time) (count int, average float64, err error) {
	defer wrap(&err, "testimonial stats")
	var avg sql.NullFloat64
	err = s.db.QueryRowContext(ctx,
		`SELECT COUNT(*), AVG(CAST(rating AS DOUBLE PRECISION)) FROM testimonials
		  WHERE status = 'approved' AND published_at >= $1`, since.Unix()).Scan(&count, &avg)
	return count, avg.Float64, err
}

// CountPendingTestimonials counts the reviews waiting for moderation.
func (s *Store) CountPendingTestimonials(ctx context.Context) (n int, err error) {
	defer wrap(&err, "count pending testimonials")
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM testimonials WHERE status = 'pending'`).Scan(&n)
	return n, err
}

// ModerateTestimonial applies mod and returns the testimonial as it was.
// When notify returns a mail (e.g. the refusal for the author), it is
// queued in the same transaction.
func (s *Store) ModerateTestimonial(ctx context.Context, id int64, mod garage.Moderation, notify func(before *garage.Testimonial) (*garage.OutboxMail, error), now time.Time, by garage.Actor) (before *garage.Testimonial, err error) {
	defer wrap(&err, "moderate testimonial %d", id)
	now = now.UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err = scanTestimonial(tx.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		var published sql.NullInt64
		if mod.Status == garage.TestimonialApproved {
			published = sql.NullInt64{Int64: now.Unix(), Valid: true}
			if before.PublishedAt != nil {
				published.Int64 = before.PublishedAt.Unix()
			}
		}
		if mod.Status != garage.TestimonialRejected {
			mod.RejectGround, mod.RejectReason = "", ""
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE testimonials SET status = $1, reject_ground = $2, reject_reason = $3, moderated_by = $4, published_at = $5,
			   updated_at = $6 WHERE id = $7`,
			string(mod.Status), mod.RejectGround, mod.RejectReason, mod.By, published, now, id); err != nil {
			return err
		}
		if err := enqueueNotification(ctx, tx, notify, before, now); err != nil {
			return err
		}
		details := map[string]string{"status_before": string(before.Status), "status_after": string(mod.Status)}
		if mod.Status == garage.TestimonialRejected {
			details["ground"], details["reason"] = mod.RejectGround, mod.RejectReason
		}
		return audit(ctx, tx, by, now, "review."+string(mod.Status), garage.Target("testimonial", id), details)
	})
	return before, err
}

// DeleteTestimonial removes a testimonial and returns it.
func (s *Store) DeleteTestimonial(ctx context.Context, id int64, now time.Time, by garage.Actor) (before *garage.Testimonial, err error) {
	defer wrap(&err, "delete testimonial %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err = scanTestimonial(tx.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM testimonials WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "review.delete", garage.Target("testimonial", id), map[string]string{
			"status": string(before.Status), "name": before.Name, "rating": strconv.Itoa(before.Rating), "comment": before.Comment,
		})
	})
	return before, err
}
