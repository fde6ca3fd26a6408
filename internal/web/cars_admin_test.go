package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

// validCarForm is a complete car, publishable once it has a photo (the test
// clock is 4 March 2026, so a 2022-06 car is under 4 years old).
func validCarForm() url.Values {
	return url.Values{
		"make": {"Peugeot"}, "model": {"208"}, "version": {"1.2 PureTech 110 Allure"}, "title": {""},
		"price": {"14 990"}, "reg_month": {"6"}, "reg_year": {"2022"}, "mileage": {"38500"},
		"fuel": {"essence"}, "gearbox": {"manuelle"}, "power_hp": {"110"}, "fiscal_hp": {"6"}, "doors": {"5"},
		"seats": {"5"}, "colour": {"Gris platinium"}, "body_type": {"citadine"}, "crit_air": {"1"}, "ct_date": {""},
		"description": {"Première main, carnet d'entretien à jour."}, "equipment_new": {"GPS\nCaméra de recul"},
	}
}

// createCar posts the new-car form and returns the new car's ID.
func (e *env) createCar(c *http.Client, form url.Values) int64 {
	e.t.Helper()
	res := e.postForm(c, "/admin/voitures/nouvelle", form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/voitures/") {
		e.t.Fatalf("create car: %d %q %s", res.StatusCode, loc, res.body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/voitures/"), 10, 64)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestAdminCarLifeCycle(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			emp := e.loggedIn(employeeEmail, employeePass)

			// Bad input: 422, French errors next to the fields, input kept.
			bad := validCarForm()
			bad.Set("price", "beaucoup")
			bad.Set("reg_month", "13")
			bad.Set("fuel", "charbon")
			bad.Set("ct_date", "2030-01-01")
			res := e.postForm(emp, "/admin/voitures/nouvelle", bad)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Le prix doit être un nombre entier") ||
				!strings.Contains(res.body, "Le mois de mise en circulation doit être un nombre entier entre 1 et 12.") || !strings.Contains(res.body, "Choisissez une valeur") ||
				!strings.Contains(res.body, "ne peut pas être dans le futur") || !strings.Contains(res.body, `value="beaucoup"`) ||
				!strings.Contains(res.body, `value="1.2 PureTech 110 Allure"`) || !strings.Contains(res.body, `id="price-error"`) {
				t.Fatalf("invalid form: %d %s", res.StatusCode, res.body)
			}
			if _, n, _ := e.store.ListCars(ctx, garage.CarFilter{}); n != 0 {
				t.Fatalf("%d cars stored after a refused form", n)
			}

			id := e.createCar(emp, validCarForm())
			c, err := e.store.CarByID(ctx, id)
			if err != nil || c.Status != garage.CarDraft || c.Price != 14990 || c.Slug != "peugeot-208-1-2-puretech-110-allure" {
				t.Fatalf("created: %+v %v", c, err)
			}
			if eq, _ := e.store.CarEquipment(ctx, id); len(eq) != 2 {
				t.Fatalf("equipment: %v", eq)
			}
			page := e.get(emp, "/admin/voitures/"+itoa(int(id)))
			if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "Voiture enregistrée comme brouillon") ||
				!strings.Contains(page.body, "Caméra de recul") || !strings.Contains(page.body, "Publier") {
				t.Fatalf("edit page: %d %s", page.StatusCode, page.body)
			}

			// Publishing without a photo is refused, in French, listing what is missing.
			status := func(from, to string) *response {
				return e.postForm(emp, "/admin/voitures/"+itoa(int(id))+"/statut", url.Values{"from": {from}, "to": {to}})
			}
			res = status("draft", "published")
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Impossible de publier") ||
				!strings.Contains(res.body, "une photo principale") {
				t.Fatalf("publish without photo: %d %s", res.StatusCode, res.body)
			}
			if err := e.store.AddCarPhotos(ctx, id, []*garage.CarPhoto{{Key: "cars/test", Width: 1280, Height: 960}}, e.clock.Now(), garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			if res = status("draft", "published"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d %s", res.StatusCode, res.body)
			}
			// A second click from the stale page is refused politely.
			if res = status("draft", "published"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "a changé entre-temps") {
				t.Fatalf("stale publish: %d", res.StatusCode)
			}
			// A published car cannot be edited into breaking the rules.
			broken := validCarForm()
			broken.Set("crit_air", "")
			if res = e.postForm(emp, "/admin/voitures/"+itoa(int(id)), broken); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "la classe Crit&#39;Air") {
				t.Fatalf("breaking edit: %d %s", res.StatusCode, res.body)
			}
			edited := validCarForm()
			edited.Set("price", "13990")
			if res = e.postForm(emp, "/admin/voitures/"+itoa(int(id)), edited); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d %s", res.StatusCode, res.body)
			}
			if res = status("published", "sold"); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sold: %d", res.StatusCode)
			}
			if res = status("sold", "bogus"); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("bogus status: %d", res.StatusCode)
			}

			list := e.get(emp, "/admin/voitures?statut=sold&q=peug")
			if list.StatusCode != http.StatusOK || !strings.Contains(list.body, "Peugeot 208") || !strings.Contains(list.body, "Vendu <span class=\"count\">(1)</span>") {
				t.Fatalf("list: %d %s", list.StatusCode, list.body)
			}
			if list = e.get(emp, "/admin/voitures?q=renault"); strings.Contains(list.body, "Peugeot 208 1.2") {
				t.Fatal("search ignores the query")
			}
			for _, q := range []string{"?page=0", "?page=abc", "?q=" + strings.Repeat("x", 200)} {
				if list = e.get(emp, "/admin/voitures"+q); list.StatusCode != http.StatusBadRequest {
					t.Errorf("list %s: %d", q, list.StatusCode)
				}
			}
			if list = e.get(emp, "/admin/voitures?statut=nimporte&tri=nimporte"); list.StatusCode != http.StatusOK {
				t.Errorf("unknown filters: %d", list.StatusCode)
			}

			// Anonymous visitors can do none of it.
			anon := e.client()
			if res = e.postForm(anon, "/admin/voitures/"+itoa(int(id))+"/supprimer", nil); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous delete: %d", res.StatusCode)
			}
			if res = e.postForm(emp, "/admin/voitures/"+itoa(int(id))+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			if _, err := e.store.CarByID(ctx, id); err == nil {
				t.Fatal("car still there after delete")
			}
			if res = e.get(emp, "/admin/voitures/"+itoa(int(id))); res.StatusCode != http.StatusNotFound {
				t.Fatalf("deleted car page: %d", res.StatusCode)
			}
			if res = e.get(emp, "/admin/voitures/abc"); res.StatusCode != http.StatusNotFound {
				t.Fatalf("non-numeric id: %d", res.StatusCode)
			}
			actions := strings.Join(e.auditActions(t), ",")
			for _, want := range []string{"car.create", "car.status", "car.update", "car.delete"} {
				if !strings.Contains(actions, want) {
					t.Errorf("no %s audit row in %s", want, actions)
				}
			}
		})
	}
}
