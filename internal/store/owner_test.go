package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func day(y int, m time.Month, d int) hours.Date { return hours.Date{Year: y, Month: m, Day: d} }

func TestExceptions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		summer := hours.Exception{First: day(2026, 8, 3), Last: day(2026, 8, 22), Label: "Congés d'été"}
		if err := s.CreateException(ctx, &summer, t0, garage.Actor{}); err != nil || summer.ID == 0 {
			t.Fatalf("create: %v %d", err, summer.ID)
		}
		special := hours.Exception{First: day(2026, 12, 24), Last: day(2026, 12, 24), Label: "Veille de Noël",
			Ranges: []hours.Range{{Open: 540, Close: 720}, {Open: 780, Close: 900}}}
		if err := s.CreateException(ctx, &special, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		overlap := hours.Exception{First: day(2026, 8, 22), Last: day(2026, 8, 25)}
		if err := s.CreateException(ctx, &overlap, t0, garage.Actor{}); !errors.Is(err, store.ErrOverlap) {
			t.Fatalf("overlap: %v", err)
		}
		got, err := s.ExceptionByID(ctx, special.ID)
		if err != nil || got.Label != "Veille de Noël" || len(got.Ranges) != 2 || got.Ranges[1] != (hours.Range{Open: 780, Close: 900}) || got.First != special.First {
			t.Fatalf("by id: %+v %v", got, err)
		}
		// The 2026 holidays: 15 August falls in the summer closure and is skipped.
		var hol []hours.Exception
		for _, h := range hours.PublicHolidays(2026) {
			hol = append(hol, hours.Exception{First: h.Date, Last: h.Date, Label: h.Name})
		}
		added, err := s.AddHolidays(ctx, 0, hol, t0, garage.Actor{})
		if err != nil || len(added) != 10 {
			t.Fatalf("import: %d %v", len(added), err)
		}
		if again, err := s.AddHolidays(ctx, 0, hol, t0, garage.Actor{}); err != nil || len(again) != 0 {
			t.Fatalf("second import: %d %v", len(again), err)
		}
		all, err := s.ListExceptions(ctx, hours.Date{})
		if err != nil || len(all) != 12 || all[0].Label != "Jour de l'an" || all[11].Label != "Noël" {
			t.Fatalf("all: %d %v", len(all), err)
		}
		from, err := s.ListExceptions(ctx, day(2026, 8, 22))
		if err != nil || len(from) != 5 || from[0].ID != summer.ID {
			t.Fatalf("from 22 August: %+v %v", from, err)
		}
		if err := s.DeleteException(ctx, summer.ID, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteException(ctx, summer.ID, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestServicesAdmin(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var ids []int64
		for _, title := range []string{"A", "B", "C"} {
			sv := &garage.Service{Title: title, Visible: true}
			if err := s.CreateService(ctx, sv, t0, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, sv.ID)
		}
		order := func() string {
			list, err := s.ListServices(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			out := ""
			for _, sv := range list {
				out += sv.Title
			}
			return out
		}
		if moved, err := s.MoveService(ctx, ids[2], -1, t0, garage.Actor{}); err != nil || !moved || order() != "ACB" {
			t.Fatalf("up: %v %v %s", moved, err, order())
		}
		if moved, err := s.MoveService(ctx, ids[0], -1, t0, garage.Actor{}); err != nil || moved || order() != "ACB" {
			t.Fatalf("first up: %v %v %s", moved, err, order())
		}
		if moved, err := s.MoveService(ctx, ids[0], 1, t0, garage.Actor{}); err != nil || !moved || order() != "CAB" {
			t.Fatalf("down: %v %v %s", moved, err, order())
		}
		if _, err := s.MoveService(ctx, 999, 1, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("move unknown: %v", err)
		}
		sv, err := s.ServiceByID(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		price := 49
		sv.Title, sv.Visible, sv.PriceFrom = "Bé", false, &price
		if err := s.UpdateService(ctx, sv, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ServiceByID(ctx, ids[1]); err != nil || got.Title != "Bé" || got.Visible || *got.PriceFrom != 49 {
			t.Fatalf("updated: %+v %v", got, err)
		}
		if vis, _ := s.ListServices(ctx, true); len(vis) != 2 {
			t.Fatalf("%d visible", len(vis))
		}
		if _, err := s.DeleteService(ctx, ids[1], t0, garage.Actor{}); err != nil || order() != "CA" {
			t.Fatalf("delete: %v %s", err, order())
		}
		if _, err := s.ServiceByID(ctx, ids[1]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted: %v", err)
		}
	})
}

func TestLastActiveAdminStays(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a1 := newUser(t, s, "a1@example.test", garage.RoleAdmin)
		emp := newUser(t, s, "e@example.test", garage.RoleEmployee)
		for name, err := range map[string]error{
			"demote":  s.SetUserRole(ctx, a1.ID, garage.RoleEmployee, t0, garage.Actor{}),
			"disable": s.SetUserActive(ctx, a1.ID, false, t0, garage.Actor{}),
			"delete":  s.DeleteUser(ctx, a1.ID, t0, garage.Actor{}),
		} {
			if !errors.Is(err, garage.ErrLastAdmin) {
				t.Errorf("%s the last admin: %v", name, err)
			}
		}
		if u, _ := s.UserByID(ctx, a1.ID); u.Role != garage.RoleAdmin || !u.Active {
			t.Fatalf("last admin changed: %+v", u)
		}
		if err := s.SetUserRole(ctx, 999, garage.RoleAdmin, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		// Promote the employee: now either admin may go, but not both at once.
		if err := s.SetUserRole(ctx, emp.ID, garage.RoleAdmin, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range []int64{a1.ID, emp.ID} {
			wg.Go(func() { errs[i] = s.SetUserActive(ctx, id, false, t0, garage.Actor{}) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("concurrent disables: %v / %v", errs[0], errs[1])
		}
		if n, err := s.CountActiveAdmins(ctx); err != nil || n != 1 {
			t.Fatalf("%d active admins, %v", n, err)
		}
	})
}

func TestDisableEndsSessionsAndDelete(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		newUser(t, s, "a@example.test", garage.RoleAdmin)
		emp := newUser(t, s, "e@example.test", garage.RoleEmployee)
		for _, h := range []string{"h1", "h2", "h3"} {
			if err := s.CreateSession(ctx, &garage.Session{TokenHash: h, UserID: emp.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.ListUserSessions(ctx, emp.ID, t0, t0.Add(-time.Hour))
		if err != nil || len(list) != 3 {
			t.Fatalf("sessions: %d %v", len(list), err)
		}
		if n, err := s.DeleteOtherUserSessions(ctx, emp.ID, "h2", t0, garage.Actor{}); err != nil || n != 2 {
			t.Fatalf("delete others: %d %v", n, err)
		}
		if err := s.SetUserActive(ctx, emp.ID, false, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.ListUserSessions(ctx, emp.ID, t0, t0.Add(-time.Hour)); len(list) != 0 {
			t.Fatalf("%d sessions left after disabling", len(list))
		}
		if err := s.SetUserActive(ctx, emp.ID, true, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserName(ctx, emp.ID, "Léa", "Martin", t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, emp.ID, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByID(ctx, emp.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted user: %v", err)
		}
	})
}

func TestAuditFilters(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newUser(t, s, "a@example.test", garage.RoleAdmin)
		paris := hours.Paris()
		for i, e := range []struct {
			at     time.Time
			actor  *int64
			action string
		}{
			{time.Date(2026, 3, 1, 23, 30, 0, 0, paris), &a.ID, "user.create"},
			{time.Date(2026, 3, 2, 0, 0, 0, 0, paris), &a.ID, "hours.update"},
			{time.Date(2026, 3, 2, 12, 0, 0, 500, paris), nil, "login.failure"},
			{time.Date(2026, 3, 3, 0, 0, 0, 0, paris), &a.ID, "user.role"},
		} {
			if err := s.AddAudit(ctx, &garage.AuditEntry{At: e.at, ActorID: e.actor, Action: e.action, Target: string(rune('a' + i))}); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f garage.AuditFilter) int {
			list, err := s.ListAuditFiltered(ctx, f, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		for _, tc := range []struct {
			name string
			f    garage.AuditFilter
			want int
		}{
			{"all", garage.AuditFilter{}, 4},
			{"by actor", garage.AuditFilter{ActorID: a.ID}, 3},
			{"by kind", garage.AuditFilter{ActionPrefix: "user."}, 2},
			{"2 March (Paris)", garage.AuditFilter{From: time.Date(2026, 3, 2, 0, 0, 0, 0, paris), To: time.Date(2026, 3, 3, 0, 0, 0, 0, paris)}, 2},
			{"from 2 March", garage.AuditFilter{From: time.Date(2026, 3, 2, 0, 0, 0, 0, paris)}, 3},
			{"all three", garage.AuditFilter{ActorID: a.ID, ActionPrefix: "user.", To: time.Date(2026, 3, 2, 0, 0, 0, 0, paris)}, 1},
		} {
			if got := count(tc.f); got != tc.want {
				t.Errorf("%s: %d entries, want %d", tc.name, got, tc.want)
			}
		}
	})
}
