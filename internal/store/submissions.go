package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ErrAlreadySubmitted means a public form's submission was stored before
// (a retried POST: same stamp, same content; see garage.SubmissionKey).
// Nothing was written; answer as for the first one.
var ErrAlreadySubmitted = errors.New("form already submitted")

// inTxOnce is inTx for a visitor's form: the transaction first claims key in
// form_submissions, then runs fn. When the key is already taken (the same
// submission stored before, or being stored by a concurrent request, which
// the database makes this one wait for) nothing is written and the error is
// ErrAlreadySubmitted. An empty key claims nothing (staff forms).
//
// A feature adopts it with one call: s.inTxOnce(ctx, key, now, fn) instead of
// s.inTx(ctx, fn); see docs/architecture.md.
func (s *Store) inTxOnce(ctx context.Context, key string, now time.Time, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if key != "" {
			if err := claimSubmission(ctx, tx, key, now); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// claimSubmission inserts key in form_submissions within tx, or returns
// ErrAlreadySubmitted when it is there.
func claimSubmission(ctx context.Context, tx *sql.Tx, key string, now time.Time) error {
	n, err := rowsAffected(tx.ExecContext(ctx,
		`INSERT INTO form_submissions (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, now.Unix()))
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrAlreadySubmitted
	}
	return nil
}

// DeleteFormSubmissionsBefore forgets the keys of submissions stored before
// t (the janitor: a form's stamp is refused after spam.MaxFormAge anyway).
func (s *Store) DeleteFormSubmissionsBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete old form submissions")
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM form_submissions WHERE created_at < $1`, t.Unix()))
}
