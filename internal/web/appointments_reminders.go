package web

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// SendAppointmentReminders queues the reminder of every appointment of
// tomorrow (requested or confirmed, with an address) from
// garage.ReminderHour today, once each even with several instances
// (store.RecordReminder). `garage serve`'s janitor runs it. It returns how
// many reminders were queued.
func SendAppointmentReminders(ctx context.Context, s *store.Store, siteURL string, now time.Time) (sent int, err error) {
	from, to, ok := garage.ReminderWindow(now)
	if !ok {
		return 0, nil
	}
	due, err := s.DueReminders(ctx, from, to)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	g, err := s.GarageDetails(ctx)
	if err != nil {
		return 0, err
	}
	host := strings.TrimPrefix(strings.TrimPrefix(siteURL, "https://"), "http://")
	var errs []error
	for _, ap := range due {
		ics := garage.AppointmentICS(ap, "rdv-"+strconv.FormatInt(ap.ID, 10)+"@"+host, "Atelier — "+g.DisplayName(), g.Address(),
			strings.Join(ap.Services, ", ")+" — "+ap.Car(), now)
		m, err := views.RenderMail(ctx, views.AppointmentMail{Kind: "reminder", Garage: g, Appointment: ap, SiteURL: siteURL, ICS: ics})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ok, err := s.RecordReminder(ctx, ap, m, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

// AnonymiseOldAppointments clears the customer's details of the
// appointments past the retention the owner set (the privacy page says so).
func AnonymiseOldAppointments(ctx context.Context, s *store.Store, now time.Time) (int64, error) {
	ws, err := s.WorkshopSettings(ctx)
	if err != nil {
		return 0, err
	}
	return s.AnonymiseAppointmentsBefore(ctx, now.AddDate(0, 0, -ws.RetentionDays))
}
