package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/store"
)

// CarForm is what the back-office car form shows: the values as typed
// (kept on a 422), an error per field, the equipment vocabulary, and for an
// existing car its photos and what blocks its publication.
type CarForm struct {
	Car       *store.Car // nil for a new car
	Values    map[string]string
	Errors    map[string]string
	Vocab     []*store.Equipment
	Checked   map[int64]bool
	NewEquip  string
	Photos    []*store.CarPhoto
	Missing   []string // French publication problems, shown after a refused publication
	StatusErr string
}

// V returns the value of field name.
func (f *CarForm) V(name string) string { return f.Values[name] }

// Action is the URL the form posts to.
func (f *CarForm) Action() string {
	if f.Car == nil {
		return "/admin/voitures/nouvelle"
	}
	return "/admin/voitures/" + strconv.FormatInt(f.Car.ID, 10)
}

// CarListData is the back-office car list.
type CarListData struct {
	Cars     []*store.Car
	Total    int
	Counts   map[store.CarStatus]int
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
func nextStatuses(c *store.Car) []store.Option {
	labels := map[store.CarStatus]string{
		store.CarPublished: "Publier",
		store.CarSold:      "Marquer comme vendu",
		store.CarArchived:  "Archiver",
		store.CarDraft:     "Repasser en brouillon",
	}
	if c.Status == store.CarSold {
		labels[store.CarPublished] = "Remettre en vente"
	}
	var out []store.Option
	for _, st := range []store.CarStatus{store.CarPublished, store.CarSold, store.CarArchived, store.CarDraft} {
		if store.CanTransition(c.Status, st) {
			out = append(out, store.Option{Code: string(st), Label: labels[st]})
		}
	}
	return out
}

func carID(c *store.Car) string { return strconv.FormatInt(c.ID, 10) }

func photoAction(c *store.Car, p *store.CarPhoto) string {
	return "/admin/voitures/" + carID(c) + "/photos/" + strconv.FormatInt(p.ID, 10)
}

// PhotoURL is the public URL of one size of a stored photo.
func PhotoURL(key, size string) string { return "/photos/" + key + "-" + size + ".jpg" }

// PhotoSrcset lists the card and gallery sizes of a photo for srcset.
func PhotoSrcset(key string) string {
	return PhotoURL(key, "card") + " 640w, " + PhotoURL(key, "gallery") + " 1280w"
}

// CarYear is "06/2021" or "2021".
func CarYear(c *store.Car) string {
	if c.RegYear == 0 {
		return ""
	}
	if c.RegMonth >= 1 && c.RegMonth <= 12 {
		return fmt.Sprintf("%02d", c.RegMonth) + "/" + strconv.Itoa(c.RegYear)
	}
	return strconv.Itoa(c.RegYear)
}

// CarMileage is "38 500 km", with "(non garanti)" when so marked.
func CarMileage(c *store.Car) string {
	if c.MileageUnverified {
		if c.Mileage == 0 {
			return "Kilométrage non garanti"
		}
		return format.Km(c.Mileage) + " (non garanti)"
	}
	return format.Km(c.Mileage)
}

func statusClass(st store.CarStatus) string { return "status status-" + string(st) }

func join(list []string) string { return strings.Join(list, " ; ") }
