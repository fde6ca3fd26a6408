package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/slug"
)

const carColumns = `c.id, c.slug, c.title, c.make, c.model, c.version, c.price, c.reg_month, c.reg_year, c.mileage,
	c.mileage_unverified, c.fuel, c.gearbox, c.power_hp, c.fiscal_hp, c.doors, c.seats, c.colour, c.body_type,
	c.crit_air, c.ct_date, c.description, c.status, c.created_by, c.published_at, c.sold_at, c.created_at, c.updated_at,
	COALESCE((SELECT p.key FROM car_photos p WHERE p.car_id = c.id ORDER BY p.position, p.id LIMIT 1), '')`

func scanCar(sc interface{ Scan(...any) error }) (*garage.Car, error) {
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
func (s *Store) CarByID(ctx context.Context, id int64) (*garage.Car, error) {
	c, err := scanCar(s.db.QueryRowContext(ctx, `SELECT `+carColumns+` FROM cars c WHERE c.id = $1`, id))
	return c, translate(err)
}

// CreateCar inserts a car (a draft unless c.Status says otherwise) and sets
// its ID, slug and timestamps.
func (s *Store) CreateCar(ctx context.Context, c *garage.Car, now time.Time) error {
	now = now.UTC()
	if c.Status == "" {
		c.Status = garage.CarDraft
	}
	c.Slug = slug.Make(c.SlugSource())
	var createdBy sql.NullInt64
	if c.CreatedBy != nil {
		createdBy = sql.NullInt64{Int64: *c.CreatedBy, Valid: true}
	}
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, mileage_unverified,
		   fuel, gearbox, power_hp, fiscal_hp, doors, seats, colour, body_type, crit_air, ct_date, description, status,
		   created_by, published_at, sold_at, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		   $23, $24, $25, $26, $26) RETURNING id`,
		c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
		c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate, c.Description,
		string(c.Status), createdBy, unixOf(c.PublishedAt), unixOf(c.SoldAt), now).Scan(&c.ID)
	if err != nil {
		return translate(err)
	}
	c.CreatedAt, c.UpdatedAt = now, now
	return nil
}

// UpdateCar saves the editable fields of c (not its status) and refreshes
// its slug from the title; old links still work since they carry the ID.
func (s *Store) UpdateCar(ctx context.Context, c *garage.Car, now time.Time) error {
	now = now.UTC()
	c.Slug = slug.Make(c.SlugSource())
	res, err := s.db.ExecContext(ctx,
		`UPDATE cars SET slug = $1, title = $2, make = $3, model = $4, version = $5, price = $6, reg_month = $7,
		   reg_year = $8, mileage = $9, mileage_unverified = $10, fuel = $11, gearbox = $12, power_hp = $13,
		   fiscal_hp = $14, doors = $15, seats = $16, colour = $17, body_type = $18, crit_air = $19, ct_date = $20,
		   description = $21, updated_at = $22
		 WHERE id = $23`,
		c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
		c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate,
		c.Description, now, c.ID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	c.UpdatedAt = now
	return nil
}

// SetCarStatus moves a car to status to, if the life cycle allows it from
// status from (checked in the same statement, so two staff members acting at
// once cannot skip a step). Publishing stamps published_at the first time;
// selling stamps sold_at.
func (s *Store) SetCarStatus(ctx context.Context, id int64, from, to garage.CarStatus, now time.Time) error {
	if !garage.CanTransition(from, to) {
		return garage.ErrBadTransition
	}
	u := now.UTC().Unix()
	res, err := s.db.ExecContext(ctx,
		`UPDATE cars SET status = $1, updated_at = $2,
		   published_at = CASE WHEN $1 = 'published' AND published_at = 0 THEN $3 ELSE published_at END,
		   sold_at = CASE WHEN $1 = 'sold' THEN $3 WHEN $1 = 'published' OR $1 = 'draft' THEN 0 ELSE sold_at END
		 WHERE id = $4 AND status = $5`,
		string(to), now.UTC(), u, id, string(from))
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			if _, e := s.CarByID(ctx, id); e == nil {
				return ErrConflict // it exists, but its status changed meanwhile
			}
		}
		return err
	}
	return nil
}

// DeleteCar removes a car with its photo rows and equipment links, and
// returns the photo keys whose files the caller must delete.
func (s *Store) DeleteCar(ctx context.Context, id int64) (photoKeys []string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if photoKeys, err = column[string](ctx, tx, `SELECT key FROM car_photos WHERE car_id = $1`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM cars WHERE id = $1`, id)
		return affectedOne(res, err)
	})
	return photoKeys, err
}

// CountCarsByStatus counts the cars of each status.
func (s *Store) CountCarsByStatus(ctx context.Context) (map[garage.CarStatus]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM cars GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[garage.CarStatus]int{}
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
