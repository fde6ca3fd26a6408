package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// bulkAppointments inserts n appointments of 30 to 120 minutes, 10 a day
// over the days around from (history and bookings), on bays 1 to 3 of 5, in one
// transaction (the benchmark reads them; the occupancy cells are not needed).
func bulkAppointments(b *testing.B, s *store.Store, n int, from time.Time) {
	b.Helper()
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO appointments (start_at, end_at, bay, status, minutes, name, created_at, updated_at)
		VALUES ($1, $2, $3, 'confirme', $4, 'Client', $5, $5)`)
	if err != nil {
		b.Fatal(err)
	}
	day0 := hours.DateOf(from.In(hours.Paris())).AddDays(-n / 10 / 2)
	for i := range n {
		d := day0.AddDays(i / 10)
		start := time.Date(d.Year, d.Month, d.Day, 9+(i%10)/5*5, 0, 0, 0, hours.Paris())
		minutes := 30 + 30*(i%4)
		if _, err := stmt.ExecContext(ctx, start.Unix(), start.Add(time.Duration(minutes)*time.Minute).Unix(), 1+i%3, minutes, from.UTC()); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFreeSlots: the free slots of 3 services (4 h 15 of work) over a
// 60-day horizon, with 5 000 appointments in the database and 5 bays: one
// op reads the settings, the hours, the exceptions and the busy periods,
// then computes every slot of the 60 days (what /rendez-vous does for one
// week, eight times over).
//
//	go test ./internal/store -run '^$' -bench FreeSlots -benchtime 200x
func BenchmarkFreeSlots(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := storetest.Open(b, engine)
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 8, 0, 0, 0, hours.Paris())
			if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), now, garage.Actor{}); err != nil {
				b.Fatal(err)
			}
			ws := garage.DefaultWorkshopSettings()
			ws.Bays, ws.MultiDay = 5, true
			if err := s.SaveWorkshopSettings(ctx, ws, now, garage.Actor{}); err != nil {
				b.Fatal(err)
			}
			bulkAppointments(b, s, 5000, now)
			minutes := 45 + 90 + 120 // vidange, révision, freinage
			from := hours.DateOf(now)
			for _, days := range []int{60, 7} {
				b.Run(strconv.Itoa(days)+"days", func(b *testing.B) { freeSlotsLoop(b, s, minutes, now, from, days) })
			}
		})
	}
}

func freeSlotsLoop(b *testing.B, s *store.Store, minutes int, now time.Time, from hours.Date, days int) {
	ctx := context.Background()
	slots := 0
	for b.Loop() {
		q := garage.SlotQuery{Minutes: minutes, Now: now, From: from, Days: days}
		var err error
		if q.Settings, err = s.WorkshopSettings(ctx); err != nil {
			b.Fatal(err)
		}
		if q.Schedule.Week, err = s.OpeningHours(ctx); err != nil {
			b.Fatal(err)
		}
		if q.Schedule.Exceptions, err = s.ListExceptions(ctx, from); err != nil {
			b.Fatal(err)
		}
		if q.Busy, err = s.WorkshopBusy(ctx, from.Midnight(), from.AddDays(60+garage.WorkshopMaxJobDays).Midnight()); err != nil {
			b.Fatal(err)
		}
		slots = len(garage.FreeSlots(q))
	}
	b.ReportMetric(float64(slots), "slots")
}
