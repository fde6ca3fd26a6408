package views

import (
	"net/url"
	"slices"
	"strings"

	"github.com/vparrot/garage/internal/garage"
)

// menuTotal is the sum of the back-office navigation badges, shown on the
// collapsed phone menu.
func menuTotal(counters map[string]int) int {
	n := 0
	for _, c := range counters {
		n += c
	}
	return n
}

// describedBy is a field's one aria-describedby: its hint and its error
// message, when it has them ("" when none).
func describedBy(name string, hint, hasError bool) string {
	var ids []string
	if hint {
		ids = append(ids, name+"-hint")
	}
	if hasError {
		ids = append(ids, name+"-error")
	}
	return strings.Join(ids, " ")
}

// FilterChip is one active filter of the car list, shown above the results
// with a link that removes it.
type FilterChip struct {
	Label     string
	RemoveURL string
}

// without is the list URL without the given parameters (first page).
func (s *CarSearch) without(keys ...string) string {
	c := &CarSearch{Values: url.Values{}}
	for k, vals := range s.Values {
		if k != "page" && !slices.Contains(keys, k) {
			c.Values[k] = vals
		}
	}
	return c.URL(1)
}

// Chips are the active filters (not the sort order), in the form's order.
func (s *CarSearch) Chips() []FilterChip {
	var out []FilterChip
	dims := (&CarSearch{Facets: &garage.CarFacets{}}).ranges() // the labels only: the fragment has no facets
	for _, d := range dims {
		lo, hi := s.V(d.Dim+"_min"), s.V(d.Dim+"_max")
		if lo == "" && hi == "" {
			continue
		}
		unit := ""
		if d.Unit != "" {
			unit = "\u00a0" + d.Unit
		}
		var l string
		switch {
		case lo != "" && hi != "":
			l = d.Legend + " : " + lo + unit + " à " + hi + unit
		case lo != "":
			l = d.Legend + " : dès " + lo + unit
		default:
			l = d.Legend + " : jusqu'à " + hi + unit
		}
		out = append(out, FilterChip{l, s.without(d.Dim+"_min", d.Dim+"_max")})
	}
	if v := s.V("marque"); v != "" {
		out = append(out, FilterChip{v, s.without("marque")})
	}
	if v := s.V("energie"); v != "" {
		out = append(out, FilterChip{garage.OptionLabel(garage.Fuels(), v), s.without("energie")})
	}
	if v := s.V("boite"); v != "" {
		out = append(out, FilterChip{garage.OptionLabel(garage.Gearboxes(), v), s.without("boite")})
	}
	return out
}

// PageLinks are the numbered pages of the pagination: every page when there
// are few, else the first, the last and the two around the current one, 0
// standing for an ellipsis.
func (s *CarSearch) PageLinks() []int {
	var out []int
	for n := 1; n <= s.Pages; n++ {
		if s.Pages <= 7 || n == 1 || n == s.Pages || (n >= s.Page-1 && n <= s.Page+1) {
			out = append(out, n)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}
