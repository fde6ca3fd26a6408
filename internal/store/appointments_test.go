package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var apptNow = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func apptAt(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, hours.Paris())
}

func newAppointment(start time.Time, minutes int) *garage.Appointment {
	return &garage.Appointment{Start: start, End: start.Add(time.Duration(minutes) * time.Minute), Status: garage.AppointmentRequested,
		ServiceIDs: []int64{1}, Services: []string{"Vidange"}, Minutes: minutes, Name: "Paul Durand", Email: "paul@exemple.fr",
		Phone: "0612345678", Plate: "AB-123-CD", Make: "Renault", Model: "Clio", Mileage: 120000, Source: "web"}
}

func setBays(t *testing.T, s *store.Store, bays int) {
	t.Helper()
	ws := garage.DefaultWorkshopSettings()
	ws.Bays = bays
	if err := s.SaveWorkshopSettings(context.Background(), ws, apptNow, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
}

func TestWorkshopSettingsSaved(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws, err := s.WorkshopSettings(ctx)
		if err != nil || ws != garage.DefaultWorkshopSettings() {
			t.Fatalf("defaults %+v %v", ws, err)
		}
		want := garage.WorkshopSettings{Bays: 3, StepMinutes: 30, NoticeHours: 48, HorizonDays: 30, AutoConfirm: true, MultiDay: true, RetentionDays: 400}
		by := garage.Actor{Email: "patron@exemple.fr", IP: "127.0.0.1"}
		if err := s.SaveWorkshopSettings(ctx, want, apptNow, by); err != nil {
			t.Fatal(err)
		}
		if got, err := s.WorkshopSettings(ctx); err != nil || got != want {
			t.Fatalf("got %+v %v", got, err)
		}
	})
}

func TestBookAppointmentHoldsABay(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		setBays(t, s, 2)
		mail := func(a *garage.Appointment) ([]*garage.OutboxMail, error) {
			return []*garage.OutboxMail{{Kind: "appointment.booked", To: a.Email, Subject: "Rendez-vous", Text: "t"}}, nil
		}
		a := newAppointment(apptAt(10, 9, 0), 45)
		if err := s.BookAppointment(ctx, "k1", a, "hash1", mail, apptNow, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if a.Bay != 1 {
			t.Fatalf("bay %d", a.Bay)
		}
		got, err := s.AppointmentByToken(ctx, "hash1")
		if err != nil || got.ID != a.ID || !got.Start.Equal(a.Start) || got.Plate != "AB-123-CD" || got.Services[0] != "Vidange" {
			t.Fatalf("read back %+v %v", got, err)
		}
		// The same submission again is stored once.
		again := newAppointment(apptAt(10, 9, 0), 45)
		if err := s.BookAppointment(ctx, "k1", again, "hash2", mail, apptNow, garage.Actor{}); !errors.Is(err, store.ErrAlreadySubmitted) {
			t.Fatalf("retried booking: %v", err)
		}
		// An overlapping job takes the second bay, a third one finds none.
		b := newAppointment(apptAt(10, 9, 30), 60)
		if err := s.BookAppointment(ctx, "k2", b, "", nil, apptNow, garage.Actor{}); err != nil || b.Bay != 2 {
			t.Fatalf("second bay: %d %v", b.Bay, err)
		}
		c := newAppointment(apptAt(10, 9, 40), 15)
		if err := s.BookAppointment(ctx, "k3", c, "", nil, apptNow, garage.Actor{}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("third job at once: %v", err)
		}
		// Back to back on bay 1 is fine.
		d := newAppointment(apptAt(10, 9, 45), 15)
		if err := s.BookAppointment(ctx, "k4", d, "", nil, apptNow, garage.Actor{}); err != nil || d.Bay != 1 {
			t.Fatalf("back to back: %d %v", d.Bay, err)
		}
		busy, err := s.WorkshopBusy(ctx, apptAt(10, 0, 0), apptAt(11, 0, 0))
		if err != nil || len(busy) != 3 {
			t.Fatalf("busy %v %v", busy, err)
		}
		mails, err := s.ListOutbox(ctx, 10)
		if err != nil || len(mails) != 1 || mails[0].To != "paul@exemple.fr" {
			t.Fatalf("outbox %v %v", mails, err)
		}
		if n, err := s.CountAppointmentsToConfirm(ctx, apptNow); err != nil || n != 3 {
			t.Fatalf("to confirm %d %v", n, err)
		}
		hist, err := s.AppointmentHistory(ctx, a)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history %d %v", len(hist), err)
		}
	})
}

// TestBookLastBayConcurrently: N visitors book the last free bay at the
// same moment; exactly one gets it.
func TestBookLastBayConcurrently(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		setBays(t, s, 2)
		first := newAppointment(apptAt(11, 14, 0), 120)
		if err := s.BookAppointment(ctx, "first", first, "", nil, apptNow, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := newAppointment(apptAt(11, 14, 30), 60)
				errs[i] = s.BookAppointment(ctx, fmt.Sprint("race", i), a, fmt.Sprint("h", i), nil, apptNow, garage.Actor{})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d bookings won the last bay, want 1", won)
		}
		list, err := s.ListAppointments(ctx, apptAt(11, 0, 0), apptAt(12, 0, 0))
		if err != nil || len(list) != 2 || list[0].Bay == list[1].Bay {
			t.Fatalf("stored %d appointments %v", len(list), err)
		}
	})
}

func TestAppointmentStatusCancelAndBlocks(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		setBays(t, s, 1)
		by := garage.Actor{Email: "atelier@exemple.fr", IP: "127.0.0.1"}
		a := newAppointment(apptAt(12, 8, 0), 60)
		if err := s.BookAppointment(ctx, "", a, "tok", nil, apptNow, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetAppointmentStatus(ctx, a.ID, garage.AppointmentReady, nil, apptNow, by); !errors.Is(err, store.ErrBadTransition) {
			t.Fatalf("demandé → prêt: %v", err)
		}
		ready := func(a *garage.Appointment) ([]*garage.OutboxMail, error) {
			return []*garage.OutboxMail{{Kind: "appointment.ready", To: a.Email, Subject: "Votre véhicule est prêt", Text: "t"}}, nil
		}
		for _, st := range []garage.AppointmentStatus{garage.AppointmentConfirmed, garage.AppointmentArrived, garage.AppointmentInProgress, garage.AppointmentReady} {
			m := ready
			if st != garage.AppointmentReady {
				m = nil
			}
			if _, err := s.SetAppointmentStatus(ctx, a.ID, st, m, apptNow, by); err != nil {
				t.Fatalf("→ %s: %v", st, err)
			}
		}
		if mails, _ := s.ListOutbox(ctx, 10); len(mails) != 1 || mails[0].Subject != "Votre véhicule est prêt" {
			t.Fatalf("outbox %v", mails)
		}
		if err := s.SetAppointmentNote(ctx, a.ID, "Pneus à prévoir", apptNow, by); err != nil {
			t.Fatal(err)
		}
		// The customer cancels another one by the link: its bay is free again.
		b := newAppointment(apptAt(12, 10, 0), 60)
		if err := s.BookAppointment(ctx, "kb", b, "tokb", nil, apptNow, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CancelAppointmentByToken(ctx, "tokb", func(*garage.Appointment) bool { return false }, nil, apptNow); !errors.Is(err, store.ErrBadTransition) {
			t.Fatalf("refused cancel: %v", err)
		}
		if _, err := s.CancelAppointmentByToken(ctx, "tokb", func(*garage.Appointment) bool { return true }, nil, apptNow); err != nil {
			t.Fatal(err)
		}
		c := newAppointment(apptAt(12, 10, 0), 60)
		if err := s.BookAppointment(ctx, "kc", c, "", nil, apptNow, garage.Actor{}); err != nil {
			t.Fatalf("the cancelled slot stays taken: %v", err)
		}
		// A blocked period refuses what overlaps it, and the other way round.
		blk := &garage.BlockedPeriod{Bay: 0, Start: apptAt(13, 8, 0), End: apptAt(13, 12, 0), Label: "Formation"}
		if err := s.CreateBlockedPeriod(ctx, blk, apptNow, by); err != nil {
			t.Fatal(err)
		}
		if err := s.BookAppointment(ctx, "kd", newAppointment(apptAt(13, 11, 0), 30), "", nil, apptNow, garage.Actor{}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("booking in a blocked period: %v", err)
		}
		if err := s.CreateBlockedPeriod(ctx, &garage.BlockedPeriod{Bay: 1, Start: apptAt(12, 8, 30), End: apptAt(12, 9, 0)}, apptNow, by); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("blocking over an appointment: %v", err)
		}
		if err := s.DeleteBlockedPeriod(ctx, blk.ID, apptNow, by); err != nil {
			t.Fatal(err)
		}
		if err := s.BookAppointment(ctx, "ke", newAppointment(apptAt(13, 11, 0), 30), "", nil, apptNow, garage.Actor{}); err != nil {
			t.Fatalf("after unblocking: %v", err)
		}
		// Moving finds the free bay; onto a taken time it is refused.
		if _, err := s.MoveAppointment(ctx, c.ID, apptAt(12, 8, 30), apptAt(12, 9, 30), nil, nil, apptNow, by); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("move onto a taken time: %v", err)
		}
		if moved, err := s.MoveAppointment(ctx, c.ID, apptAt(12, 14, 0), apptAt(12, 15, 0), nil, nil, apptNow, by); err != nil || !moved.Start.Equal(apptAt(12, 14, 0)) {
			t.Fatalf("move: %v", err)
		}
		entries, err := s.ListAudit(ctx, "", 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, act := range []string{"appointment.create", "appointment.status", "appointment.note", "appointment.move", "workshop.block", "workshop.unblock"} {
			if !seen[act] {
				t.Errorf("no audit row %s", act)
			}
		}
	})
}

func TestRemindersAndAnonymise(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		setBays(t, s, 1)
		a := newAppointment(apptAt(10, 9, 0), 45)
		if err := s.BookAppointment(ctx, "", a, "t", nil, apptNow, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueReminders(ctx, apptAt(10, 0, 0), apptAt(11, 0, 0))
		if err != nil || len(due) != 1 {
			t.Fatalf("due %d %v", len(due), err)
		}
		m := &garage.OutboxMail{Kind: "appointment.reminder", To: a.Email, Subject: "Rappel", Text: "t"}
		for i, want := range []bool{true, false} {
			sent, err := s.RecordReminder(ctx, a, m, apptNow)
			if err != nil || sent != want {
				t.Fatalf("reminder %d: %v %v", i, sent, err)
			}
		}
		if due, _ := s.DueReminders(ctx, apptAt(10, 0, 0), apptAt(11, 0, 0)); len(due) != 0 {
			t.Fatal("reminded twice")
		}
		n, err := s.AnonymiseAppointmentsBefore(ctx, apptAt(11, 0, 0))
		if err != nil || n != 1 {
			t.Fatalf("anonymised %d %v", n, err)
		}
		got, err := s.AppointmentByID(ctx, a.ID)
		if err != nil || got.Name != garage.AnonymousName || got.Email != "" || got.Plate != "" || got.Phone != "" {
			t.Fatalf("after retention %+v %v", got, err)
		}
		if _, err := s.AppointmentByToken(ctx, "t"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("link still works: %v", err)
		}
	})
}
