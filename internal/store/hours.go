package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

// OpeningHours returns the weekly opening hours, Monday first. A weekday
// without a row is closed.
func (s *Store) OpeningHours(ctx context.Context) (hours.Week, error) {
	var w hours.Week
	for i := range w {
		w[i].Weekday = time.Weekday((i + 1) % 7)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT weekday, open1, close1, open2, close2 FROM opening_hours ORDER BY weekday`)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	for rows.Next() {
		var day int
		var o1, c1, o2, c2 sql.NullInt64
		if err := rows.Scan(&day, &o1, &c1, &o2, &c2); err != nil {
			return w, err
		}
		if day < 0 || day > 6 {
			continue
		}
		if o1.Valid && c1.Valid {
			w[day].Ranges = append(w[day].Ranges, hours.Range{Open: int(o1.Int64), Close: int(c1.Int64)})
		}
		if o2.Valid && c2.Valid {
			w[day].Ranges = append(w[day].Ranges, hours.Range{Open: int(o2.Int64), Close: int(c2.Int64)})
		}
	}
	return w, rows.Err()
}

// SaveOpeningHours replaces the hours of every day of the week at once.
// Each day must already be valid (hours.Day.Validate).
func (s *Store) SaveOpeningHours(ctx context.Context, w hours.Week) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for i, d := range w {
			if len(d.Ranges) > 2 {
				return fmt.Errorf("store: %d ranges for weekday %d", len(d.Ranges), i)
			}
			var v [4]sql.NullInt64
			for j, r := range d.Ranges {
				v[2*j] = sql.NullInt64{Int64: int64(r.Open), Valid: true}
				v[2*j+1] = sql.NullInt64{Int64: int64(r.Close), Valid: true}
			}
			_, err := tx.ExecContext(ctx,
				`INSERT INTO opening_hours (weekday, open1, close1, open2, close2) VALUES ($1, $2, $3, $4, $5)
				 ON CONFLICT (weekday) DO UPDATE SET open1 = $2, close1 = $3, open2 = $4, close2 = $5`,
				i, v[0], v[1], v[2], v[3])
			if err != nil {
				return err
			}
		}
		return nil
	})
}
