package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func sampleCar() *garage.Car {
	return &garage.Car{Make: "Peugeot", Model: "208", Version: "1.2 PureTech 110 Allure", Price: 14990, RegMonth: 6,
		RegYear: 2021, Mileage: 38500, Fuel: "essence", Gearbox: "manuelle", PowerHP: 110, FiscalHP: 6, Doors: 5, Seats: 5,
		Colour: "Gris", BodyType: "citadine", CritAir: "1", CTDate: "", Description: "Première main."}
}

func TestCarCRUDAndSlug(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := newUser(t, s, "lea@example.test", garage.RoleEmployee)
		c := sampleCar()
		c.CreatedBy = &u.ID
		if err := s.CreateCar(ctx, c, nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if c.Status != garage.CarDraft || c.Slug != "peugeot-208-1-2-puretech-110-allure" {
			t.Fatalf("new car: %q %q", c.Status, c.Slug)
		}
		got, err := s.CarByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Price != 14990 || got.Mileage != 38500 || got.Fuel != "essence" || got.CreatedBy == nil || *got.CreatedBy != u.ID ||
			!got.PublishedAt.IsZero() || got.DisplayTitle() != "Peugeot 208 1.2 PureTech 110 Allure" {
			t.Fatalf("read back: %+v", got)
		}
		got.Title = "Peugeot 208 Allure — Garantie 12 mois"
		got.MileageUnverified = true
		if err := s.UpdateCar(ctx, got, nil, t0.Add(time.Hour), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		again, _ := s.CarByID(ctx, c.ID)
		if again.Slug != "peugeot-208-allure-garantie-12-mois" || !again.MileageUnverified || !again.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after update: %q %v %v", again.Slug, again.MileageUnverified, again.UpdatedAt)
		}
		if _, err := s.CarByID(ctx, c.ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing car: %v", err)
		}
		missing := sampleCar()
		missing.ID = c.ID + 1000
		if err := s.UpdateCar(ctx, missing, nil, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update missing car: %v", err)
		}
	})
}

func TestCarStatusTransitions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := sampleCar()
		if err := s.CreateCar(ctx, c, nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		step := func(from, to garage.CarStatus, at time.Time) {
			t.Helper()
			if err := s.SetCarStatus(ctx, c.ID, from, to, at, garage.Actor{}); err != nil {
				t.Fatalf("%s → %s: %v", from, to, err)
			}
		}
		step(garage.CarDraft, garage.CarPublished, t0.Add(time.Hour))
		got, _ := s.CarByID(ctx, c.ID)
		if got.Status != garage.CarPublished || !got.PublishedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("published: %+v", got)
		}
		// A stale form (still thinking it is a draft) cannot act.
		if err := s.SetCarStatus(ctx, c.ID, garage.CarDraft, garage.CarPublished, t0, garage.Actor{}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale transition: %v", err)
		}
		step(garage.CarPublished, garage.CarSold, t0.Add(2*time.Hour))
		got, _ = s.CarByID(ctx, c.ID)
		if !got.SoldAt.Equal(t0.Add(2*time.Hour)) || !got.PublishedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("sold: %+v", got)
		}
		step(garage.CarSold, garage.CarArchived, t0.Add(3*time.Hour))
		step(garage.CarArchived, garage.CarDraft, t0.Add(4*time.Hour))
		got, _ = s.CarByID(ctx, c.ID)
		if got.Status != garage.CarDraft || !got.SoldAt.IsZero() {
			t.Fatalf("back to draft: %+v", got)
		}
		if err := s.SetCarStatus(ctx, c.ID, garage.CarDraft, garage.CarSold, t0, garage.Actor{}); !errors.Is(err, garage.ErrBadTransition) {
			t.Fatalf("draft → sold: %v", err)
		}
		if err := s.SetCarStatus(ctx, c.ID+99, garage.CarDraft, garage.CarPublished, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown car: %v", err)
		}
		counts, err := s.CountCarsByStatus(ctx)
		if err != nil || counts[garage.CarDraft] != 1 || counts[garage.CarPublished] != 0 {
			t.Fatalf("counts %v %v", counts, err)
		}
	})
}

func TestCarEquipmentAndPhotos(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := sampleCar()
		if err := s.CreateCar(ctx, c, nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		gps, err := s.EnsureEquipment(ctx, "GPS")
		if err != nil {
			t.Fatal(err)
		}
		if again, err := s.EnsureEquipment(ctx, "  gps "); err != nil || again != gps {
			t.Fatalf("same entry any case: %d %v", again, err)
		}
		if err := s.SetCarEquipment(ctx, c.ID, &garage.CarEquipment{IDs: []int64{gps, gps, 9999}, NewNames: []string{"Caméra de recul", "  caméra  DE recul", ""}}, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		eq, err := s.CarEquipment(ctx, c.ID)
		if err != nil || len(eq) != 2 || eq[0].Name != "Caméra de recul" || eq[1].Name != "GPS" {
			t.Fatalf("equipment %v %v", eq, err)
		}
		all, _ := s.ListEquipment(ctx)
		if len(all) != 2 {
			t.Fatalf("vocabulary %d", len(all))
		}
		if err := s.SetCarEquipment(ctx, c.ID, &garage.CarEquipment{}, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if eq, _ := s.CarEquipment(ctx, c.ID); len(eq) != 0 {
			t.Fatalf("cleared: %v", eq)
		}

		var photos []*garage.CarPhoto
		for i := range 3 {
			photos = append(photos, &garage.CarPhoto{Key: fmt.Sprintf("cars/k%d", i), Width: 1280, Height: 960})
		}
		if err := s.AddCarPhotos(ctx, c.ID, photos, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		keys := func() []string {
			list, err := s.CarPhotos(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range list {
				out = append(out, p.Key)
			}
			return out
		}
		if got := keys(); strings.Join(got, ",") != "cars/k0,cars/k1,cars/k2" {
			t.Fatalf("order %v", got)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.MoveCarPhoto(ctx, c.ID, photos[2].ID, garage.PhotoFirst, t0, garage.Actor{}))
		must(s.MoveCarPhoto(ctx, c.ID, photos[0].ID, garage.PhotoDown, t0, garage.Actor{}))
		must(s.MoveCarPhoto(ctx, c.ID, photos[2].ID, garage.PhotoUp, t0, garage.Actor{})) // already first: no change
		if got := keys(); strings.Join(got, ",") != "cars/k2,cars/k1,cars/k0" {
			t.Fatalf("after moves %v", got)
		}
		got, _ := s.CarByID(ctx, c.ID)
		if got.MainPhoto != "cars/k2" {
			t.Fatalf("main photo %q", got.MainPhoto)
		}
		if err := s.MoveCarPhoto(ctx, c.ID+1, photos[0].ID, garage.PhotoUp, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("photo of another car: %v", err)
		}
		if _, err := s.DeleteCarPhoto(ctx, c.ID+1, photos[0].ID, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete photo of another car: %v", err)
		}
		if k, err := s.DeleteCarPhoto(ctx, c.ID, photos[1].ID, t0, garage.Actor{}); err != nil || k != "cars/k1" {
			t.Fatalf("delete photo: %q %v", k, err)
		}
		// Too many photos: nothing written.
		var many []*garage.CarPhoto
		for i := range garage.MaxCarPhotos {
			many = append(many, &garage.CarPhoto{Key: fmt.Sprintf("cars/m%d", i), Width: 1, Height: 1})
		}
		if err := s.AddCarPhotos(ctx, c.ID, many, t0, garage.Actor{}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("too many photos: %v", err)
		}
		if n, _ := s.CarPhotoCount(ctx, c.ID); n != 2 {
			t.Fatalf("%d photos after refused batch", n)
		}
		if err := s.AddCarPhotos(ctx, c.ID+50, photos[:1], t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("photos for unknown car: %v", err)
		}
		removed, err := s.DeleteCar(ctx, c.ID, t0, garage.Actor{})
		sort.Strings(removed)
		if err != nil || strings.Join(removed, ",") != "cars/k0,cars/k2" {
			t.Fatalf("delete car: %v %v", removed, err)
		}
		if _, err := s.DeleteCar(ctx, c.ID, t0, garage.Actor{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

// randomCars creates n cars with random fields and statuses.
func randomCars(t *testing.T, s *store.Store, rng *rand.Rand, n int) []*garage.Car {
	t.Helper()
	ctx := context.Background()
	makes := []string{"Peugeot", "Renault", "Citroën", "peugeot", "Dacia", "Toyota"}
	statuses := garage.CarStatuses()
	var cars []*garage.Car
	for i := range n {
		c := &garage.Car{
			Make:    makes[rng.IntN(len(makes))],
			Model:   []string{"208", "Clio", "C3", "Sandero", "Yaris"}[rng.IntN(5)],
			Version: []string{"Allure", "Zen", "Shine", "Stepway", ""}[rng.IntN(5)],
			Price:   3000 + rng.IntN(40)*500,
			RegYear: 2010 + rng.IntN(15), RegMonth: 1 + rng.IntN(12),
			Mileage: rng.IntN(20) * 10000,
			Fuel:    garage.Fuels()[rng.IntN(4)].Code, Gearbox: garage.Gearboxes()[rng.IntN(2)].Code,
			Status: statuses[rng.IntN(len(statuses))],
		}
		if c.Status != garage.CarDraft {
			c.PublishedAt = t0.Add(time.Duration(rng.IntN(1000)) * time.Minute) // ties are likely on purpose
		}
		if c.Status == garage.CarSold {
			c.SoldAt = t0.Add(time.Duration(rng.IntN(60)) * 24 * time.Hour)
		}
		if err := s.CreateCar(ctx, c, nil, t0.Add(time.Duration(i)*time.Second), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		cars = append(cars, c)
	}
	return cars
}

// bruteForce applies f to cars in Go: the reference ListCars must agree with.
func bruteForce(cars []*garage.Car, f garage.CarFilter) ([]*garage.Car, int) {
	var out []*garage.Car
	in := func(p *int, v int, min bool) bool {
		return p == nil || (min && v >= *p) || (!min && v <= *p)
	}
	for _, c := range cars {
		ok := len(f.Statuses) == 0 && f.SoldSince == nil
		if slices.Contains(f.Statuses, c.Status) {
			ok = true
		}
		if f.SoldSince != nil && c.Status == garage.CarSold && !c.SoldAt.Before(*f.SoldSince) {
			ok = true
		}
		// LIKE wildcards in the search are ignored, as ListCars does.
		if q := strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(strings.TrimSpace(f.Search))); q != "" {
			hay := strings.ToLower(c.Make + "\x00" + c.Model + "\x00" + c.Version + "\x00" + c.Title)
			ok = ok && strings.Contains(hay, q)
		}
		ok = ok && (f.Make == "" || strings.EqualFold(f.Make, c.Make)) && (f.Fuel == "" || f.Fuel == c.Fuel) &&
			(f.Gearbox == "" || f.Gearbox == c.Gearbox) &&
			in(f.PriceMin, c.Price, true) && in(f.PriceMax, c.Price, false) &&
			in(f.MileageMin, c.Mileage, true) && in(f.MileageMax, c.Mileage, false) &&
			in(f.YearMin, c.RegYear, true) && in(f.YearMax, c.RegYear, false)
		if ok {
			out = append(out, c)
		}
	}
	cmp := func(a, b int) int { return a - b }
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if f.SoldSince != nil && (a.Status == garage.CarSold) != (b.Status == garage.CarSold) {
			return b.Status == garage.CarSold
		}
		var d int
		switch f.Sort {
		case garage.SortPriceAsc:
			d = cmp(a.Price, b.Price)
		case garage.SortPriceDesc:
			d = cmp(b.Price, a.Price)
		case garage.SortMileageAsc:
			d = cmp(a.Mileage, b.Mileage)
		case garage.SortYearDesc:
			d = cmp(b.RegYear*100+b.RegMonth, a.RegYear*100+a.RegMonth)
		case garage.SortYearAsc:
			d = cmp(a.RegYear*100+a.RegMonth, b.RegYear*100+b.RegMonth)
		default:
			d = cmp(int(unix0(b)-unix0(a)), 0)
		}
		if d != 0 {
			return d < 0
		}
		return a.ID > b.ID
	})
	total := len(out)
	if f.Offset >= len(out) {
		return nil, total
	}
	out = out[f.Offset:]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, total
}

func unix0(c *garage.Car) int64 {
	if c.PublishedAt.IsZero() {
		return 0
	}
	return c.PublishedAt.Unix()
}

func randomFilter(rng *rand.Rand) garage.CarFilter {
	var f garage.CarFilter
	maybe := func() bool { return rng.IntN(3) == 0 }
	pint := func(v int) *int { return &v }
	if maybe() {
		all := garage.CarStatuses()
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		f.Statuses = all[:1+rng.IntN(2)]
	}
	if maybe() {
		ts := t0.Add(time.Duration(rng.IntN(60)) * 24 * time.Hour)
		f.SoldSince = &ts
		if len(f.Statuses) == 0 {
			f.Statuses = []garage.CarStatus{garage.CarPublished}
		}
	}
	if maybe() {
		f.Search = []string{"peu", "CLIO", "zen", "c3 ", "%", "_"}[rng.IntN(6)]
	}
	if maybe() {
		f.Make = []string{"peugeot", "Renault", "Citroën", "Inconnue"}[rng.IntN(4)]
	}
	if maybe() {
		f.Fuel = garage.Fuels()[rng.IntN(4)].Code
	}
	if maybe() {
		f.Gearbox = garage.Gearboxes()[rng.IntN(2)].Code
	}
	if maybe() {
		f.PriceMin = pint(3000 + rng.IntN(40)*500)
	}
	if maybe() {
		f.PriceMax = pint(3000 + rng.IntN(40)*500)
	}
	if maybe() {
		f.MileageMin = pint(rng.IntN(20) * 10000)
	}
	if maybe() {
		f.MileageMax = pint(rng.IntN(20) * 10000)
	}
	if maybe() {
		f.YearMin = pint(2010 + rng.IntN(15))
	}
	if maybe() {
		f.YearMax = pint(2010 + rng.IntN(15))
	}
	sorts := []garage.CarSort{"", garage.SortNewest, garage.SortPriceAsc, garage.SortPriceDesc, garage.SortMileageAsc, garage.SortYearDesc, garage.SortYearAsc}
	f.Sort = sorts[rng.IntN(len(sorts))]
	if maybe() {
		f.Limit = 1 + rng.IntN(12)
		f.Offset = rng.IntN(3) * f.Limit
	}
	return f
}

// TestListCarsMatchesBruteForce checks the dynamic SQL filter against a
// plain Go filter of the same random cars, for many random filters
// (fixed seed: failures reproduce).
func TestListCarsMatchesBruteForce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(2026, 3))
		cars := randomCars(t, s, rng, 120)
		for i := range 400 {
			f := randomFilter(rng)
			want, wantTotal := bruteForce(cars, f)
			got, total, err := s.ListCars(ctx, f)
			if err != nil {
				t.Fatalf("filter %d %+v: %v", i, f, err)
			}
			if total != wantTotal || len(got) != len(want) {
				t.Fatalf("filter %d %+v: %d/%d cars, want %d/%d", i, f, len(got), total, len(want), wantTotal)
			}
			for j := range got {
				if got[j].ID != want[j].ID {
					t.Fatalf("filter %d %+v: car %d is #%d, want #%d", i, f, j, got[j].ID, want[j].ID)
				}
			}
			// Without the count: the same cars, and no total.
			f.NoCount = true
			same, none, err := s.ListCars(ctx, f)
			if err != nil || none != -1 || len(same) != len(got) {
				t.Fatalf("filter %d without count: %d cars, total %d, %v", i, len(same), none, err)
			}
		}
		// Pages put together give the whole list, without overlap.
		f := garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, Sort: garage.SortPriceAsc, Limit: 7}
		all, total, _ := s.ListCars(ctx, garage.CarFilter{Statuses: f.Statuses, Sort: f.Sort})
		var paged []int64
		for f.Offset = 0; f.Offset < total+7; f.Offset += 7 {
			page, _, err := s.ListCars(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				paged = append(paged, c.ID)
			}
		}
		if len(paged) != len(all) {
			t.Fatalf("pages hold %d cars, list %d", len(paged), len(all))
		}
		for i := range all {
			if all[i].ID != paged[i] {
				t.Fatalf("page order differs at %d", i)
			}
		}

		facets, err := s.PublishedCarFacets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want garage.CarFacets
		makes, fuels, gears := map[string]bool{}, map[string]bool{}, map[string]bool{}
		first := true
		for _, c := range cars {
			if c.Status != garage.CarPublished {
				continue
			}
			if first {
				want.Price, want.Mileage, want.Year = garage.Range{Min: c.Price, Max: c.Price}, garage.Range{Min: c.Mileage, Max: c.Mileage}, garage.Range{Min: c.RegYear, Max: c.RegYear}
				first = false
			}
			want.Price = garage.Range{Min: min(want.Price.Min, c.Price), Max: max(want.Price.Max, c.Price)}
			want.Mileage = garage.Range{Min: min(want.Mileage.Min, c.Mileage), Max: max(want.Mileage.Max, c.Mileage)}
			want.Year = garage.Range{Min: min(want.Year.Min, c.RegYear), Max: max(want.Year.Max, c.RegYear)}
			makes[strings.ToLower(c.Make)], fuels[c.Fuel], gears[c.Gearbox] = true, true, true
		}
		if facets.Price != want.Price || facets.Mileage != want.Mileage || facets.Year != want.Year ||
			len(facets.Makes) != len(makes) || len(facets.Fuels) != len(fuels) || len(facets.Gearboxes) != len(gears) {
			t.Fatalf("facets %+v, want %+v with %d makes", facets, want, len(makes))
		}
	})
}

func TestPublishedCarFacetsEmpty(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		f, err := s.PublishedCarFacets(context.Background())
		if err != nil || f.Price != (garage.Range{}) || len(f.Makes) != 0 {
			t.Fatalf("%+v %v", f, err)
		}
	})
}

// FirstSoldCarLeaving gives the first moment a list with SoldSince = now - window shows one sold car fewer.
func TestFirstSoldCarLeaving(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const window = 30 * 24 * time.Hour
		soldAt := func(at time.Time, then ...garage.CarStatus) {
			t.Helper()
			c := sampleCar()
			if err := s.CreateCar(ctx, c, nil, t0, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			path := append([]garage.CarStatus{garage.CarDraft, garage.CarPublished, garage.CarSold}, then...)
			for i := 1; i < len(path); i++ {
				if err := s.SetCarStatus(ctx, c.ID, path[i-1], path[i], at, garage.Actor{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		soldAt(t0.Add(-time.Hour), garage.CarArchived) // sold earlier, then taken off the site
		soldAt(t0.Add(time.Hour))
		soldAt(t0.Add(3 * time.Hour))
		if err := s.CreateCar(ctx, sampleCar(), nil, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		leaves, err := s.FirstSoldCarLeaving(ctx, t0.Add(time.Minute), window)
		if want := t0.Add(time.Hour + window + time.Second); err != nil || !leaves.Equal(want) {
			t.Fatalf("got %v, %v; want %v", leaves, err, want)
		}
		// The list itself agrees: the car is in it a second before, and not at that moment.
		shown := func(now time.Time) int {
			since := now.Add(-window)
			cars, _, err := s.ListCars(ctx, garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, SoldSince: &since, NoCount: true})
			if err != nil {
				t.Fatal(err)
			}
			return len(cars)
		}
		if before, at := shown(leaves.Add(-time.Nanosecond)), shown(leaves); before != 2 || at != 1 {
			t.Fatalf("sold cars shown just before and at the moment: %d, %d", before, at)
		}
		if leaves, err := s.FirstSoldCarLeaving(ctx, t0.Add(2*time.Hour), window); err != nil || !leaves.Equal(t0.Add(3*time.Hour+window+time.Second)) {
			t.Fatalf("second car: %v, %v", leaves, err)
		}
		if leaves, err := s.FirstSoldCarLeaving(ctx, t0.Add(4*time.Hour), window); err != nil || !leaves.IsZero() {
			t.Fatalf("no sold car shown: %v, %v", leaves, err)
		}
	})
}
