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
		"legal_form": {"SARL"}, "share_capital": {"7 500 €"}, "rcs_city": {"Toulouse"}, "rcs_number": {"732 829 320"},
		"vat_number": {"FR 40 303 265 045"}, "director": {"Vincent Parrot, gérant"},
		"host_address": {"1 rue du Serveur, 75000 Paris"}, "host_phone": {"01 23 45 67 89"},
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

func TestGarageLegalNoticeForm(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		admin := e.loggedIn(adminEmail, adminPassword)
		if res := e.postForm(admin, "/admin/garage", garageForm()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, res.text())
		}
		legal := e.get(e.client(), "/mentions-legales").text()
		for _, want := range []string{"SARL au capital de 7\u202f500\u202f€", "RCS Toulouse 732\u00a0829\u00a0320",
			"Numéro de TVA intracommunautaire : FR\u00a040\u00a0303\u00a0265\u00a0045", "Directeur de la publication : Vincent Parrot, gérant.",
			"1 rue du Serveur, 75000 Paris", "Téléphone : 01 23 45 67 89"} {
			if !strings.Contains(legal, want) {
				t.Errorf("legal notice lacks %q", want)
			}
		}
		// A wrong VAT number, a capital that is not an amount, a form not
		// in the list: a French 422 with the input kept, and nothing saved.
		bad := garageForm()
		bad.Set("vat_number", "FR 41 303 265 045")
		bad.Set("share_capital", "beaucoup")
		bad.Set("city", "Blagnac")
		res := e.postForm(admin, "/admin/garage", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad VAT: %d", res.StatusCode)
		}
		for _, want := range []string{"une clé de 2 chiffres et les 9 chiffres du SIREN", "Le capital social doit être un montant en euros",
			`value="FR41303265045"`, `value="beaucoup"`, `aria-describedby="vat_number-erreur"`} {
			if !strings.Contains(res.text(), want) {
				t.Errorf("422 lacks %q", want)
			}
		}
		if g, _ := e.store.GarageDetails(context.Background()); g.City != "Toulouse" || g.VATNumber != "FR40303265045" || g.ShareCapital != 7500 {
			t.Fatalf("a refused form changed the details: %+v", g)
		}
		// A sole trader has no share capital and may have no VAT number.
		ei := garageForm()
		ei.Set("legal_form", "EI")
		ei.Set("share_capital", "")
		ei.Set("vat_number", "")
		if res := e.postForm(admin, "/admin/garage", ei); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sole trader: %d %s", res.StatusCode, res.text())
		}
		if legal := e.get(e.client(), "/mentions-legales").text(); !strings.Contains(legal, "Entreprise individuelle") || strings.Contains(legal, "TVA intracommunautaire") {
			t.Errorf("sole trader's legal notice: %s", legal)
		}
	})
}
