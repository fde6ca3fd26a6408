package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/slug"
)

// CarsByIDs returns the cars of ids that exist, whatever their status, in
// the order of ids (unknown IDs are left out). At most a few dozen IDs are
// expected (favourites, comparison).
func (s *Store) CarsByIDs(ctx context.Context, ids []int64) (list []*garage.Car, err error) {
	defer wrap(&err, "read cars by id")
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	found, err := queryAll(ctx, s.db, scanCar, `SELECT `+carColumns+` FROM cars c WHERE c.id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*garage.Car, len(found))
	for _, c := range found {
		byID[c.ID] = c
	}
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			list = append(list, c)
		}
	}
	return list, nil
}

// ImportedCar is one car of a CSV import with its equipment names.
type ImportedCar struct {
	Car       *garage.Car
	Equipment []string
}

// ImportCars inserts every car of list as a draft (with its equipment,
// created in the vocabulary when unknown) in one transaction: all of them or,
// on any error, none. One audit row records the import.
func (s *Store) ImportCars(ctx context.Context, list []ImportedCar, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "import %d cars", len(list))
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, ic := range list {
			c := ic.Car
			c.Status, c.PublishedAt, c.SoldAt = garage.CarDraft, time.Time{}, time.Time{}
			c.Slug = slug.Make(c.SlugSource())
			err := tx.QueryRowContext(ctx,
				`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, mileage_unverified,
				   fuel, gearbox, power_hp, fiscal_hp, doors, seats, colour, body_type, crit_air, ct_date, description, status,
				   created_by, published_at, sold_at, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 'draft',
				   $22, 0, 0, $23, $23) RETURNING id`,
				c.Slug, c.Title, c.Make, c.Model, c.Version, c.Price, c.RegMonth, c.RegYear, c.Mileage, c.MileageUnverified,
				c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType, c.CritAir, c.CTDate, c.Description,
				nullID(c.CreatedBy), now).Scan(&c.ID)
			if err != nil {
				return err
			}
			c.CreatedAt, c.UpdatedAt = now, now
			if err := setCarEquipment(ctx, tx, c.ID, &garage.CarEquipment{NewNames: ic.Equipment}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, now, "car.import", "car", map[string]string{"count": strconv.Itoa(len(list))})
	})
}
