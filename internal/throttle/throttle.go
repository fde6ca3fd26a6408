// Package throttle holds the rate-limiting rules. The counters live in the
// database (see store.HitRate and store.ReserveLoginAttempt), so every
// instance of the application enforces the same limits.
package throttle

import (
	"context"
	"time"
)

// windowStart is the start of the fixed window of length w holding t.
func windowStart(t time.Time, w time.Duration) time.Time {
	return time.Unix(t.Unix()-t.Unix()%int64(w/time.Second), 0)
}

// RateCounters is the part of the store a Limiter needs.
type RateCounters interface {
	HitRate(ctx context.Context, key string, windowStart time.Time) (int, error)
	RateHits(ctx context.Context, key string, windowStart time.Time) (int, error)
}

// Limiter counts events per key in fixed windows.
type Limiter struct {
	Counters RateCounters
	Now      func() time.Time
}

// Allow counts one event for key and reports whether it stays within limit
// events per window; when it does not, it says how long until the window
// ends.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	now := l.Now()
	start := windowStart(now, window)
	n, err := l.Counters.HitRate(ctx, key, start)
	if err != nil {
		return false, 0, err
	}
	if n > limit {
		return false, start.Add(window).Sub(now), nil
	}
	return true, 0, nil
}

// Blocked reports, without counting, whether key has already reached limit
// events in the current window.
func (l *Limiter) Blocked(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	now := l.Now()
	start := windowStart(now, window)
	n, err := l.Counters.RateHits(ctx, key, start)
	if err != nil {
		return false, 0, err
	}
	if n >= limit {
		return true, start.Add(window).Sub(now), nil
	}
	return false, 0, nil
}
