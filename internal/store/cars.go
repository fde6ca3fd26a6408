package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/slug"
)

const carColumns = `c.id, c.slug, c.title, c.make, c.model, c.version, c.price, c.reg_month, c.reg_year, c.mileage,
	c.mileage_unverified, c.fuel, c.gearbox, c.power_hp, c.fiscal_hp, c.doors, c.seats, c.colour, c.body_type,
	c.crit_air, c.ct_date, c.description, c.status, c.created_by, c.published_at, c.sold_at, c.created_at, c.updated_at,
	COALESCE((SELECT p.key FROM car_photos p WHERE p.car_id = c.id ORDER BY p.position, p.id LIMIT 1), '')`

func scanCar(sc scanner) (*garage.Car, error) {
	var c garage.Car
	var createdBy sql.NullInt64
	var published, sold int64
	err := sc.Scan(&c.ID, &c.Slug, &c.Title, &c.Make, &c.Model, &c.Version, &c.Price, &c.RegMonth, &c.RegYear, &c.Mileage,
		&c.MileageUnverified, &c.Fuel, &c.Gearbox, &c.PowerHP, &c.FiscalHP, &c.Doors, &c.Seats, &c.Colour, &c.BodyType,
		&c.CritAir, &c.CTDate, &c.Description, &c.Status, &createdBy, &published, &sold, &c.CreatedAt, &c.UpdatedAt, &c.MainPhoto)
	if err != nil {
		return nil, err
	}
	if createdBy.Valid {
		id := createdBy.Int64
		c.CreatedBy = &id
	}
	c.PublishedAt, c.SoldAt = unixOrZero(published), unixOrZero(sold)
	return &c, nil
}

func unixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// CarByID returns one car, whatever its status.
func (s *Store) CarByID(ctx context.Context, id int64) (c *garage.Car, err error) {
	defer wrap(&err, "read car %d", id)
	return scanCar(s.db.QueryRowContext(ctx, `SELECT `+carColumns+` FROM cars c WHERE c.id = $1`, id))
}

// CreateCar inserts a car (a draft unless c.Status says otherwise) with its
// equipment (none when eq is nil) and sets its ID, slug and timestamps.
func (s *Store) CreateCar(ctx context.Context, c *garage.Car, eq *garage.CarEquipment, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create car")
	now = now.UTC()
	if c.Status == "" {
		c.Status = garage.CarDraft
	}
	c.Slug = slug.Make(c.SlugSource())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, mileage_unverified,
			   fuel, gearbox, power_hp, fiscal_hp, doors, seats, colour, body_type, crit_air, ct_date, description, status,
			   created_by, published_at, sold_at, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
			   $23, $24, $25, $26, $26) RETURNING id`,
			c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
			c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate, c.Description,
			string(c.Status), nullID(c.CreatedBy), unixOf(c.PublishedAt), unixOf(c.SoldAt), now).Scan(&c.ID)
		if err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = now, now
		if err := setCarEquipment(ctx, tx, c.ID, eq); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.create", garage.Target("car", c.ID), map[string]string{"title": c.DisplayTitle()})
	})
}

// UpdateCar saves the editable fields of c (not its status) and, unless eq
// is nil, its equipment; the slug follows the title (old links still work:
// they carry the ID). The audit row lists the fields changed.
func (s *Store) UpdateCar(ctx context.Context, c *garage.Car, eq *garage.CarEquipment, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "update car %d", c.ID)
	now = now.UTC()
	c.Slug = slug.Make(c.SlugSource())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carColumns+` FROM cars c WHERE c.id = $1`+s.forUpdate(), c.ID))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE cars SET slug = $1, title = $2, make = $3, model = $4, version = $5, price = $6, reg_month = $7,
			   reg_year = $8, mileage = $9, mileage_unverified = $10, fuel = $11, gearbox = $12, power_hp = $13,
			   fiscal_hp = $14, doors = $15, seats = $16, colour = $17, body_type = $18, crit_air = $19, ct_date = $20,
			   description = $21, updated_at = $22
			 WHERE id = $23`,
			c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
			c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate,
			c.Description, now, c.ID)
		if err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := setCarEquipment(ctx, tx, c.ID, eq); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.update", garage.Target("car", c.ID), garage.CarDiff(before, c))
	})
}

// SetCarStatus moves a car to status to, if the life cycle allows it from
// status from (checked in the same statement, so two staff members acting at
// once cannot skip a step: the second gets ErrConflict). Publishing stamps
// published_at the first time; selling stamps sold_at.
func (s *Store) SetCarStatus(ctx context.Context, id int64, from, to garage.CarStatus, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set car %d %s", id, to)
	if !garage.CanTransition(from, to) {
		return garage.ErrBadTransition
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE cars SET status = $1, updated_at = $2,
			   published_at = CASE WHEN $1 = 'published' AND published_at = 0 THEN $3 ELSE published_at END,
			   sold_at = CASE WHEN $1 = 'sold' THEN $3 WHEN $1 = 'published' OR $1 = 'draft' THEN 0 ELSE sold_at END
			 WHERE id = $4 AND status = $5`,
			string(to), now.UTC(), now.Unix(), id, string(from))
		if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cars WHERE id = $1`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return ErrConflict // it exists, but its status changed meanwhile
			}
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.status", garage.Target("car", id), map[string]string{"from": string(from), "to": string(to)})
	})
}

// DeleteCar removes a car with its photo rows and equipment links, and
// returns the photo keys whose files the caller must delete. The audit row
// keeps a snapshot of the car.
func (s *Store) DeleteCar(ctx context.Context, id int64, now time.Time, by garage.Actor) (photoKeys []string, err error) {
	defer wrap(&err, "delete car %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carColumns+` FROM cars c WHERE c.id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if photoKeys, err = column[string](ctx, tx, `SELECT key FROM car_photos WHERE car_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cars WHERE id = $1`, id); err != nil {
			return err
		}
		snapshot, err := json.Marshal(garage.CarValues(c))
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.delete", garage.Target("car", id), map[string]string{"status": string(c.Status), "car": string(snapshot)})
	})
	return photoKeys, err
}

// CountCarsByStatus counts the cars of each status.
func (s *Store) CountCarsByStatus(ctx context.Context) (out map[garage.CarStatus]int, err error) {
	defer wrap(&err, "count cars")
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM cars GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out = map[garage.CarStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[garage.CarStatus(st)] = n
	}
	return out, rows.Err()
}
