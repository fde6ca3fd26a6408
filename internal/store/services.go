package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

const serviceColumns = `id, title, description, position, visible, price_from, image, created_at, updated_at, bookable, workshop_minutes`

func scanService(row scanner) (*garage.Service, error) {
	var sv garage.Service
	var price sql.NullInt64
	if err := row.Scan(&sv.ID, &sv.Title, &sv.Description, &sv.Position, &sv.Visible, &price, &sv.Image, &sv.CreatedAt, &sv.UpdatedAt, &sv.Bookable, &sv.Minutes); err != nil {
		return nil, err
	}
	if price.Valid {
		p := int(price.Int64)
		sv.PriceFrom = &p
	}
	return &sv, nil
}

func nullInt(n *int) sql.NullInt64 {
	if n == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*n), Valid: true}
}

// ListServices returns the services in display order; only the visible ones
// when visibleOnly is set.
func (s *Store) ListServices(ctx context.Context, visibleOnly bool) (list []*garage.Service, err error) {
	defer wrap(&err, "list services")
	return queryAll(ctx, s.db, scanService,
		`SELECT `+serviceColumns+` FROM services WHERE visible = TRUE OR $1 = FALSE ORDER BY position, id`, visibleOnly)
}

// ServiceByID returns one service, visible or not.
func (s *Store) ServiceByID(ctx context.Context, id int64) (sv *garage.Service, err error) {
	defer wrap(&err, "read service %d", id)
	return scanService(s.db.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = $1`, id))
}

// CountServices counts every service, visible or not.
func (s *Store) CountServices(ctx context.Context) (n int, err error) {
	defer wrap(&err, "count services")
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM services`).Scan(&n)
	return n, err
}

// CreateService inserts a service at the end of the list.
func (s *Store) CreateService(ctx context.Context, sv *garage.Service, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create service")
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO services (title, description, position, visible, price_from, image, created_at, updated_at, bookable, workshop_minutes)
			 VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM services), $3, $4, $5, $6, $6, $7, $8)
			 RETURNING id, position`,
			sv.Title, sv.Description, sv.Visible, nullInt(sv.PriceFrom), sv.Image, now, sv.Bookable, sv.Minutes).Scan(&sv.ID, &sv.Position)
		if err != nil {
			return err
		}
		sv.CreatedAt, sv.UpdatedAt = now, now
		return audit(ctx, tx, by, now, "service.create", garage.Target("service", sv.ID), map[string]string{"after": garage.ServiceText(sv)})
	})
}

// changeService runs change on service id in a transaction that first
// reads the service as it was, and returns it.
func (s *Store) changeService(ctx context.Context, id int64, change func(tx *sql.Tx, before *garage.Service) error) (before *garage.Service, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if before, err = scanService(tx.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = $1`+s.forUpdate(), id)); err != nil {
			return err
		}
		return change(tx, before)
	})
	return before, err
}

// UpdateService saves a service's title, description, visibility and
// price (not its position nor its image).
func (s *Store) UpdateService(ctx context.Context, sv *garage.Service, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "update service %d", sv.ID)
	_, err = s.changeService(ctx, sv.ID, func(tx *sql.Tx, before *garage.Service) error {
		if _, err := tx.ExecContext(ctx,
			`UPDATE services SET title = $1, description = $2, visible = $3, price_from = $4, updated_at = $5,
			 bookable = $7, workshop_minutes = $8 WHERE id = $6`,
			sv.Title, sv.Description, sv.Visible, nullInt(sv.PriceFrom), now.UTC(), sv.ID, sv.Bookable, sv.Minutes); err != nil {
			return err
		}
		sv.UpdatedAt = now.UTC()
		return audit(ctx, tx, by, now, "service.update", garage.Target("service", sv.ID),
			map[string]string{"before": garage.ServiceText(before), "after": garage.ServiceText(sv)})
	})
	return err
}

// SetServiceVisible shows or hides a service on the site and returns it as
// it was.
func (s *Store) SetServiceVisible(ctx context.Context, id int64, visible bool, now time.Time, by garage.Actor) (before *garage.Service, err error) {
	action := "service.show"
	if !visible {
		action = "service.hide"
	}
	defer wrap(&err, "%s %d", action, id)
	return s.changeService(ctx, id, func(tx *sql.Tx, before *garage.Service) error {
		if _, err := tx.ExecContext(ctx, `UPDATE services SET visible = $1, updated_at = $2 WHERE id = $3`, visible, now.UTC(), id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, action, garage.Target("service", id), map[string]string{"title": before.Title})
	})
}

// DeleteService removes a service and returns it (its image's files are the
// caller's to delete).
func (s *Store) DeleteService(ctx context.Context, id int64, now time.Time, by garage.Actor) (before *garage.Service, err error) {
	defer wrap(&err, "delete service %d", id)
	return s.changeService(ctx, id, func(tx *sql.Tx, before *garage.Service) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM services WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "service.delete", garage.Target("service", id), map[string]string{"before": garage.ServiceText(before)})
	})
}

// SetServiceImage sets a service's image key ("" removes it) and returns
// the service as it was, so the caller can delete the previous image's
// files.
func (s *Store) SetServiceImage(ctx context.Context, id int64, key string, now time.Time, by garage.Actor) (before *garage.Service, err error) {
	defer wrap(&err, "set image of service %d", id)
	return s.changeService(ctx, id, func(tx *sql.Tx, before *garage.Service) error {
		if _, err := tx.ExecContext(ctx, `UPDATE services SET image = $1, updated_at = $2 WHERE id = $3`, key, now.UTC(), id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "service.image", garage.Target("service", id), map[string]string{"before": before.Image, "after": key})
	})
}

// MoveService moves a service one place up (delta < 0) or down (delta > 0)
// in the display order, by renumbering every position in one transaction.
// It reports whether the service moved (it does not past either end).
func (s *Store) MoveService(ctx context.Context, id int64, delta int, now time.Time, by garage.Actor) (moved bool, err error) {
	defer wrap(&err, "move service %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ids, err := column[int64](ctx, tx, `SELECT id FROM services ORDER BY position, id`)
		if err != nil {
			return err
		}
		at := slices.Index(ids, id)
		if at < 0 {
			return ErrNotFound
		}
		to, direction := at+1, "bas"
		if delta < 0 {
			to, direction = at-1, "haut"
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
		if _, err = tx.ExecContext(ctx, `UPDATE services SET updated_at = $1 WHERE id = $2`, now.UTC(), id); err != nil {
			return err
		}
		moved = true
		return audit(ctx, tx, by, now, "service.move", garage.Target("service", id), map[string]string{"direction": direction})
	})
	return moved, err
}
