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

func TestAdminManagesServices(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		ctx := context.Background()
		admin := e.loggedIn(adminEmail, adminPassword)
		visitor := e.client()
		// Invalid: no title, bad price, too long description; input kept.
		res := e.postForm(admin, "/admin/services", url.Values{"title": {""}, "description": {strings.Repeat("é", 601)}, "price": {"douze"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid: %d", res.StatusCode)
		}
		for _, want := range []string{"Le titre est obligatoire.", "ne doit pas dépasser 600 caractères", "Le prix doit être un nombre entier entre 0 et 100\u202f000\u202f€.", `value="douze"`,
			`aria-describedby="price-erreur"`} {
			if !strings.Contains(res.text(), want) {
				t.Errorf("422 lacks %q", want)
			}
		}
		res = e.postForm(admin, "/admin/services", url.Values{"title": {"Climatisation"}, "description": {"Recharge et contrôle."}, "price": {"1 290 €"}, "visible": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, res.text())
		}
		list, _ := e.store.ListServices(ctx, false)
		if len(list) != 3 || list[2].Title != "Climatisation" || *list[2].PriceFrom != 1290 {
			t.Fatalf("services %+v", list)
		}
		clim, frein := list[2], list[0]
		if body := e.get(visitor, "/").text(); !strings.Contains(body, "Climatisation") || !strings.Contains(body, "à partir de 1\u202f290\u202f€") ||
			strings.Index(body, "Freinage") > strings.Index(body, "Climatisation") {
			t.Error("home page does not show the new service last")
		}
		// Move up twice: first.
		for range 2 {
			res = e.postForm(admin, "/admin/services/"+itoa(int(clim.ID))+"/deplacer", url.Values{"dir": {"haut"}})
			if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#service-"+itoa(int(clim.ID))) {
				t.Fatalf("move: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
		}
		if body := e.get(visitor, "/services").text(); strings.Index(body, "Climatisation") > strings.Index(body, "Freinage") {
			t.Error("services page does not follow the new order")
		}
		if res := e.postForm(admin, "/admin/services/"+itoa(int(clim.ID))+"/deplacer", url.Values{"dir": {"sideways"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad direction: %d", res.StatusCode)
		}
		// Edit: the form shows the values; an invalid edit keeps the input.
		if page := e.get(admin, "/admin/services/"+itoa(int(frein.ID))); page.StatusCode != http.StatusOK || !strings.Contains(page.text(), `value="89"`) {
			t.Fatalf("edit form: %d", page.StatusCode)
		}
		res = e.postForm(admin, "/admin/services/"+itoa(int(frein.ID)), url.Values{"title": {"Freins"}, "price": {"-3"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), `value="Freins"`) {
			t.Fatalf("invalid edit: %d", res.StatusCode)
		}
		res = e.postForm(admin, "/admin/services/"+itoa(int(frein.ID)), url.Values{"title": {"Freins"}, "description": {"Disques."}, "price": {""}, "visible": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.StatusCode)
		}
		// Hide, then delete.
		if res := e.postForm(admin, "/admin/services/"+itoa(int(clim.ID))+"/visibilite", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide: %d", res.StatusCode)
		}
		body := e.get(visitor, "/").text()
		if strings.Contains(body, "Climatisation") || !strings.Contains(body, "Freins") || strings.Contains(body, "89\u202f€") {
			t.Error("home page after hide/edit")
		}
		if res := e.postForm(admin, "/admin/services/"+itoa(int(clim.ID))+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		for _, p := range []string{"/admin/services/999", "/admin/services/abc"} {
			if res := e.get(admin, p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, res.StatusCode)
			}
			if res := e.postForm(admin, p+"/supprimer", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s/supprimer: %d", p, res.StatusCode)
			}
		}
		got := strings.Join(e.auditActions(t), " ")
		for _, want := range []string{"service.create", "service.move", "service.update", "service.hide", "service.delete"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit lacks %s", want)
			}
		}
		upd, _ := e.store.ListAudit(ctx, "service.update", 1, 0)
		if len(upd) != 1 || !strings.Contains(upd[0].Details, "Freinage (à partir de 89") || !strings.Contains(upd[0].Details, `"after":"Freins : Disques."`) {
			t.Errorf("update audit %+v", upd)
		}
	})
}

func TestDestructiveActionsAskFirst(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	script := e.app.assets.Path("js/admin-owner.js")
	if res := e.get(e.client(), script); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "data-confirm") {
		t.Fatalf("%s: %d", script, res.StatusCode)
	}
	for path, want := range map[string]string{
		"/admin/services": "Supprimer le service « Freinage » ?",
		"/admin/comptes":  "Supprimer définitivement le compte de Prénom Nom ?",
	} {
		body := e.get(admin, path).text()
		if !strings.Contains(body, `<script src="`+script+`" defer>`) || !strings.Contains(body, `data-confirm="`+want+`"`) {
			t.Errorf("%s: no confirmation %q", path, want)
		}
	}
}
