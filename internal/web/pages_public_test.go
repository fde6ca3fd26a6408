package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var publicPages = []string{"/", "/services", "/occasions", "/avis", "/contact", "/connexion"}

func TestPublicPagesInFrenchWithFooterAndNoCookie(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		c := e.client()
		for _, p := range publicPages {
			res := e.get(c, p)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
			if len(res.Header.Values("Set-Cookie")) != 0 {
				t.Errorf("%s sets a cookie for an anonymous visitor", p)
			}
			for _, want := range []string{
				`<html lang="fr">`, "Horaires d'ouverture",
				"<th scope=\"row\">lundi</th><td>8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000</td>",
				"<th scope=\"row\">dimanche</th><td>fermé</td>",
				`href="tel:+33561000000"`, "contact@garage-parrot.test", "1 rue du Test",
				`href="/services"`, `href="/occasions"`, `href="/avis"`, `href="/contact"`,
			} {
				if !strings.Contains(res.body, want) {
					t.Errorf("%s lacks %q", p, want)
				}
			}
			if strings.Contains(strings.ToLower(res.body), "inscription") || strings.Contains(res.body, "/inscription") {
				t.Errorf("%s offers a sign-up", p)
			}
		}
		home := e.get(c, "/")
		if !strings.Contains(home.body, "Freinage") || !strings.Contains(home.body, "à partir de 89\u202f€") {
			t.Error("home page lacks the visible service")
		}
		if strings.Contains(home.body, "Service caché") || strings.Contains(e.get(c, "/services").body, "Service caché") {
			t.Error("a hidden service is shown")
		}
	})
}

func TestFooterFollowsHoursAndOpenStatus(t *testing.T) {
	e := newEnv(t, "sqlite")
	// Wednesday 4 March 2026, 10:00 in Paris: open until noon.
	if body := e.get(e.client(), "/").body; !strings.Contains(body, "Ouvert jusqu&#39;à 12\u00a0h\u00a000") {
		t.Fatalf("open status missing: %s", body[strings.Index(body, "footer-hours"):][:300])
	}
	week := hours.DefaultWeek()
	week[2].Ranges = nil // closed on Wednesdays
	if err := e.store.SaveOpeningHours(context.Background(), week, time.Time{}, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	body := e.get(e.client(), "/contact").body
	if !strings.Contains(body, "<th scope=\"row\">mercredi</th><td>fermé</td>") || !strings.Contains(body, "Fermé — ouvre demain à 8\u00a0h\u00a045") {
		t.Fatal("footer did not follow the new hours")
	}
}

func TestErrorPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	res := e.get(c, "/page-qui-n-existe-pas")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "Page introuvable") ||
		!strings.Contains(res.body, res.Header.Get("X-Request-Id")) || !strings.Contains(res.body, `<meta name="robots" content="noindex">`) {
		t.Fatalf("404: %d", res.StatusCode)
	}
	// 413: a body over the form limit.
	big := url.Values{"email": {strings.Repeat("a", maxFormBytes)}, "password": {"x"}}
	res = e.postForm(c, "/connexion", big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "Envoi trop volumineux") {
		t.Fatalf("413: %d", res.StatusCode)
	}
	// 400: a body that is not a form.
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/connexion", strings.NewReader("%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := e.do(c, req); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "Requête invalide") {
		t.Fatalf("400: %d", res.StatusCode)
	}
	// 400 for a bad page number, never a 500.
	admin := e.loggedIn(adminEmail, adminPassword)
	for _, q := range []string{"abc", "-1", "0", "99999999999999999999"} {
		if res := e.get(admin, "/admin/journal?page="+q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("journal page=%s: %d", q, res.StatusCode)
		}
	}
}

func TestPanicBecomesA500AndTheServerGoesOn(t *testing.T) {
	e := newEnv(t, "sqlite")
	h := e.app.observe(e.app.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom /secret/path.go")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Erreur du serveur") {
		t.Fatalf("panic: %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "boom") || strings.Contains(rec.Body.String(), ".go") {
		t.Fatal("panic details shown to the user")
	}
	if !strings.Contains(e.logs.String(), "boom") {
		t.Fatal("panic not logged")
	}
	if res := e.get(e.client(), "/"); res.StatusCode != http.StatusOK {
		t.Fatalf("server after panic: %d", res.StatusCode)
	}
}

// A visitor who leaves while the page is being read from the database is not a server error: 499 (as
// nginx logs it) at info level, out of the 5xx counts. A query cancelled on our side is still a 500.
func TestClientGoneIsNotAServerError(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the visitor closed the connection
	rec := httptest.NewRecorder()
	e.server.Config.Handler.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/connexion", nil))
	if rec.Code != statusClientClosedRequest {
		t.Fatalf("status %d, want 499", rec.Code)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "client went away") || strings.Contains(logs, "internal error") || strings.Contains(logs, "level=ERROR") {
		t.Fatalf("logs:\n%s", logs)
	}

	rec = httptest.NewRecorder()
	e.app.serverError(rec, httptest.NewRequest(http.MethodGet, "/", nil), fmt.Errorf("query: %w", context.Canceled))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("cancelled on our side: %d, want 500", rec.Code)
	}
}

func TestDatabaseDownGivesFrench500AndNotReady(t *testing.T) {
	e := newEnv(t, "sqlite")
	if res := e.get(e.client(), "/readyz"); res.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d", res.StatusCode)
	}
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	if res := e.get(e.client(), "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with database down: %d", res.StatusCode)
	}
	if res := e.get(e.client(), "/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	res := e.get(e.client(), "/")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(res.body, "Erreur du serveur") ||
		strings.Contains(res.body, "sql") || strings.Contains(res.body, "closed") {
		t.Fatalf("page with database down: %d %s", res.StatusCode, res.body)
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	home := e.get(c, "/").body
	css := e.app.assets.Path("css/site.css")
	if !strings.Contains(home, `href="`+css+`"`) {
		t.Fatalf("home does not link %s", css)
	}
	res := e.get(c, css)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("css: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/favicon.ico", "/site.webmanifest", "/robots.txt"} {
		if res := e.get(c, p); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	if strings.Contains(home, "<script>") || strings.Contains(home, " style=") || strings.Contains(home, "<style") {
		t.Error("inline script or style in a page (the CSP forbids them)")
	}
}

func TestMaintenanceBanner(t *testing.T) {
	start := time.Date(2026, 3, 10, 22, 0, 0, 0, hours.Paris())
	e := newEnv(t, "sqlite")
	e.app.cfg.MaintenanceStart = start
	if body := e.get(e.client(), "/").body; !strings.Contains(body, "Maintenance prévue le 10 mars 2026 à 22\u00a0h\u00a000") {
		t.Fatal("upcoming maintenance banner missing")
	}
	e.clock.Advance(7 * 24 * time.Hour)
	if body := e.get(e.client(), "/services").body; !strings.Contains(body, "Maintenance en cours depuis le 10 mars 2026 à 22\u00a0h\u00a000") {
		t.Fatal("ongoing maintenance banner missing")
	}
}

func TestMaintenanceMode(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *config.Config) { c.MaintenanceMode = true })
	c := e.client()
	for _, p := range []string{"/", "/services", "/contact"} {
		res := e.get(c, p)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(res.body, "maintenance") {
			t.Errorf("%s in maintenance: %d", p, res.StatusCode)
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/connexion", "/favicon.ico", e.app.assets.Path("css/site.css")} {
		if res := e.get(c, p); res.StatusCode != http.StatusOK {
			t.Errorf("%s in maintenance: %d", p, res.StatusCode)
		}
	}
	admin := e.loggedIn(adminEmail, adminPassword)
	if res := e.get(admin, "/admin"); res.StatusCode != http.StatusOK {
		t.Errorf("back office in maintenance: %d", res.StatusCode)
	}
}

// TestSecurityHeadersOnErrorResponses: 400, 413, 429 and 500 answers carry
// the same security headers as the pages.
// The security header values are shared by every response: what a handler adds to one of them stays in its
// own response.
func TestSecurityHeadersAreNotChangedByAHandler(t *testing.T) {
	e := newEnv(t, "sqlite")
	h := e.app.securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("add") != "" {
			w.Header().Add("Content-Security-Policy", "upgrade-insecure-requests")
			w.Header().Add("X-Frame-Options", "SAMEORIGIN")
		}
	}))
	var want http.Header
	for _, q := range []string{"", "?add=1", "?add=1", ""} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+q, nil))
		got := rec.Result().Header
		if q != "" {
			if len(got.Values("X-Frame-Options")) != 2 {
				t.Fatalf("the handler's Add is missing: %v", got)
			}
			continue
		}
		if want == nil {
			want = got
		} else if !reflect.DeepEqual(got, want) {
			t.Fatalf("after a handler added to them, the headers are %v, were %v", got, want)
		}
	}
}

func TestSecurityHeadersOnErrorResponses(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	check := func(what string, res *response, status int) {
		t.Helper()
		if res.StatusCode != status {
			t.Fatalf("%s: %d, want %d", what, res.StatusCode, status)
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Fatalf("%s: headers %v", what, res.Header)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/connexion", strings.NewReader("%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	check("400", e.do(c, req), http.StatusBadRequest)
	check("413", e.postForm(c, "/connexion", url.Values{"email": {strings.Repeat("a", maxFormBytes)}}), http.StatusRequestEntityTooLarge)
	for i := range 20 {
		e.postForm(c, "/connexion", url.Values{"email": {"x" + itoa(i) + "@exemple.fr"}, "password": {"mauvais-mot-de-passe"}})
	}
	check("429", e.postForm(c, "/connexion", url.Values{"email": {adminEmail}, "password": {adminPassword}}), http.StatusTooManyRequests)
	e.store.Close()
	check("500", e.get(c, "/"), http.StatusInternalServerError)
}
