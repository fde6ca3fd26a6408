package web

import (
	"context"
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

// Workshop bookings (issue 17): the rate limit per client address, shared by
// every instance, and the purpose of the form's signed render time.
const (
	appointmentLimit  = 5
	appointmentWindow = time.Hour
	appointmentForm   = "rendez-vous"
	appointmentDays   = 7 // days of slots a booking page shows
)

// Errors of the booking pages, in French.
var (
	errUnknownService = errors.New("Cette prestation n'existe pas ou ne se réserve pas en ligne : choisissez dans la liste.")
	errBadSlot        = errors.New("Ce créneau n'est pas valable : choisissez l'un des créneaux proposés.")
)

// bookableServices are the visible services the workshop takes online.
func (a *app) bookableServices(ctx context.Context) ([]*garage.Service, error) {
	list, err := a.store.ListServices(ctx, true)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(sv *garage.Service) bool { return !sv.Bookable || sv.Minutes <= 0 }), nil
}

// chosenServices reads the "service" values among the bookable services:
// their ids (in the list's order), total workshop time and titles, or
// errUnknownService.
func chosenServices(values []string, bookable []*garage.Service) (ids []int64, minutes int, titles []string, err error) {
	if len(values) > garage.AppointmentMaxServices {
		return nil, 0, nil, errUnknownService
	}
	want := map[int64]bool{}
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.ContainsFunc(bookable, func(sv *garage.Service) bool { return sv.ID == id }) {
			return nil, 0, nil, errUnknownService
		}
		want[id] = true
	}
	for _, sv := range bookable {
		if want[sv.ID] {
			ids, minutes, titles = append(ids, sv.ID), minutes+sv.Minutes, append(titles, sv.Title)
		}
	}
	return ids, minutes, titles, nil
}

func workshopServices(bookable []*garage.Service, chosen []int64) []views.WorkshopService {
	out := make([]views.WorkshopService, 0, len(bookable))
	for _, sv := range bookable {
		out = append(out, views.WorkshopService{ID: sv.ID, Title: sv.Title, Minutes: sv.Minutes, PriceFrom: sv.PriceFrom,
			Checked: slices.Contains(chosen, sv.ID)})
	}
	return out
}

// slotQuery gathers what the free-slot computation needs for a job of
// minutes over days days from from.
func (a *app) slotQuery(ctx context.Context, minutes int, from hours.Date, days int) (garage.SlotQuery, error) {
	q := garage.SlotQuery{Minutes: minutes, Now: a.now(), From: from, Days: days}
	var err error
	if q.Settings, err = a.store.WorkshopSettings(ctx); err != nil {
		return q, err
	}
	if q.Schedule.Week, err = a.store.OpeningHours(ctx); err != nil {
		return q, err
	}
	if q.Schedule.Exceptions, err = a.store.ListExceptions(ctx, from); err != nil {
		return q, err
	}
	q.Busy, err = a.store.WorkshopBusy(ctx, from.Midnight(), from.AddDays(days+garage.WorkshopMaxJobDays).Midnight())
	return q, err
}

// appointmentsPage is /rendez-vous: the bookable services, a day, and the
// free slots of the days from it (a plain GET form; cars.js-style scripts
// ask for the slots part alone with X-Requested-With: fetch).
func (a *app) appointmentsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	bookable, err := a.bookableServices(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	today := hours.DateOf(a.now().In(hours.Paris()))
	last := today.AddDays(ws.HorizonDays)
	q := r.URL.Query()
	s := views.AppointmentSearch{Min: today.String(), Max: last.String(), Day: today.String()}
	status := http.StatusOK
	ids, minutes, _, err := chosenServices(q["service"], bookable)
	from, dstatus, derr := firstSlotDay(q.Get("jour"), today, last)
	if derr != nil {
		s.Error, status = derr.Error(), dstatus
	}
	if err != nil {
		s.Error, status = err.Error(), http.StatusBadRequest
	}
	s.Chosen, s.Minutes, s.Day = ids, minutes, from.String()
	s.Services = workshopServices(bookable, ids)
	if s.Error == "" && len(ids) > 0 {
		sq, err := a.slotQuery(ctx, minutes, from, appointmentDays)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		s.Days = slotDays(garage.FreeSlots(sq), from, last)
		if from.After(today) {
			s.Prev = views.AppointmentsSearchPath(ids, laterDate(from.AddDays(-appointmentDays), today))
		}
		if next := from.AddDays(appointmentDays); !next.After(last) {
			s.Next = views.AppointmentsSearchPath(ids, next)
		}
	}
	w.Header().Set("Vary", "X-Requested-With")
	if r.Header.Get("X-Requested-With") == "fetch" {
		a.render(w, r, status, views.AppointmentSlots(s))
		return
	}
	p, err := a.page(r, "rendez-vous", "Prendre rendez-vous à l'atelier",
		"Réservez en ligne un créneau à l'atelier du "+garage.DefaultName+" à Toulouse : entretien, vidange, freins, distribution.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if len(r.URL.RawQuery) > 0 {
		p.NoIndex = true
	}
	a.render(w, r, status, views.AppointmentsPage(p, s))
}

// firstSlotDay reads the first day a slots page shows (its ?jour=): today
// when empty or past, at most last; a status and French message otherwise.
func firstSlotDay(v string, today, last hours.Date) (hours.Date, int, error) {
	if v == "" {
		return today, http.StatusOK, nil
	}
	d, err := hours.ParseDate(v)
	switch {
	case err != nil:
		return today, http.StatusBadRequest, err
	case d.After(last):
		return today, http.StatusUnprocessableEntity, garage.ErrSlotHorizon
	}
	return laterDate(d, today), http.StatusOK, nil
}

// slotDays groups free slots by day for the appointmentDays days from
// from, none after last.
func slotDays(slots []garage.Slot, from, last hours.Date) []views.SlotDay {
	var days []views.SlotDay
	for i := range appointmentDays {
		d := from.AddDays(i)
		if d.After(last) {
			break
		}
		day := views.SlotDay{Date: d}
		for _, sl := range slots {
			if hours.DateOf(sl.Start.In(hours.Paris())) == d {
				day.Slots = append(day.Slots, sl)
			}
		}
		days = append(days, day)
	}
	return days
}

func laterDate(a, b hours.Date) hours.Date {
	if a.After(b) {
		return a
	}
	return b
}

// bookingRequest is a booking's services and slot, read from a query or a
// posted form and checked against the free slots now.
type bookingRequest struct {
	bookable []*garage.Service
	ids      []int64
	titles   []string
	minutes  int
	debut    string
	slot     garage.Slot
}

// readBooking checks the services and the slot of form; the status and
// French message say why they are refused.
func (a *app) readBooking(ctx context.Context, form url.Values) (b bookingRequest, status int, err error) {
	if b.bookable, err = a.bookableServices(ctx); err != nil {
		return b, http.StatusInternalServerError, err
	}
	if b.ids, b.minutes, b.titles, err = chosenServices(form["service"], b.bookable); err != nil {
		return b, http.StatusBadRequest, err
	}
	if len(b.ids) == 0 {
		return b, http.StatusBadRequest, garage.ErrNoBookable
	}
	b.debut = form.Get("debut")
	start, perr := time.ParseInLocation("2006-01-02T15:04", b.debut, hours.Paris())
	if perr != nil || len(b.debut) != 16 {
		return b, http.StatusBadRequest, errBadSlot
	}
	d := hours.DateOf(start)
	q, err := a.slotQuery(ctx, b.minutes, d, 1)
	if err != nil {
		return b, http.StatusInternalServerError, err
	}
	if b.slot, err = garage.CheckSlot(q, start); err != nil {
		return b, http.StatusUnprocessableEntity, err
	}
	return b, http.StatusOK, nil
}

// bookingProblem answers a refused booking: a French page with status, or a
// 500 for a failure.
func (a *app) bookingProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	a.slotProblem(w, r, status, err, views.AppointmentsPath)
}

// slotProblem answers a refused slot, with a link back to the slots at back.
func (a *app) slotProblem(w http.ResponseWriter, r *http.Request, status int, err error, back string) {
	a.appointmentProblem(w, r, status, "Créneau indisponible", err, back, "Choisir un autre créneau")
}

// appointmentProblem answers status with a French page: title, the error's
// message and a link (href, label) to go on; a 500 for a failure.
func (a *app) appointmentProblem(w http.ResponseWriter, r *http.Request, status int, title string, err error, href, label string) {
	if status >= http.StatusInternalServerError {
		a.serverError(w, r, err)
		return
	}
	p, perr := a.page(r, "rendez-vous", title, "")
	if perr != nil {
		a.serverError(w, r, perr)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, status, views.AppointmentProblem(p, err.Error(), href, label))
}

// appointmentBook is the form that books one slot.
func (a *app) appointmentBook(w http.ResponseWriter, r *http.Request) {
	b, status, err := a.readBooking(r.Context(), r.URL.Query())
	if err != nil {
		a.bookingProblem(w, r, status, err)
		return
	}
	a.renderBooking(w, r, http.StatusOK, views.AppointmentFormData{Chosen: b.ids, Debut: b.debut, Start: b.slot.Start,
		Services: chosenOnly(b), Token: a.formStamp(r, appointmentForm)})
}

func chosenOnly(b bookingRequest) []views.WorkshopService {
	return slices.DeleteFunc(workshopServices(b.bookable, b.ids), func(s views.WorkshopService) bool { return !s.Checked })
}

func (a *app) renderBooking(w http.ResponseWriter, r *http.Request, status int, f views.AppointmentFormData) {
	p, err := a.page(r, "rendez-vous", "Réserver un créneau", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, status, views.AppointmentBookPage(p, f))
}

// appointmentBookPost books the slot: the appointment, its bay, the
// customer's e-mail (with the .ics and the personal link) and the garage's
// notification in one transaction. A slot taken meanwhile: 409.
func (a *app) appointmentBookPost(w http.ResponseWriter, r *http.Request) {
	if !a.parsePublicForm(w, r, appointmentForm, views.AppointmentThanksPath) {
		return
	}
	ctx := r.Context()
	b, status, err := a.readBooking(ctx, r.PostForm)
	f, appt, ok := parseAppointmentForm(r.PostForm)
	key := submissionKey(r, appointmentForm, appt.Name, strings.ToLower(appt.Email), appt.Phone, appt.Plate, appt.Make, appt.Model,
		strconv.Itoa(appt.Mileage), appt.Comment, b.debut, strings.Join(b.titles, "\n"))
	if errors.Is(err, garage.ErrSlotNotFree) && ok {
		// A retried form whose first copy took the slot gets the first answer.
		if done, serr := a.store.SubmissionStored(ctx, key); serr == nil && done {
			http.Redirect(w, r, views.AppointmentThanksPath, http.StatusSeeOther)
			return
		}
	}
	if err != nil {
		a.bookingProblem(w, r, status, err)
		return
	}
	f.Chosen, f.Debut, f.Start, f.Services, f.Token = b.ids, b.debut, b.slot.Start, chosenOnly(b), r.PostForm.Get("jeton")
	if !ok {
		a.renderBooking(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "rendez-vous:"+limitIPFrom(ctx), appointmentLimit, appointmentWindow) {
		return
	}
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	appt.Start, appt.End, appt.Minutes, appt.ServiceIDs, appt.Services = b.slot.Start, b.slot.End, b.minutes, b.ids, b.titles
	appt.Status, appt.Source = garage.AppointmentRequested, garage.AppointmentFromWeb
	if ws.AutoConfirm {
		appt.Status = garage.AppointmentConfirmed
	}
	token, hash, err := newToken()
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	mail := func(ap *garage.Appointment) ([]*garage.OutboxMail, error) {
		list, err := a.appointmentMails(ctx, g, ap, "booked", token)
		if err != nil || g.Email == "" {
			return list, err
		}
		n, err := views.RenderMail(ctx, views.AppointmentNotification{Garage: g, Appointment: ap, SiteURL: a.cfg.PublicURL})
		return append(list, n), err
	}
	switch err := a.store.BookAppointment(ctx, key, appt, hash, mail, a.now(), garage.Actor{}); {
	case errors.Is(err, store.ErrAlreadySubmitted):
		a.log.Info("appointment already stored", "request_id", requestID(ctx))
		http.Redirect(w, r, views.AppointmentThanksPath, http.StatusSeeOther)
		return
	case errors.Is(err, store.ErrConflict):
		a.bookingProblem(w, r, http.StatusConflict, garage.ErrSlotTaken)
		return
	case err != nil:
		a.serverError(w, r, err)
		return
	}
	a.log.Info("appointment booked", "request_id", requestID(ctx), "appointment_id", appt.ID, "bay", appt.Bay)
	http.Redirect(w, r, views.AppointmentTokenPath(token)+"?fait=reserve", http.StatusSeeOther)
}

// appointmentMails makes the customer's e-mail of kind about ap (none
// without an address), with the .ics for a booking, a move or a reminder.
func (a *app) appointmentMails(ctx context.Context, g *garage.Details, ap *garage.Appointment, kind, token string) ([]*garage.OutboxMail, error) {
	if ap.Email == "" {
		return nil, nil
	}
	n := views.AppointmentMail{Kind: kind, Garage: g, Appointment: ap, SiteURL: a.cfg.PublicURL}
	if token != "" {
		n.Link = a.cfg.PublicURL + views.AppointmentTokenPath(token)
	}
	if kind == "booked" || kind == "moved" || kind == "reminder" {
		host := strings.TrimPrefix(strings.TrimPrefix(a.cfg.PublicURL, "https://"), "http://")
		n.ICS = garage.AppointmentICS(ap, "rdv-"+strconv.FormatInt(ap.ID, 10)+"@"+host, "Atelier — "+g.DisplayName(),
			g.Address(), strings.Join(ap.Services, ", ")+" — "+ap.Car(), a.now())
	}
	m, err := views.RenderMail(ctx, n)
	if err != nil {
		return nil, err
	}
	return []*garage.OutboxMail{m}, nil
}

// parseAppointmentForm validates the customer's details; f keeps the input
// and the French error of each bad field.
func parseAppointmentForm(form url.Values) (f views.AppointmentFormData, appt *garage.Appointment, ok bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f = views.AppointmentFormData{Nom: get("nom"), Email: get("email"), Telephone: get("telephone"), Immat: get("immatriculation"),
		Marque: get("marque"), Modele: get("modele"), Km: get("kilometrage"),
		Commentaire: strings.ReplaceAll(get("commentaire"), "\r\n", "\n"), Consent: form.Get("consentement") == "oui"}
	v := garage.NewValidator()
	appt = &garage.Appointment{
		Name:    v.Line("nom", "Le nom", f.Nom, true, garage.AppointmentMaxName),
		Email:   strings.ToLower(v.Email("email", "L'adresse e-mail", f.Email, true)),
		Phone:   v.Phone("telephone", "Le numéro de téléphone", f.Telephone, true),
		Plate:   v.Plate("immatriculation", "L'immatriculation", f.Immat, true),
		Make:    v.Line("marque", "La marque", f.Marque, true, garage.AppointmentMaxCar),
		Model:   v.Line("modele", "Le modèle", f.Modele, true, garage.AppointmentMaxCar),
		Comment: v.Text("commentaire", "Le commentaire", f.Commentaire, false, 0, garage.AppointmentMaxComment),
	}
	if f.Km != "" {
		appt.Mileage, _ = v.Int("kilometrage", "Le kilométrage", f.Km, 0, garage.AppointmentMaxMileage, "km")
	}
	v.Check(f.Consent, "consentement", "Acceptez l'utilisation de vos coordonnées pour prendre rendez-vous.")
	f.Errors = v.Errors
	return f, appt, v.Valid()
}

func (a *app) appointmentThanks(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "rendez-vous", "Rendez-vous enregistré", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.AppointmentThanks(p))
}

// appointmentByToken reads the appointment of the path's personal link, or
// answers 404.
func (a *app) appointmentByToken(w http.ResponseWriter, r *http.Request) (string, *garage.Appointment, bool) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	token := r.PathValue("token")
	if len(token) != 43 {
		a.errorPage(w, r, http.StatusNotFound)
		return "", nil, false
	}
	ap, err := a.store.AppointmentByToken(r.Context(), hashToken(token))
	if err != nil {
		a.storeError(w, r, err)
		return "", nil, false
	}
	return token, ap, true
}

// appointmentPage is the customer's page of an appointment: see it, cancel
// it until the minimum notice.
func (a *app) appointmentPage(w http.ResponseWriter, r *http.Request) {
	token, ap, ok := a.appointmentByToken(w, r)
	if !ok {
		return
	}
	a.renderAppointment(w, r, http.StatusOK, token, ap, r.URL.Query().Get("fait"))
}

func (a *app) renderAppointment(w http.ResponseWriter, r *http.Request, status int, token string, ap *garage.Appointment, done string) {
	ws, err := a.store.WorkshopSettings(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "rendez-vous", "Votre rendez-vous", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	if done != "reserve" && done != "annule" && done != "deplace" {
		done = ""
	}
	a.render(w, r, status, views.AppointmentPage(p, views.AppointmentView{Appointment: ap, Token: token, Done: done,
		CanCancel: ap.CanCancel(a.now(), ws), NoticeHours: ws.NoticeHours}))
}

// appointmentCancelPost cancels the appointment of a personal link (until
// the minimum notice) and frees its bay.
func (a *app) appointmentCancelPost(w http.ResponseWriter, r *http.Request) {
	token, _, ok := a.appointmentByToken(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	now := a.now()
	allowed := func(ap *garage.Appointment) bool { return ap.CanCancel(now, ws) }
	mail := func(ap *garage.Appointment) ([]*garage.OutboxMail, error) {
		return a.appointmentMails(ctx, g, ap, "cancelled", "")
	}
	ap, err := a.store.CancelAppointmentByToken(ctx, hashToken(token), allowed, mail, now)
	switch {
	case errors.Is(err, store.ErrBadTransition):
		a.appointmentProblem(w, r, http.StatusConflict, "Annulation impossible", errors.New("Ce rendez-vous ne peut plus être annulé en ligne (moins de "+
			strconv.Itoa(ws.NoticeHours)+"\u00a0h avant, ou déjà commencé) : appelez-nous."), views.AppointmentTokenPath(token), "Revoir mon rendez-vous")
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.log.Info("appointment cancelled by the customer", "request_id", requestID(ctx), "appointment_id", ap.ID)
	http.Redirect(w, r, views.AppointmentTokenPath(token)+"?fait=annule", http.StatusSeeOther)
}
