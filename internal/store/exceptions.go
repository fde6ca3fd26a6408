package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

// ErrOverlap means a new opening-hours exception shares a day with an
// existing one.
var ErrOverlap = errors.New("store: exception overlaps another one")

const exceptionColumns = `id, first_day, last_day, label, open1, close1, open2, close2`

func scanException(row interface{ Scan(...any) error }) (hours.Exception, error) {
	var e hours.Exception
	var first, last string
	var v [4]sql.NullInt64
	if err := row.Scan(&e.ID, &first, &last, &e.Label, &v[0], &v[1], &v[2], &v[3]); err != nil {
		return e, translate(err)
	}
	var err error
	if e.First, err = hours.ParseDate(first); err != nil {
		return e, fmt.Errorf("store: exception %d: bad first day %q", e.ID, first)
	}
	if e.Last, err = hours.ParseDate(last); err != nil {
		return e, fmt.Errorf("store: exception %d: bad last day %q", e.ID, last)
	}
	for j := 0; j < 4; j += 2 {
		if v[j].Valid && v[j+1].Valid {
			e.Ranges = append(e.Ranges, hours.Range{Open: int(v[j].Int64), Close: int(v[j+1].Int64)})
		}
	}
	return e, nil
}

// ListExceptions returns the exceptions that end on or after from, by
// first day; every exception (past ones are kept for history) when from is
// the zero Date.
func (s *Store) ListExceptions(ctx context.Context, from hours.Date) ([]hours.Exception, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+exceptionColumns+` FROM opening_exceptions WHERE last_day >= $1 ORDER BY first_day, id`,
		from.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []hours.Exception
	for rows.Next() {
		e, err := scanException(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// ExceptionByID returns one exception.
func (s *Store) ExceptionByID(ctx context.Context, id int64) (hours.Exception, error) {
	return scanException(s.db.QueryRowContext(ctx,
		`SELECT `+exceptionColumns+` FROM opening_exceptions WHERE id = $1`, id))
}

// CreateException stores e (which must validate) and sets its ID. It
// returns ErrOverlap when e shares a day with an existing exception.
func (s *Store) CreateException(ctx context.Context, e *hours.Exception, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := insertException(ctx, tx, e, now)
		if err == nil && !ok {
			err = ErrOverlap
		}
		return err
	})
}

// AddExceptions stores the exceptions that do not overlap an existing one
// (or one added before them), in one transaction, and returns those added.
// Importing the same public holidays twice adds nothing the second time.
func (s *Store) AddExceptions(ctx context.Context, list []hours.Exception, now time.Time) ([]hours.Exception, error) {
	var added []hours.Exception
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		added = added[:0]
		for _, e := range list {
			ok, err := insertException(ctx, tx, &e, now)
			if err != nil {
				return err
			}
			if ok {
				added = append(added, e)
			}
		}
		return nil
	})
	return added, err
}

// insertException inserts e unless it overlaps an existing exception.
func insertException(ctx context.Context, tx *sql.Tx, e *hours.Exception, now time.Time) (bool, error) {
	if len(e.Ranges) > hours.MaxRanges {
		return false, fmt.Errorf("store: %d ranges", len(e.Ranges))
	}
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM opening_exceptions WHERE first_day <= $1 AND last_day >= $2`,
		e.Last.String(), e.First.String()).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	var v [4]sql.NullInt64
	for j, r := range e.Ranges {
		v[2*j] = sql.NullInt64{Int64: int64(r.Open), Valid: true}
		v[2*j+1] = sql.NullInt64{Int64: int64(r.Close), Valid: true}
	}
	err := tx.QueryRowContext(ctx,
		`INSERT INTO opening_exceptions (first_day, last_day, label, open1, close1, open2, close2, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.First.String(), e.Last.String(), e.Label, v[0], v[1], v[2], v[3], now.UTC()).Scan(&e.ID)
	return err == nil, translate(err)
}

// DeleteException removes an exception.
func (s *Store) DeleteException(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM opening_exceptions WHERE id = $1`, id)
	return affectedOne(res, err)
}
