package throttle_test

import (
	"context"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/throttle"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiter(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
		l := &throttle.Limiter{Counters: s, Now: c.now}
		for i := 0; i < 5; i++ {
			if ok, _, err := l.Allow(ctx, "contact:192.0.2.1", 5, 10*time.Minute); !ok || err != nil {
				t.Fatalf("event %d refused: %v", i+1, err)
			}
		}
		ok, wait, err := l.Allow(ctx, "contact:192.0.2.1", 5, 10*time.Minute)
		if ok || err != nil || wait != 10*time.Minute {
			t.Fatalf("6th event: ok=%v wait=%v err=%v", ok, wait, err)
		}
		if ok, _, _ := l.Allow(ctx, "contact:192.0.2.2", 5, 10*time.Minute); !ok {
			t.Fatal("another IP is limited too")
		}
		c.advance(10 * time.Minute)
		if ok, _, _ := l.Allow(ctx, "contact:192.0.2.1", 5, 10*time.Minute); !ok {
			t.Fatal("still limited in the next window")
		}
	})
}

func TestLoginGuardPerAccount(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
		g := throttle.NewLoginGuard(s, c.now)
		const acct = "vincent@example.fr"
		// Five free attempts from different IPs.
		for i := range 5 {
			if wait, err := g.Reserve(ctx, "192.0.2."+string(rune('1'+i)), acct); wait != 0 || err != nil {
				t.Fatalf("attempt %d throttled: %v %v", i+1, wait, err)
			}
		}
		wait, err := g.Reserve(ctx, "198.51.100.7", acct)
		if err != nil || wait < 29*time.Second || wait > 31*time.Second {
			t.Fatalf("after 5 failures wait = %v (%v)", wait, err)
		}
		// Another account is not affected.
		if wait, _ := g.Reserve(ctx, "198.51.100.7", "other@example.fr"); wait != 0 {
			t.Fatalf("other account throttled %v", wait)
		}
		// A refused attempt does not lengthen the wait.
		if again, _ := g.Reserve(ctx, "198.51.100.8", acct); again != wait {
			t.Fatalf("wait grew from %v to %v", wait, again)
		}
		// An attacker hammering one account for an hour gets few evaluated
		// attempts, and is never locked out for good.
		attack := func(d time.Duration) (attempts int) {
			end := c.t.Add(d)
			for c.t.Before(end) {
				wait, err := g.Reserve(ctx, "198.51.100.7", acct)
				if err != nil {
					t.Fatal(err)
				}
				if wait > 0 {
					c.advance(wait)
					continue
				}
				attempts++
				c.advance(time.Second)
			}
			return attempts
		}
		if n := attack(time.Hour); n > 100 || n < 3 {
			t.Fatalf("%d evaluated attempts in the first hour", n)
		}
		if n := attack(3 * time.Hour); n < 3 {
			t.Fatalf("account locked for good: %d attempts in 3 hours", n)
		}
		if g.Delay(100) != 15*time.Minute {
			t.Fatalf("delay cap %v", g.Delay(100))
		}
		// The right password still gets in once the wait is over, and clears the run.
		if err := g.Success(ctx, "198.51.100.7", acct); err != nil {
			t.Fatal(err)
		}
		if wait, _ := g.Reserve(ctx, "198.51.100.7", acct); wait != 0 {
			t.Fatalf("still throttled after success: %v", wait)
		}
	})
}

func TestLoginGuardPerIP(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
		g := throttle.NewLoginGuard(s, c.now)
		for i := range 20 {
			acct := "user" + string(rune('a'+i)) + "@example.fr"
			if wait, _ := g.Reserve(ctx, "203.0.113.9", acct); wait != 0 {
				t.Fatalf("attempt %d throttled", i+1)
			}
			if i == 0 {
				// A success gives its attempt back: it does not count.
				if err := g.Success(ctx, "203.0.113.9", acct); err != nil {
					t.Fatal(err)
				}
			}
		}
		if wait, _ := g.Reserve(ctx, "203.0.113.9", "last@example.fr"); wait != 0 {
			t.Fatal("the 20th unsuccessful attempt is throttled")
		}
		wait, err := g.Reserve(ctx, "203.0.113.9", "new@example.fr")
		if err != nil || wait <= 0 || wait > 10*time.Minute {
			t.Fatalf("21st attempt from same IP: %v %v", wait, err)
		}
		if wait, _ := g.Reserve(ctx, "203.0.113.10", "new2@example.fr"); wait != 0 {
			t.Fatal("other IP throttled")
		}
		c.advance(wait)
		if wait, _ := g.Reserve(ctx, "203.0.113.9", "new@example.fr"); wait != 0 {
			t.Fatalf("IP still blocked in next window: %v", wait)
		}
	})
}
