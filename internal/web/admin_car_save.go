package web

import (
	"encoding/json"
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

// carTextFields are the free-text fields of the car form with their
// maximum length in characters.
var carTextFields = []struct {
	name string
	max  int
	set  func(c *garage.Car, v string)
	get  func(c *garage.Car) string
}{
	{"make", 60, func(c *garage.Car, v string) { c.Make = v }, func(c *garage.Car) string { return c.Make }},
	{"model", 60, func(c *garage.Car, v string) { c.Model = v }, func(c *garage.Car) string { return c.Model }},
	{"version", 120, func(c *garage.Car, v string) { c.Version = v }, func(c *garage.Car) string { return c.Version }},
	{"title", 160, func(c *garage.Car, v string) { c.Title = v }, func(c *garage.Car) string { return c.Title }},
	{"colour", 40, func(c *garage.Car, v string) { c.Colour = v }, func(c *garage.Car) string { return c.Colour }},
	{"description", 10000, func(c *garage.Car, v string) { c.Description = v }, func(c *garage.Car) string { return c.Description }},
}

// carNumberFields are the whole-number fields with their allowed range
// (0 always means "not given").
var carNumberFields = []struct {
	name     string
	min, max int
	msg      string
	field    func(c *garage.Car) *int
}{
	{"price", 1, 5_000_000, "Indiquez un prix en euros entre 1 et 5 000 000.", func(c *garage.Car) *int { return &c.Price }},
	{"reg_month", 1, 12, "Indiquez un mois entre 1 et 12.", func(c *garage.Car) *int { return &c.RegMonth }},
	{"reg_year", 1900, 2100, "Indiquez une année sur quatre chiffres.", func(c *garage.Car) *int { return &c.RegYear }},
	{"mileage", 1, 2_000_000, "Indiquez un kilométrage entre 1 et 2 000 000 km.", func(c *garage.Car) *int { return &c.Mileage }},
	{"power_hp", 1, 2000, "Indiquez une puissance entre 1 et 2 000 ch.", func(c *garage.Car) *int { return &c.PowerHP }},
	{"fiscal_hp", 1, 200, "Indiquez une puissance fiscale entre 1 et 200 CV.", func(c *garage.Car) *int { return &c.FiscalHP }},
	{"doors", 1, 9, "Indiquez un nombre de portes entre 1 et 9.", func(c *garage.Car) *int { return &c.Doors }},
	{"seats", 1, 9, "Indiquez un nombre de places entre 1 et 9.", func(c *garage.Car) *int { return &c.Seats }},
}

// carChoiceFields are the fields chosen from a fixed vocabulary.
var carChoiceFields = []struct {
	name  string
	opts  func() []garage.Option
	field func(c *garage.Car) *string
}{
	{"fuel", garage.Fuels, func(c *garage.Car) *string { return &c.Fuel }},
	{"gearbox", garage.Gearboxes, func(c *garage.Car) *string { return &c.Gearbox }},
	{"body_type", garage.BodyTypes, func(c *garage.Car) *string { return &c.BodyType }},
	{"crit_air", garage.CritAirClasses, func(c *garage.Car) *string { return &c.CritAir }},
}

const (
	maxNewEquipment     = 20
	maxEquipmentChecked = 200
)

// carFormValues shows a stored car in the form.
func carFormValues(c *garage.Car) map[string]string {
	v := map[string]string{}
	for _, f := range carTextFields {
		v[f.name] = f.get(c)
	}
	for _, f := range carNumberFields {
		if n := *f.field(c); n != 0 {
			v[f.name] = strconv.Itoa(n)
		}
	}
	for _, f := range carChoiceFields {
		v[f.name] = *f.field(c)
	}
	v["ct_date"] = c.CTDate
	if c.MileageUnverified {
		v["mileage_unverified"] = "1"
	}
	return v
}

// parseCarForm reads the posted form into c (whose ID and status are kept)
// and returns the form to show back with an error per invalid field.
func parseCarForm(r *http.Request, c *garage.Car, today time.Time) (*views.CarForm, []int64, []string) {
	f := &views.CarForm{Values: map[string]string{}, Errors: map[string]string{}, Checked: map[int64]bool{}}
	form := r.PostForm
	for _, fd := range carTextFields {
		v := strings.TrimSpace(form.Get(fd.name))
		if fd.name != "description" {
			v = strings.Join(strings.Fields(v), " ")
		}
		f.Values[fd.name] = v
		switch {
		case !utf8.ValidString(v):
			f.Errors[fd.name] = "Ce texte contient des caractères invalides."
		case utf8.RuneCountInString(v) > fd.max:
			f.Errors[fd.name] = "Ce texte est trop long (" + strconv.Itoa(fd.max) + " caractères au plus)."
		default:
			fd.set(c, v)
		}
	}
	for _, fd := range carNumberFields {
		v := strings.ReplaceAll(strings.TrimSpace(form.Get(fd.name)), " ", "")
		v = strings.ReplaceAll(v, "\u202f", "")
		f.Values[fd.name] = v
		*fd.field(c) = 0
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < fd.min || n > fd.max {
			f.Errors[fd.name] = fd.msg
			continue
		}
		*fd.field(c) = n
	}
	if c.RegYear > today.Year()+1 {
		f.Errors["reg_year"] = "L'année de mise en circulation ne peut pas être dans le futur."
	}
	for _, fd := range carChoiceFields {
		v := form.Get(fd.name)
		f.Values[fd.name] = v
		*fd.field(c) = ""
		if v != "" && !garage.HasOption(fd.opts(), v) {
			f.Errors[fd.name] = "Choisissez une valeur de la liste."
			continue
		}
		*fd.field(c) = v
	}
	c.MileageUnverified = form.Get("mileage_unverified") != ""
	if c.MileageUnverified {
		f.Values["mileage_unverified"] = "1"
	}
	ct := strings.TrimSpace(form.Get("ct_date"))
	f.Values["ct_date"] = ct
	c.CTDate = ""
	if ct != "" {
		d, err := time.Parse(garage.DateLayout, ct)
		switch {
		case err != nil || d.Year() < 1950:
			f.Errors["ct_date"] = "Indiquez une date valide (jj/mm/aaaa)."
		case d.After(today):
			f.Errors["ct_date"] = "La date du contrôle technique ne peut pas être dans le futur."
		default:
			c.CTDate = ct
		}
	}

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
		name := strings.Join(strings.Fields(line), " ")
		if name == "" {
			continue
		}
		if !utf8.ValidString(name) || utf8.RuneCountInString(name) > garage.MaxEquipmentName {
			f.Errors["equipment_new"] = "Chaque équipement tient en " + strconv.Itoa(garage.MaxEquipmentName) + " caractères au plus."
			break
		}
		names = append(names, name)
	}
	if len(names) > maxNewEquipment {
		f.Errors["equipment_new"] = "Ajoutez au plus " + strconv.Itoa(maxNewEquipment) + " équipements à la fois."
	}
	return f, ids, names
}

func (a *app) today() time.Time {
	now := a.now().In(hours.Paris())
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// adminCarNew shows an empty car form.
func (a *app) adminCarNew(w http.ResponseWriter, r *http.Request) {
	a.renderCarForm(w, r, http.StatusOK, &views.CarForm{Values: map[string]string{}, Errors: map[string]string{}, Checked: map[int64]bool{}})
}

// adminCarCreatePost creates a draft from the form.
func (a *app) adminCarCreatePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	u := currentUser(r.Context())
	c := &garage.Car{CreatedBy: &u.ID}
	f, ids, names := parseCarForm(r, c, a.today())
	if len(f.Errors) > 0 {
		a.renderCarForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.saveCar(r, c, ids, names, true); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.audit(r, u, "car.create", carTarget(c.ID), map[string]string{"title": c.DisplayTitle()})
	a.flash(r, "Voiture enregistrée comme brouillon. Ajoutez ses photos puis publiez-la.")
	http.Redirect(w, r, carPath(c.ID), http.StatusSeeOther)
}

// saveCar creates or updates c, then sets its equipment.
func (a *app) saveCar(r *http.Request, c *garage.Car, ids []int64, names []string, create bool) error {
	ctx := r.Context()
	save := a.store.UpdateCar
	if create {
		save = a.store.CreateCar
	}
	if err := save(ctx, c, a.now()); err != nil {
		return err
	}
	return a.store.SetCarEquipment(ctx, c.ID, ids, names)
}

// adminCarEdit shows the form of an existing car.
func (a *app) adminCarEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := a.loadCar(w, r)
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
	f := &views.CarForm{Car: c, Values: carFormValues(c), Errors: map[string]string{}, Checked: map[int64]bool{}}
	eq, err := a.store.CarEquipment(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range eq {
		f.Checked[e.ID] = true
	}
	return f, nil
}

// adminCarSavePost saves the form of an existing car. A published car must
// still follow the display rules after the edit.
func (a *app) adminCarSavePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	c, ok := a.loadCar(w, r)
	if !ok {
		return
	}
	before := *c
	f, ids, names := parseCarForm(r, c, a.today())
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
	if err := a.saveCar(r, c, ids, names, false); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.audit(r, currentUser(r.Context()), "car.update", carTarget(c.ID), carDiff(&before, c))
	a.flash(r, "Modifications enregistrées.")
	http.Redirect(w, r, carPath(c.ID), http.StatusSeeOther)
}

// carDiff lists the fields an edit changed, as "before → after".
func carDiff(before, after *garage.Car) map[string]string {
	b, a := carFormValues(before), carFormValues(after)
	out := map[string]string{}
	for k, v := range a {
		if b[k] != v {
			if k == "description" {
				out[k] = "modifiée"
				continue
			}
			out[k] = b[k] + " → " + v
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out[k] = v + " → "
		}
	}
	return out
}

// adminCarStatusPost moves a car along its life cycle. Publishing checks
// the French display rules and lists what is missing.
func (a *app) adminCarStatusPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	c, ok := a.loadCar(w, r)
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
	err := a.store.SetCarStatus(ctx, c.ID, from, to, a.now())
	switch {
	case err == nil:
	case errorsIsAny(err, store.ErrConflict, garage.ErrBadTransition):
		refuse("Le statut de cette voiture a changé entre-temps ; vérifiez-le puis réessayez.", nil)
		return
	default:
		a.serverError(w, r, err)
		return
	}
	a.audit(r, currentUser(ctx), "car.status", carTarget(c.ID), map[string]string{"from": string(from), "to": string(to)})
	msgs := map[garage.CarStatus]string{
		garage.CarPublished: "Annonce publiée.", garage.CarSold: "Voiture marquée comme vendue.",
		garage.CarArchived: "Annonce archivée.", garage.CarDraft: "Annonce repassée en brouillon.",
	}
	a.flash(r, msgs[to])
	http.Redirect(w, r, carPath(c.ID), http.StatusSeeOther)
}

// adminCarDeletePost deletes a car, then its photo files.
func (a *app) adminCarDeletePost(w http.ResponseWriter, r *http.Request) {
	c, ok := a.loadCar(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	id := c.ID
	keys, err := a.store.DeleteCar(ctx, id)
	if errorsIsAny(err, store.ErrNotFound) { // deleted meanwhile
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.deletePhotoFiles(r, keys)
	snapshot, _ := json.Marshal(carFormValues(c))
	a.audit(r, currentUser(ctx), "car.delete", carTarget(id), map[string]string{"status": string(c.Status), "car": string(snapshot)})
	a.flash(r, "Voiture supprimée.")
	http.Redirect(w, r, "/admin/voitures", http.StatusSeeOther)
}
