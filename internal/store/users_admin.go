package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vparrot/garage/internal/garage"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrInUse means a row cannot be deleted because other rows refer to it.
var ErrInUse = errors.New("store: still referenced")

// forUpdate is the row-locking clause of a SELECT in a transaction.
// SQLite needs none: its transactions take the write lock up front
// (_txlock=immediate), so they never interleave.
func (s *Store) forUpdate() string {
	if s.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// guardAdmins runs change in a transaction that first locks the active
// administrators' rows, then refuses (ErrLastAdmin) when none is left
// afterwards. Two admins demoting each other at once cannot both succeed.
func (s *Store) guardAdmins(ctx context.Context, change func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE role = 'admin' AND active = TRUE`+s.forUpdate())
		if err != nil {
			return err
		}
		rows.Close()
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
		return nil
	})
}

// SetUserRole changes a user's role; ErrLastAdmin when that would demote
// the last active administrator.
func (s *Store) SetUserRole(ctx context.Context, id int64, role garage.Role, now time.Time) error {
	return s.guardAdmins(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, updated_at = $2 WHERE id = $3`, string(role), now.UTC(), id)
		return affectedOne(res, err)
	})
}

// SetUserActive enables or disables an account. Disabling ends every
// session of the account in the same transaction; ErrLastAdmin when it
// would disable the last active administrator.
func (s *Store) SetUserActive(ctx context.Context, id int64, active bool, now time.Time) error {
	return s.guardAdmins(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET active = $1, updated_at = $2 WHERE id = $3`, active, now.UTC(), id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if !active {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		}
		return err
	})
}

// DeleteUser removes an account (its sessions and tokens go with it; the
// audit log keeps its e-mail). ErrLastAdmin for the last active
// administrator; ErrInUse when other records still refer to the account.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	err := s.guardAdmins(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
		return affectedOne(res, err)
	})
	if isForeignKeyViolation(err) {
		return errors.Join(ErrInUse, err)
	}
	return err
}

func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// SetUserName changes a user's first and last name.
func (s *Store) SetUserName(ctx context.Context, id int64, first, last string, now time.Time) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE users SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4`, first, last, now.UTC(), id)
	return affectedOne(res, err)
}

// ListUserSessions returns a user's live sessions (not expired, not idle
// since before idleSince), most recently seen first.
func (s *Store) ListUserSessions(ctx context.Context, userID int64, now, idleSince time.Time) ([]*garage.Session, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions
		  WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3
		  ORDER BY last_seen_at DESC, created_at DESC`, userID, now.Unix(), idleSince.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*garage.Session
	for rows.Next() {
		var sess garage.Session
		var created, seen, expires int64
		if err := rows.Scan(&sess.TokenHash, &sess.UserID, &created, &seen, &expires); err != nil {
			return nil, err
		}
		sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = time.Unix(created, 0), time.Unix(seen, 0), time.Unix(expires, 0)
		list = append(list, &sess)
	}
	return list, rows.Err()
}

// DeleteOtherUserSessions ends every session of a user except keep (the
// token hash of the session making the request).
func (s *Store) DeleteOtherUserSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SetPasswordHashKeepSession replaces a user's password hash and ends every
// other session of the user, in one transaction.
func (s *Store) SetPasswordHashKeepSession(ctx context.Context, id int64, hash, keep string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now.UTC(), id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, keep)
		return err
	})
}
