package store

import "context"

// ContentVersion is a counter that grows with every change to what the public pages show: the garage's
// details, hours and exceptions, services, cars with their photos and equipment, and testimonials.
// Triggers (migration 00007) bump it in the same transaction as the change, so a cache keyed on it can
// never serve a page older than the last committed change, whichever instance made it.
//
// It is read at every request for a public page. The value returned comes from a query that began after
// the call, so it includes every change committed before the call; concurrent callers share such queries
// (freshReads), which under load turns one database round trip per request into one per round trip.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	return s.versions.get(ctx, s.readContentVersion)
}

// readContentVersion runs the query. On SQLite its statement is prepared once (parsing it was half of the
// cost of a cached page); pgx already keeps prepared statements per connection.
func (s *Store) readContentVersion(ctx context.Context) (int64, error) {
	const query = `SELECT n FROM content_version WHERE id = 1`
	var n int64
	if s.engine != SQLite {
		err := s.db.QueryRowContext(ctx, query).Scan(&n)
		return n, err
	}
	s.versionMu.Lock()
	if s.versionStmt == nil {
		stmt, err := s.db.PrepareContext(ctx, query)
		if err != nil {
			s.versionMu.Unlock()
			return 0, err // not migrated yet, or the database is unavailable: try again next time
		}
		s.versionStmt = stmt
	}
	stmt := s.versionStmt
	s.versionMu.Unlock()
	err := stmt.QueryRowContext(ctx).Scan(&n)
	return n, err
}

// bumpContentVersion is for the rare writes that bypass the triggers (a restore switches them off).
func bumpContentVersion(ctx context.Context, q querier) error {
	_, err := q.ExecContext(ctx, `UPDATE content_version SET n = n + 1 WHERE id = 1`)
	return err
}
