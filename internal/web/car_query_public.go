package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// Public car list parameters. Every one is optional; the list URL with them
// is shareable and crawlable.
const (
	carsPageSize = 12
	// maxFilterValue caps every numeric parameter: beyond it, the value is
	// clamped (no car costs or drives a billion).
	maxFilterValue = 100_000_000
	maxMakeLen     = 60
)

// carRangeParams are the range filters: parameter names and the filter
// fields they set.
var carRangeParams = []struct {
	dim, min, max string
	set           func(f *garage.CarFilter, lo, hi *int)
}{
	{"prix", "prix_min", "prix_max", func(f *garage.CarFilter, lo, hi *int) { f.PriceMin, f.PriceMax = lo, hi }},
	{"km", "km_min", "km_max", func(f *garage.CarFilter, lo, hi *int) { f.MileageMin, f.MileageMax = lo, hi }},
	{"annee", "annee_min", "annee_max", func(f *garage.CarFilter, lo, hi *int) { f.YearMin, f.YearMax = lo, hi }},
}

// carQueryParams are the parameters the car list reads (parseCarQuery, wantsFragment): its cached pages are
// keyed on them alone.
var carQueryParams = []string{"prix_min", "prix_max", "km_min", "km_max", "annee_min", "annee_max",
	"marque", "energie", "boite", "tri", "page", "fragment"}

// badParam is a parameter the list cannot understand, with a French message.
type badParam struct{ msg string }

// parseCarQuery turns the list's query string into a filter and the
// normalised values shown back in the form. Negative, inverted or huge
// numbers are clamped; unknown choices are dropped; a number that is not a
// number is refused with a French message.
func parseCarQuery(q url.Values) (garage.CarFilter, *views.CarSearch, *badParam) {
	f := garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, Sort: garage.SortNewest, Limit: carsPageSize}
	s := &views.CarSearch{Values: url.Values{}, Page: 1}
	num := func(name string) (*int, *badParam) {
		v := strings.TrimSpace(strings.NewReplacer(" ", "", "\u202f", "", "\u00a0", "").Replace(q.Get(name)))
		if v == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				n = maxFilterValue
			} else {
				return nil, &badParam{"Le paramètre « " + name + " » doit être un nombre entier, sans lettres ni décimales."}
			}
		}
		n = min(max(n, 0), maxFilterValue)
		i := int(n)
		return &i, nil
	}
	for _, rp := range carRangeParams {
		lo, bad := num(rp.min)
		if bad != nil {
			return f, nil, bad
		}
		hi, bad := num(rp.max)
		if bad != nil {
			return f, nil, bad
		}
		if lo != nil && hi != nil && *lo > *hi {
			lo, hi = hi, lo
		}
		rp.set(&f, lo, hi)
		if lo != nil {
			s.Values.Set(rp.min, strconv.Itoa(*lo))
		}
		if hi != nil {
			s.Values.Set(rp.max, strconv.Itoa(*hi))
		}
	}
	if m := strings.TrimSpace(q.Get("marque")); m != "" && len(m) <= maxMakeLen {
		f.Make = m
		s.Values.Set("marque", m)
	}
	if v := q.Get("energie"); garage.HasOption(garage.Fuels(), v) {
		f.Fuel = v
		s.Values.Set("energie", v)
	}
	if v := q.Get("boite"); garage.HasOption(garage.Gearboxes(), v) {
		f.Gearbox = v
		s.Values.Set("boite", v)
	}
	if v := garage.CarSort(q.Get("tri")); v != garage.SortUpdatedDesc && v.Valid() {
		f.Sort = v
		if v != garage.SortNewest {
			s.Values.Set("tri", string(v))
		}
	}
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil && !isAllDigits(v):
			return f, nil, &badParam{"Le numéro de page doit être un nombre entier."}
		case err != nil || n > maxFilterValue:
			n = maxFilterValue
		case n < 1:
			n = 1
		}
		s.Page = n
	}
	return f, s, nil
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
