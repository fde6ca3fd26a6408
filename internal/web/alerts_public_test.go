package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

var alertLinkRe = regexp.MustCompile(`/alertes/[A-Za-z0-9_\-]{30,}`)

// TestSearchAlertFromListToOneClickUnsubscribe: a visitor sets an alert on a
// filtered list, confirms it from the e-mail, gets one digest a day with
// the new matching cars and price drops (List-Unsubscribe headers
// included, through a real SMTP server), and unsubscribes with the RFC 8058
// one-click POST that a mail client sends from elsewhere. No cookie ever.
func TestSearchAlertFromListToOneClickUnsubscribe(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			now := e.clock.Now()
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now.Add(-48*time.Hour))
			c := e.client()
			noCookie := func(res *response) {
				t.Helper()
				if v := res.Header.Values("Set-Cookie"); len(v) > 0 {
					t.Fatalf("cookie set for a visitor: %v", v)
				}
			}

			list := e.get(c, "/occasions?marque=Renault&tri=prix")
			noCookie(list)
			if !strings.Contains(list.body, `href="/alertes/nouvelle?marque=Renault"`) {
				t.Fatalf("no alert link on the filtered list")
			}
			form := e.get(c, "/alertes/nouvelle?marque=Renault")
			noCookie(form)
			if form.StatusCode != http.StatusOK || !strings.Contains(form.body, "Renault") {
				t.Fatalf("alert form: %d", form.StatusCode)
			}
			fields := formFields(t, form.body, "/alertes/nouvelle")
			e.clock.Advance(5 * time.Second)

			// A bad address: 422, French, nothing stored.
			bad := url.Values{}
			for k, v := range fields {
				bad[k] = v
			}
			bad.Set("email", "pas-une-adresse")
			if res := e.postForm(c, "/alertes/nouvelle", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "adresse e-mail") {
				t.Fatalf("bad address: %d", res.StatusCode)
			}
			fields.Set("email", "acheteur@exemple.fr")
			res := e.postForm(c, "/alertes/nouvelle", fields)
			noCookie(res)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/alertes/envoyee" {
				t.Fatalf("POST alert: %d %s", res.StatusCode, res.body)
			}
			mails := e.deliver(t)
			if len(mails) != 1 || mails[0].To[0] != "acheteur@exemple.fr" {
				t.Fatalf("confirmation mails %+v", mails)
			}
			confirm := alertLinkRe.FindString(mails[0].Part("text/plain"))
			if confirm == "" || !strings.Contains(mails[0].Part("text/plain"), "/confirmer") {
				t.Fatalf("no confirmation link in %q", mails[0].Part("text/plain"))
			}
			var stored string
			if err := e.store.DB().QueryRowContext(ctx, `SELECT token_hash FROM search_alert_links`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			token := strings.TrimPrefix(confirm, "/alertes/")
			if stored == token || stored != hashToken(token) {
				t.Fatalf("the link's token is stored as is, or not hashed")
			}

			// Not confirmed yet: no digest whatever happens.
			e.clock.Advance(time.Hour)
			if n, err := SendAlertDigests(ctx, e.store, "https://garage.test", e.clock.Now()); err != nil || n != 0 {
				t.Fatalf("digest before confirmation: %d %v", n, err)
			}
			page := e.get(c, confirm+"/confirmer")
			noCookie(page)
			if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `action="`+confirm+`/confirmer"`) {
				t.Fatalf("confirm page %d", page.StatusCode)
			}
			res = e.postForm(c, confirm+"/confirmer", nil)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != confirm+"?fait=confirmee" {
				t.Fatalf("confirm: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if manage := e.get(c, confirm+"?fait=confirmee"); !strings.Contains(manage.body, "Votre alerte est active") || !strings.Contains(manage.body, "Renault") {
				t.Fatalf("manage page: %d", manage.StatusCode)
			}

			// Nothing new: no digest.
			if n, err := SendAlertDigests(ctx, e.store, "https://garage.test", e.clock.Now()); err != nil || n != 0 {
				t.Fatalf("digest without news: %d %v", n, err)
			}
			// A new Renault, a Peugeot (not matching) and a price drop on the Clio.
			e.clock.Advance(time.Hour)
			at := e.clock.Now()
			megane := e.addCar(car("Renault", "Mégane", "IV Blue dCi 115", 18900, 2020, 61000, "diesel", "manuelle"), garage.CarPublished, at)
			e.addCar(car("Peugeot", "208", "PureTech 100", 14900, 2021, 30000, "essence", "manuelle"), garage.CarPublished, at)
			clio.Price = 14490
			if err := e.store.UpdateCar(ctx, clio, nil, at, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Minute)
			if n, err := SendAlertDigests(ctx, e.store, "https://garage.test", e.clock.Now()); err != nil || n != 1 {
				t.Fatalf("digest: %d %v", n, err)
			}
			// At most one a day.
			e.addCar(car("Renault", "Zoé", "R110", 12900, 2021, 30000, "electrique", "automatique"), garage.CarPublished, e.clock.Now().Add(time.Minute))
			e.clock.Advance(2 * time.Hour)
			if n, err := SendAlertDigests(ctx, e.store, "https://garage.test", e.clock.Now()); err != nil || n != 0 {
				t.Fatalf("second digest the same day: %d %v", n, err)
			}
			mails = e.deliver(t)
			if len(mails) != 1 {
				t.Fatalf("%d mails delivered, want the digest", len(mails))
			}
			d := mails[0]
			text := d.Part("text/plain")
			if !strings.Contains(text, "Mégane") || !strings.Contains(text, "https://garage.test"+views.CarPath(megane)) ||
				!strings.Contains(text, "Clio") || !strings.Contains(text, "baisse de prix") || strings.Contains(text, "208") {
				t.Fatalf("digest text:\n%s", text)
			}
			unsub := d.Header().Get("List-Unsubscribe")
			if !strings.HasPrefix(unsub, "<https://garage.test/alertes/") || !strings.HasSuffix(unsub, "/desabonner>") {
				t.Fatalf("List-Unsubscribe %q", unsub)
			}
			if got := d.Header().Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
				t.Fatalf("List-Unsubscribe-Post %q", got)
			}
			if !strings.Contains(text, strings.Trim(unsub, "<>")) || !strings.Contains(d.Part("text/html"), strings.Trim(unsub, "<>")) {
				t.Fatalf("the unsubscribe link is not in both bodies")
			}
			path := strings.TrimPrefix(strings.Trim(unsub, "<>"), "https://garage.test")

			// Any other POST of the alert pages from another origin is refused...
			digestToken := strings.TrimSuffix(strings.TrimPrefix(path, "/alertes/"), "/desabonner")
			if res := e.postFormFrom(c, "/alertes/"+digestToken+"/supprimer", url.Values{"alerte": {"1"}}, "https://mail.example", "cross-site"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-origin delete: %d", res.StatusCode)
			}
			// ...but the one-click unsubscribe, as a mail client posts it, works.
			res = e.postFormFrom(e.client(), path, url.Values{"List-Unsubscribe": {"One-Click"}}, "https://mail.example", "cross-site")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Vous êtes désabonné") {
				t.Fatalf("one-click unsubscribe: %d", res.StatusCode)
			}
			noCookie(res)
			if list, _ := e.store.AlertsOfEmail(ctx, "acheteur@exemple.fr"); len(list) != 0 {
				t.Fatalf("address kept after unsubscribe: %+v", list)
			}
			if res := e.get(c, confirm); res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "plus valable") {
				t.Fatalf("old link after unsubscribe: %d", res.StatusCode)
			}
			if res := e.postFormFrom(e.client(), path, nil, "https://mail.example", "cross-site"); res.StatusCode != http.StatusNotFound {
				t.Fatalf("second unsubscribe: %d", res.StatusCode)
			}
		})
	}
}

func TestAlertFormRefusesBadSearches(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, path := range []string{"/alertes/nouvelle?prix_min=abc", "/alertes/x/confirmer", "/alertes/" + strings.Repeat("a", 43), "/alertes/" + strings.Repeat("a", 43) + "/desabonner"} {
		res := e.get(c, path)
		if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(res.body, `lang="fr"`) {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	form := e.get(c, "/alertes/nouvelle")
	fields := formFields(t, form.body, "/alertes/nouvelle")
	e.clock.Advance(5 * time.Second)
	fields.Set("email", "a@exemple.fr")
	fields.Set("recherche", "prix_min=abc")
	if res := e.postForm(c, "/alertes/nouvelle", fields); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad stored search: %d", res.StatusCode)
	}
}
