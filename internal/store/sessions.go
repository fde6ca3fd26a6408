package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// CreateSession stores a new session. With an actor, it is a login: the
// audit row "login.success" is written with it.
func (s *Store) CreateSession(ctx context.Context, sess *garage.Session, by garage.Actor) (err error) {
	defer wrap(&err, "create session of user %d", sess.UserID)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, flash)
			 VALUES ($1, $2, $3, $4, $5, $6)`,
			sess.TokenHash, sess.UserID, sess.CreatedAt.Unix(), sess.LastSeenAt.Unix(), sess.ExpiresAt.Unix(), sess.Flash)
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, sess.CreatedAt, "login.success", garage.Target("user", sess.UserID), nil)
	})
}

// SessionUser returns a session and its user when the session exists, the
// account is active, the absolute expiry is after now and the session was
// seen after idleSince. Otherwise it returns ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, now, idleSince time.Time) (sess *garage.Session, u *garage.User, err error) {
	defer wrap(&err, "read session")
	sess, u = &garage.Session{}, &garage.User{}
	var created, seen, expires int64
	var role string
	err = s.db.QueryRowContext(ctx,
		`SELECT s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.flash,
		        u.id, u.email, u.password_hash, u.first_name, u.last_name, u.role, u.active, u.created_at, u.updated_at
		   FROM sessions s JOIN users u ON u.id = s.user_id
		  WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = TRUE`,
		tokenHash, now.Unix(), idleSince.Unix(),
	).Scan(&sess.TokenHash, &sess.UserID, &created, &seen, &expires, &sess.Flash,
		&u.ID, &u.Email, &u.PasswordHash, &u.FirstName, &u.LastName, &role, &u.Active, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, nil, err
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = time.Unix(created, 0), time.Unix(seen, 0), time.Unix(expires, 0)
	u.Role = garage.Role(role)
	return sess, u, nil
}

// TouchSession records activity on a session (for the idle timeout).
func (s *Store) TouchSession(ctx context.Context, tokenHash string, now time.Time) (err error) {
	defer wrap(&err, "touch session")
	_, err = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now.Unix(), tokenHash)
	return err
}

// SetSessionFlash stores a one-time message shown on the next page.
func (s *Store) SetSessionFlash(ctx context.Context, tokenHash, flash string) (err error) {
	defer wrap(&err, "set flash")
	_, err = s.db.ExecContext(ctx, `UPDATE sessions SET flash = $1 WHERE token_hash = $2`, flash, tokenHash)
	return err
}

// TakeSessionFlash returns and clears the session's flash message.
func (s *Store) TakeSessionFlash(ctx context.Context, tokenHash string) (flash string, err error) {
	defer wrap(&err, "take flash")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT flash FROM sessions WHERE token_hash = $1`, tokenHash).Scan(&flash); err != nil {
			return err
		}
		if flash == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET flash = '' WHERE token_hash = $1`, tokenHash)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return flash, err
}

// DeleteSession ends one session. With an actor, it is a logout: the audit
// row "logout" is written with it.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "delete session")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "logout", "", nil)
	})
}

// DeleteUserSessions ends every session of a user (account disabled,
// password changed).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (n int64, err error) {
	defer wrap(&err, "end sessions of user %d", userID)
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID))
}

// DeleteStaleSessions removes sessions past their absolute expiry or idle
// since before idleSince.
func (s *Store) DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) (n int64, err error) {
	defer wrap(&err, "delete stale sessions")
	return rowsAffected(s.db.ExecContext(ctx,
		`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now.Unix(), idleSince.Unix()))
}
