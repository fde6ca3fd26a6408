package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// SendAccountLink stores a new single-use link for a user, valid for its
// purpose's lifetime, and puts its e-mail in the outbox, in one transaction.
// Earlier unused links of the same purpose for that user are revoked, so
// only the newest works. The audit row says an invitation was sent again,
// or a password reset asked for.
func (s *Store) SendAccountLink(ctx context.Context, userID int64, link garage.AccountLink, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "send %s link to user %d", link.Purpose, userID)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := storeAccountLink(ctx, tx, userID, link, now); err != nil {
			return err
		}
		if link.Purpose == garage.TokenInvite {
			var details map[string]string
			if link.Mail != nil {
				details = map[string]string{"email": link.Mail.To}
			}
			return audit(ctx, tx, by, now, "user.invite.resend", garage.Target("user", userID), details)
		}
		return audit(ctx, tx, by, now, "password.reset_requested", garage.Target("user", userID), nil)
	})
}

func storeAccountLink(ctx context.Context, tx *sql.Tx, userID int64, link garage.AccountLink, now time.Time) error {
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, string(link.Purpose)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		link.TokenHash, userID, string(link.Purpose), now.Unix(), now.Add(link.Purpose.TTL()).Unix()); err != nil {
		return err
	}
	if link.Mail == nil {
		return nil
	}
	return enqueueMail(ctx, tx, link.Mail, now)
}

// AccountTokenUser returns the user of a token that is unused, unexpired
// and of the given purpose, without using it; ErrNotFound otherwise.
func (s *Store) AccountTokenUser(ctx context.Context, tokenHash string, purpose garage.TokenPurpose, now time.Time) (u *garage.User, err error) {
	defer wrap(&err, "read %s link", purpose)
	return scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+prefixed("u.", userColumns)+` FROM account_tokens t JOIN users u ON u.id = t.user_id
		  WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3`,
		tokenHash, string(purpose), now.Unix()))
}

// UseAccountTokenAndSetPassword consumes the token and sets the user's
// password hash in one transaction: a token works once, and a failure
// leaves both untouched. The user's sessions end (a reset means the old
// password may be known to someone else). The audit row names the user as
// the actor, from by's address. It returns the user.
func (s *Store) UseAccountTokenAndSetPassword(ctx context.Context, tokenHash string, purpose garage.TokenPurpose, passwordHash string, now time.Time, by garage.Actor) (u *garage.User, err error) {
	defer wrap(&err, "use %s link", purpose)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx,
			`UPDATE account_tokens SET used_at = $1
			  WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
			  RETURNING user_id`, now.Unix(), tokenHash, string(purpose)).Scan(&userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, passwordHash, now.UTC(), userID); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID)); err != nil {
			return err
		}
		if !by.IsZero() {
			by = garage.ActorOf(u, by.IP)
		}
		return audit(ctx, tx, by, now, "password."+string(purpose), garage.Target("user", userID), nil)
	})
	return u, err
}

// DeleteExpiredAccountTokens removes tokens that expired before t.
func (s *Store) DeleteExpiredAccountTokens(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete expired links")
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM account_tokens WHERE expires_at < $1`, t.Unix()))
}

// prefixed qualifies every column of a comma-separated list with p.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
