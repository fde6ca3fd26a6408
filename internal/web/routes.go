package web

import (
	"net/http"
)

// access is the least role a route requires (SPEC.md §6).
type access int

const (
	// public routes are open to everybody.
	public access = iota
	// staff routes need a logged-in employee or administrator.
	staff
	// adminOnly routes need a logged-in administrator.
	adminOnly
)

func (a access) String() string {
	return [...]string{"public", "staff", "admin"}[a]
}

// route is one entry of the application's HTTP surface.
type route struct {
	pattern string
	access  access
	handler http.Handler
}

// routes is the whole HTTP surface of the application: every pattern with
// the role it requires. State changes only happen on POST.
func (a *app) routes() []route {
	return []route{
		// Public site.
		{"GET /{$}", public, http.HandlerFunc(a.home)},
		{"GET /services", public, http.HandlerFunc(a.servicesPage)},
		{"GET /occasions", public, http.HandlerFunc(a.occasionsPage)},
		{"GET /avis", public, http.HandlerFunc(a.reviewsPage)},
		{"GET /contact", public, http.HandlerFunc(a.contactPage)},
		{"GET /robots.txt", public, http.HandlerFunc(a.robots)},

		// Used cars: public pages.
		{"GET /occasions/{ref}", public, http.HandlerFunc(a.carPage)},
		{"GET /sitemap.xml", public, http.HandlerFunc(a.sitemap)},
		{"GET /photos/", public, a.photoFiles()},

		// Staff login.
		{"GET /connexion", public, http.HandlerFunc(a.loginForm)},
		{"POST /connexion", public, http.HandlerFunc(a.loginPost)},
		{"POST /deconnexion", public, http.HandlerFunc(a.logoutPost)},

		// Back office.
		{"GET /admin", staff, http.HandlerFunc(a.adminHome)},
		{"GET /admin/journal", adminOnly, http.HandlerFunc(a.adminJournal)},

		// Used cars: back office (employees and administrator).
		{"GET /admin/voitures", staff, http.HandlerFunc(a.adminCars)},
		{"GET /admin/voitures/nouvelle", staff, http.HandlerFunc(a.adminCarNew)},
		{"POST /admin/voitures/nouvelle", staff, http.HandlerFunc(a.adminCarCreatePost)},
		{"GET /admin/voitures/{id}", staff, http.HandlerFunc(a.adminCarEdit)},
		{"POST /admin/voitures/{id}", staff, http.HandlerFunc(a.adminCarSavePost)},
		{"POST /admin/voitures/{id}/statut", staff, http.HandlerFunc(a.adminCarStatusPost)},
		{"POST /admin/voitures/{id}/supprimer", staff, http.HandlerFunc(a.adminCarDeletePost)},
		{"POST /admin/voitures/{id}/photos", staff, http.HandlerFunc(a.adminCarPhotosPost)},
		{"POST /admin/voitures/{id}/photos/{photo}", staff, http.HandlerFunc(a.adminCarPhotoPost)},

		// Operations and assets.
		{"GET /healthz", public, http.HandlerFunc(a.healthz)},
		{"GET /readyz", public, http.HandlerFunc(a.readyz)},
		{"GET /static/", public, a.assets.Handler()},
		{"GET /favicon.ico", public, a.assets.ServeRootFile("favicon.ico")},
		{"GET /site.webmanifest", public, a.assets.ServeRootFile("site.webmanifest")},
	}
}

// guardRoute enforces the route's access rule on the server and records the
// matched pattern for logs and metrics.
func (a *app) guardRoute(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoFrom(r.Context()); info != nil {
			info.route = r.Pattern
		}
		if rt.access != public {
			u := currentUser(r.Context())
			if u == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/connexion?next="+safeNextParam(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				a.errorPage(w, r, http.StatusUnauthorized)
				return
			}
			if rt.access == adminOnly && !u.IsAdmin() {
				a.errorPage(w, r, http.StatusForbidden)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
		}
		rt.handler.ServeHTTP(w, r)
	})
}
