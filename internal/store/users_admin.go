package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// forUpdate is the row-locking clause of a SELECT in a transaction.
// SQLite needs none: its transactions take the write lock up front
// (_txlock=immediate), so they never interleave.
func (s *Store) forUpdate() string {
	if s.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// changeUser runs change on account id in a transaction that first locks
// the active administrators' rows, then refuses (garage.ErrLastAdmin) when
// none is left afterwards: two admins demoting each other at once cannot
// both succeed. The audit row of action holds the account before and after.
func (s *Store) changeUser(ctx context.Context, id int64, action string, now time.Time, by garage.Actor, change func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := column[int64](ctx, tx, `SELECT id FROM users WHERE role = 'admin' AND active = TRUE`+s.forUpdate()); err != nil {
			return err
		}
		before, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM users WHERE role = 'admin' AND active = TRUE`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return garage.ErrLastAdmin
		}
		details := map[string]string{"before": garage.UserText(before)}
		if after, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)); err == nil {
			details["after"] = garage.UserText(after)
		} else if err != sql.ErrNoRows {
			return err
		}
		return audit(ctx, tx, by, now, action, garage.Target("user", id), details)
	})
}

// SetUserRole changes a user's role; garage.ErrLastAdmin when that would
// demote the last active administrator.
func (s *Store) SetUserRole(ctx context.Context, id int64, role garage.Role, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set role of user %d", id)
	return s.changeUser(ctx, id, "user.role", now, by, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, updated_at = $2 WHERE id = $3`, string(role), now.UTC(), id)
		return err
	})
}

// SetUserActive enables or disables an account. Disabling ends every
// session of the account in the same transaction; garage.ErrLastAdmin when
// it would disable the last active administrator.
func (s *Store) SetUserActive(ctx context.Context, id int64, active bool, now time.Time, by garage.Actor) (err error) {
	action := "user.enable"
	if !active {
		action = "user.disable"
	}
	defer wrap(&err, "%s %d", action, id)
	return s.changeUser(ctx, id, action, now, by, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $1, updated_at = $2 WHERE id = $3`, active, now.UTC(), id); err != nil {
			return err
		}
		if !active {
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
			return err
		}
		return nil
	})
}

// DeleteUser removes an account (its sessions and tokens go with it; the
// audit log keeps its e-mail). garage.ErrLastAdmin for the last active
// administrator; ErrInUse when other records still refer to the account.
func (s *Store) DeleteUser(ctx context.Context, id int64, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "delete user %d", id)
	return s.changeUser(ctx, id, "user.delete", now, by, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
		return err
	})
}

// SetUserName changes a user's first and last name (the user's own
// "Mon compte").
func (s *Store) SetUserName(ctx context.Context, id int64, first, last string, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "rename user %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE users SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4`, first, last, now.UTC(), id); err != nil {
			return err
		}
		after := garage.User{FirstName: first, LastName: last}
		return audit(ctx, tx, by, now, "account.name", garage.Target("user", id),
			map[string]string{"before": before.FullName(), "after": after.FullName()})
	})
}

// ListUserSessions returns a user's live sessions (not expired, not idle
// since before idleSince), most recently seen first.
func (s *Store) ListUserSessions(ctx context.Context, userID int64, now, idleSince time.Time) (list []*garage.Session, err error) {
	defer wrap(&err, "list sessions of user %d", userID)
	return queryAll(ctx, s.db, func(row scanner) (*garage.Session, error) {
		var sess garage.Session
		var created, seen, expires int64
		err := row.Scan(&sess.TokenHash, &sess.UserID, &created, &seen, &expires)
		sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = time.Unix(created, 0), time.Unix(seen, 0), time.Unix(expires, 0)
		return &sess, err
	}, `SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions
		  WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3
		  ORDER BY last_seen_at DESC, created_at DESC`, userID, now.Unix(), idleSince.Unix())
}

// DeleteOtherUserSessions ends every session of a user except keep (the
// token hash of the session making the request) and returns how many ended.
func (s *Store) DeleteOtherUserSessions(ctx context.Context, userID int64, keep string, now time.Time, by garage.Actor) (n int64, err error) {
	defer wrap(&err, "end other sessions of user %d", userID)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "account.sessions.end", garage.Target("user", userID),
			map[string]string{"ended": strconv.FormatInt(n, 10)})
	})
	return n, err
}

// SetPasswordHashKeepSession replaces a user's password hash and ends every
// other session of the user, in one transaction (the user's own "Mon
// compte").
func (s *Store) SetPasswordHashKeepSession(ctx context.Context, id int64, hash, keep string, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "change password of user %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now.UTC(), id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, keep); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "account.password", garage.Target("user", id), nil)
	})
}
