package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photostore"
)

// CarForm is what the back-office car form shows: the values as typed
// (kept on a 422), an error per field, the equipment vocabulary, and for an
// existing car its photos and what blocks its publication.
type CarForm struct {
	Car       *garage.Car // nil for a new car
	Values    map[string]string
	Errors    map[string]string
	Vocab     []*garage.Equipment
	Checked   map[int64]bool
	NewEquip  string
	Photos    []*garage.CarPhoto
	Missing   []string // French publication problems, shown after a refused publication
	StatusErr string
	PhotoErr  string // a refused upload, in French
}

// V returns the value of field name.
func (f *CarForm) V(name string) string { return f.Values[name] }

// Action is the URL the form posts to.
func (f *CarForm) Action() string {
	if f.Car == nil {
		return "/admin/voitures/nouvelle"
	}
	return AdminCarPath(f.Car.ID)
}

// CarListData is the back-office car list.
type CarListData struct {
	Cars     []*garage.Car
	Total    int
	Counts   map[garage.CarStatus]int
	Query    string
	Status   string
	Sort     string
	Page     int
	Pages    int
	AllCount int
}

// PageLink is the list URL for another page, keeping the filters.
func (d *CarListData) PageLink(page int) string {
	v := url.Values{}
	if d.Query != "" {
		v.Set("q", d.Query)
	}
	if d.Status != "" {
		v.Set("statut", d.Status)
	}
	if d.Sort != "" {
		v.Set("tri", d.Sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/admin/voitures"
	}
	return "/admin/voitures?" + v.Encode()
}

// StatusLink is the list URL filtered by status st.
func StatusLink(st string) string {
	if st == "" {
		return "/admin/voitures"
	}
	return "/admin/voitures?statut=" + url.QueryEscape(st)
}

// nextStatuses are the status buttons offered for a car, with their labels.
func nextStatuses(c *garage.Car) []garage.Option {
	labels := map[garage.CarStatus]string{
		garage.CarPublished: "Publier",
		garage.CarSold:      "Marquer comme vendu",
		garage.CarArchived:  "Archiver",
		garage.CarDraft:     "Repasser en brouillon",
	}
	if c.Status == garage.CarSold {
		labels[garage.CarPublished] = "Remettre en vente"
	}
	var out []garage.Option
	for _, st := range []garage.CarStatus{garage.CarPublished, garage.CarSold, garage.CarArchived, garage.CarDraft} {
		if garage.CanTransition(c.Status, st) {
			out = append(out, garage.Option{Code: string(st), Label: labels[st]})
		}
	}
	return out
}

func carID(c *garage.Car) string { return strconv.FormatInt(c.ID, 10) }

type photoBaseKey struct{}

// WithPhotoBase returns a context in which PhotoURL links photos at base +
// "/" + variant key (PHOTO_PUBLIC_BASE_URL: a public bucket or a CDN, no
// trailing slash) instead of /photos/. An empty base changes nothing.
func WithPhotoBase(ctx context.Context, base string) context.Context {
	if base == "" {
		return ctx
	}
	return context.WithValue(ctx, photoBaseKey{}, base)
}

// PhotoURL is the public URL of one size of a stored photo: /photos/ +
// variant key, or the base that WithPhotoBase put in ctx + "/" + variant key.
func PhotoURL(ctx context.Context, key, size string) string {
	base, _ := ctx.Value(photoBaseKey{}).(string)
	return PhotoURLAt(base, key, size)
}

// PhotoURLAt is PhotoURL with the public base given: base + "/" + variant key, or the site's /photos/ path
// when base is empty.
func PhotoURLAt(base, key, size string) string {
	vk := photostore.VariantKey(key, size)
	if base != "" {
		return base + "/" + vk
	}
	return photostore.URL(vk)
}

// PhotoSrcset lists the card and gallery sizes of a photo for srcset.
func PhotoSrcset(ctx context.Context, key string) string {
	return PhotoURL(ctx, key, "card") + " 640w, " + PhotoURL(ctx, key, "gallery") + " 1280w"
}

// CarYear is "06/2021" or "2021".
func CarYear(c *garage.Car) string {
	if c.RegYear == 0 {
		return ""
	}
	if c.RegMonth >= 1 && c.RegMonth <= 12 {
		return fmt.Sprintf("%02d", c.RegMonth) + "/" + strconv.Itoa(c.RegYear)
	}
	return strconv.Itoa(c.RegYear)
}

// CarMileage is "38 500 km", with "(non garanti)" when so marked.
func CarMileage(c *garage.Car) string {
	if c.MileageUnverified {
		if c.Mileage == 0 {
			return "Kilométrage non garanti"
		}
		return format.Km(c.Mileage) + " (non garanti)"
	}
	return format.Km(c.Mileage)
}

func statusClass(st garage.CarStatus) string { return "status status-" + string(st) }

// CarSearch is the public car list: the filters as understood (Values holds
// the normalised query), the facets for the form, and one page of cars.
type CarSearch struct {
	Values        url.Values
	Facets        *garage.CarFacets
	Cars          []*garage.Car
	Total         int
	Page          int
	Pages         int
	SoldBadgeDays int
}

// V returns a normalised parameter.
func (s *CarSearch) V(name string) string { return s.Values.Get(name) }

// URL is the list URL for these filters on another page.
func (s *CarSearch) URL(page int) string {
	v := url.Values{}
	for k, vals := range s.Values {
		v[k] = vals
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/occasions"
	}
	return "/occasions?" + v.Encode()
}

// ResetURL is the list URL without the range filter dim (prix, km, annee).
func (s *CarSearch) ResetURL(dim string) string {
	c := &CarSearch{Values: url.Values{}}
	for k, vals := range s.Values {
		if k != dim+"_min" && k != dim+"_max" {
			c.Values[k] = vals
		}
	}
	return c.URL(1)
}

// Filtered reports whether any filter is set.
func (s *CarSearch) Filtered() bool {
	for k := range s.Values {
		if k != "tri" {
			return true
		}
	}
	return false
}

// rangeDim describes one two-handle range of the filter form.
type rangeDim struct {
	Dim, Legend, Unit string
	Bounds            garage.Range
	Step              int
}

func (s *CarSearch) ranges() []rangeDim {
	return []rangeDim{
		{"km", "Kilométrage", "km", s.Facets.Mileage, 1000},
		{"prix", "Prix", "€", s.Facets.Price, 100},
		{"annee", "Année", "", s.Facets.Year, 1},
	}
}

// rangeValue is the value shown in a range input: the filter's, or the bound.
func (s *CarSearch) rangeValue(name string, bound int) string {
	if v := s.V(name); v != "" {
		return v
	}
	return strconv.Itoa(bound)
}

// ResultCount is "12 véhicules", "1 véhicule", "Aucun véhicule".
func ResultCount(n int) string {
	switch n {
	case 0:
		return "Aucun véhicule ne correspond à votre recherche"
	case 1:
		return "1 véhicule"
	}
	return format.Int(n) + " véhicules"
}

// CTDate formats a YYYY-MM-DD date the French way ("" stays "").
func CTDate(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return ""
	}
	return format.Date(t)
}

// Price is the fr-FR price, or "prix sur demande" when unknown.
func Price(n int) string {
	if n <= 0 {
		return "Prix sur demande"
	}
	return format.Euros(n)
}
