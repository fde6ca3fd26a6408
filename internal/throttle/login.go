package throttle

import (
	"context"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// LoginCounters is the part of the store a LoginGuard needs.
type LoginCounters interface {
	RateCounters
	LoginFailuresFor(ctx context.Context, account string) (store.LoginFailures, error)
	RecordLoginFailure(ctx context.Context, account string, now time.Time, resetAfter time.Duration) (int, error)
	ClearLoginFailures(ctx context.Context, account string) error
}

// LoginGuard throttles password guessing, per client IP and per account,
// without ever locking an account for good:
//
//   - an IP that failed IPLimit times in the current IPWindow is refused
//     until the window ends;
//   - an account (any e-mail typed, existing or not, so the answer reveals
//     nothing) gets FreeFailures free failures, then must wait BaseDelay,
//     doubling with each further failure up to MaxDelay. A run of failures
//     ends after a success or after ResetAfter without failure.
//
// With the defaults an account sees at most a few dozen evaluated
// attempts per hour, far below the ~100 of the brief.
type LoginGuard struct {
	Counters     LoginCounters
	Now          func() time.Time
	IPLimit      int
	IPWindow     time.Duration
	FreeFailures int
	BaseDelay    time.Duration
	MaxDelay     time.Duration
	ResetAfter   time.Duration
}

// NewLoginGuard returns a guard with the production settings.
func NewLoginGuard(c LoginCounters, now func() time.Time) *LoginGuard {
	return &LoginGuard{
		Counters:     c,
		Now:          now,
		IPLimit:      20,
		IPWindow:     10 * time.Minute,
		FreeFailures: 5,
		BaseDelay:    30 * time.Second,
		MaxDelay:     15 * time.Minute,
		ResetAfter:   time.Hour,
	}
}

// Delay is the wait imposed after the n-th consecutive failure.
func (g *LoginGuard) Delay(n int) time.Duration {
	if n < g.FreeFailures {
		return 0
	}
	d := g.BaseDelay
	for i := g.FreeFailures; i < n && d < g.MaxDelay; i++ {
		d *= 2
	}
	return min(d, g.MaxDelay)
}

func ipKey(ip string) string { return "login:ip:" + ip }

// Check says whether an attempt from ip on account may be evaluated now; if
// not, how long to wait.
func (g *LoginGuard) Check(ctx context.Context, ip, account string) (retryAfter time.Duration, err error) {
	l := Limiter{Counters: g.Counters, Now: g.Now}
	blocked, wait, err := l.Blocked(ctx, ipKey(ip), g.IPLimit, g.IPWindow)
	if err != nil || blocked {
		return wait, err
	}
	f, err := g.Counters.LoginFailuresFor(ctx, account)
	if err != nil {
		return 0, err
	}
	if f.Count == 0 || g.Now().Sub(f.Last) >= g.ResetAfter {
		return 0, nil
	}
	if until := f.Last.Add(g.Delay(f.Count)); until.After(g.Now()) {
		return until.Sub(g.Now()).Round(time.Second) + time.Second, nil
	}
	return 0, nil
}

// Failure records a failed attempt.
func (g *LoginGuard) Failure(ctx context.Context, ip, account string) error {
	now := g.Now()
	if _, err := g.Counters.HitRate(ctx, ipKey(ip), windowStart(now, g.IPWindow)); err != nil {
		return err
	}
	_, err := g.Counters.RecordLoginFailure(ctx, account, now, g.ResetAfter)
	return err
}

// Success ends the account's run of failures.
func (g *LoginGuard) Success(ctx context.Context, account string) error {
	return g.Counters.ClearLoginFailures(ctx, account)
}
