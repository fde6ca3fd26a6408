package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

func scanCarPhoto(row scanner) (*garage.CarPhoto, error) {
	var p garage.CarPhoto
	return &p, row.Scan(&p.ID, &p.CarID, &p.Key, &p.Position, &p.Width, &p.Height, &p.CreatedAt)
}

// CarPhotos returns a car's photos in display order, the main one first.
func (s *Store) CarPhotos(ctx context.Context, carID int64) (list []*garage.CarPhoto, err error) {
	defer wrap(&err, "list photos of car %d", carID)
	return queryAll(ctx, s.db, scanCarPhoto,
		`SELECT id, car_id, key, position, width, height, created_at FROM car_photos
		  WHERE car_id = $1 ORDER BY position, id`, carID)
}

// AddCarPhotos appends photos to a car, after its existing ones, in one
// transaction: either all rows are written or none. It returns ErrConflict
// when the car would pass MaxCarPhotos, and ErrNotFound for an unknown car.
func (s *Store) AddCarPhotos(ctx context.Context, carID int64, photos []*garage.CarPhoto, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "add photos to car %d", carID)
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n, next int
		err := tx.QueryRowContext(ctx,
			`SELECT count(p.id), COALESCE(MAX(p.position), -1) + 1 FROM cars c LEFT JOIN car_photos p ON p.car_id = c.id
			  WHERE c.id = $1 GROUP BY c.id`, carID).Scan(&n, &next)
		if err != nil {
			return err
		}
		if n+len(photos) > garage.MaxCarPhotos {
			return ErrConflict
		}
		for i, p := range photos {
			p.CarID, p.Position, p.CreatedAt = carID, next+i, now
			if err := tx.QueryRowContext(ctx,
				`INSERT INTO car_photos (car_id, key, position, width, height, created_at) VALUES ($1, $2, $3, $4, $5, $6)
				 RETURNING id`, carID, p.Key, p.Position, p.Width, p.Height, now).Scan(&p.ID); err != nil {
				return err
			}
		}
		if _, err = tx.ExecContext(ctx, `UPDATE cars SET updated_at = $1 WHERE id = $2`, now, carID); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.photos.add", garage.Target("car", carID), map[string]string{"count": strconv.Itoa(len(photos))})
	})
}

// MoveCarPhoto reorders a car's photos and renumbers them 0, 1, 2…
func (s *Store) MoveCarPhoto(ctx context.Context, carID, photoID int64, move garage.PhotoMove, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "move photo %d of car %d", photoID, carID)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ids, err := column[int64](ctx, tx, `SELECT id FROM car_photos WHERE car_id = $1 ORDER BY position, id`, carID)
		if err != nil {
			return err
		}
		at := slices.Index(ids, photoID)
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
		return audit(ctx, tx, by, now, "car.photo."+move.Name(), garage.Target("car", carID),
			map[string]string{"photo": strconv.FormatInt(photoID, 10)})
	})
}

// DeleteCarPhoto removes a photo row and returns its key, whose files the
// caller deletes from the photo store.
func (s *Store) DeleteCarPhoto(ctx context.Context, carID, photoID int64, now time.Time, by garage.Actor) (key string, err error) {
	defer wrap(&err, "delete photo %d of car %d", photoID, carID)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM car_photos WHERE id = $1 AND car_id = $2 RETURNING key`, photoID, carID).Scan(&key)
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "car.photo.supprimer", garage.Target("car", carID),
			map[string]string{"photo": strconv.FormatInt(photoID, 10)})
	})
	return key, err
}

// CarPhotoCount returns how many photos a car has.
func (s *Store) CarPhotoCount(ctx context.Context, carID int64) (n int, err error) {
	defer wrap(&err, "count photos of car %d", carID)
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM car_photos WHERE car_id = $1`, carID).Scan(&n)
	return n, err
}
