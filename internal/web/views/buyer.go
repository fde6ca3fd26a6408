package views

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
)

// Favourites is what /occasions/favoris shows: the cars the URL names
// (favoris.js asks for them from the browser's storage).
type Favourites struct {
	Asked bool // the URL named cars (else the list comes from the browser)
	Cars  []*garage.Car
}

// FavouritesPath is the favourites page.
const FavouritesPath = "/occasions/favoris"

// ComparePath is the comparison of the cars ids.
func ComparePath(ids ...int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "/occasions/comparer?ids=" + strings.Join(parts, ",")
}

// CompareRow is one line of a comparison: a label and each car's value.
// Differ is set when the values are not all the same; Best marks the best
// value of a numeric row (lowest price or mileage, newest, most powerful).
type CompareRow struct {
	Label  string
	Values []string
	Differ bool
	Best   []bool
}

// Comparison is two to four cars side by side.
type Comparison struct {
	Cars      []*garage.Car
	Rows      []CompareRow // the characteristics
	Equipment []CompareRow // one row per equipment any of the cars has: "Oui" or "—"
}

// NewComparison builds the rows of the comparison of cars, whose equipment
// lists are equipment (same order).
func NewComparison(cars []*garage.Car, equipment [][]*garage.Equipment) *Comparison {
	cmp := &Comparison{Cars: cars}
	type numeric struct {
		of     func(c *garage.Car) int
		better func(a, b int) bool
	}
	lower := func(a, b int) bool { return a < b }
	higher := func(a, b int) bool { return a > b }
	add := func(label string, value func(c *garage.Car) string, num *numeric) {
		row := CompareRow{Label: label, Best: make([]bool, len(cars))}
		for _, c := range cars {
			row.Values = append(row.Values, value(c))
		}
		for _, v := range row.Values[1:] {
			if v != row.Values[0] {
				row.Differ = true
			}
		}
		if num != nil && row.Differ {
			best := -1
			for i, c := range cars {
				if n := num.of(c); n > 0 && (best < 0 || num.better(n, num.of(cars[best]))) {
					best = i
				}
			}
			for i, c := range cars {
				row.Best[i] = best >= 0 && num.of(c) == num.of(cars[best])
			}
		}
		cmp.Rows = append(cmp.Rows, row)
	}
	add("Prix TTC", func(c *garage.Car) string { return Price(c.Price) }, &numeric{func(c *garage.Car) int { return c.Price }, lower})
	add("Mise en circulation", CarYear, &numeric{func(c *garage.Car) int { return c.RegYear*12 + c.RegMonth }, higher})
	add("Kilométrage", CarMileage, &numeric{func(c *garage.Car) int { return c.Mileage }, lower})
	add("Énergie", func(c *garage.Car) string { return garage.OptionLabel(garage.Fuels(), c.Fuel) }, nil)
	add("Boîte de vitesses", func(c *garage.Car) string { return garage.OptionLabel(garage.Gearboxes(), c.Gearbox) }, nil)
	add("Puissance", func(c *garage.Car) string {
		if c.PowerHP <= 0 {
			return "—"
		}
		return format.Int(c.PowerHP) + " ch"
	}, &numeric{func(c *garage.Car) int { return c.PowerHP }, higher})
	add("Crit'Air", func(c *garage.Car) string {
		if c.CritAir == "" {
			return "—"
		}
		return garage.OptionLabel(garage.CritAirClasses(), c.CritAir)
	}, nil)

	var names []string
	has := make([]map[string]bool, len(cars))
	for i := range cars {
		has[i] = map[string]bool{}
		if i < len(equipment) {
			for _, e := range equipment[i] {
				has[i][e.Name] = true
				if !slices.Contains(names, e.Name) {
					names = append(names, e.Name)
				}
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	for _, n := range names {
		row := CompareRow{Label: n, Best: make([]bool, len(cars))}
		all := true
		for i := range cars {
			v := "—"
			if has[i][n] {
				v = "Oui"
			} else {
				all = false
			}
			row.Values = append(row.Values, v)
		}
		row.Differ = !all
		cmp.Equipment = append(cmp.Equipment, row)
	}
	return cmp
}

// DiffCount is how many rows differ.
func (c *Comparison) DiffCount() int {
	n := 0
	for _, r := range append(slices.Clone(c.Rows), c.Equipment...) {
		if r.Differ {
			n++
		}
	}
	return n
}

// IDs are the compared cars' IDs.
func (c *Comparison) IDs() []int64 {
	ids := make([]int64, len(c.Cars))
	for i, car := range c.Cars {
		ids[i] = car.ID
	}
	return ids
}

// favLabel names a car's favourite toggle for screen readers.
func favLabel(c *garage.Car) string { return "Favori : " + c.DisplayTitle() }

// queryOf is "?"+q encoded, or "".
func queryOf(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// AlertNewPath is the form that makes an alert of the car list query q.
func AlertNewPath(q url.Values) string {
	v := url.Values{}
	for k, vals := range q {
		if k != "page" && k != "tri" {
			v[k] = vals
		}
	}
	return "/alertes/nouvelle" + queryOf(v)
}

// AlertPath is an alert's management page (its personal link), or one of
// its actions ("confirmer", "desabonner", "supprimer").
func AlertPath(token string, action ...string) string {
	p := "/alertes/" + token
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// AlertSearchPath is the car list of an alert's query.
func AlertSearchPath(query string) string {
	if query == "" {
		return "/occasions"
	}
	return "/occasions?" + query
}

// AlertSummary describes a car list query in French: "Peugeot · Diesel ·
// 10 000 € à 15 000 €", or "Tous nos véhicules".
func AlertSummary(query string) string {
	q, _ := url.ParseQuery(query)
	var parts []string
	if m := q.Get("marque"); m != "" {
		parts = append(parts, m)
	}
	if f := q.Get("energie"); f != "" {
		parts = append(parts, garage.OptionLabel(garage.Fuels(), f))
	}
	if g := q.Get("boite"); g != "" {
		parts = append(parts, "boîte "+strings.ToLower(garage.OptionLabel(garage.Gearboxes(), g)))
	}
	rng := func(dim string, f func(int) string, unit string) {
		lo, errLo := strconv.Atoi(q.Get(dim + "_min"))
		hi, errHi := strconv.Atoi(q.Get(dim + "_max"))
		switch {
		case errLo == nil && errHi == nil:
			parts = append(parts, unit+f(lo)+" à "+f(hi))
		case errLo == nil:
			parts = append(parts, unit+"à partir de "+f(lo))
		case errHi == nil:
			parts = append(parts, unit+"jusqu'à "+f(hi))
		}
	}
	rng("prix", format.Euros, "prix ")
	rng("km", format.Km, "")
	rng("annee", strconv.Itoa, "année ")
	if len(parts) == 0 {
		return "Tous nos véhicules"
	}
	return strings.Join(parts, " · ")
}

// Fiche is a car's printable windscreen sheet.
type Fiche struct {
	Car   *garage.Car
	URL   string // the car page, absolute: what the QR code holds
	QRSVG string // the QR code, an SVG document made by the server
}

// FichePath is a car's printable sheet.
func FichePath(c *garage.Car) string { return CarIDPath(c.ID) + "/fiche" }

// ficheMileage is the mileage, or says that it is not guaranteed.
func ficheMileage(c *garage.Car) string {
	if c.MileageUnverified {
		if c.Mileage == 0 {
			return "non garanti"
		}
		return format.Km(c.Mileage) + " — non garanti"
	}
	return format.Km(c.Mileage)
}

// orDash is s, or "—" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
