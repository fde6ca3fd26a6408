package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/vparrot/garage/internal/garage"
)

// ListEquipment returns the whole vocabulary, sorted by name.
func (s *Store) ListEquipment(ctx context.Context) ([]*garage.Equipment, error) {
	return s.equipment(ctx, `SELECT id, name FROM equipment ORDER BY lower(name), id`)
}

// CarEquipment returns a car's equipment, sorted by name.
func (s *Store) CarEquipment(ctx context.Context, carID int64) ([]*garage.Equipment, error) {
	return s.equipment(ctx, `SELECT e.id, e.name FROM equipment e JOIN car_equipment ce ON ce.equipment_id = e.id
		WHERE ce.car_id = $1 ORDER BY lower(e.name), e.id`, carID)
}

func (s *Store) equipment(ctx context.Context, q string, args ...any) ([]*garage.Equipment, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*garage.Equipment
	for rows.Next() {
		var e garage.Equipment
		if err := rows.Scan(&e.ID, &e.Name); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// EnsureEquipment returns the ID of the entry named name (any case),
// creating it when new. Spaces are normalised.
func (s *Store) EnsureEquipment(ctx context.Context, name string) (int64, error) {
	name = strings.Join(strings.Fields(name), " ")
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = ensureEquipmentTx(ctx, tx, name)
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
	return id, translate(err)
}

// SetCarEquipment replaces a car's equipment with the entries of ids plus
// the new names (created in the vocabulary when unknown).
func (s *Store) SetCarEquipment(ctx context.Context, carID int64, ids []int64, newNames []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, n := range newNames {
			n = strings.Join(strings.Fields(n), " ")
			if n == "" {
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
				return translate(err)
			}
		}
		return nil
	})
}

// ListEquipmentUse returns the vocabulary with how many cars use each entry.
func (s *Store) ListEquipmentUse(ctx context.Context) ([]*garage.EquipmentUse, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT e.id, e.name, count(ce.car_id) FROM equipment e LEFT JOIN car_equipment ce ON ce.equipment_id = e.id
		  GROUP BY e.id, e.name ORDER BY lower(e.name), e.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*garage.EquipmentUse
	for rows.Next() {
		var e garage.EquipmentUse
		if err := rows.Scan(&e.ID, &e.Name, &e.Cars); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// RenameEquipment renames an entry (spaces normalised); ErrConflict when
// another entry already has that name, in any case.
func (s *Store) RenameEquipment(ctx context.Context, id int64, name string) (before string, err error) {
	name = strings.Join(strings.Fields(name), " ")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM equipment WHERE id = $1`, id).Scan(&before); err != nil {
			return translate(err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE equipment SET name = $1 WHERE id = $2`, name, id)
		return translate(err)
	})
	return before, err
}

// DeleteEquipment removes an entry from the vocabulary and from every car.
func (s *Store) DeleteEquipment(ctx context.Context, id int64) (name string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM equipment WHERE id = $1`, id).Scan(&name); err != nil {
			return translate(err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM equipment WHERE id = $1`, id)
		return err
	})
	return name, err
}
