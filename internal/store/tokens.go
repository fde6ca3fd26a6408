package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// CreateAccountToken stores the hash of a single-use token for a user,
// valid until now+ttl. Earlier unused tokens of the same purpose for that
// user are revoked, so only the newest link works.
func (s *Store) CreateAccountToken(ctx context.Context, tokenHash string, userID int64, purpose garage.TokenPurpose, now time.Time, ttl time.Duration) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, string(purpose)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			tokenHash, userID, string(purpose), now.Unix(), now.Add(ttl).Unix())
		return translate(err)
	})
}

// AccountTokenUser returns the user of a token that is unused, unexpired
// and of the given purpose, without using it; ErrNotFound otherwise.
func (s *Store) AccountTokenUser(ctx context.Context, tokenHash string, purpose garage.TokenPurpose, now time.Time) (*garage.User, error) {
	return scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+prefixed("u.", userColumns)+` FROM account_tokens t JOIN users u ON u.id = t.user_id
		  WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3`,
		tokenHash, string(purpose), now.Unix()))
}

// UseAccountTokenAndSetPassword consumes the token and sets the user's
// password hash in one transaction: a token works once, and a failure
// leaves both untouched. The user's sessions end (a reset means the old
// password may be known to someone else). It returns the user.
func (s *Store) UseAccountTokenAndSetPassword(ctx context.Context, tokenHash string, purpose garage.TokenPurpose, passwordHash string, now time.Time) (*garage.User, error) {
	var userID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`UPDATE account_tokens SET used_at = $1
			  WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
			  RETURNING user_id`, now.Unix(), tokenHash, string(purpose)).Scan(&userID)
		if err != nil {
			return translate(err)
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, passwordHash, now.UTC(), userID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

// DeleteExpiredAccountTokens removes tokens that expired before t.
func (s *Store) DeleteExpiredAccountTokens(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM account_tokens WHERE expires_at < $1`, t.Unix())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// prefixed qualifies every column of a comma-separated list with p.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
