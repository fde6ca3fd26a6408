package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// BulkCars inserts n published cars with one photo row each, in one
// transaction, for benchmarks and query plans (ANALYZE runs afterwards so
// that the planner knows the table). The data is random with a fixed seed.
func BulkCars(tb testing.TB, s *store.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(10, 31))
	makes := []string{"Peugeot", "Renault", "Citroën", "Dacia", "Volkswagen", "Toyota", "Ford", "Opel", "Fiat", "Skoda", "BMW", "Audi"}
	fuels := []string{"essence", "diesel", "hybride", "electrique"}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		st := "published"
		if i%10 == 9 {
			st = []string{"draft", "sold", "archived"}[i%3]
		}
		var id int64
		err := tx.QueryRowContext(ctx,
			`INSERT INTO cars (slug, title, make, model, version, price, reg_month, reg_year, mileage, fuel, gearbox,
			   crit_air, status, published_at, sold_at, created_at, updated_at)
			 VALUES ($1, '', $2, $3, 'Version', $4, $5, $6, $7, $8, $9, '1', $10, $11, $12, $13, $13) RETURNING id`,
			fmt.Sprintf("voiture-%d", i), makes[rng.IntN(len(makes))], fmt.Sprintf("Modèle %d", rng.IntN(40)),
			3000+rng.IntN(500)*100, 1+rng.IntN(12), 2008+rng.IntN(18), rng.IntN(250)*1000, fuels[rng.IntN(len(fuels))],
			[]string{"manuelle", "automatique"}[rng.IntN(2)], st, now.Add(-time.Duration(i)*time.Minute).Unix(),
			now.Add(-time.Duration(rng.IntN(60*24))*time.Hour).Unix(), now).Scan(&id)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO car_photos (car_id, key, position, width, height, created_at) VALUES ($1, $2, 0, 1280, 960, $3)`,
			id, fmt.Sprintf("cars/b%d", id), now); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}
