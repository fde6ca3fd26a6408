package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// typicalFilter is what a visitor often asks: a price band, a mileage cap,
// recent enough, one fuel, cheapest first, second page.
func typicalFilter() garage.CarFilter {
	pmin, pmax, kmax, ymin := 10000, 25000, 100000, 2018
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	return garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, SoldSince: &since, PriceMin: &pmin, PriceMax: &pmax,
		MileageMax: &kmax, YearMin: &ymin, Fuel: "diesel", Sort: garage.SortPriceAsc, Limit: 12, Offset: 12}
}

// BenchmarkListCars: 10 000 cars (9 000 published), the typical filter.
//
//	go test ./internal/store -run '^$' -bench ListCars -benchtime 200x
func BenchmarkListCars(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := storetest.Open(b, engine)
			storetest.BulkCars(b, s, 10000)
			ctx := context.Background()
			f := typicalFilter()
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := s.ListCars(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestListCarsUsesIndexes checks the query plan of the typical filter on
// 10 000 cars: no full scan of cars, and the main photo found by its index,
// on both engines; the plan is logged for both engines (go test -v -run UsesIndexes ./internal/store) and copied into
// docs/performance.md.
func TestListCarsUsesIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("10 000 cars")
	}
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		storetest.BulkCars(t, s, 10000)
		plan, err := s.ExplainListCars(context.Background(), typicalFilter())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s plan:\n%s", s.Engine(), plan)
		if s.Engine() == store.SQLite {
			if strings.Contains(plan, "SCAN c\n") || !strings.Contains(plan, "USING INDEX cars_status_") {
				t.Errorf("the filter scans the whole cars table:\n%s", plan)
			}
			if !strings.Contains(plan, "car_photos_car") {
				t.Errorf("the main photo lookup does not use its index:\n%s", plan)
			}
		}
		if s.Engine() == store.Postgres {
			// The plan PostgreSQL chose on 10 000 cars: the status indexes, then the main photo by its own.
			if strings.Contains(plan, "Seq Scan on cars") || !strings.Contains(plan, "Index Scan on cars_status_") {
				t.Errorf("the filter scans the whole cars table:\n%s", plan)
			}
			if strings.Contains(plan, "Seq Scan on car_photos") || !strings.Contains(plan, "using car_photos_car") {
				t.Errorf("the main photo lookup does not use its index:\n%s", plan)
			}
		}
	})
}
