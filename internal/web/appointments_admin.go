package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// boardDay reads the ?jour= of the planning (today by default); false and
// a 400 when it is malformed.
func (a *app) boardDay(w http.ResponseWriter, r *http.Request) (hours.Date, bool) {
	today := hours.DateOf(a.now().In(hours.Paris()))
	v := r.URL.Query().Get("jour")
	if v == "" {
		return today, true
	}
	d, err := hours.ParseDate(v)
	if err != nil {
		a.errorPage(w, r, http.StatusBadRequest)
		return d, false
	}
	return d, true
}

// workshopBoard is the planning board of a day: one column per bay.
func (a *app) workshopBoard(w http.ResponseWriter, r *http.Request) {
	day, ok := a.boardDay(w, r)
	if !ok {
		return
	}
	f := views.AppointmentAdminForm{Jour: day.String()}
	if v := r.URL.Query().Get("devis"); v != "" {
		ap, ok := a.quoteToPlan(w, r, v)
		if !ok {
			return
		}
		f = views.AppointmentAdminForm{Jour: day.String(), Devis: v, Nom: ap.Name, Email: ap.Email, Telephone: ap.Phone,
			Immat: ap.Plate, Marque: ap.Make, Modele: ap.Model, Plan: ap.Note}
	}
	a.renderBoard(w, r, http.StatusOK, day, f, views.BlockForm{Jour: day.String()})
}

// quoteToPlan reads the accepted quote the staff plan at the workshop (the
// planning's ?devis= and its form's devis field) and prepares its
// appointment; on a malformed id (400), an unknown quote (404) or one not
// accepted (409) it answers and reports false.
func (a *app) quoteToPlan(w http.ResponseWriter, r *http.Request, v string) (*garage.Appointment, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		a.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	q, err := a.store.QuoteByID(r.Context(), id)
	if err != nil {
		a.storeError(w, r, err)
		return nil, false
	}
	ap, err := garage.PlanQuote(q)
	if err != nil {
		a.errorPageText(w, r, http.StatusConflict, "Devis non accepté", err.Error())
		return nil, false
	}
	return ap, true
}

func (a *app) renderBoard(w http.ResponseWriter, r *http.Request, status int, day hours.Date, nf views.AppointmentAdminForm, bf views.BlockForm) {
	ctx := r.Context()
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	from, to := day.Midnight(), day.AddDays(1).Midnight()
	list, err := a.store.ListAppointments(ctx, from, to)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	blocks, err := a.store.ListBlockedPeriods(ctx, from, to)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	week, err := a.store.OpeningHours(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	exceptions, err := a.store.ListExceptions(ctx, day)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	services, err := a.workshopServiceList(r)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	b := views.WorkshopBoard{Day: day, Settings: ws, Blocks: blocks, Columns: make([][]*garage.Appointment, max(ws.Bays, 1)),
		Hours: hours.FormatDay(garage.WorkshopDayOf(hours.Schedule{Week: week, Exceptions: exceptions})(from)),
		New:   nf, Block: bf}
	nf.Services = workshopServices(services, nf.Chosen)
	b.New = nf
	for _, ap := range list {
		if ap.Status == garage.AppointmentCancelled {
			b.Cancelled = append(b.Cancelled, ap)
			continue
		}
		if ap.Bay >= 1 && ap.Bay <= len(b.Columns) {
			b.Columns[ap.Bay-1] = append(b.Columns[ap.Bay-1], ap)
		} else {
			b.Columns[0] = append(b.Columns[0], ap)
		}
	}
	p, err := a.page(r, "atelier", "Atelier — "+day.French(), "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminWorkshopBoard(p, b))
}

// workshopServiceList is the services the staff may book: every service
// with a workshop duration, visible or not.
func (a *app) workshopServiceList(r *http.Request) ([]*garage.Service, error) {
	list, err := a.store.ListServices(r.Context(), false)
	return slices.DeleteFunc(list, func(sv *garage.Service) bool { return sv.Minutes <= 0 }), err
}

// appointmentNewPost books an appointment taken by phone: confirmed at
// once, on any start within opening hours where a bay is free (no notice).
func (a *app) appointmentNewPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f := views.AppointmentAdminForm{Jour: get("jour"), Heure: get("heure"), Nom: get("nom"), Email: get("email"), Telephone: get("telephone"),
		Immat: get("immatriculation"), Marque: get("marque"), Modele: get("modele"), Commentaire: get("commentaire"), Devis: get("devis")}
	source, quoteID, note := garage.AppointmentFromStaff, (*int64)(nil), ""
	if f.Devis != "" {
		planned, ok := a.quoteToPlan(w, r, f.Devis)
		if !ok {
			return
		}
		source, quoteID, note = planned.Source, planned.QuoteID, planned.Note
		f.Plan = note
	}
	v := garage.NewValidator()
	services, err := a.workshopServiceList(r)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	ids, minutes, titles, err := chosenServices(form["service"], services)
	v.Check(err == nil && len(ids) > 0, "service", "Choisissez au moins une prestation.")
	f.Chosen = ids
	day, derr := hours.ParseDate(f.Jour)
	v.Check(derr == nil, "jour", "Indiquez la date du rendez-vous.")
	clock, cerr := hours.ParseClock(f.Heure)
	v.Check(cerr == nil, "heure", "Indiquez l'heure du rendez-vous (par exemple 9:30).")
	ap := &garage.Appointment{
		Name:    v.Line("nom", "Le nom", f.Nom, true, garage.AppointmentMaxName),
		Email:   strings.ToLower(v.Email("email", "L'adresse e-mail", f.Email, false)),
		Phone:   v.Phone("telephone", "Le numéro de téléphone", f.Telephone, true),
		Plate:   v.Plate("immatriculation", "L'immatriculation", f.Immat, false),
		Make:    v.Line("marque", "La marque", f.Marque, false, garage.AppointmentMaxCar),
		Model:   v.Line("modele", "Le modèle", f.Modele, false, garage.AppointmentMaxCar),
		Comment: v.Text("commentaire", "Le commentaire", f.Commentaire, false, 0, garage.AppointmentMaxComment),
		Status:  garage.AppointmentConfirmed, Source: source, QuoteID: quoteID, Note: note, ServiceIDs: ids, Services: titles, Minutes: minutes,
	}
	if derr != nil {
		day = hours.DateOf(a.now().In(hours.Paris()))
	}
	if v.Valid() {
		q, err := a.slotQuery(ctx, minutes, day, 1)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		q.Settings.NoticeHours, q.Settings.HorizonDays, q.Now = 0, garage.WorkshopMaxHorizonDays, a.now()
		start := time.Date(day.Year, day.Month, day.Day, clock/60, clock%60, 0, 0, hours.Paris())
		slot, err := garage.CheckSlot(q, start)
		if err != nil {
			v.Fail("heure", err.Error())
		}
		ap.Start, ap.End = slot.Start, slot.End
	}
	f.Errors = v.Errors
	if !v.Valid() {
		a.renderBoard(w, r, http.StatusUnprocessableEntity, day, f, views.BlockForm{Jour: day.String()})
		return
	}
	err = a.store.BookAppointment(ctx, "", ap, "", a.confirmedMail(r), a.now(), a.actor(r))
	if errors.Is(err, store.ErrConflict) {
		f.Errors["heure"] = garage.ErrSlotTaken.Error()
		a.renderBoard(w, r, http.StatusConflict, day, f, views.BlockForm{Jour: day.String()})
		return
	} else if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Rendez-vous de "+ap.Name+" enregistré (pont "+strconv.Itoa(ap.Bay)+").", views.AdminWorkshopDayPath(day))
}

// confirmedMail tells the customer (when there is an address) that the
// appointment is confirmed, with the .ics.
func (a *app) confirmedMail(r *http.Request) store.AppointmentMail {
	return func(ap *garage.Appointment) ([]*garage.OutboxMail, error) {
		g, err := a.store.GarageDetails(r.Context())
		if err != nil {
			return nil, err
		}
		return a.appointmentMails(r.Context(), g, ap, "booked", "")
	}
}

// appointmentAdmin is one appointment's page: status, note, move, history.
func (a *app) appointmentAdmin(w http.ResponseWriter, r *http.Request) {
	ap, ok := byPathID(a, w, r, a.store.AppointmentByID)
	if !ok {
		return
	}
	t := ap.Start.In(hours.Paris())
	a.renderAppointmentAdmin(w, r, http.StatusOK, ap, views.AppointmentAdminForm{Jour: hours.DateOf(t).String(),
		Heure: hours.FormatInput(t.Hour()*60 + t.Minute()), Note: ap.Note})
}

func (a *app) renderAppointmentAdmin(w http.ResponseWriter, r *http.Request, status int, ap *garage.Appointment, f views.AppointmentAdminForm) {
	history, err := a.store.AppointmentHistory(r.Context(), ap)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "atelier", "Rendez-vous de "+ap.Name, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminAppointment(p, ap, history, f))
}

// appointmentStatusPost moves an appointment along its statuses (audited);
// confirming sends the confirmation, "prêt" the "votre véhicule est prêt"
// e-mail, in the same transaction.
func (a *app) appointmentStatusPost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok || !a.parseForm(w, r) {
		return
	}
	status := garage.AppointmentStatus(r.PostForm.Get("statut"))
	if !status.Valid() {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	var mail store.AppointmentMail
	switch status {
	case garage.AppointmentConfirmed:
		mail = a.confirmedMail(r)
	case garage.AppointmentReady, garage.AppointmentCancelled:
		kind := map[garage.AppointmentStatus]string{garage.AppointmentReady: "ready", garage.AppointmentCancelled: "cancelled"}[status]
		mail = func(ap *garage.Appointment) ([]*garage.OutboxMail, error) {
			g, err := a.store.GarageDetails(r.Context())
			if err != nil {
				return nil, err
			}
			return a.appointmentMails(r.Context(), g, ap, kind, "")
		}
	}
	ap, err := a.store.SetAppointmentStatus(r.Context(), id, status, mail, a.now(), a.actor(r))
	switch {
	case errors.Is(err, store.ErrBadTransition):
		a.flashRedirect(w, r, "Ce changement de statut n'est pas possible depuis le statut actuel.", views.AdminAppointmentPath(id))
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Rendez-vous de "+ap.Name+" : "+status.Label()+".", views.AdminAppointmentPath(id))
}

// appointmentNotePost saves the internal note.
func (a *app) appointmentNotePost(w http.ResponseWriter, r *http.Request) {
	ap, ok := byPathID(a, w, r, a.store.AppointmentByID)
	if !ok || !a.parseForm(w, r) {
		return
	}
	v := garage.NewValidator()
	note := v.Text("note", "La note", strings.ReplaceAll(r.PostForm.Get("note"), "\r\n", "\n"), false, 0, garage.AppointmentMaxNote)
	if !v.Valid() {
		a.renderAppointmentAdmin(w, r, http.StatusUnprocessableEntity, ap, views.AppointmentAdminForm{Note: r.PostForm.Get("note"), Errors: v.Errors})
		return
	}
	if err := a.store.SetAppointmentNote(r.Context(), ap.ID, note, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Note enregistrée.", views.AdminAppointmentPath(ap.ID))
}

// appointmentMovePost moves an appointment to another start (opening
// hours, a free bay), audited.
func (a *app) appointmentMovePost(w http.ResponseWriter, r *http.Request) {
	ap, ok := byPathID(a, w, r, a.store.AppointmentByID)
	if !ok || !a.parseForm(w, r) {
		return
	}
	f := views.AppointmentAdminForm{Jour: strings.TrimSpace(r.PostForm.Get("jour")), Heure: strings.TrimSpace(r.PostForm.Get("heure")), Note: ap.Note}
	v := garage.NewValidator()
	day, derr := hours.ParseDate(f.Jour)
	v.Check(derr == nil, "jour", "Indiquez la date du rendez-vous.")
	clock, cerr := hours.ParseClock(f.Heure)
	v.Check(cerr == nil, "heure", "Indiquez l'heure du rendez-vous (par exemple 9:30).")
	var slot garage.Slot
	if v.Valid() {
		q, err := a.moveQuery(r.Context(), ap, day, 1)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		q.Settings.NoticeHours, q.Settings.HorizonDays = 0, garage.WorkshopMaxHorizonDays
		var err2 error
		if slot, err2 = garage.CheckSlot(q, time.Date(day.Year, day.Month, day.Day, clock/60, clock%60, 0, 0, hours.Paris())); err2 != nil {
			v.Fail("heure", err2.Error())
		}
	}
	if !v.Valid() {
		f.Errors = v.Errors
		a.renderAppointmentAdmin(w, r, http.StatusUnprocessableEntity, ap, f)
		return
	}
	_, err := a.store.MoveAppointment(r.Context(), ap.ID, slot.Start, slot.End, nil, nil, a.now(), a.actor(r))
	switch {
	case errors.Is(err, store.ErrConflict):
		f.Errors = map[string]string{"heure": garage.ErrSlotTaken.Error()}
		a.renderAppointmentAdmin(w, r, http.StatusConflict, ap, f)
		return
	case errors.Is(err, store.ErrBadTransition):
		a.flashRedirect(w, r, "Ce rendez-vous ne peut plus être déplacé.", views.AdminAppointmentPath(ap.ID))
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Rendez-vous déplacé au "+views.AppointmentWhen(&garage.Appointment{Start: slot.Start})+".", views.AdminAppointmentPath(ap.ID))
}

// blockCreatePost blocks a bay (or every bay) for a period of a day.
func (a *app) blockCreatePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	form := r.PostForm
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	bf := views.BlockForm{Jour: get("jour"), De: get("de"), A: get("a"), Pont: get("pont"), Motif: get("motif")}
	v := garage.NewValidator()
	ws, err := a.store.WorkshopSettings(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	day, derr := hours.ParseDate(bf.Jour)
	v.Check(derr == nil, "jour", "Indiquez la date.")
	from, ferr := hours.ParseClock(bf.De)
	v.Check(ferr == nil, "de", "Indiquez l'heure de début (par exemple 8:00).")
	to, terr := hours.ParseClock(bf.A)
	v.Check(terr == nil && (ferr != nil || to > from), "a", "L'heure de fin doit suivre l'heure de début.")
	bay, berr := strconv.Atoi(bf.Pont)
	v.Choose("pont", berr == nil && bay >= 0 && bay <= ws.Bays)
	label := v.Line("motif", "Le motif", bf.Motif, false, 80)
	if derr != nil {
		day = hours.DateOf(a.now().In(hours.Paris()))
	}
	if v.Valid() {
		b := &garage.BlockedPeriod{Bay: bay, Label: label,
			Start: time.Date(day.Year, day.Month, day.Day, from/60, from%60, 0, 0, hours.Paris()),
			End:   time.Date(day.Year, day.Month, day.Day, to/60, to%60, 0, 0, hours.Paris())}
		err := a.store.CreateBlockedPeriod(r.Context(), b, a.now(), a.actor(r))
		switch {
		case errors.Is(err, store.ErrConflict):
			v.Fail("de", "Un rendez-vous ou une autre période occupe déjà ce moment : déplacez-le d'abord.")
		case err != nil:
			a.serverError(w, r, err)
			return
		default:
			a.flashRedirect(w, r, "Période bloquée.", views.AdminWorkshopDayPath(day))
			return
		}
	}
	bf.Errors = v.Errors
	a.renderBoard(w, r, http.StatusUnprocessableEntity, day, views.AppointmentAdminForm{Jour: day.String()}, bf)
}

// blockDeletePost frees a blocked period.
func (a *app) blockDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok || !a.parseForm(w, r) {
		return
	}
	if err := a.store.DeleteBlockedPeriod(r.Context(), id, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	to := views.AdminWorkshopPath
	if d, err := hours.ParseDate(r.PostForm.Get("jour")); err == nil {
		to = views.AdminWorkshopDayPath(d)
	}
	a.flashRedirect(w, r, "Période débloquée.", to)
}

// workshopSettingsEdit is the workshop's settings (administrator).
func (a *app) workshopSettingsEdit(w http.ResponseWriter, r *http.Request) {
	ws, err := a.store.WorkshopSettings(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderWorkshopSettings(w, r, http.StatusOK, settingsForm(ws))
}

func settingsForm(ws garage.WorkshopSettings) views.WorkshopSettingsForm {
	return views.WorkshopSettingsForm{Bays: itoa(ws.Bays), Step: itoa(ws.StepMinutes), Notice: itoa(ws.NoticeHours),
		Horizon: itoa(ws.HorizonDays), Retention: itoa(ws.RetentionDays), AutoConfirm: ws.AutoConfirm, MultiDay: ws.MultiDay}
}

func (a *app) renderWorkshopSettings(w http.ResponseWriter, r *http.Request, status int, f views.WorkshopSettingsForm) {
	p, err := a.page(r, "atelier-reglages", "Réglages de l'atelier", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminWorkshopSettings(p, f))
}

func (a *app) workshopSettingsEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	f, ws := parseWorkshopSettings(r.PostForm)
	if len(f.Errors) > 0 {
		a.renderWorkshopSettings(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.SaveWorkshopSettings(r.Context(), ws, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Réglages de l'atelier enregistrés.", views.AdminWorkshopSettingsPath)
}

func parseWorkshopSettings(form url.Values) (views.WorkshopSettingsForm, garage.WorkshopSettings) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f := views.WorkshopSettingsForm{Bays: get("ponts"), Step: get("pas"), Notice: get("delai"), Horizon: get("horizon"),
		Retention: get("conservation"), AutoConfirm: form.Get("confirmation") == "1", MultiDay: form.Get("plusieurs_jours") == "1"}
	v := garage.NewValidator()
	var ws garage.WorkshopSettings
	number := func(field, label, value string, min, max int, unit string) int {
		if value == "" {
			v.Fail(field, label+" est obligatoire.")
		}
		n, _ := v.Int(field, label, value, min, max, unit)
		return n
	}
	ws.Bays = number("ponts", "Le nombre de ponts", f.Bays, 1, garage.WorkshopMaxBays, "")
	step, _ := strconv.Atoi(f.Step)
	v.Choose("pas", slices.Contains(garage.WorkshopSteps, step))
	ws.StepMinutes = step
	ws.NoticeHours = number("delai", "Le délai minimum", f.Notice, 0, garage.WorkshopMaxNoticeHours, "h")
	ws.HorizonDays = number("horizon", "L'horizon de réservation", f.Horizon, 1, garage.WorkshopMaxHorizonDays, "jours")
	ws.RetentionDays = number("conservation", "La durée de conservation", f.Retention, garage.WorkshopMinRetention, garage.WorkshopMaxRetention, "jours")
	ws.AutoConfirm, ws.MultiDay = f.AutoConfirm, f.MultiDay
	f.Errors = v.Errors
	return f, ws
}
