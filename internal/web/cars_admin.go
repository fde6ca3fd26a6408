package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const adminCarsPageSize = 25

// carAdminList lists every car for the staff: search by make or model, filter
// by status, sort, paginate, with counts per status.
func (a *app) carAdminList(w http.ResponseWriter, r *http.Request) {
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
	var ok bool
	if d.Page, ok = a.pageParam(w, r); !ok {
		return
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

// Bounds of the equipment part of the car form.
const (
	maxNewEquipment     = 20
	maxEquipmentChecked = 200
)

// parseCarForm reads the posted form into c (whose ID and status are kept)
// and returns the form to show back with an error per invalid field, and
// the equipment checked or added.
func parseCarForm(r *http.Request, c *garage.Car, today time.Time) (*views.CarForm, *garage.CarEquipment) {
	form := r.PostForm
	v := garage.NewValidator()
	f := &views.CarForm{Values: map[string]string{}, Errors: v.Errors, Checked: map[int64]bool{}}
	for _, fd := range garage.CarFields {
		raw := strings.TrimSpace(form.Get(fd.Key))
		f.Values[fd.Key] = raw
		fd.Set(c, v, raw)
	}
	v.Check(c.RegYear <= today.Year()+1, "reg_year", "L'année de mise en circulation ne peut pas être dans le futur.")
	c.MileageUnverified = form.Get(garage.CarMileageUnverified) != ""
	if c.MileageUnverified {
		f.Values[garage.CarMileageUnverified] = "1"
	}
	f.Values[garage.CarCTDate] = strings.TrimSpace(form.Get(garage.CarCTDate))
	c.CTDate = garage.DateText(v.Date(garage.CarCTDate, "La date du contrôle technique", f.Values[garage.CarCTDate], false,
		time.Date(garage.CarMinCTYear, 1, 1, 0, 0, 0, 0, time.UTC), today))

	var ids []int64
	checked := form["equipment"]
	if len(checked) > maxEquipmentChecked {
		checked = checked[:maxEquipmentChecked]
	}
	for _, v := range checked {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
			f.Checked[id] = true
		}
	}
	f.NewEquip = form.Get("equipment_new")
	var names []string
	for _, line := range strings.FieldsFunc(f.NewEquip, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		name := v.Line("equipment_new", "Chaque équipement", garage.SquashSpaces(line), false, garage.MaxEquipmentName)
		if v.Has("equipment_new") {
			break
		}
		if name != "" {
			names = append(names, name)
		}
	}
	v.Check(len(names) <= maxNewEquipment, "equipment_new", "Ajoutez au plus "+strconv.Itoa(maxNewEquipment)+" équipements à la fois.")
	return f, &garage.CarEquipment{IDs: ids, NewNames: names}
}

func (a *app) today() time.Time {
	now := a.now().In(hours.Paris())
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// carNew shows an empty car form.
func (a *app) carNew(w http.ResponseWriter, r *http.Request) {
	a.renderCarForm(w, r, http.StatusOK, &views.CarForm{Values: map[string]string{}, Errors: map[string]string{}, Checked: map[int64]bool{}})
}

// carNewPost creates a draft from the form.
func (a *app) carNewPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	u := currentUser(r.Context())
	c := &garage.Car{CreatedBy: &u.ID}
	f, eq := parseCarForm(r, c, a.today())
	if len(f.Errors) > 0 {
		a.renderCarForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.CreateCar(r.Context(), c, eq, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flash(r, "Voiture enregistrée comme brouillon. Ajoutez ses photos puis publiez-la.")
	http.Redirect(w, r, views.AdminCarPath(c.ID), http.StatusSeeOther)
}

// carEdit shows the form of an existing car.
func (a *app) carEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := byPathID(a, w, r, a.store.CarByID)
	if !ok {
		return
	}
	f, err := a.carFormFor(r, c)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderCarForm(w, r, http.StatusOK, f)
}

func (a *app) carFormFor(r *http.Request, c *garage.Car) (*views.CarForm, error) {
	f := &views.CarForm{Car: c, Values: garage.CarValues(c), Errors: map[string]string{}, Checked: map[int64]bool{}}
	eq, err := a.store.CarEquipment(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range eq {
		f.Checked[e.ID] = true
	}
	return f, nil
}

// carEditPost saves the form of an existing car. A published car must
// still follow the display rules after the edit.
func (a *app) carEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	c, ok := byPathID(a, w, r, a.store.CarByID)
	if !ok {
		return
	}
	before := *c
	f, eq := parseCarForm(r, c, a.today())
	f.Car = &before
	if len(f.Errors) == 0 {
		if missing := c.MissingFor(c.Status, a.today()); len(missing) > 0 {
			f.StatusErr = "Cette annonce est en ligne : elle doit rester conforme. Il manque :"
			f.Missing = missing
		}
	}
	if len(f.Errors) > 0 || f.StatusErr != "" {
		a.renderCarForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.UpdateCar(r.Context(), c, eq, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flash(r, "Modifications enregistrées.")
	http.Redirect(w, r, views.AdminCarPath(c.ID), http.StatusSeeOther)
}

// carStatusPost moves a car along its life cycle. Publishing checks
// the French display rules and lists what is missing.
func (a *app) carStatusPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	c, ok := byPathID(a, w, r, a.store.CarByID)
	if !ok {
		return
	}
	from, to := garage.CarStatus(r.PostForm.Get("from")), garage.CarStatus(r.PostForm.Get("to"))
	if !from.Valid() || !to.Valid() {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	refuse := func(msg string, missing []string) {
		f, err := a.carFormFor(r, c)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		f.StatusErr, f.Missing = msg, missing
		a.renderCarForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if from != c.Status {
		refuse("Le statut de cette voiture a changé entre-temps ; vérifiez-le puis réessayez.", nil)
		return
	}
	if !garage.CanTransition(from, to) {
		refuse("Ce changement de statut n'est pas possible.", nil)
		return
	}
	if missing := c.MissingFor(to, a.today()); len(missing) > 0 {
		refuse("Impossible de publier cette annonce : il manque", missing)
		return
	}
	err := a.store.SetCarStatus(ctx, c.ID, from, to, a.now(), a.actor(r))
	switch {
	case err == nil:
	case errorsIsAny(err, store.ErrConflict, garage.ErrBadTransition):
		refuse("Le statut de cette voiture a changé entre-temps ; vérifiez-le puis réessayez.", nil)
		return
	default:
		a.serverError(w, r, err)
		return
	}
	msgs := map[garage.CarStatus]string{
		garage.CarPublished: "Annonce publiée.", garage.CarSold: "Voiture marquée comme vendue.",
		garage.CarArchived: "Annonce archivée.", garage.CarDraft: "Annonce repassée en brouillon.",
	}
	a.flash(r, msgs[to])
	http.Redirect(w, r, views.AdminCarPath(c.ID), http.StatusSeeOther)
}

// carDeletePost deletes a car, then its photo files.
func (a *app) carDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	keys, err := a.store.DeleteCar(r.Context(), id, a.now(), a.actor(r))
	if err != nil {
		a.storeError(w, r, err) // 404 for an unknown car
		return
	}
	a.deletePhotoFiles(r, keys)
	a.flash(r, "Voiture supprimée.")
	http.Redirect(w, r, "/admin/voitures", http.StatusSeeOther)
}
