package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

// addCar stores a car directly with the given status (and one photo row).
func (e *env) addCar(c *garage.Car, status garage.CarStatus, at time.Time) *garage.Car {
	e.t.Helper()
	ctx := context.Background()
	c.Status = status
	if status != garage.CarDraft {
		c.PublishedAt = at
	}
	if status == garage.CarSold {
		c.SoldAt = at
	}
	if err := e.store.CreateCar(ctx, c, nil, at, garage.Actor{}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.AddCarPhotos(ctx, c.ID, []*garage.CarPhoto{{Key: "cars/p" + itoa(int(c.ID)), Width: 1280, Height: 960}}, at, garage.Actor{}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func car(mk, model, version string, price, year, km int, fuel, gearbox string) *garage.Car {
	return &garage.Car{Make: mk, Model: model, Version: version, Price: price, RegYear: year, RegMonth: 5, Mileage: km,
		Fuel: fuel, Gearbox: gearbox, CritAir: "1", Colour: "Blanc", Description: "Très bon état.\nGarantie 6 mois."}
}

func TestPublicCarList(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			now := e.clock.Now()
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now.Add(-48*time.Hour))
			e.addCar(car("Peugeot", "3008", "1.5 BlueHDi 130 GT", 27900, 2021, 64000, "diesel", "automatique"), garage.CarPublished, now.Add(-24*time.Hour))
			e.addCar(car("Dacia", "Sandero", "Stepway", 9990, 2017, 98000, "essence", "manuelle"), garage.CarSold, now.Add(-10*24*time.Hour))
			e.addCar(car("Fiat", "500", "1.2 Lounge", 6990, 2015, 110000, "essence", "manuelle"), garage.CarSold, now.Add(-40*24*time.Hour))
			e.addCar(car("Toyota", "Yaris", "Hybride", 18000, 2023, 9000, "hybride", "automatique"), garage.CarDraft, now)
			c := e.client()

			res := e.get(c, "/occasions")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "3 véhicules") ||
				!strings.Contains(res.body, "V TCe 90 Zen") || !strings.Contains(res.body, "BlueHDi") ||
				!strings.Contains(res.body, "Stepway") || strings.Contains(res.body, "Lounge") || strings.Contains(res.body, "Yaris") {
				t.Fatalf("list: %d %s", res.StatusCode, res.body)
			}
			if strings.Count(res.body, `class="badge badge-sold"`) != 1 {
				t.Errorf("want exactly one Vendu badge")
			}
			// Published cars come before sold ones; newest first.
			if i, j, k := strings.Index(res.body, "BlueHDi"), strings.Index(res.body, "V TCe 90"), strings.Index(res.body, "Stepway"); !(i < j && j < k) {
				t.Errorf("order: 3008 at %d, Clio at %d, Sandero at %d", i, j, k)
			}
			for _, want := range []string{`srcset="/photos/cars/p`, `loading="lazy"`, `15` + "\u202f" + `490` + "\u202f" + `€`, `name="prix_min"`,
				`type="range"`, "Réinitialiser", `<option value="Peugeot">Peugeot</option>`, "js/cars.", `rel="canonical"`} {
				if !strings.Contains(res.body, want) {
					t.Errorf("list lacks %q", want)
				}
			}
			if e.get(c, "/occasions").Header.Get("Set-Cookie") != "" {
				t.Error("anonymous visitor got a cookie")
			}

			// Filters, alone and together; inverted ranges are swapped.
			for q, want := range map[string][]string{
				"?prix_max=20000":                    {"V TCe 90 Zen", "Stepway"},
				"?prix_min=20000&prix_max=10000":     {"V TCe 90 Zen"},
				"?km_max=70000&boite=automatique":    {"BlueHDi"},
				"?annee_min=2021&energie=essence":    {"V TCe 90 Zen"},
				"?marque=peugeot":                    {"BlueHDi"},
				"?tri=prix":                          {"V TCe 90 Zen", "BlueHDi", "Stepway"},
				"?prix_min=-5&km_min=-1&tri=inconnu": {"BlueHDi", "V TCe 90 Zen", "Stepway"},
				"?annee_min=2030":                    {},
				"?page=99999999":                     {"BlueHDi", "V TCe 90 Zen", "Stepway"},
				"?page=-3&energie=charbon":           {"BlueHDi", "V TCe 90 Zen", "Stepway"},
				"?prix_max=99999999999999999999999":  {"BlueHDi", "V TCe 90 Zen", "Stepway"},
			} {
				res := e.get(c, "/occasions"+q)
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: %d", q, res.StatusCode)
					continue
				}
				titles := regexp.MustCompile(`class="car-card-title"><a href="[^"]+">([^<]+)</a>`).FindAllStringSubmatch(res.body, -1)
				var got []string
				for _, m := range titles {
					got = append(got, m[1])
				}
				if len(got) != len(want) {
					t.Errorf("%s: got %q, want %q", q, got, want)
					continue
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s: got %q, want %q", q, got, want)
					}
				}
			}
			for _, q := range []string{"?prix_min=abc", "?km_max=1e5", "?page=deux", "?annee_min=20.5"} {
				res := e.get(c, "/occasions"+q)
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "nombre entier") {
					t.Errorf("%s: %d, want a French 400", q, res.StatusCode)
				}
			}

			// Whatever the query, never a server error.
			for _, q := range []string{"?marque=%3Cscript%3E", "?marque=" + strings.Repeat("é", 300), "?prix_min=%00", "?tri=%27;DROP",
				"?page=1e9", "?prix_min=1&prix_min=2", "?annee_max=99999999999", "?km_min=+", "?energie=diesel&energie=essence",
				"?fragment=1&page=2", "?prix_min=%E2%80%AF12%E2%80%AF000"} {
				if res := e.get(c, "/occasions"+q); res.StatusCode >= 500 || (res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest) {
					t.Errorf("%s: %d", q, res.StatusCode)
				}
			}

			// The fragment for cars.js: only the results.
			req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/occasions?prix_max=20000", nil)
			req.Header.Set("X-Requested-With", "fetch")
			frag := e.do(c, req)
			if frag.StatusCode != http.StatusOK || strings.Contains(frag.body, "<html") || !strings.HasPrefix(frag.body, `<div id="resultats"`) ||
				!strings.Contains(frag.body, "2 véhicules") || !strings.Contains(frag.Header.Get("Vary"), "X-Requested-With") {
				t.Fatalf("fragment: %d %s", frag.StatusCode, frag.body)
			}

			// Home page: recent cars and a link to the list.
			home := e.get(c, "/")
			if !strings.Contains(home.body, "Nos dernières occasions") || !strings.Contains(home.body, views.CarPath(clio)) {
				t.Errorf("home lacks recent cars")
			}
		})
	}
}

func TestPublicCarPage(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			now := e.clock.Now()
			clio := car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle")
			clio.Description = "Une <b>belle</b> voiture </script><script>alert(1)</script>"
			e.addCar(clio, garage.CarPublished, now.Add(-time.Hour))
			if err := e.store.SetCarEquipment(context.Background(), clio.ID, &garage.CarEquipment{NewNames: []string{"Climatisation automatique", "GPS"}}, time.Time{}, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			sold := e.addCar(car("Dacia", "Sandero", "Stepway", 9990, 2017, 98000, "essence", "manuelle"), garage.CarSold, now.Add(-50*24*time.Hour))
			gone := e.addCar(car("Renault", "Twingo", "III SCe 65", 7990, 2018, 70000, "essence", "manuelle"), garage.CarArchived, now)
			draft := e.addCar(car("Toyota", "Yaris", "Hybride", 18000, 2023, 9000, "hybride", "automatique"), garage.CarDraft, now)
			c := e.client()

			res := e.get(c, views.CarPath(clio))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("car page: %d", res.StatusCode)
			}
			for _, want := range []string{"Renault Clio V TCe 90 Zen", "15\u202f490\u202f€", "21\u202f000\u202fkm", "Climatisation automatique",
				"Caractéristiques", `id="contact-voiture"`, `data-subject="Annonce n° ` + itoa(int(clio.ID)) + ` — Renault Clio V TCe 90 Zen"`,
				"05 61 00 00 00", "Horaires", `rel="canonical" href="` + e.app.cfg.PublicURL + views.CarPath(clio) + `"`, `<meta name="description"`,
				"data-gallery", "&lt;b&gt;belle&lt;/b&gt;"} {
				if !strings.Contains(res.body, want) {
					t.Errorf("car page lacks %q", want)
				}
			}
			m := regexp.MustCompile(`(?s)<script id="car-jsonld" type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("no JSON-LD")
			}
			var ld struct {
				Type    string `json:"@type"`
				Brand   struct{ Name string }
				Model   string
				Year    string `json:"vehicleModelDate"`
				Fuel    string `json:"fuelType"`
				Mileage struct {
					Value    int
					UnitCode string
				} `json:"mileageFromOdometer"`
				Offers struct {
					Price                       int
					PriceCurrency, Availability string
				}
				Images []string `json:"image"`
			}
			if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
				t.Fatalf("JSON-LD: %v in %s", err, m[1])
			}
			if ld.Type != "Car" || ld.Brand.Name != "Renault" || ld.Year != "2022" || ld.Mileage.UnitCode != "KMT" || ld.Mileage.Value != 21000 ||
				ld.Offers.Price != 15490 || ld.Offers.PriceCurrency != "EUR" || !strings.HasSuffix(ld.Offers.Availability, "InStock") || len(ld.Images) != 1 {
				t.Fatalf("JSON-LD content: %+v", ld)
			}
			if strings.Contains(m[1], "</script") || strings.Contains(m[1], "<b>") {
				t.Fatalf("JSON-LD not escaped: %s", m[1])
			}

			// Wrong or missing slug: 301 to the canonical URL.
			for _, p := range []string{"/occasions/" + itoa(int(clio.ID)), "/occasions/" + itoa(int(clio.ID)) + "-peugeot-208"} {
				if r := e.get(c, p); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != views.CarPath(clio) {
					t.Errorf("%s: %d %q", p, r.StatusCode, r.Header.Get("Location"))
				}
			}
			// Sold long ago: the page stays, marked sold.
			if r := e.get(c, views.CarPath(sold)); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "Vendu") || !strings.Contains(r.body, "SoldOut") {
				t.Errorf("sold car page: %d", r.StatusCode)
			}
			// Archived: 410 with similar cars.
			if r := e.get(c, views.CarPath(gone)); r.StatusCode != http.StatusGone || !strings.Contains(r.body, "plus disponible") || !strings.Contains(r.body, views.CarPath(clio)) {
				t.Errorf("archived car: %d %s", r.StatusCode, r.body)
			}
			for _, p := range []string{views.CarPath(draft), "/occasions/999999-x", "/occasions/abc", "/occasions/-1", "/occasions/0"} {
				if r := e.get(c, p); r.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", p, r.StatusCode)
				}
			}

			// sitemap.xml: static pages, published and recently sold cars only.
			recent := e.addCar(car("Citroën", "C3", "PureTech 83 Shine", 11990, 2020, 45000, "essence", "manuelle"), garage.CarSold, now.Add(-5*24*time.Hour))
			sm := e.get(c, "/sitemap.xml")
			var set struct {
				URLs []struct {
					Loc string `xml:"loc"`
				} `xml:"url"`
			}
			if err := xml.Unmarshal([]byte(sm.body), &set); err != nil || sm.StatusCode != http.StatusOK {
				t.Fatalf("sitemap: %d %v", sm.StatusCode, err)
			}
			locs := map[string]bool{}
			for _, u := range set.URLs {
				locs[strings.TrimPrefix(u.Loc, e.app.cfg.PublicURL)] = true
			}
			if !locs["/"] || !locs["/occasions"] || !locs["/rendez-vous"] || !locs["/tarifs"] || !locs["/devis"] || !locs[views.CarPath(clio)] || !locs[views.CarPath(recent)] || locs[views.CarPath(sold)] || locs[views.CarPath(gone)] || locs[views.CarPath(draft)] {
				t.Fatalf("sitemap URLs: %v", locs)
			}
			if r := e.get(c, "/robots.txt"); !strings.Contains(r.body, "Sitemap: ") {
				t.Errorf("robots.txt lacks the sitemap")
			}
		})
	}
}
