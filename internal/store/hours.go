package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// OpeningHours returns the weekly opening hours, Monday first. A weekday
// without a row is closed.
func (s *Store) OpeningHours(ctx context.Context) (w hours.Week, err error) {
	defer wrap(&err, "read opening hours")
	return openingHours(ctx, s.db)
}

func openingHours(ctx context.Context, q querier) (hours.Week, error) {
	var w hours.Week
	for i := range w {
		w[i].Weekday = time.Weekday((i + 1) % 7)
	}
	rows, err := q.QueryContext(ctx, `SELECT weekday, open1, close1, open2, close2 FROM opening_hours ORDER BY weekday`)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	for rows.Next() {
		var day int
		var v [4]sql.NullInt64
		if err := rows.Scan(&day, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return w, err
		}
		if day >= 0 && day <= 6 {
			w[day].Ranges = rangesOf(v)
		}
	}
	return w, rows.Err()
}

// rangeColumns are up to two ranges as the columns open1, close1, open2,
// close2 keep them (NULL for none); rangesOf reads them back.
func rangeColumns(rs []hours.Range) (v [4]sql.NullInt64) {
	for j, r := range rs {
		v[2*j] = sql.NullInt64{Int64: int64(r.Open), Valid: true}
		v[2*j+1] = sql.NullInt64{Int64: int64(r.Close), Valid: true}
	}
	return v
}

func rangesOf(v [4]sql.NullInt64) []hours.Range {
	var rs []hours.Range
	for j := 0; j < 4; j += 2 {
		if v[j].Valid && v[j+1].Valid {
			rs = append(rs, hours.Range{Open: int(v[j].Int64), Close: int(v[j+1].Int64)})
		}
	}
	return rs
}

// SaveOpeningHours replaces the hours of every day of the week at once.
// Each day must already be valid (hours.Day.Validate).
func (s *Store) SaveOpeningHours(ctx context.Context, w hours.Week, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "save opening hours")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := openingHours(ctx, tx)
		if err != nil {
			return err
		}
		for i, d := range w {
			if len(d.Ranges) > hours.MaxRanges {
				return fmt.Errorf("%d ranges for weekday %d", len(d.Ranges), i)
			}
			v := rangeColumns(d.Ranges)
			_, err := tx.ExecContext(ctx,
				`INSERT INTO opening_hours (weekday, open1, close1, open2, close2) VALUES ($1, $2, $3, $4, $5)
				 ON CONFLICT (weekday) DO UPDATE SET open1 = $2, close1 = $3, open2 = $4, close2 = $5`,
				i, v[0], v[1], v[2], v[3])
			if err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, now, "hours.update", "opening_hours",
			map[string]string{"before": garage.WeekText(before), "after": garage.WeekText(w)})
	})
}
