package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

func scanEquipment(row scanner) (*garage.Equipment, error) {
	var e garage.Equipment
	return &e, row.Scan(&e.ID, &e.Name)
}

// ListEquipment returns the whole vocabulary, sorted by name.
func (s *Store) ListEquipment(ctx context.Context) (list []*garage.Equipment, err error) {
	defer wrap(&err, "list equipment")
	return queryAll(ctx, s.db, scanEquipment, `SELECT id, name FROM equipment ORDER BY lower(name), id`)
}

// CarEquipment returns a car's equipment, sorted by name.
func (s *Store) CarEquipment(ctx context.Context, carID int64) (list []*garage.Equipment, err error) {
	defer wrap(&err, "list equipment of car %d", carID)
	return queryAll(ctx, s.db, scanEquipment, `SELECT e.id, e.name FROM equipment e JOIN car_equipment ce ON ce.equipment_id = e.id
		WHERE ce.car_id = $1 ORDER BY lower(e.name), e.id`, carID)
}

// EnsureEquipment returns the ID of the entry named name (any case),
// creating it when new. Spaces are normalised.
func (s *Store) EnsureEquipment(ctx context.Context, name string) (id int64, err error) {
	defer wrap(&err, "add equipment %q", name)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id, err = ensureEquipmentTx(ctx, tx, garage.SquashSpaces(name))
		return err
	})
	return id, err
}

func ensureEquipmentTx(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM equipment WHERE lower(name) = lower($1)`, name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if err != sql.ErrNoRows {
		return 0, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO equipment (name) VALUES ($1) RETURNING id`, name).Scan(&id)
	return id, err
}

// setCarEquipment replaces a car's equipment with the entries of eq plus
// its new names (created in the vocabulary when unknown); a nil eq leaves
// the equipment as it is.
func setCarEquipment(ctx context.Context, tx *sql.Tx, carID int64, eq *garage.CarEquipment) error {
	if eq == nil {
		return nil
	}
	ids := append([]int64(nil), eq.IDs...)
	for _, n := range eq.NewNames {
		if n = garage.SquashSpaces(n); n == "" {
			continue
		}
		id, err := ensureEquipmentTx(ctx, tx, n)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM car_equipment WHERE car_id = $1`, carID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO car_equipment (car_id, equipment_id) SELECT $1, id FROM equipment WHERE id = $2
			 ON CONFLICT (car_id, equipment_id) DO NOTHING`, carID, id); err != nil {
			return err
		}
	}
	return nil
}

// ListEquipmentUse returns the vocabulary with how many cars use each entry.
func (s *Store) ListEquipmentUse(ctx context.Context) (list []*garage.EquipmentUse, err error) {
	defer wrap(&err, "list equipment use")
	return queryAll(ctx, s.db, func(row scanner) (*garage.EquipmentUse, error) {
		var e garage.EquipmentUse
		return &e, row.Scan(&e.ID, &e.Name, &e.Cars)
	}, `SELECT e.id, e.name, count(ce.car_id) FROM equipment e LEFT JOIN car_equipment ce ON ce.equipment_id = e.id
		  GROUP BY e.id, e.name ORDER BY lower(e.name), e.id`)
}

// RenameEquipment renames an entry (spaces normalised) everywhere it is
// used and returns its former name; ErrConflict when another entry already
// has that name, in any case.
func (s *Store) RenameEquipment(ctx context.Context, id int64, name string, now time.Time, by garage.Actor) (before string, err error) {
	defer wrap(&err, "rename equipment %d", id)
	name = garage.SquashSpaces(name)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM equipment WHERE id = $1`, id).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE equipment SET name = $1 WHERE id = $2`, name, id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "equipment.rename", garage.Target("equipment", id), map[string]string{"before": before, "after": name})
	})
	return before, err
}

// DeleteEquipment removes an entry from the vocabulary and from every car,
// and returns its name.
func (s *Store) DeleteEquipment(ctx context.Context, id int64, now time.Time, by garage.Actor) (name string, err error) {
	defer wrap(&err, "delete equipment %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM equipment WHERE id = $1`, id).Scan(&name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM equipment WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "equipment.delete", garage.Target("equipment", id), map[string]string{"before": name})
	})
	return name, err
}

// SetCarEquipment replaces a car's equipment with the entries of eq plus
// its new names (created in the vocabulary when unknown).
func (s *Store) SetCarEquipment(ctx context.Context, carID int64, eq *garage.CarEquipment, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set equipment of car %d", carID)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := setCarEquipment(ctx, tx, carID, eq); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.update", garage.Target("car", carID), map[string]string{"equipment": "modifié"})
	})
}
