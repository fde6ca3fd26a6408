package throttle

import (
	"context"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// LoginCounters is the part of the store a LoginGuard needs.
type LoginCounters interface {
	RateCounters
	UnhitRate(ctx context.Context, key string, windowStart time.Time) error
	LoginFailuresFor(ctx context.Context, account string) (store.LoginFailures, error)
	ReserveLoginAttempt(ctx context.Context, account string, now time.Time, rule store.LoginBackoff) (bool, error)
	ClearLoginFailures(ctx context.Context, account string) error
}

// LoginGuard throttles password guessing, per client IP and per account,
// without ever locking an account for good:
//
//   - an IP that made IPLimit unsuccessful attempts in the current IPWindow
//     is refused until the window ends;
//   - an account (any e-mail typed, existing or not, so the answer reveals
//     nothing) gets FreeFailures free attempts, then must wait BaseDelay,
//     doubling with each further attempt up to MaxDelay. A run ends after a
//     success or after ResetAfter without attempt.
//
// Every attempt is counted in the database before its password is hashed
// (Reserve), so a burst of parallel requests, on one instance or several,
// gets no more evaluations than a patient attacker: the check and the count
// are one statement. A success gives its attempt back (Success).
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

func (g *LoginGuard) backoff() store.LoginBackoff {
	return store.LoginBackoff{Free: g.FreeFailures, Base: g.BaseDelay, Max: g.MaxDelay, ResetAfter: g.ResetAfter}
}

// Reserve counts an attempt from ip on account, before its password is
// checked. It returns 0 when the attempt may be evaluated now; otherwise how
// long to wait, and nothing is counted for the account.
func (g *LoginGuard) Reserve(ctx context.Context, ip, account string) (retryAfter time.Duration, err error) {
	now := g.Now()
	start := windowStart(now, g.IPWindow)
	hits, err := g.Counters.HitRate(ctx, ipKey(ip), start)
	if err != nil {
		return 0, err
	}
	if hits > g.IPLimit {
		return max(start.Add(g.IPWindow).Sub(now), time.Second), nil
	}
	ok, err := g.Counters.ReserveLoginAttempt(ctx, account, now, g.backoff())
	if err != nil || ok {
		return 0, err
	}
	// Refused for the account: the attempt is not evaluated, so it does not
	// count against the IP either.
	if err := g.Counters.UnhitRate(ctx, ipKey(ip), start); err != nil {
		return 0, err
	}
	f, err := g.Counters.LoginFailuresFor(ctx, account)
	if err != nil {
		return 0, err
	}
	if until := f.Last.Add(g.Delay(f.Count)); until.After(now) {
		return until.Sub(now).Round(time.Second) + time.Second, nil
	}
	return time.Second, nil // the run changed meanwhile: try again shortly
}

// Success gives back the attempt a correct password reserved: it does not
// count against the IP, and it ends the account's run.
func (g *LoginGuard) Success(ctx context.Context, ip, account string) error {
	if err := g.Counters.UnhitRate(ctx, ipKey(ip), windowStart(g.Now(), g.IPWindow)); err != nil {
		return err
	}
	return g.Counters.ClearLoginFailures(ctx, account)
}

// Unlock ends the account's run at once: a password reset by e-mail link
// proves the owner holds the mailbox, so an attacker's failures no longer
// keep them out (see docs/security.md).
func (g *LoginGuard) Unlock(ctx context.Context, account string) error {
	return g.Counters.ClearLoginFailures(ctx, account)
}
