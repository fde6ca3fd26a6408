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

// UnhitRate takes back one hit of the counter (key, windowStart), never
// below zero: an attempt reserved with HitRate that turned out not to count
// (a successful login) is given back.
func (s *Store) UnhitRate(ctx context.Context, key string, windowStart time.Time) (err error) {
	defer wrap(&err, "give back hit")
	_, err = s.db.ExecContext(ctx,
		`UPDATE rate_counters SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0`, key, windowStart.Unix())
	return err
}

// LoginBackoff is the per-account rule ReserveLoginAttempt enforces: Free
// attempts in a run go through at once; after n ≥ Free attempts the next one
// waits Base·2^(n−Free), at most Max, after the last one; a run ends after
// ResetAfter without attempt (or when cleared by a success).
type LoginBackoff struct {
	Free       int
	Base, Max  time.Duration
	ResetAfter time.Duration
}

// ReserveLoginAttempt counts one login attempt for account before its
// password is checked, in one statement, when the account's back-off allows
// one now; it reports whether it did. Concurrent callers, in this process
// or another, are serialised by the database on the account's row: each
// sees the count the previous one left, so no more attempts go through than
// the rule allows, however many arrive at once. A refused attempt changes
// nothing.
func (s *Store) ReserveLoginAttempt(ctx context.Context, account string, now time.Time, rule LoginBackoff) (ok bool, err error) {
	defer wrap(&err, "reserve login attempt")
	// The wait after the stored count f, in seconds: 0 below Free, then Base
	// doubling, capped at Max (the shift is bounded so it cannot overflow).
	const wait = `(CASE WHEN login_failures.failures < $4 THEN 0
		WHEN login_failures.failures - $4 >= 30 THEN $6
		WHEN (CAST($5 AS BIGINT) << (login_failures.failures - $4)) > $6 THEN $6
		ELSE CAST($5 AS BIGINT) << (login_failures.failures - $4) END)`
	var n int
	err = s.db.QueryRowContext(ctx,
		`INSERT INTO login_failures (account, failures, last_failure_at) VALUES ($1, 1, $2)
		 ON CONFLICT (account) DO UPDATE SET
		   failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
		   last_failure_at = $2
		 WHERE login_failures.last_failure_at < $3 OR login_failures.last_failure_at + `+wait+` <= $2
		 RETURNING failures`,
		account, now.Unix(), now.Add(-rule.ResetAfter).Unix(), rule.Free,
		int64(rule.Base/time.Second), int64(rule.Max/time.Second)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
