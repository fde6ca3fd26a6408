package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// soldBadgeDays is how long a sold car stays in the public list with a
// "Vendu" badge; its own page stays online after that.
const soldBadgeDays = 30

// wantsFragment reports whether the request comes from cars.js and wants
// only the results.
func wantsFragment(r *http.Request) bool {
	return r.Header.Get("X-Requested-With") == "fetch" || r.URL.Query().Get("fragment") == "1"
}

// soldSince is the SoldSince of the lists visitors see: cars sold in the last soldBadgeDays days. Rendered
// for the page cache, the page expires when the oldest of those cars leaves the list.
func (a *app) soldSince(ctx context.Context) (time.Time, error) {
	window := soldBadgeDays * 24 * time.Hour
	since := a.now().Add(-window)
	if renderingForCache(ctx) {
		leaves, err := a.store.FirstSoldCarLeaving(ctx, since, window)
		if err != nil {
			return since, err
		}
		if !leaves.IsZero() {
			expires(ctx, leaves)
		}
	}
	return since, nil
}

// carList is the public car list. The same handler renders the full
// page or, for cars.js, only the results fragment.
func (a *app) carList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, s, bad := parseCarQuery(r.URL.Query())
	if bad != nil {
		a.badRequest(w, r, bad.msg)
		return
	}
	since, err := a.soldSince(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f.SoldSince = &since
	fragment := wantsFragment(r)
	if !fragment { // the fragment has no form: no bounds to compute
		if s.Facets, err = a.store.PublishedCarFacets(ctx); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	f.Offset = (s.Page - 1) * carsPageSize
	if s.Cars, s.Total, err = a.store.ListCars(ctx, f); err != nil {
		a.serverError(w, r, err)
		return
	}
	s.Pages = (s.Total + carsPageSize - 1) / carsPageSize
	if s.Page > s.Pages && s.Pages > 0 {
		// Past the last page: show the last one.
		s.Page = s.Pages
		f.Offset = (s.Page - 1) * carsPageSize
		if s.Cars, s.Total, err = a.store.ListCars(ctx, f); err != nil {
			a.serverError(w, r, err)
			return
		}
	} else if s.Pages == 0 {
		s.Page = 1
	}
	w.Header().Set("Vary", "X-Requested-With")
	if fragment {
		a.render(w, r, http.StatusOK, views.CarResults(s))
		return
	}
	desc := "Véhicules d'occasion contrôlés du " + garage.DefaultName + " à Toulouse : " + views.ResultCount(s.Total) +
		", filtrez par prix, kilométrage, année, marque et énergie."
	if s.Total == 0 {
		desc = "Les véhicules d'occasion du " + garage.DefaultName + " à Toulouse."
	}
	p, err := a.page(r, "occasions", "Véhicules d'occasion", desc)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if s.Filtered() || s.Page > 1 {
		p.NoIndex = true // the unfiltered list is the one to index
	}
	a.render(w, r, http.StatusOK, views.CarsPage(p, s))
}

// badRequest answers 400 with a French explanation.
func (a *app) badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	title := errorTexts[http.StatusBadRequest][0]
	p, err := a.page(r, "", title, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, http.StatusBadRequest, views.ErrorPage(p, http.StatusBadRequest, title, msg))
}

// parseCarRef reads "123-some-slug" (or "123") into the ID and the slug.
func parseCarRef(ref string) (int64, string, bool) {
	idPart, slugPart, _ := strings.Cut(ref, "-")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 || len(ref) > 200 {
		return 0, "", false
	}
	return id, slugPart, true
}

// carPage is a car's public page. A wrong slug redirects to the right one;
// a draft is unknown; an archived car answers 410 with similar cars; a sold
// car keeps its page with a "Vendu" badge.
func (a *app) carPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, slugPart, ok := parseCarRef(r.PathValue("ref"))
	if !ok {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	c, err := a.store.CarByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Status == garage.CarDraft) {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if c.Status == garage.CarArchived {
		a.carGone(w, r, c)
		return
	}
	if slugPart != c.Slug {
		w.Header().Set("Cache-Control", "no-cache")
		http.Redirect(w, r, views.CarPath(c), http.StatusMovedPermanently)
		return
	}
	d := &views.CarDetail{Car: c}
	if d.Photos, err = a.store.CarPhotos(ctx, c.ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Equipment, err = a.store.CarEquipment(ctx, c.ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "occasions", c.DisplayTitle(), carDescription(c))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d.JSONLD = carJSONLD(a.cfg.PublicURL, a.cfg.Photos.PublicBaseURL, c, d.Photos, p.Garage)
	d.Contact = a.contactFormFor(r, c.ID, d.Subject())
	a.render(w, r, http.StatusOK, views.CarPage(p, d))
}

// carDescription is the meta description of a car page.
func carDescription(c *garage.Car) string {
	parts := []string{c.DisplayTitle()}
	if c.RegYear > 0 {
		parts = append(parts, strconv.Itoa(c.RegYear))
	}
	parts = append(parts, views.CarMileage(c))
	if c.Fuel != "" {
		parts = append(parts, garage.OptionLabel(garage.Fuels(), c.Fuel))
	}
	if c.Gearbox != "" {
		parts = append(parts, "boîte "+strings.ToLower(garage.OptionLabel(garage.Gearboxes(), c.Gearbox)))
	}
	s := strings.Join(parts, ", ") + " : " + views.Price(c.Price) + " TTC au " + garage.DefaultName + ", Toulouse."
	if c.Status == garage.CarSold {
		s = "Vendu — " + s
	}
	return s
}

// carGone answers 410 for an archived car, with up to three similar cars
// still for sale (same make first, then the newest).
func (a *app) carGone(w http.ResponseWriter, r *http.Request, c *garage.Car) {
	ctx := r.Context()
	published := []garage.CarStatus{garage.CarPublished}
	similar, _, err := a.store.ListCars(ctx, garage.CarFilter{Statuses: published, Make: c.Make, Limit: 3, NoCount: true})
	if err == nil && len(similar) < 3 {
		var more []*garage.Car
		more, _, err = a.store.ListCars(ctx, garage.CarFilter{Statuses: published, Limit: 6, NoCount: true})
		for _, m := range more {
			if len(similar) < 3 && (c.Make == "" || !strings.EqualFold(m.Make, c.Make)) {
				similar = append(similar, m)
			}
		}
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "occasions", "Véhicule plus disponible", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusGone, views.CarGonePage(p, c, similar))
}
