package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// moveQuery is the slot query of ap moved to the days from from: its own
// period does not count against it.
func (a *app) moveQuery(ctx context.Context, ap *garage.Appointment, from hours.Date, days int) (garage.SlotQuery, error) {
	q, err := a.slotQuery(ctx, ap.Minutes, from, days)
	q.Busy = slices.DeleteFunc(q.Busy, func(b garage.Busy) bool { return b.Bay == ap.Bay && b.Start.Equal(ap.Start) && b.End.Equal(ap.End) })
	return q, err
}

// appointmentMove is the customer's page to move an appointment by the
// personal link: the free slots of the same services from a day, until
// the minimum notice.
func (a *app) appointmentMove(w http.ResponseWriter, r *http.Request) {
	token, ap, ok := a.appointmentByToken(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if !ap.CanCancel(a.now(), ws) {
		a.moveRefused(w, r, token, ws)
		return
	}
	today := hours.DateOf(a.now().In(hours.Paris()))
	last := today.AddDays(ws.HorizonDays)
	from, status, derr := firstSlotDay(r.URL.Query().Get("jour"), today, last)
	v := views.AppointmentMove{Appointment: ap, Token: token, Day: from.String(), Min: today.String(), Max: last.String()}
	if derr != nil {
		v.Error = derr.Error()
	} else {
		q, err := a.moveQuery(ctx, ap, from, appointmentDays)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		// Its own start is no move.
		slots := slices.DeleteFunc(garage.FreeSlots(q), func(sl garage.Slot) bool { return sl.Start.Equal(ap.Start) })
		v.Days = slotDays(slots, from, last)
		if from.After(today) {
			v.Prev = views.AppointmentMovePath(token, laterDate(from.AddDays(-appointmentDays), today))
		}
		if next := from.AddDays(appointmentDays); !next.After(last) {
			v.Next = views.AppointmentMovePath(token, next)
		}
	}
	p, err := a.page(r, "rendez-vous", "Déplacer votre rendez-vous", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, status, views.AppointmentMovePage(p, v))
}

// appointmentMoveByLinkPost moves the appointment of a personal link to the
// chosen slot: a free bay, the customer's notice and horizon, the row
// still movable when locked; the customer gets the new time and .ics, the
// garage is told, and the audit keeps both times.
func (a *app) appointmentMoveByLinkPost(w http.ResponseWriter, r *http.Request) {
	token, ap, ok := a.appointmentByToken(w, r)
	if !ok || !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	ws, err := a.store.WorkshopSettings(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	now, was := a.now(), ap.Start
	if !ap.CanCancel(now, ws) {
		a.moveRefused(w, r, token, ws)
		return
	}
	back := views.AppointmentTokenPath(token, "deplacer")
	debut := r.PostForm.Get("debut")
	start, perr := time.ParseInLocation("2006-01-02T15:04", debut, hours.Paris())
	if perr != nil || len(debut) != 16 {
		a.slotProblem(w, r, http.StatusBadRequest, errBadSlot, back)
		return
	}
	q, err := a.moveQuery(ctx, ap, hours.DateOf(start), 1)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	slot, err := garage.CheckSlot(q, start)
	if err != nil {
		a.slotProblem(w, r, http.StatusUnprocessableEntity, err, back)
		return
	}
	// Like bookings, real moves are counted per client address.
	if !a.allow(w, r, "rendez-vous:"+limitIPFrom(ctx), appointmentLimit, appointmentWindow) {
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	allowed := func(ap *garage.Appointment) bool { return ap.CanCancel(now, ws) }
	mail := func(ap *garage.Appointment) ([]*garage.OutboxMail, error) {
		list, err := a.appointmentMails(ctx, g, ap, "moved", token)
		if err != nil || g.Email == "" {
			return list, err
		}
		n, err := views.RenderMail(ctx, views.AppointmentNotification{Garage: g, Appointment: ap, SiteURL: a.cfg.PublicURL, MovedFrom: was})
		return append(list, n), err
	}
	_, err = a.store.MoveAppointment(ctx, ap.ID, slot.Start, slot.End, allowed, mail, now, a.actor(r))
	switch {
	case errors.Is(err, store.ErrBadTransition):
		a.moveRefused(w, r, token, ws)
		return
	case errors.Is(err, store.ErrConflict):
		a.slotProblem(w, r, http.StatusConflict, garage.ErrSlotTaken, back)
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.log.Info("appointment moved by the customer", "request_id", requestID(ctx), "appointment_id", ap.ID)
	http.Redirect(w, r, views.AppointmentTokenPath(token)+"?fait=deplace", http.StatusSeeOther)
}

// moveRefused answers 409: the appointment can no longer be changed online.
func (a *app) moveRefused(w http.ResponseWriter, r *http.Request, token string, ws garage.WorkshopSettings) {
	a.appointmentProblem(w, r, http.StatusConflict, "Modification impossible", errors.New("Ce rendez-vous ne peut plus être déplacé en ligne (moins de "+
		strconv.Itoa(ws.NoticeHours)+"\u00a0h avant, annulé ou déjà commencé) : appelez-nous."), views.AppointmentTokenPath(token), "Revoir mon rendez-vous")
}
