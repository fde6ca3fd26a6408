package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/store"
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
		{"GET /{$}", public, a.cached(a.home)},
		{"GET /services", public, a.cached(a.servicesPage)},
		{"GET /occasions", public, a.cached(a.occasionsPage, carQueryParams...)},
		{"GET /robots.txt", public, http.HandlerFunc(a.robots)},

		// Contact and lead inbox (issue 4).
		{"GET /contact", public, a.cached(a.contactPage)},
		{"POST /contact", public, http.HandlerFunc(a.contactPost)},
		{"GET /contact/merci", public, http.HandlerFunc(a.contactThanks)},
		{"GET /admin/messages", staff, http.HandlerFunc(a.adminInbox)},
		{"GET /admin/messages/export.csv", staff, http.HandlerFunc(a.adminMessagesExport)},
		{"GET /admin/messages/{id}", staff, http.HandlerFunc(a.adminMessage)},
		{"POST /admin/messages/{id}", staff, http.HandlerFunc(a.adminMessagePost)},

		// Testimonials (issue 5).
		{"GET /avis", public, a.cached(a.reviewsPage, "page")},
		{"POST /avis", public, http.HandlerFunc(a.reviewPost)},
		{"GET /avis/merci", public, http.HandlerFunc(a.reviewThanks)},
		{"GET /avis/moderation", public, a.cached(a.reviewsModeration)},
		{"GET /admin/avis", staff, http.HandlerFunc(a.adminReviews)},
		{"GET /admin/avis/nouveau", staff, http.HandlerFunc(a.adminReviewNew)},
		{"POST /admin/avis/nouveau", staff, http.HandlerFunc(a.adminReviewNewPost)},
		{"POST /admin/avis/{id}/approuver", staff, a.moderate(store.TestimonialApproved)},
		{"POST /admin/avis/{id}/refuser", staff, a.moderate(store.TestimonialRejected)},
		{"POST /admin/avis/{id}/en-attente", staff, a.moderate(store.TestimonialPending)},
		{"POST /admin/avis/{id}/supprimer", staff, http.HandlerFunc(a.adminReviewDelete)},
		// Used cars: public pages.
		{"GET /occasions/{ref}", public, a.cached(a.carPage)},
		{"GET /sitemap.xml", public, a.cached(a.sitemap)},
		{"GET /photos/", public, a.photoFiles()},

		// Staff login.
		{"GET /connexion", public, http.HandlerFunc(a.loginForm)},
		{"POST /connexion", public, http.HandlerFunc(a.loginPost)},
		{"POST /deconnexion", public, http.HandlerFunc(a.logoutPost)},

		// Accounts by e-mail: password reset and invitations (issue 4).
		{"GET /mot-de-passe-oublie", public, http.HandlerFunc(a.forgotForm)},
		{"POST /mot-de-passe-oublie", public, http.HandlerFunc(a.forgotPost)},
		{"GET /reinitialiser/{token}", public, http.HandlerFunc(accountLink{a, store.TokenReset}.show)},
		{"POST /reinitialiser/{token}", public, http.HandlerFunc(accountLink{a, store.TokenReset}.save)},
		{"GET /invitation/{token}", public, http.HandlerFunc(accountLink{a, store.TokenInvite}.show)},
		{"POST /invitation/{token}", public, http.HandlerFunc(accountLink{a, store.TokenInvite}.save)},

		// Back office.
		{"GET /admin", staff, http.HandlerFunc(a.adminHome)},
		{"GET /admin/journal", adminOnly, http.HandlerFunc(a.adminJournal)},

		// Owner's back office (issue 6): hours, services, garage details, staff, own account.
		{"GET /admin/horaires", adminOnly, http.HandlerFunc(a.adminHours)},
		{"POST /admin/horaires", adminOnly, http.HandlerFunc(a.adminHoursPost)},
		{"POST /admin/horaires/exceptions", adminOnly, http.HandlerFunc(a.adminExceptionPost)},
		{"POST /admin/horaires/exceptions/{id}/supprimer", adminOnly, http.HandlerFunc(a.adminExceptionDelete)},
		{"POST /admin/horaires/feries", adminOnly, http.HandlerFunc(a.adminHolidaysImport)},
		{"GET /admin/services", adminOnly, http.HandlerFunc(a.adminServices)},
		{"POST /admin/services", adminOnly, http.HandlerFunc(a.adminServiceCreate)},
		{"GET /admin/services/{id}", adminOnly, http.HandlerFunc(a.adminServiceEdit)},
		{"POST /admin/services/{id}", adminOnly, http.HandlerFunc(a.adminServiceUpdate)},
		{"POST /admin/services/{id}/deplacer", adminOnly, http.HandlerFunc(a.adminServiceMove)},
		{"POST /admin/services/{id}/visibilite", adminOnly, http.HandlerFunc(a.adminServiceVisibility)},
		{"POST /admin/services/{id}/supprimer", adminOnly, http.HandlerFunc(a.adminServiceDelete)},
		{"POST /admin/services/{id}/image", adminOnly, http.HandlerFunc(a.adminServiceImagePost)},
		{"POST /admin/services/{id}/image/supprimer", adminOnly, http.HandlerFunc(a.adminServiceImageDelete)},
		{"GET /admin/garage", adminOnly, http.HandlerFunc(a.adminGarage)},
		{"POST /admin/garage", adminOnly, http.HandlerFunc(a.adminGaragePost)},
		{"GET /admin/comptes", adminOnly, http.HandlerFunc(a.adminStaff)},
		{"POST /admin/comptes", adminOnly, http.HandlerFunc(a.adminStaffInvite)},
		{"POST /admin/comptes/{id}/role", adminOnly, http.HandlerFunc(a.adminStaffRole)},
		{"POST /admin/comptes/{id}/desactiver", adminOnly, http.HandlerFunc(a.adminStaffDisable)},
		{"POST /admin/comptes/{id}/reactiver", adminOnly, http.HandlerFunc(a.adminStaffEnable)},
		{"POST /admin/comptes/{id}/supprimer", adminOnly, http.HandlerFunc(a.adminStaffDelete)},
		{"POST /admin/comptes/{id}/invitation", adminOnly, http.HandlerFunc(a.adminStaffResend)},
		{"GET /admin/compte", staff, http.HandlerFunc(a.adminAccount)},
		{"POST /admin/compte/nom", staff, http.HandlerFunc(a.adminAccountName)},
		{"POST /admin/compte/mot-de-passe", staff, http.HandlerFunc(a.adminAccountPassword)},
		{"POST /admin/compte/sessions", staff, http.HandlerFunc(a.adminAccountSessions)},
		{"GET /mentions-legales", public, a.cached(a.legalNotice)},
		{"GET /confidentialite", public, a.cached(a.privacyPage)},
		// Used cars: back office (employees and administrator).
		{"GET /admin/voitures", staff, http.HandlerFunc(a.adminCars)},
		{"GET /admin/equipements", staff, http.HandlerFunc(a.adminEquipment)},
		{"POST /admin/equipements/{id}", staff, http.HandlerFunc(a.adminEquipmentRename)},
		{"POST /admin/equipements/{id}/supprimer", staff, http.HandlerFunc(a.adminEquipmentDelete)},
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
