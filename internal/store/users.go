package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// InitRoles fills the roles table. It is idempotent and returns how many
// roles were added.
func (s *Store) InitRoles(ctx context.Context) (added int, err error) {
	defer wrap(&err, "init roles")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range garage.Roles() {
			res, err := tx.ExecContext(ctx,
				`INSERT INTO roles (name, label) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
				string(r), r.Label())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

const userColumns = `id, email, password_hash, first_name, last_name, role, active, created_at, updated_at`

func scanUser(row scanner) (*garage.User, error) {
	var u garage.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.FirstName, &u.LastName, &role, &u.Active, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	u.Role = garage.Role(role)
	return &u, nil
}

// CreateUser inserts u and sets its ID and timestamps. It returns
// ErrConflict when the e-mail (compared case-insensitively) is taken.
func (s *Store) CreateUser(ctx context.Context, u *garage.User, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create user %s", u.Email)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertUser(ctx, tx, u, now); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "user.create", garage.Target("user", u.ID), map[string]string{"email": u.Email, "role": string(u.Role)})
	})
}

// InviteUser creates an account without a password for u and, in the same
// transaction, the single-use link with which its owner chooses one and the
// e-mail carrying it: either all are kept or none.
func (s *Store) InviteUser(ctx context.Context, u *garage.User, link garage.AccountLink, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "invite user %s", u.Email)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertUser(ctx, tx, u, now); err != nil {
			return err
		}
		if err := storeAccountLink(ctx, tx, u.ID, link, now); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "user.invite", garage.Target("user", u.ID), map[string]string{"after": garage.UserText(u)})
	})
}

func insertUser(ctx context.Context, tx *sql.Tx, u *garage.User, now time.Time) error {
	now = now.UTC()
	err := tx.QueryRowContext(ctx,
		`INSERT INTO users (email, password_hash, first_name, last_name, role, active, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		strings.TrimSpace(u.Email), u.PasswordHash, u.FirstName, u.LastName, string(u.Role), u.Active, now,
	).Scan(&u.ID)
	if err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UserByEmail finds an account by e-mail, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (u *garage.User, err error) {
	defer wrap(&err, "find user by e-mail")
	return scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, strings.TrimSpace(email)))
}

// UserByID finds an account by ID.
func (s *Store) UserByID(ctx context.Context, id int64) (u *garage.User, err error) {
	defer wrap(&err, "read user %d", id)
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// ListUsers returns every account, admins first, then by name.
func (s *Store) ListUsers(ctx context.Context) (list []*garage.User, err error) {
	defer wrap(&err, "list users")
	return queryAll(ctx, s.db, scanUser,
		`SELECT `+userColumns+` FROM users ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, lower(last_name), lower(first_name), id`)
}

// CountActiveAdmins counts the active administrator accounts.
func (s *Store) CountActiveAdmins(ctx context.Context) (n int, err error) {
	defer wrap(&err, "count administrators")
	err = s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM users WHERE role = 'admin' AND active = TRUE`).Scan(&n)
	return n, err
}

// SetPasswordHash replaces a user's password hash without ending any
// session: for a hash made stronger at login, the password unchanged.
func (s *Store) SetPasswordHash(ctx context.Context, id int64, hash string, now time.Time) (err error) {
	defer wrap(&err, "rehash password of user %d", id)
	return affectedOne(s.db.ExecContext(ctx,
		`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now.UTC(), id))
}

// affectedOne turns "no row changed" into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
