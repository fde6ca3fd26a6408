package store

import "context"

// ContentVersion is a counter that grows with every change to what the public pages show: the garage's
// details, hours and exceptions, services, cars with their photos and equipment, and testimonials.
// Triggers (migration 00007) bump it in the same transaction as the change, so a cache keyed on it can
// never serve a page older than the last committed change, whichever instance made it.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT n FROM content_version WHERE id = 1`).Scan(&n)
	return n, err
}

// bumpContentVersion is for the rare writes that bypass the triggers (a restore switches them off).
func bumpContentVersion(ctx context.Context, q querier) error {
	_, err := q.ExecContext(ctx, `UPDATE content_version SET n = n + 1 WHERE id = 1`)
	return err
}
