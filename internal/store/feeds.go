package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// FeedSecret returns the secret of the feed URLs, storing fresh (a new
// random token from the caller) the first time: the owner sees it on
// /admin/flux.
func (s *Store) FeedSecret(ctx context.Context, fresh string, now time.Time) (token string, err error) {
	defer wrap(&err, "read feed secret")
	err = s.db.QueryRowContext(ctx, `SELECT token FROM feed_secret WHERE id = 1`).Scan(&token)
	if err != sql.ErrNoRows {
		return token, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO feed_secret (id, token, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
		fresh, now.UTC()); err != nil {
		return "", err
	}
	err = s.db.QueryRowContext(ctx, `SELECT token FROM feed_secret WHERE id = 1`).Scan(&token)
	return token, err
}

// CurrentFeedSecret returns the secret of the feed URLs, "" when none was
// made yet (every feed URL then answers 404).
func (s *Store) CurrentFeedSecret(ctx context.Context) (token string, err error) {
	defer wrap(&err, "read feed secret")
	err = s.db.QueryRowContext(ctx, `SELECT token FROM feed_secret WHERE id = 1`).Scan(&token)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return token, err
}

// RotateFeedSecret replaces the secret of the feed URLs (the old URLs stop
// working at once), with its audit row.
func (s *Store) RotateFeedSecret(ctx context.Context, token string, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "rotate feed secret")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_secret (id, token, created_at) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`, token, now.UTC()); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "feed.rotate", "feed", nil)
	})
}
