package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

func TestFavouritesAndComparison(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			now := e.clock.Now()
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now.Add(-48*time.Hour))
			p3008 := car("Peugeot", "3008", "1.5 BlueHDi 130 GT", 27900, 2021, 64000, "diesel", "automatique")
			p3008.PowerHP = 130
			e.addCar(p3008, garage.CarPublished, now.Add(-24*time.Hour))
			sandero := e.addCar(car("Dacia", "Sandero", "Stepway", 9990, 2017, 98000, "essence", "manuelle"), garage.CarPublished, now)
			draft := e.addCar(car("Toyota", "Yaris", "Hybride", 18000, 2023, 9000, "hybride", "automatique"), garage.CarDraft, now)
			clim, err := e.store.EnsureEquipment(ctx, "Climatisation automatique")
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []*garage.Car{clio, p3008} {
				if err := e.store.UpdateCar(ctx, c, &garage.CarEquipment{IDs: []int64{clim}}, now, garage.Actor{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.store.UpdateCar(ctx, p3008, &garage.CarEquipment{IDs: []int64{clim}, NewNames: []string{"Caméra de recul"}}, now, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			c := e.client()

			// Hearts on the list and the car page; no cookie for the visitor.
			for _, path := range []string{"/occasions", views.CarPath(clio), "/occasions/favoris"} {
				res := e.get(c, path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", path, res.StatusCode)
				}
				if path != "/occasions/favoris" && !strings.Contains(res.body, `data-fav="`+strconv.FormatInt(clio.ID, 10)+`"`) {
					t.Errorf("%s: no heart for the Clio", path)
				}
				if !strings.Contains(res.body, "/js/favoris") {
					t.Errorf("%s: favoris.js not loaded", path)
				}
				if len(res.Header.Values("Set-Cookie")) > 0 {
					t.Errorf("%s: a cookie for a visitor: %v", path, res.Header.Values("Set-Cookie"))
				}
			}

			// The favourites page renders the cars its URL names; drafts stay hidden.
			ids := func(cs ...*garage.Car) string {
				var parts []string
				for _, c := range cs {
					parts = append(parts, strconv.FormatInt(c.ID, 10))
				}
				return strings.Join(parts, ",")
			}
			res := e.get(c, "/occasions/favoris?ids="+ids(clio, draft, sandero))
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "V TCe 90 Zen") || !strings.Contains(res.body, "Stepway") ||
				strings.Contains(res.body, "Yaris") || !strings.Contains(res.body, `action="/occasions/comparer"`) {
				t.Fatalf("favourites: %d %s", res.StatusCode, res.body)
			}

			// The comparison: rows that differ are marked, equal rows are not.
			res = e.get(c, views.ComparePath(clio.ID, p3008.ID, sandero.ID))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("compare: %d %s", res.StatusCode, res.body)
			}
			for _, want := range []string{"Comparer 3 véhicules", "V TCe 90 Zen", "BlueHDi", "Stepway", "Caméra de recul", "130 ch"} {
				if !strings.Contains(res.body, want) {
					t.Errorf("compare: %q missing", want)
				}
			}
			rowClass := func(label string) string {
				for _, tr := range strings.Split(res.body, "<tr") {
					if strings.Contains(tr, "</span> "+label+"</th>") || strings.Contains(tr, `<th scope="row">`+label+"</th>") {
						return tr[:strings.Index(tr, ">")]
					}
				}
				return "missing"
			}
			if got := rowClass("Prix TTC"); got != ` class="compare-diff"` {
				t.Errorf("compare: price row %q, want marked as different", got)
			}
			if got := rowClass("Crit&#39;Air"); got != ` class=""` {
				t.Errorf("compare: equal Crit'Air row %q, want unmarked", got)
			}
			// Bad lists: French 4xx, never a 500.
			for path, want := range map[string]int{
				"/occasions/comparer":                                      http.StatusBadRequest,
				"/occasions/comparer?ids=" + ids(clio):                     http.StatusBadRequest,
				"/occasions/comparer?ids=1,2,3,4,5":                        http.StatusBadRequest,
				"/occasions/comparer?ids=abc,1":                            http.StatusBadRequest,
				"/occasions/comparer?ids=-3,1":                             http.StatusBadRequest,
				"/occasions/comparer?ids=" + ids(clio, draft):              http.StatusNotFound,
				"/occasions/comparer?ids=" + ids(clio) + ",999999":         http.StatusNotFound,
				"/occasions/comparer?ids=99999999999999999999999,1":        http.StatusBadRequest,
				"/occasions/favoris?ids=" + strings.Repeat("1,", 60) + "2": http.StatusOK, // duplicates collapse
			} {
				res := e.get(c, path)
				if res.StatusCode != want || !strings.Contains(res.body, `lang="fr"`) {
					t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
				}
			}
			// Same cars, same list in another spelling: still the comparison.
			if res := e.get(c, "/occasions/comparer?ids="+strconv.FormatInt(clio.ID, 10)+"&ids="+strconv.FormatInt(sandero.ID, 10)); res.StatusCode != http.StatusOK {
				t.Errorf("repeated ids: %d", res.StatusCode)
			}
		})
	}
}

func TestNewComparisonMarksBestValues(t *testing.T) {
	a := &garage.Car{ID: 1, Price: 10000, RegYear: 2020, RegMonth: 1, Mileage: 50000, Fuel: "essence", PowerHP: 90}
	b := &garage.Car{ID: 2, Price: 9000, RegYear: 2021, RegMonth: 1, Mileage: 50000, Fuel: "essence", PowerHP: 0}
	cmp := views.NewComparison([]*garage.Car{a, b}, [][]*garage.Equipment{{{ID: 1, Name: "GPS"}}, {{ID: 1, Name: "GPS"}}})
	rows := map[string]views.CompareRow{}
	for _, r := range cmp.Rows {
		rows[r.Label] = r
	}
	if r := rows["Prix TTC"]; !r.Differ || r.Best[0] || !r.Best[1] {
		t.Errorf("price row %+v", r)
	}
	if r := rows["Kilométrage"]; r.Differ {
		t.Errorf("mileage row %+v", r)
	}
	if r := rows["Puissance"]; !r.Differ || !r.Best[0] || r.Best[1] {
		t.Errorf("power row %+v (unknown power is never best)", r)
	}
	if len(cmp.Equipment) != 1 || cmp.Equipment[0].Differ {
		t.Errorf("equipment %+v", cmp.Equipment)
	}
}
