package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

var sortClauses = map[garage.CarSort]string{
	garage.SortNewest:      "c.published_at DESC, c.id DESC",
	garage.SortPriceAsc:    "c.price ASC, c.id DESC",
	garage.SortPriceDesc:   "c.price DESC, c.id DESC",
	garage.SortMileageAsc:  "c.mileage ASC, c.id DESC",
	garage.SortYearDesc:    "c.reg_year DESC, c.reg_month DESC, c.id DESC",
	garage.SortYearAsc:     "c.reg_year ASC, c.reg_month ASC, c.id DESC",
	garage.SortUpdatedDesc: "c.updated_at DESC, c.id DESC",
}

// whereClause builds the WHERE of f with $n placeholders and their arguments.
func whereClause(f garage.CarFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var statusConds []string
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ph[i] = arg(string(st))
		}
		statusConds = append(statusConds, "c.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.SoldSince != nil {
		statusConds = append(statusConds, "(c.status = 'sold' AND c.sold_at >= "+arg(f.SoldSince.Unix())+")")
	}
	if len(statusConds) > 0 {
		conds = append(conds, "("+strings.Join(statusConds, " OR ")+")")
	}
	if q := escapeLike(strings.TrimSpace(f.Search)); q != "" {
		p := arg("%" + strings.ToLower(q) + "%")
		conds = append(conds, "(lower(c.make) LIKE "+p+" OR lower(c.model) LIKE "+p+" OR lower(c.version) LIKE "+p+
			" OR lower(c.title) LIKE "+p+")")
	}
	if f.Make != "" {
		conds = append(conds, "lower(c.make) = lower("+arg(f.Make)+")")
	}
	if f.Fuel != "" {
		conds = append(conds, "c.fuel = "+arg(f.Fuel))
	}
	if f.Gearbox != "" {
		conds = append(conds, "c.gearbox = "+arg(f.Gearbox))
	}
	for _, r := range []struct {
		col      string
		min, max *int
	}{{"c.price", f.PriceMin, f.PriceMax}, {"c.mileage", f.MileageMin, f.MileageMax}, {"c.reg_year", f.YearMin, f.YearMax}} {
		if r.min != nil {
			conds = append(conds, r.col+" >= "+arg(*r.min))
		}
		if r.max != nil {
			conds = append(conds, r.col+" <= "+arg(*r.max))
		}
	}
	if f.IDs != nil {
		ph := []string{"0"} // an empty list selects nothing
		for _, id := range f.IDs {
			ph = append(ph, arg(id))
		}
		conds = append(conds, "c.id IN ("+strings.Join(ph, ", ")+")")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListCars returns one page of the cars f selects, in f's order, and how
// many cars f selects in all.
func (s *Store) ListCars(ctx context.Context, f garage.CarFilter) (list []*garage.Car, total int, err error) {
	defer wrap(&err, "list cars")
	where, args := whereClause(f)
	total = -1
	if !f.NoCount {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM cars c`+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	list, err = queryAll(ctx, s.db, scanCar, s.listQuery(f, where), args...)
	return list, total, err
}

// listQuery is the page query of ListCars for f, whose WHERE is where.
func (s *Store) listQuery(f garage.CarFilter, where string) string {
	order, ok := sortClauses[f.Sort]
	if !ok {
		order = sortClauses[garage.SortNewest]
	}
	if f.SoldSince != nil {
		// Sold cars after the ones still for sale.
		order = "CASE WHEN c.status = 'sold' THEN 1 ELSE 0 END, " + order
	}
	q := `SELECT ` + carColumns + ` FROM cars c` + where + ` ORDER BY ` + order
	switch {
	case f.Limit > 0:
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	case f.Offset > 0 && s.engine == Postgres:
		q += ` LIMIT ALL`
	case f.Offset > 0:
		q += ` LIMIT -1`
	}
	if f.Offset > 0 {
		q += ` OFFSET ` + strconv.Itoa(f.Offset)
	}
	return q
}

// ExplainListCars returns the engine's query plan of the count and page
// queries of ListCars for f (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
// PostgreSQL), to check in tests and docs that the filter uses indexes.
func (s *Store) ExplainListCars(ctx context.Context, f garage.CarFilter) (_ string, err error) {
	defer wrap(&err, "explain list cars")
	where, args := whereClause(f)
	explain := "EXPLAIN QUERY PLAN "
	if s.engine == Postgres {
		explain = "EXPLAIN "
	}
	var out strings.Builder
	for _, q := range []string{`SELECT count(*) FROM cars c` + where, s.listQuery(f, where)} {
		rows, err := s.db.QueryContext(ctx, explain+q, args...)
		if err != nil {
			return "", err
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return "", err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
			fmt.Fprintln(&out, vals[len(vals)-1])
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
		out.WriteString("--\n")
	}
	return out.String(), nil
}

// PublishedCarFacets computes the facets over published cars. Each bound
// is its own MIN or MAX so that both engines answer it from an index
// (status, column) instead of scanning the published cars.
func (s *Store) PublishedCarFacets(ctx context.Context) (_ *garage.CarFacets, err error) {
	defer wrap(&err, "car facets")
	var f garage.CarFacets
	bound := func(agg, col string) string {
		return `(SELECT COALESCE(` + agg + `(` + col + `), 0) FROM cars WHERE status = 'published')`
	}
	err = s.db.QueryRowContext(ctx, `SELECT `+bound("MIN", "price")+`, `+bound("MAX", "price")+`, `+
		bound("MIN", "mileage")+`, `+bound("MAX", "mileage")+`, `+bound("MIN", "reg_year")+`, `+bound("MAX", "reg_year")).
		Scan(&f.Price.Min, &f.Price.Max, &f.Mileage.Min, &f.Mileage.Max, &f.Year.Min, &f.Year.Max)
	if err != nil {
		return nil, err
	}
	for _, d := range []struct {
		col string
		out *[]string
	}{{"make", &f.Makes}, {"fuel", &f.Fuels}, {"gearbox", &f.Gearboxes}} {
		if *d.out, err = column[string](ctx, s.db, `SELECT DISTINCT `+d.col+` FROM cars WHERE status = 'published' AND `+d.col+` <> ''`); err != nil {
			return nil, err
		}
	}
	f.Makes = dedupeFold(f.Makes)
	slices.Sort(f.Fuels)
	slices.Sort(f.Gearboxes)
	return &f, nil
}

// dedupeFold keeps one spelling of each make whatever its case (the first
// in byte order) and sorts them case-insensitively.
func dedupeFold(list []string) []string {
	slices.Sort(list)
	seen := map[string]bool{}
	out := list[:0]
	for _, v := range list {
		k := strings.ToLower(v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// column runs a query of one column and returns its values.
func column[T any](ctx context.Context, q querier, query string, args ...any) ([]T, error) {
	return queryAll(ctx, q, func(row scanner) (T, error) {
		var v T
		return v, row.Scan(&v)
	}, query, args...)
}

// FirstSoldCarLeaving returns the moment the oldest sold car still shown to visitors (sold at or after since,
// as CarFilter.SoldSince lets in) leaves a list whose SoldSince is window before the time of the request:
// until then, the sold cars such a list shows only change with the content version. It returns the zero
// time when no sold car is shown.
func (s *Store) FirstSoldCarLeaving(ctx context.Context, since time.Time, window time.Duration) (_ time.Time, err error) {
	defer wrap(&err, "first sold car leaving")
	var oldest int64
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(sold_at), 0) FROM cars WHERE status = 'sold' AND sold_at >= $1`,
		since.Unix()).Scan(&oldest)
	if err != nil || oldest == 0 {
		return time.Time{}, err
	}
	// A car sold at second n is shown while the request's second minus the window is at most n.
	return time.Unix(oldest, 0).Add(window + time.Second), nil
}
