package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// CarPhotos returns a car's photos in display order, the main one first.
func (s *Store) CarPhotos(ctx context.Context, carID int64) ([]*garage.CarPhoto, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, car_id, key, position, width, height, created_at FROM car_photos
		  WHERE car_id = $1 ORDER BY position, id`, carID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*garage.CarPhoto
	for rows.Next() {
		var p garage.CarPhoto
		if err := rows.Scan(&p.ID, &p.CarID, &p.Key, &p.Position, &p.Width, &p.Height, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// AddCarPhotos appends photos to a car, after its existing ones, in one
// transaction: either all rows are written or none. It returns ErrConflict
// when the car would pass MaxCarPhotos, and ErrNotFound for an unknown car.
func (s *Store) AddCarPhotos(ctx context.Context, carID int64, photos []*garage.CarPhoto, now time.Time) error {
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n, next int
		err := tx.QueryRowContext(ctx,
			`SELECT count(p.id), COALESCE(MAX(p.position), -1) + 1 FROM cars c LEFT JOIN car_photos p ON p.car_id = c.id
			  WHERE c.id = $1 GROUP BY c.id`, carID).Scan(&n, &next)
		if err != nil {
			return translate(err)
		}
		if n+len(photos) > garage.MaxCarPhotos {
			return ErrConflict
		}
		for i, p := range photos {
			p.CarID, p.Position, p.CreatedAt = carID, next+i, now
			if err := tx.QueryRowContext(ctx,
				`INSERT INTO car_photos (car_id, key, position, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6)
				 RETURNING id`, carID, p.Key, p.Position, p.Width, p.Height, now).Scan(&p.ID); err != nil {
				return translate(err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE cars SET updated_at = $1 WHERE id = $2`, now, carID)
		return err
	})
}

// MoveCarPhoto reorders a car's photos and renumbers them 0, 1, 2…
func (s *Store) MoveCarPhoto(ctx context.Context, carID, photoID int64, move garage.PhotoMove) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ids, err := column[int64](ctx, tx, `SELECT id FROM car_photos WHERE car_id = $1 ORDER BY position, id`, carID)
		if err != nil {
			return err
		}
		at := -1
		for i, id := range ids {
			if id == photoID {
				at = i
			}
		}
		if at < 0 {
			return ErrNotFound
		}
		switch {
		case move == garage.PhotoUp && at > 0:
			ids[at-1], ids[at] = ids[at], ids[at-1]
		case move == garage.PhotoDown && at < len(ids)-1:
			ids[at+1], ids[at] = ids[at], ids[at+1]
		case move == garage.PhotoFirst:
			copy(ids[1:at+1], ids[:at])
			ids[0] = photoID
		}
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE car_photos SET position = $1 WHERE id = $2`, i, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteCarPhoto removes a photo row and returns its key, whose files the
// caller deletes from the photo store.
func (s *Store) DeleteCarPhoto(ctx context.Context, carID, photoID int64) (string, error) {
	var key string
	err := s.db.QueryRowContext(ctx, `DELETE FROM car_photos WHERE id = $1 AND car_id = $2 RETURNING key`, photoID, carID).Scan(&key)
	return key, translate(err)
}

// CarPhotoCount returns how many photos a car has.
func (s *Store) CarPhotoCount(ctx context.Context, carID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM car_photos WHERE car_id = $1`, carID).Scan(&n)
	return n, err
}
