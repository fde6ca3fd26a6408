package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func garageForm() url.Values {
	return url.Values{
		"name": {"Garage V. Parrot"}, "street": {"12 avenue des Minimes"}, "postal_code": {"31200"}, "city": {"Toulouse"},
		"phone": {"05 61 12 34 56"}, "email": {"atelier@garage-parrot.test"}, "legal_name": {"SARL Garage V. Parrot"},
		"siret": {"732 829 320 00074"}, "host": {"Hébergeur SAS, 1 rue du Serveur, 75000 Paris"},
	}
}

func TestAdminEditsGarageDetails(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		admin := e.loggedIn(adminEmail, adminPassword)
		if page := e.get(admin, "/admin/garage"); page.StatusCode != http.StatusOK || !strings.Contains(page.text(), `value="1 rue du Test"`) {
			t.Fatalf("form: %d", page.StatusCode)
		}
		f := garageForm()
		f.Set("siret", "732 829 320 00075")
		f.Set("postal_code", "3120")
		f.Set("phone", "12")
		f.Set("email", "pas-une-adresse")
		f.Set("name", "")
		res := e.postForm(admin, "/admin/garage", f)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid: %d", res.StatusCode)
		}
		for _, want := range []string{"clé de contrôle", "5 chiffres", "numéro de téléphone n'est pas valide", "adresse e-mail n'est pas valide", "Le nom du garage est obligatoire.",
			`value="12 avenue des Minimes"`, `aria-describedby="siret-erreur"`} {
			if !strings.Contains(res.text(), want) {
				t.Errorf("422 lacks %q", want)
			}
		}
		res = e.postForm(admin, "/admin/garage", garageForm())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, res.text())
		}
		g, _ := e.store.GarageDetails(context.Background())
		if g.SIRET != "73282932000074" || g.City != "Toulouse" {
			t.Fatalf("saved %+v", g)
		}
		c := e.client()
		for _, p := range []string{"/", "/contact", "/mentions-legales", "/confidentialite"} {
			body := e.get(c, p).text()
			for _, want := range []string{"12 avenue des Minimes", "tel:+33561123456", "atelier@garage-parrot.test", `href="/mentions-legales"`, `href="/confidentialite"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q", p, want)
				}
			}
		}
		legal := e.get(c, "/mentions-legales").text()
		for _, want := range []string{"SARL Garage V. Parrot", "SIRET : 732 829 320 00074", "Hébergeur SAS, 1 rue du Serveur", "Directeur de la publication"} {
			if !strings.Contains(legal, want) {
				t.Errorf("legal notice lacks %q", want)
			}
		}
		privacy := e.get(c, "/confidentialite").text()
		for _, want := range []string{"aucun cookie", "un seul cookie", "2 heures d'inactivité", "Messages de contact", "Avis clients",
			"Comptes du personnel", "trois ans", "Vos droits", "CNIL", "SARL Garage V. Parrot"} {
			if !strings.Contains(privacy, want) {
				t.Errorf("privacy page lacks %q", want)
			}
		}
		list, _ := e.store.ListAudit(context.Background(), "garage.update", 5, 0)
		if len(list) != 1 || !strings.Contains(list[0].Details, "1 rue du Test") || !strings.Contains(list[0].Details, "12 avenue des Minimes") {
			t.Fatalf("audit %+v", list)
		}
	})
}
