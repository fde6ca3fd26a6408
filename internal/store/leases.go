package store

import (
	"context"
	"time"
)

// TakeLease takes the lease called name for holder until now+ttl, when
// nobody holds it or its holder's time is up (or holder already has it).
// It is one atomic statement, so among instances racing for it exactly
// one gets true.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (taken bool, err error) {
	defer wrap(&err, "take lease %s", name)
	n, err := rowsAffected(s.db.ExecContext(ctx,
		`INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		 WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder`,
		name, holder, now.Add(ttl).Unix(), now.Unix()))
	return n == 1, err
}

// ReleaseLease gives the lease back if holder still has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) (err error) {
	defer wrap(&err, "release lease %s", name)
	_, err = s.db.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return err
}
