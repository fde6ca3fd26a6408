package app

import (
	"context"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestDemoLeadsHaveEveryKindSomeLateSomeAnswered(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris()) // a Wednesday
		if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), now, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"Clio", "208"} {
			c := &garage.Car{Make: "Renault", Model: m, Price: 10000, Status: garage.CarPublished, PublishedAt: now}
			if err := s.CreateCar(ctx, c, nil, now, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := seedDemoLeads(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListLeads(ctx, store.LeadFilter{}, now, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[garage.LeadKind]bool{}
		late, answered := 0, 0
		for _, m := range list {
			kinds[m.Kind] = true
			if m.Late(now) {
				late++
			}
			if m.FirstAnswerAt != nil {
				answered++
			}
		}
		if len(kinds) != len(garage.LeadKinds()) || late == 0 || answered == 0 {
			t.Fatalf("kinds %v, %d late, %d answered", kinds, late, answered)
		}
		// Running the demo again adds nothing.
		if err := seedDemoLeads(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.ListLeads(ctx, store.LeadFilter{}, now, 100, 0); len(again) != len(list) {
			t.Fatalf("%d leads after a second run, %d before", len(again), len(list))
		}
	})
}
