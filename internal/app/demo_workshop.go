package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
)

// demoDurations are the workshop times of the demo's bookable services
// (bodywork is on quotation, not booked online).
var demoDurations = map[string]int{
	"Entretien et révision":     90,
	"Réparation mécanique":      240,
	"Freinage":                  120,
	"Pneumatiques et géométrie": 45,
	"Climatisation":             60,
}

var demoCustomers = []struct{ name, email, phone, plate, make, model string }{
	{"Camille Martin", "camille.martin@exemple.fr", "06 11 22 33 44", "FG-482-KL", "Peugeot", "308"},
	{"Julien Bernard", "julien.bernard@exemple.fr", "06 22 33 44 55", "DX-915-PA", "Renault", "Mégane"},
	{"Sophie Laurent", "sophie.laurent@exemple.fr", "06 33 44 55 66", "EK-207-RT", "Citroën", "C4"},
	{"Nicolas Garcia", "", "06 44 55 66 77", "123 ABC 31", "Volkswagen", "Golf"},
	{"Élodie Roux", "elodie.roux@exemple.fr", "06 55 66 77 88", "GB-630-HN", "Toyota", "Yaris"},
	{"Thomas Fournier", "thomas.fournier@exemple.fr", "06 66 77 88 99", "CZ-118-MB", "Dacia", "Sandero"},
}

// seedDemoWorkshop makes the demo's services bookable with their durations,
// sets two bays, and fills a week of appointments around now (past ones
// returned, today's in the workshop, coming ones confirmed or requested).
// It does nothing when the workshop already has appointments.

// DemoAppointmentToken is the personal link of one demo appointment three days
// ahead (/rendez-vous/{token}), so that the customer's page (see, move,
// cancel) can be tried.
const DemoAppointmentToken = "demo-rendez-vous-a-deplacer-ou-annuler-0001"

func seedDemoWorkshop(ctx context.Context, s *store.Store, now time.Time) error {
	paris := now.In(hours.Paris())
	today := hours.DateOf(paris)
	if list, err := s.ListAppointments(ctx, today.AddDays(-30).Midnight(), today.AddDays(60).Midnight()); err != nil || len(list) > 0 {
		return err
	}
	services, err := s.ListServices(ctx, false)
	if err != nil {
		return err
	}
	var bookable []*garage.Service
	for _, sv := range services {
		if m, ok := demoDurations[sv.Title]; ok && !sv.Bookable {
			sv.Bookable, sv.Minutes = true, m
			if err := s.UpdateService(ctx, sv, now, garage.Actor{}); err != nil {
				return err
			}
		}
		if sv.Bookable {
			bookable = append(bookable, sv)
		}
	}
	if len(bookable) == 0 {
		return nil
	}
	ws := garage.DefaultWorkshopSettings()
	ws.Bays = 2
	if err := s.SaveWorkshopSettings(ctx, ws, now, garage.Actor{}); err != nil {
		return err
	}
	week, err := s.OpeningHours(ctx)
	if err != nil {
		return err
	}
	dayOf := garage.WorkshopDayOf(hours.Schedule{Week: week})
	n, linked := 0, false
	for d := -2; d <= 5; d++ {
		day := today.AddDays(d)
		for _, clock := range []int{9 * 60, 10*60 + 30, 14 * 60, 15*60 + 30} {
			sv := bookable[n%len(bookable)]
			c := demoCustomers[n%len(demoCustomers)]
			n++
			start := time.Date(day.Year, day.Month, day.Day, clock/60, clock%60, 0, 0, hours.Paris())
			end, ok := garage.JobEnd(dayOf, start, sv.Minutes, false)
			if !ok {
				continue
			}
			status := garage.AppointmentConfirmed
			switch {
			case d < 0:
				status = garage.AppointmentReturned
			case d == 0 && !end.After(now):
				status = garage.AppointmentReady
			case d == 0 && !start.After(now):
				status = garage.AppointmentInProgress
			case d == 0:
				status = garage.AppointmentArrived
			case n%3 == 0:
				status = garage.AppointmentRequested
			}
			a := &garage.Appointment{Start: start, End: end, Status: status, ServiceIDs: []int64{sv.ID}, Services: []string{sv.Title},
				Minutes: sv.Minutes, Name: c.name, Email: c.email, Phone: c.phone, Plate: c.plate, Make: c.make, Model: c.model,
				Mileage: 40000 + 7919*n%120000, Source: []string{garage.AppointmentFromWeb, garage.AppointmentFromStaff}[n%2]}
			hash := ""
			if !linked && d >= 3 && status == garage.AppointmentConfirmed && a.Email != "" {
				sum := sha256.Sum256([]byte(DemoAppointmentToken))
				hash, linked = hex.EncodeToString(sum[:]), true
			}
			if err := s.BookAppointment(ctx, "", a, hash, nil, now, garage.Actor{}); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
	}
	return nil
}
