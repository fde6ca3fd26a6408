package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// hoursFormFromWeek fills the weekly form with the stored hours.
func hoursFormFromWeek(w hours.Week) views.HoursForm {
	var f views.HoursForm
	for i, d := range w {
		f.Days[i].Name = hours.WeekdayName(d.Weekday)
		f.Days[i].Closed = d.Closed()
		f.Days[i].Values = rangeValues(d.Ranges)
	}
	return f
}

// rangeValues turns ranges into <input type="time"> values. A closing at
// 24 h 00 is shown as 00:00, which the browser accepts and parseRanges
// reads back as midnight.
func rangeValues(rs []hours.Range) [4]string {
	var v [4]string
	for j, r := range rs {
		if j >= hours.MaxRanges {
			break
		}
		v[2*j] = hours.FormatInput(r.Open)
		v[2*j+1] = hours.FormatInput(r.Close % hours.MinutesPerDay)
	}
	return v
}

// parseRanges reads up to two (open, close) pairs of times; an empty pair
// is no range. The error is a French sentence.
func parseRanges(v [4]string) ([]hours.Range, error) {
	var rs []hours.Range
	for j := 0; j < 4; j += 2 {
		o, c := strings.TrimSpace(v[j]), strings.TrimSpace(v[j+1])
		if o == "" && c == "" {
			continue
		}
		if o == "" || c == "" {
			return nil, errors.New("Indiquez l'heure d'ouverture et l'heure de fermeture de chaque plage.")
		}
		open, err := hours.ParseClock(o)
		if err != nil {
			return nil, err
		}
		cl, err := hours.ParseClock(c)
		if err != nil {
			return nil, err
		}
		if cl == 0 {
			cl = hours.MinutesPerDay // closing at 00:00 means midnight
		}
		rs = append(rs, hours.Range{Open: open, Close: cl})
	}
	return rs, nil
}

// formValues reads the four time fields prefix+"o1", "c1", "o2", "c2".
func formValues(r *http.Request, prefix string) [4]string {
	var v [4]string
	for j, k := range []string{"o1", "c1", "o2", "c2"} {
		s := r.PostForm.Get(prefix + k)
		if len(s) > 16 {
			s = s[:16]
		}
		v[j] = s
	}
	return v
}

func (a *app) hoursEdit(w http.ResponseWriter, r *http.Request) {
	week, err := a.store.OpeningHours(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderHoursEdit(w, r, http.StatusOK, hoursFormFromWeek(week), views.ExceptionForm{Kind: "closed"})
}

func (a *app) renderHoursEdit(w http.ResponseWriter, r *http.Request, status int, f views.HoursForm, ef views.ExceptionForm) {
	p, err := a.page(r, "horaires", "Horaires d'ouverture", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	all, err := a.store.ListExceptions(r.Context(), hours.Date{})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	today := hours.DateOf(a.now().In(hours.Paris()))
	d := views.HoursAdmin{Form: f, Exception: ef, Today: today, Years: []int{today.Year, today.Year + 1}}
	for _, e := range all {
		if e.Last.Before(today) {
			d.Past = append([]hours.Exception{e}, d.Past...) // newest first
		} else {
			d.Coming = append(d.Coming, e)
		}
	}
	a.render(w, r, status, views.AdminHours(p, d))
}

func (a *app) hoursEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	var f views.HoursForm
	var week hours.Week
	invalid := false
	for i := range week {
		wd := time.Weekday((i + 1) % 7)
		day := &f.Days[i]
		day.Name = hours.WeekdayName(wd)
		prefix := "d" + strconv.Itoa(i) + "_"
		day.Values = formValues(r, prefix)
		day.Closed = r.PostForm.Get(prefix+"closed") != ""
		week[i].Weekday = wd
		if day.Closed {
			continue
		}
		rs, err := parseRanges(day.Values)
		if err == nil {
			err = hours.Day{Weekday: wd, Ranges: rs}.Validate()
		}
		if err != nil {
			day.Error, invalid = err.Error(), true
			continue
		}
		week[i].Ranges = rs
	}
	if invalid {
		f.Error = "Les horaires n'ont pas été enregistrés : corrigez les jours signalés."
		a.renderHoursEdit(w, r, http.StatusUnprocessableEntity, f, views.ExceptionForm{Kind: "closed"})
		return
	}
	if err := a.store.SaveOpeningHours(ctx, week, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Les horaires d'ouverture ont été enregistrés.", "/admin/horaires")
}

func (a *app) exceptionCreatePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	form := r.PostForm.Get
	v := garage.NewValidator()
	ef := views.ExceptionForm{First: form("first"), Last: form("last"), Kind: form("kind"), Values: formValues(r, "x_"), Errors: v.Errors}
	ef.Label = v.Line("label", "Le libellé", form("label"), true, hours.MaxLabelLen)
	first := v.Date("first", "La date de début", ef.First, true, time.Time{}, time.Time{})
	last := v.Date("last", "La date de fin", ef.Last, false, time.Time{}, time.Time{})
	if len(ef.First) > 10 {
		ef.First = ef.First[:10]
	}
	if len(ef.Last) > 10 {
		ef.Last = ef.Last[:10]
	}
	if last.IsZero() {
		last = first
	}
	e := hours.Exception{Label: ef.Label, First: hours.DateOf(first), Last: hours.DateOf(last)}
	var err error
	if ef.Kind != "hours" {
		ef.Kind = "closed"
	} else if e.Ranges, err = parseRanges(ef.Values); err != nil {
		v.Fail("hours", err.Error())
	} else if len(e.Ranges) == 0 {
		v.Fail("hours", "Indiquez les horaires exceptionnels, ou choisissez « Fermé ».")
	}
	if !v.Has("first") && !v.Has("last") {
		if err := e.ValidatePeriod(); err != nil {
			v.Fail("last", err.Error())
		}
	}
	if !v.Has("hours") {
		if err := (hours.Day{Ranges: e.Ranges}).Validate(); err != nil {
			v.Fail("hours", err.Error())
		}
	}
	if v.Valid() {
		err := a.store.CreateException(ctx, &e, a.now(), a.actor(r))
		switch {
		case errors.Is(err, store.ErrOverlap):
			v.Fail("first", "Une autre exception couvre déjà une partie de ces jours : supprimez-la d'abord ou changez les dates.")
		case err != nil:
			a.serverError(w, r, err)
			return
		}
	}
	if !v.Valid() {
		week, err := a.store.OpeningHours(ctx)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		a.renderHoursEdit(w, r, http.StatusUnprocessableEntity, hoursFormFromWeek(week), ef)
		return
	}
	a.flashRedirect(w, r, "L'exception « "+e.Label+" » a été ajoutée.", "/admin/horaires")
}

func (a *app) exceptionDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	e, err := a.store.ExceptionByID(ctx, id)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if e.Last.Before(hours.DateOf(a.now().In(hours.Paris()))) {
		a.flashRedirect(w, r, "Les exceptions passées sont conservées pour l'historique.", "/admin/horaires")
		return
	}
	if err := a.store.DeleteException(ctx, id, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "L'exception « "+e.Label+" » a été supprimée.", "/admin/horaires")
}

func (a *app) holidaysImportPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	this := a.now().In(hours.Paris()).Year()
	year, err := strconv.Atoi(r.PostForm.Get("year"))
	if err != nil || year < this || year > this+1 {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	var list []hours.Exception
	for _, h := range hours.PublicHolidays(year) {
		list = append(list, hours.Exception{First: h.Date, Last: h.Date, Label: h.Name})
	}
	added, err := a.store.AddHolidays(ctx, year, list, a.now(), a.actor(r))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	msg := fmt.Sprintf("%d jours fériés %d ajoutés (fermé).", len(added), year)
	switch {
	case len(added) == 0:
		msg = fmt.Sprintf("Les jours fériés %d étaient déjà tous enregistrés.", year)
	case len(added) < len(list):
		msg += fmt.Sprintf(" %d jours déjà couverts par une autre exception ont été laissés tels quels.", len(list)-len(added))
	}
	a.flashRedirect(w, r, msg, "/admin/horaires")
}
