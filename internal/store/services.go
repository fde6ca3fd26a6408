package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// ListServices returns the services in display order; only the visible ones
// when visibleOnly is set.
func (s *Store) ListServices(ctx context.Context, visibleOnly bool) ([]*garage.Service, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, title, description, position, visible, price_from, image, created_at, updated_at
		   FROM services WHERE visible = TRUE OR $1 = FALSE ORDER BY position, id`, visibleOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*garage.Service
	for rows.Next() {
		sv, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, sv)
	}
	return list, rows.Err()
}

func scanService(row interface{ Scan(...any) error }) (*garage.Service, error) {
	var sv garage.Service
	var price sql.NullInt64
	if err := row.Scan(&sv.ID, &sv.Title, &sv.Description, &sv.Position, &sv.Visible, &price, &sv.Image, &sv.CreatedAt, &sv.UpdatedAt); err != nil {
		return nil, translate(err)
	}
	if price.Valid {
		p := int(price.Int64)
		sv.PriceFrom = &p
	}
	return &sv, nil
}

// CreateService inserts a service at the end of the list.
func (s *Store) CreateService(ctx context.Context, sv *garage.Service, now time.Time) error {
	now = now.UTC()
	var price sql.NullInt64
	if sv.PriceFrom != nil {
		price = sql.NullInt64{Int64: int64(*sv.PriceFrom), Valid: true}
	}
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO services (title, description, position, visible, price_from, image, created_at, updated_at)
		 VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM services), $3, $4, $5, $6, $6)
		 RETURNING id, position`,
		sv.Title, sv.Description, sv.Visible, price, sv.Image, now).Scan(&sv.ID, &sv.Position)
	if err != nil {
		return translate(err)
	}
	sv.CreatedAt, sv.UpdatedAt = now, now
	return nil
}

// CountServices counts every service, visible or not.
func (s *Store) CountServices(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM services`).Scan(&n)
	return n, err
}

// SetServiceImage sets a service's image key ("" removes it) and returns
// the previous key, so the caller can delete its files.
func (s *Store) SetServiceImage(ctx context.Context, id int64, key string, now time.Time) (previous string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT image FROM services WHERE id = $1`, id).Scan(&previous); err != nil {
			return translate(err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE services SET image = $1, updated_at = $2 WHERE id = $3`, key, now.UTC(), id)
		return err
	})
	return previous, err
}
