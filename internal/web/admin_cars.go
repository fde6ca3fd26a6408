package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const adminCarsPageSize = 25

// adminCars lists every car for the staff: search by make or model, filter
// by status, sort, paginate, with counts per status.
func (a *app) adminCars(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &views.CarListData{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("statut"), Sort: q.Get("tri"), Page: 1}
	if utf8.RuneCountInString(d.Query) > 80 || !utf8.ValidString(d.Query) {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	f := garage.CarFilter{Search: d.Query, Sort: garage.SortUpdatedDesc, Limit: adminCarsPageSize}
	if d.Status != "" {
		st := garage.CarStatus(d.Status)
		if !st.Valid() {
			d.Status = ""
		} else {
			f.Statuses = []garage.CarStatus{st}
		}
	}
	if garage.CarSort(d.Sort).Valid() {
		f.Sort = garage.CarSort(d.Sort)
	} else {
		d.Sort = ""
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			a.errorPage(w, r, http.StatusBadRequest)
			return
		}
		d.Page = n
	}
	f.Offset = (d.Page - 1) * adminCarsPageSize
	ctx := r.Context()
	var err error
	if d.Cars, d.Total, err = a.store.ListCars(ctx, f); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Counts, err = a.store.CountCarsByStatus(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	for _, n := range d.Counts {
		d.AllCount += n
	}
	d.Pages = (d.Total + adminCarsPageSize - 1) / adminCarsPageSize
	p, err := a.page(r, "voitures", "Voitures", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, http.StatusOK, views.AdminCars(p, d))
}

// carIDParam reads the {id} of a back-office car route; it answers 404 and
// returns false when it is not a number.
func (a *app) carIDParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.errorPage(w, r, http.StatusNotFound)
		return 0, false
	}
	return id, true
}

// loadCar reads the car of the route, answering 404 when unknown.
func (a *app) loadCar(w http.ResponseWriter, r *http.Request) (*garage.Car, bool) {
	id, ok := a.carIDParam(w, r)
	if !ok {
		return nil, false
	}
	c, err := a.store.CarByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	return c, true
}

// renderCarForm fills in the vocabulary and photos and renders the form.
func (a *app) renderCarForm(w http.ResponseWriter, r *http.Request, status int, f *views.CarForm) {
	ctx := r.Context()
	var err error
	if f.Vocab, err = a.store.ListEquipment(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	title := "Nouvelle voiture"
	if f.Car != nil {
		title = f.Car.DisplayTitle()
		if f.Photos, err = a.store.CarPhotos(ctx, f.Car.ID); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	p, err := a.page(r, "voitures", title, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminCarForm(p, f))
}

// errorsIsAny reports whether err matches one of targets.
func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
