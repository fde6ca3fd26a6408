package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// HitRate adds one hit to the fixed-window counter (key, windowStart) and
// returns the counter's new value. Every instance shares the counters.
func (s *Store) HitRate(ctx context.Context, key string, windowStart time.Time) (hits int, err error) {
	defer wrap(&err, "count hit")
	err = s.db.QueryRowContext(ctx,
		`INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1)
		 ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
		 RETURNING hits`, key, windowStart.Unix()).Scan(&hits)
	return hits, err
}

// RateHits returns the counter's value without changing it (0 when absent).
func (s *Store) RateHits(ctx context.Context, key string, windowStart time.Time) (hits int, err error) {
	defer wrap(&err, "read hits")
	err = s.db.QueryRowContext(ctx,
		`SELECT hits FROM rate_counters WHERE key = $1 AND window_start = $2`, key, windowStart.Unix()).Scan(&hits)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return hits, err
}

// DeleteRateCountersBefore removes windows that started before t.
func (s *Store) DeleteRateCountersBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete old counters")
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM rate_counters WHERE window_start < $1`, t.Unix()))
}

// LoginFailures is the run of consecutive failed logins for one account key.
type LoginFailures struct {
	Count int
	Last  time.Time
}

// LoginFailuresFor returns the current run of failures for an account key
// (zero when there is none).
func (s *Store) LoginFailuresFor(ctx context.Context, account string) (f LoginFailures, err error) {
	defer wrap(&err, "read login failures")
	var last int64
	err = s.db.QueryRowContext(ctx,
		`SELECT failures, last_failure_at FROM login_failures WHERE account = $1`, account).Scan(&f.Count, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return LoginFailures{}, nil
	} else if err != nil {
		return LoginFailures{}, err
	}
	f.Last = time.Unix(last, 0)
	return f, nil
}

// RecordLoginFailure adds a failure to the account's run, starting a new
// run when the previous failure is older than resetAfter, and returns the
// run's new length.
func (s *Store) RecordLoginFailure(ctx context.Context, account string, now time.Time, resetAfter time.Duration) (n int, err error) {
	defer wrap(&err, "record login failure")
	err = s.db.QueryRowContext(ctx,
		`INSERT INTO login_failures (account, failures, last_failure_at) VALUES ($1, 1, $2)
		 ON CONFLICT (account) DO UPDATE SET
		   failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
		   last_failure_at = $2
		 RETURNING failures`, account, now.Unix(), now.Add(-resetAfter).Unix()).Scan(&n)
	return n, err
}

// ClearLoginFailures ends an account's run of failures (after a success).
func (s *Store) ClearLoginFailures(ctx context.Context, account string) (err error) {
	defer wrap(&err, "clear login failures")
	_, err = s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE account = $1`, account)
	return err
}

// DeleteLoginFailuresBefore forgets runs whose last failure is older than t.
func (s *Store) DeleteLoginFailuresBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete old login failures")
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failure_at < $1`, t.Unix()))
}
