package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestDemoWorkshopHasTwoBaysAndALivingWeek(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris()) // a Wednesday
		if err := seedDemo(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if err := seedDemoWorkshop(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		ws, err := s.WorkshopSettings(ctx)
		if err != nil || ws.Bays != 2 {
			t.Fatalf("settings %+v %v", ws, err)
		}
		list, err := s.ListAppointments(ctx, now.AddDate(0, 0, -3), now.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[garage.AppointmentStatus]int{}
		bays := map[int]bool{}
		for _, a := range list {
			statuses[a.Status]++
			bays[a.Bay] = true
		}
		if len(list) < 15 || !bays[2] || statuses[garage.AppointmentReturned] == 0 || statuses[garage.AppointmentRequested] == 0 ||
			statuses[garage.AppointmentInProgress]+statuses[garage.AppointmentArrived] == 0 {
			t.Fatalf("%d appointments, statuses %v, bays %v", len(list), statuses, bays)
		}
		// One appointment, three days ahead, has the demo's personal link.
		sum := sha256.Sum256([]byte(DemoAppointmentToken))
		linked, err := s.AppointmentByToken(ctx, hex.EncodeToString(sum[:]))
		if err != nil || linked.Status != garage.AppointmentConfirmed || linked.Start.Before(now.Add(48*time.Hour)) {
			t.Fatalf("demo link: %+v %v", linked, err)
		}
		services, _ := s.ListServices(ctx, true)
		bookable := 0
		for _, sv := range services {
			if sv.Bookable && sv.Minutes > 0 {
				bookable++
			}
		}
		if bookable != len(demoDurations) {
			t.Fatalf("%d bookable services", bookable)
		}
		// Running the demo again adds nothing.
		if err := seedDemoWorkshop(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.ListAppointments(ctx, now.AddDate(0, 0, -3), now.AddDate(0, 0, 7)); len(again) != len(list) {
			t.Fatalf("%d appointments after a second run, %d before", len(again), len(list))
		}
	})
}
