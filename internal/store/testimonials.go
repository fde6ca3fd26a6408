package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

const testimonialColumns = `id, name, comment, rating, experience_date, email, status, reject_ground, reject_reason,
	source, created_by, moderated_by, published_at, created_at, updated_at`

func scanTestimonial(row interface{ Scan(...any) error }) (*garage.Testimonial, error) {
	var t garage.Testimonial
	var created, moderated sql.NullInt64
	var published sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &t.Comment, &t.Rating, &t.ExperienceDate, &t.Email, &t.Status, &t.RejectGround,
		&t.RejectReason, &t.Source, &created, &moderated, &published, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, translate(err)
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

// CreateTestimonial stores t. An approved testimonial (entered by the
// staff) is published at once.
func (s *Store) CreateTestimonial(ctx context.Context, t *garage.Testimonial, now time.Time) error {
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
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO testimonials (name, comment, rating, experience_date, email, status, source, created_by, moderated_by,
		   published_at, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		t.Name, t.Comment, t.Rating, t.ExperienceDate, t.Email, string(t.Status), t.Source, nullID(t.CreatedBy), nullID(t.ModeratedBy),
		published, now).Scan(&t.ID)
	if err != nil {
		return translate(err)
	}
	t.CreatedAt, t.UpdatedAt = now, now
	return nil
}

// TestimonialByID returns one testimonial.
func (s *Store) TestimonialByID(ctx context.Context, id int64) (*garage.Testimonial, error) {
	return scanTestimonial(s.db.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`, id))
}

func (s *Store) listTestimonials(ctx context.Context, query string, args ...any) ([]*garage.Testimonial, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*garage.Testimonial
	for rows.Next() {
		t, err := scanTestimonial(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// ListApprovedTestimonials returns the testimonials published since
// since, newest publication first: the only ones ever shown to the public.
func (s *Store) ListApprovedTestimonials(ctx context.Context, since time.Time, limit, offset int) ([]*garage.Testimonial, error) {
	return s.listTestimonials(ctx, `SELECT `+testimonialColumns+` FROM testimonials
		WHERE status = 'approved' AND published_at >= $1
		ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3`, since.Unix(), limit, offset)
}

// ListTestimonialsForModeration returns every testimonial, pending first,
// then newest first.
func (s *Store) ListTestimonialsForModeration(ctx context.Context, limit, offset int) ([]*garage.Testimonial, error) {
	return s.listTestimonials(ctx, `SELECT `+testimonialColumns+` FROM testimonials
		ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT $1 OFFSET $2`, limit, offset)
}

// TestimonialStats returns the number and the average rating of the
// testimonials published since since (0, 0 when there is none).
func (s *Store) TestimonialStats(ctx context.Context, since time.Time) (count int, average float64, err error) {
	var avg sql.NullFloat64
	err = s.db.QueryRowContext(ctx,
		`SELECT COUNT(*), AVG(CAST(rating AS DOUBLE PRECISION)) FROM testimonials
		  WHERE status = 'approved' AND published_at >= $1`, since.Unix()).Scan(&count, &avg)
	return count, avg.Float64, err
}

// CountPendingTestimonials counts the reviews waiting for moderation.
func (s *Store) CountPendingTestimonials(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM testimonials WHERE status = 'pending'`).Scan(&n)
	return n, err
}

// ModerateTestimonial applies mod and returns the testimonial as it was.
// When notify returns a mail (e.g. the refusal for the author), it is
// queued in the same transaction.
func (s *Store) ModerateTestimonial(ctx context.Context, id int64, mod garage.Moderation, notify func(before *garage.Testimonial) *garage.OutboxMail, now time.Time) (before *garage.Testimonial, err error) {
	now = now.UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err = scanTestimonial(tx.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`, id))
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
		if notify != nil {
			if m := notify(before); m != nil {
				return enqueueMail(ctx, tx, m, now)
			}
		}
		return nil
	})
	return before, err
}

// DeleteTestimonial removes a testimonial and returns it.
func (s *Store) DeleteTestimonial(ctx context.Context, id int64) (*garage.Testimonial, error) {
	var before *garage.Testimonial
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		before, err = scanTestimonial(tx.QueryRowContext(ctx, `SELECT `+testimonialColumns+` FROM testimonials WHERE id = $1`, id))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM testimonials WHERE id = $1`, id)
		return err
	})
	return before, err
}
