package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// ServiceByID returns one service, visible or not.
func (s *Store) ServiceByID(ctx context.Context, id int64) (*garage.Service, error) {
	return scanService(s.db.QueryRowContext(ctx,
		`SELECT id, title, description, position, visible, price_from, image, created_at, updated_at
		   FROM services WHERE id = $1`, id))
}

// UpdateService saves a service's title, description, visibility and
// price (not its position nor its image).
func (s *Store) UpdateService(ctx context.Context, sv *garage.Service, now time.Time) error {
	var price sql.NullInt64
	if sv.PriceFrom != nil {
		price = sql.NullInt64{Int64: int64(*sv.PriceFrom), Valid: true}
	}
	res, err := s.db.ExecContext(ctx,
		`UPDATE services SET title = $1, description = $2, visible = $3, price_from = $4, updated_at = $5 WHERE id = $6`,
		sv.Title, sv.Description, sv.Visible, price, now.UTC(), sv.ID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	sv.UpdatedAt = now.UTC()
	return nil
}

// DeleteService removes a service.
func (s *Store) DeleteService(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM services WHERE id = $1`, id)
	return affectedOne(res, err)
}

// MoveService moves a service one place up (delta < 0) or down (delta > 0)
// in the display order, by renumbering every position in one transaction.
// It reports whether the service moved (it does not past either end).
func (s *Store) MoveService(ctx context.Context, id int64, delta int, now time.Time) (moved bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM services ORDER BY position, id`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := -1
		for i, x := range ids {
			if x == id {
				at = i
			}
		}
		if at < 0 {
			return ErrNotFound
		}
		to := at + 1
		if delta < 0 {
			to = at - 1
		}
		if to < 0 || to >= len(ids) {
			return nil
		}
		ids[at], ids[to] = ids[to], ids[at]
		for i, x := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE services SET position = $1 WHERE id = $2`, i+1, x); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE services SET updated_at = $1 WHERE id = $2`, now.UTC(), id)
		moved = true
		return err
	})
	return moved, err
}
