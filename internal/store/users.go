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

func scanUser(row interface{ Scan(...any) error }) (*garage.User, error) {
	var u garage.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.FirstName, &u.LastName, &role, &u.Active, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, translate(err)
	}
	u.Role = garage.Role(role)
	return &u, nil
}

// CreateUser inserts u and sets its ID and timestamps. It returns
// ErrConflict when the e-mail (compared case-insensitively) is taken.
func (s *Store) CreateUser(ctx context.Context, u *garage.User, now time.Time) error {
	now = now.UTC()
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO users (email, password_hash, first_name, last_name, role, active, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		strings.TrimSpace(u.Email), u.PasswordHash, u.FirstName, u.LastName, string(u.Role), u.Active, now,
	).Scan(&u.ID)
	if err != nil {
		return translate(err)
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UserByEmail finds an account by e-mail, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*garage.User, error) {
	return scanUser(s.db.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, strings.TrimSpace(email)))
}

// UserByID finds an account by ID.
func (s *Store) UserByID(ctx context.Context, id int64) (*garage.User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// ListUsers returns every account, admins first, then by name.
func (s *Store) ListUsers(ctx context.Context) ([]*garage.User, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+userColumns+` FROM users ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, lower(last_name), lower(first_name), id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*garage.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// CountActiveAdmins counts the active administrator accounts.
func (s *Store) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM users WHERE role = 'admin' AND active = TRUE`).Scan(&n)
	return n, err
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, id int64, hash string, now time.Time) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now.UTC(), id)
	return affectedOne(res, err)
}

// affectedOne turns "no row changed" into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return translate(err)
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
