package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

// expectedAccess is SPEC.md §6 applied to every route. A route added to
// routes.go without a line here fails TestRouteTableMatchesSpec.
var expectedAccess = map[string]access{
	"GET /{$}":           public,
	"GET /services":      public,
	"GET /occasions":     public,
	"GET /avis":          public,
	"GET /contact":       public,
	"GET /robots.txt":    public,
	"GET /connexion":     public,
	"POST /connexion":    public,
	"POST /deconnexion":  public,
	"GET /admin":         staff,
	"GET /admin/journal": adminOnly, // reading the audit log: admin only
	// Testimonials: moderation is for employees and the admin.
	"POST /avis":                       public,
	"GET /avis/merci":                  public,
	"GET /avis/moderation":             public,
	"GET /admin/avis":                  staff,
	"GET /admin/avis/nouveau":          staff,
	"POST /admin/avis/nouveau":         staff,
	"POST /admin/avis/{id}/approuver":  staff,
	"POST /admin/avis/{id}/refuser":    staff,
	"POST /admin/avis/{id}/en-attente": staff,
	"POST /admin/avis/{id}/supprimer":  staff,
	// Accounts by e-mail.
	"GET /mot-de-passe-oublie":    public,
	"POST /mot-de-passe-oublie":   public,
	"GET /reinitialiser/{token}":  public,
	"POST /reinitialiser/{token}": public,
	"GET /invitation/{token}":     public,
	"POST /invitation/{token}":    public,
	// Contact and lead inbox.
	"POST /contact":                  public,
	"GET /contact/merci":             public,
	"GET /admin/messages":            staff,
	"GET /admin/messages/export.csv": staff,
	"GET /admin/messages/{id}":       staff,
	"POST /admin/messages/{id}":      staff,
	"GET /healthz":                   public,
	"GET /readyz":                    public,
	"GET /static/":                   public,
	"GET /favicon.ico":               public,
	"GET /site.webmanifest":          public,
	// Workshop (issue 17).
	"GET /rendez-vous":                              public,
	"GET /rendez-vous/reserver":                     public,
	"POST /rendez-vous/reserver":                    public,
	"GET /rendez-vous/merci":                        public,
	"GET /rendez-vous/{token}":                      public,
	"POST /rendez-vous/{token}/annuler":             public,
	"GET /rendez-vous/{token}/deplacer":             public,
	"POST /rendez-vous/{token}/deplacer":            public,
	"GET /admin/atelier":                            staff,
	"POST /admin/atelier/nouveau":                   staff,
	"GET /admin/atelier/rendez-vous/{id}":           staff,
	"POST /admin/atelier/rendez-vous/{id}/statut":   staff,
	"POST /admin/atelier/rendez-vous/{id}/note":     staff,
	"POST /admin/atelier/rendez-vous/{id}/deplacer": staff,
	"POST /admin/atelier/blocages":                  staff,
	"POST /admin/atelier/blocages/{id}/supprimer":   staff,
	"GET /admin/atelier/reglages":                   adminOnly,
	"POST /admin/atelier/reglages":                  adminOnly,

	// Hours, services, garage details, staff accounts: the administrator only; own account: every staff member.
	"GET /admin/horaires":                            adminOnly,
	"POST /admin/horaires":                           adminOnly,
	"POST /admin/horaires/exceptions":                adminOnly,
	"POST /admin/horaires/exceptions/{id}/supprimer": adminOnly,
	"POST /admin/horaires/feries":                    adminOnly,
	"GET /admin/services":                            adminOnly,
	"POST /admin/services":                           adminOnly,
	"GET /admin/services/{id}":                       adminOnly,
	"POST /admin/services/{id}":                      adminOnly,
	"POST /admin/services/{id}/deplacer":             adminOnly,
	"POST /admin/services/{id}/visibilite":           adminOnly,
	"POST /admin/services/{id}/image":                adminOnly,
	"POST /admin/services/{id}/image/supprimer":      adminOnly,
	"POST /admin/services/{id}/supprimer":            adminOnly,
	"GET /admin/garage":                              adminOnly,
	"POST /admin/garage":                             adminOnly,
	"GET /mentions-legales":                          public,
	"GET /confidentialite":                           public,
	"GET /admin/comptes":                             adminOnly,
	"POST /admin/comptes":                            adminOnly,
	"POST /admin/comptes/{id}/role":                  adminOnly,
	"POST /admin/comptes/{id}/desactiver":            adminOnly,
	"POST /admin/comptes/{id}/reactiver":             adminOnly,
	"POST /admin/comptes/{id}/supprimer":             adminOnly,
	"POST /admin/comptes/{id}/invitation":            adminOnly,
	"GET /admin/compte":                              staff,
	"POST /admin/compte/nom":                         staff,
	"POST /admin/compte/mot-de-passe":                staff,
	"POST /admin/compte/sessions":                    staff,

	// Used cars: public pages; every staff member manages them (SPEC.md §6).
	"GET /occasions/{ref}":                     public,
	"GET /sitemap.xml":                         public,
	"GET /admin/equipements":                   staff,
	"POST /admin/equipements/{id}":             staff,
	"POST /admin/equipements/{id}/supprimer":   staff,
	"GET /admin/voitures":                      staff,
	"GET /admin/voitures/nouvelle":             staff,
	"POST /admin/voitures/nouvelle":            staff,
	"GET /admin/voitures/{id}":                 staff,
	"POST /admin/voitures/{id}":                staff,
	"POST /admin/voitures/{id}/statut":         staff,
	"POST /admin/voitures/{id}/supprimer":      staff,
	"POST /admin/voitures/{id}/photos":         staff,
	"POST /admin/voitures/{id}/photos/{photo}": staff,
	"GET /photos/":                             public,

	// The lead desk: typed requests from a car page are public; the desk is for every staff member, its
	// response target for the administrator.
	"GET /occasions/{id}/essai":           public,
	"POST /occasions/{id}/essai":          public,
	"GET /occasions/{id}/reprise":         public,
	"POST /occasions/{id}/reprise":        public,
	"GET /occasions/{id}/financement":     public,
	"POST /occasions/{id}/financement":    public,
	"GET /occasions/{id}/merci":           public,
	"POST /admin/messages/{id}/attribuer": staff,
	"POST /admin/messages/{id}/repondre":  staff,
	"POST /admin/messages/objectif":       adminOnly,
	// Buyer tools (issue 19): favourites and comparison, public.
	"GET /occasions/favoris":     public,
	"GET /occasions/comparer":    public,
	"GET /occasions/{ref}/fiche": public,
	// Search alerts: public, each alert reached through its personal link.
	"GET /alertes/nouvelle":            public,
	"POST /alertes/nouvelle":           public,
	"GET /alertes/envoyee":             public,
	"GET /alertes/{token}":             public,
	"GET /alertes/{token}/confirmer":   public,
	"POST /alertes/{token}/confirmer":  public,
	"POST /alertes/{token}/supprimer":  public,
	"GET /alertes/{token}/desabonner":  public,
	"POST /alertes/{token}/desabonner": public,
	// Feeds (read-only, behind their secret) and the CSV import: the owner's business.
	"GET /flux/{token}/{file}":    public,
	"GET /admin/flux":             adminOnly,
	"POST /admin/flux/renouveler": adminOnly,
	"POST /admin/flux/import":     adminOnly,
	// Prices and quotes (issue 18): price board and quote requests public, the customer's answer through
	// the quote's link; quotes for every staff member; the price board for the administrator.
	"GET /tarifs":                             public,
	"GET /devis":                              public,
	"POST /devis":                             public,
	"GET /devis/merci":                        public,
	"GET /devis/{token}":                      public,
	"POST /devis/{token}/accepter":            public,
	"POST /devis/{token}/refuser":             public,
	"GET /devis/{token}/pdf":                  public,
	"GET /admin/devis":                        staff,
	"GET /admin/devis/nouveau":                staff,
	"POST /admin/devis/nouveau":               staff,
	"GET /admin/devis/{id}":                   staff,
	"POST /admin/devis/{id}":                  staff,
	"POST /admin/devis/{id}/envoyer":          staff,
	"POST /admin/devis/{id}/nouvelle-version": staff,
	"GET /admin/devis/{id}/pdf":               staff,
	"GET /admin/tarifs":                       adminOnly,
	"POST /admin/tarifs":                      adminOnly,
	"POST /admin/tarifs/retirer":              adminOnly,
	"POST /admin/tarifs/politique":            adminOnly,
}

func TestRouteTableMatchesSpec(t *testing.T) {
	e := newEnv(t, "sqlite")
	seen := map[string]bool{}
	for _, rt := range e.app.routes() {
		want, ok := expectedAccess[rt.pattern]
		if !ok {
			t.Errorf("route %q has no rule in expectedAccess (SPEC.md §6)", rt.pattern)
			continue
		}
		if rt.access != want {
			t.Errorf("route %q requires %v, SPEC.md §6 says %v", rt.pattern, rt.access, want)
		}
		if strings.HasPrefix(rt.pattern, "GET /admin") && rt.access == public {
			t.Errorf("back-office route %q is public", rt.pattern)
		}
		seen[rt.pattern] = true
	}
	for p := range expectedAccess {
		if !seen[p] {
			t.Errorf("expected route %q is missing", p)
		}
	}
}

// samplePath turns a pattern into a concrete path to request.
func samplePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	if strings.HasSuffix(path, "/static/") {
		path += "css/site.css" // unhashed: 404, but reached as anyone
	}
	return method, path
}

func TestRouteAccessByRole(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			clients := map[string]*http.Client{
				"anonymous": e.client(),
				"employee":  e.loggedIn(employeeEmail, employeePass),
				"admin":     e.loggedIn(adminEmail, adminPassword),
			}
			for _, rt := range e.app.routes() {
				method, path := samplePath(rt.pattern)
				if method != http.MethodGet || path == "/connexion" {
					continue // POST routes are covered by their own tests
				}
				for who, c := range clients {
					res := e.get(c, path)
					allowed := rt.access == public || (rt.access == staff && who != "anonymous") || (rt.access == adminOnly && who == "admin")
					switch {
					case allowed && (res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden ||
						strings.HasPrefix(res.Header.Get("Location"), "/connexion")):
						t.Errorf("%s %s as %s: refused (%d)", method, path, who, res.StatusCode)
					case allowed && res.StatusCode >= 500:
						t.Errorf("%s %s as %s: %d", method, path, who, res.StatusCode)
					case !allowed && who == "anonymous":
						if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion?next=") {
							t.Errorf("%s %s anonymous: %d %q, want redirect to login", method, path, res.StatusCode, res.Header.Get("Location"))
						}
					case !allowed:
						if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "Accès refusé") {
							t.Errorf("%s %s as %s: %d, want French 403", method, path, who, res.StatusCode)
						}
					}
				}
			}
		})
	}
}

// stateChangingRoutes lists every non-GET route with a valid-looking body.
func stateChangingRoutes(e *env) []string {
	var out []string
	for _, rt := range e.app.routes() {
		if !strings.HasPrefix(rt.pattern, "GET ") {
			out = append(out, rt.pattern)
		}
	}
	return out
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	routes := stateChangingRoutes(e)
	if len(routes) < 2 {
		t.Fatalf("only %d state-changing routes found", len(routes))
	}
	form := url.Values{"email": {adminEmail}, "password": {adminPassword}}
	for _, pattern := range routes {
		if pattern == alertUnsubscribePattern {
			continue // the one exemption, proven by TestOneClickUnsubscribeFromAnyOrigin
		}
		method, path := samplePath(pattern)
		for _, tc := range []struct{ origin, site string }{
			{"https://evil.example", "cross-site"},
			{"https://evil.example", ""},
			{"", "cross-site"},
			{"http://garage.example.evil", "same-site"},
		} {
			if method != http.MethodPost {
				t.Fatalf("unexpected method %s", method)
			}
			res := e.postFormFrom(admin, path, form, tc.origin, tc.site)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "Accès refusé") {
				t.Errorf("POST %s from %q (%s): %d, want 403", path, tc.origin, tc.site, res.StatusCode)
			}
		}
	}
	// The refused logout did not end the session; the refused login made none.
	if res := e.get(admin, "/admin"); res.StatusCode != http.StatusOK {
		t.Fatalf("session lost after cross-origin logout: %d", res.StatusCode)
	}
	var logins int
	for _, a := range e.auditActions(t) {
		if a == "login.success" {
			logins++
		}
	}
	if logins != 1 {
		t.Fatalf("%d successful logins recorded, want 1 (the real one)", logins)
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *config.Config) { c.Production = true })
	c := e.client()
	paths := []string{"/nope", "/static/nope.css", "/connexion?next=/admin"}
	for _, rt := range e.app.routes() {
		if m, p := samplePath(rt.pattern); m == http.MethodGet {
			paths = append(paths, p)
		}
	}
	paths = append(paths, e.app.assets.Path("css/site.css"))
	for _, p := range paths {
		res := e.get(c, p)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", p)
		}
		if !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS in production", p)
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request id", p)
		}
	}
	// A 405 from the router also carries them, in French.
	req, _ := http.NewRequest(http.MethodDelete, e.server.URL+"/connexion", nil)
	res := e.do(c, req)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Content-Security-Policy") == "" ||
		!strings.Contains(res.body, "Méthode non autorisée") || !strings.Contains(res.Header.Get("Allow"), "POST") {
		t.Fatalf("405: %d %v", res.StatusCode, res.Header)
	}
}

// TestNoDebugEndpoints: no profiler, expvar or metrics on the public
// listener, in production or not.
func TestNoDebugEndpoints(t *testing.T) {
	for _, prod := range []bool{true, false} {
		e := newEnv(t, "sqlite", func(c *config.Config) { c.Production = prod })
		for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline", "/debug/vars", "/metrics", "/.env", "/data/garage.db"} {
			if res := e.get(e.client(), p); res.StatusCode != http.StatusNotFound {
				t.Errorf("production=%v %s: %d", prod, p, res.StatusCode)
			}
		}
	}
}

// TestBackOfficeMenuFollowsTheRouteTable: the back office's menu links to
// every page the route table lets the user open, and to no other.
func TestBackOfficeMenuFollowsTheRouteTable(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, who := range []struct {
		email, password string
		role            garage.Role
	}{{adminEmail, adminPassword, garage.RoleAdmin}, {employeeEmail, employeePass, garage.RoleEmployee}} {
		page := e.get(e.loggedIn(who.email, who.password), "/admin")
		start := strings.Index(page.body, `<nav class="admin-nav"`)
		if start < 0 {
			t.Fatalf("%s: no back-office menu", who.role)
		}
		nav := page.body[start : start+strings.Index(page.body[start:], "</nav>")]
		shown := map[string]bool{}
		for _, m := range regexp.MustCompile(`href="(/admin[^"#?]*)"`).FindAllStringSubmatch(nav, -1) {
			shown[m[1]] = true
		}
		u := &garage.User{Role: who.role}
		for _, rt := range e.app.routes() {
			method, path, _ := strings.Cut(rt.pattern, " ")
			if method != http.MethodGet || !strings.HasPrefix(path, "/admin") || strings.ContainsAny(path, "{.") || strings.HasSuffix(path, "/nouvelle") || strings.HasSuffix(path, "/nouveau") {
				continue // pages reached from another page, not from the menu
			}
			if allowed := rt.access.allows(u); shown[path] != allowed {
				t.Errorf("%s: menu link to %s shown=%v, but its route allows=%v", who.role, path, shown[path], allowed)
			}
		}
	}
}
