package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// ErrOverlap means a new opening-hours exception shares a day with an
// existing one.
var ErrOverlap = errors.New("exception overlaps another one")

const exceptionColumns = `id, first_day, last_day, label, open1, close1, open2, close2`

func scanException(row scanner) (hours.Exception, error) {
	var e hours.Exception
	var first, last string
	var v [4]sql.NullInt64
	if err := row.Scan(&e.ID, &first, &last, &e.Label, &v[0], &v[1], &v[2], &v[3]); err != nil {
		return e, err
	}
	var err error
	if e.First, err = hours.ParseDate(first); err != nil {
		return e, fmt.Errorf("exception %d: bad first day %q", e.ID, first)
	}
	if e.Last, err = hours.ParseDate(last); err != nil {
		return e, fmt.Errorf("exception %d: bad last day %q", e.ID, last)
	}
	e.Ranges = rangesOf(v)
	return e, nil
}

// ListExceptions returns the exceptions that end on or after from, by
// first day; every exception (past ones are kept for history) when from is
// the zero Date.
func (s *Store) ListExceptions(ctx context.Context, from hours.Date) (list []hours.Exception, err error) {
	defer wrap(&err, "list opening exceptions")
	return queryAll(ctx, s.db, scanException,
		`SELECT `+exceptionColumns+` FROM opening_exceptions WHERE last_day >= $1 ORDER BY first_day, id`, from.String())
}

// ExceptionByID returns one exception.
func (s *Store) ExceptionByID(ctx context.Context, id int64) (e hours.Exception, err error) {
	defer wrap(&err, "read opening exception %d", id)
	return scanException(s.db.QueryRowContext(ctx,
		`SELECT `+exceptionColumns+` FROM opening_exceptions WHERE id = $1`, id))
}

// CreateException stores e (which must validate) and sets its ID. It
// returns ErrOverlap when e shares a day with an existing exception.
func (s *Store) CreateException(ctx context.Context, e *hours.Exception, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create opening exception")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ok, err := insertException(ctx, tx, e, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrOverlap
		}
		return audit(ctx, tx, by, now, "hours.exception.create", garage.Target("exception", e.ID),
			map[string]string{"after": garage.ExceptionText(*e)})
	})
}

// AddHolidays stores the public holidays of year (closed days) that do not
// overlap an existing exception, in one transaction, and returns those
// added: importing the same year twice adds nothing the second time.
func (s *Store) AddHolidays(ctx context.Context, year int, list []hours.Exception, now time.Time, by garage.Actor) (added []hours.Exception, err error) {
	defer wrap(&err, "add holidays %d", year)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		added = added[:0]
		names := make([]string, 0, len(list))
		for _, e := range list {
			ok, err := insertException(ctx, tx, &e, now)
			if err != nil {
				return err
			}
			if ok {
				added = append(added, e)
				names = append(names, e.First.String()+" "+e.Label)
			}
		}
		return audit(ctx, tx, by, now, "hours.holidays.import", "year:"+strconv.Itoa(year),
			map[string]string{"added": strings.Join(names, " ; ")})
	})
	return added, err
}

// insertException inserts e unless it overlaps an existing exception.
func insertException(ctx context.Context, tx *sql.Tx, e *hours.Exception, now time.Time) (bool, error) {
	if len(e.Ranges) > hours.MaxRanges {
		return false, fmt.Errorf("%d ranges", len(e.Ranges))
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
	v := rangeColumns(e.Ranges)
	err := tx.QueryRowContext(ctx,
		`INSERT INTO opening_exceptions (first_day, last_day, label, open1, close1, open2, close2, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.First.String(), e.Last.String(), e.Label, v[0], v[1], v[2], v[3], now.UTC()).Scan(&e.ID)
	return err == nil, err
}

// DeleteException removes an exception.
func (s *Store) DeleteException(ctx context.Context, id int64, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "delete opening exception %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := scanException(tx.QueryRowContext(ctx, `SELECT `+exceptionColumns+` FROM opening_exceptions WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM opening_exceptions WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "hours.exception.delete", garage.Target("exception", id),
			map[string]string{"before": garage.ExceptionText(e)})
	})
}
