package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/garage"
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
		{"GET /{$}", public, a.cached(a.homePage)},
		{"GET /services", public, a.cached(a.serviceList)},
		{"GET /occasions", public, a.cached(a.carList)},
		{"GET /robots.txt", public, http.HandlerFunc(a.robotsTXT)},

		// Contact and lead inbox (issue 4).
		{"GET /contact", public, a.cached(a.contactPage)},
		{"POST /contact", public, http.HandlerFunc(a.contactPagePost)},
		{"GET /contact/merci", public, http.HandlerFunc(a.contactThanks)},
		{"GET /admin/messages", staff, http.HandlerFunc(a.messageList)},
		{"GET /admin/messages/export.csv", staff, http.HandlerFunc(a.messageExport)},
		{"GET /admin/messages/{id}", staff, http.HandlerFunc(a.messageEdit)},
		{"POST /admin/messages/{id}", staff, http.HandlerFunc(a.messageEditPost)},

		// Testimonials (issue 5).
		{"GET /avis", public, a.cached(a.reviewList)},
		{"POST /avis", public, http.HandlerFunc(a.reviewCreatePost)},
		{"GET /avis/merci", public, http.HandlerFunc(a.reviewThanks)},
		{"GET /avis/moderation", public, a.cached(a.reviewRulesPage)},
		{"GET /admin/avis", staff, http.HandlerFunc(a.reviewAdminList)},
		{"GET /admin/avis/nouveau", staff, http.HandlerFunc(a.reviewNew)},
		{"POST /admin/avis/nouveau", staff, http.HandlerFunc(a.reviewNewPost)},
		{"POST /admin/avis/{id}/approuver", staff, a.reviewModeratePost(garage.TestimonialApproved)},
		{"POST /admin/avis/{id}/refuser", staff, a.reviewModeratePost(garage.TestimonialRejected)},
		{"POST /admin/avis/{id}/en-attente", staff, a.reviewModeratePost(garage.TestimonialPending)},
		{"POST /admin/avis/{id}/supprimer", staff, http.HandlerFunc(a.reviewDeletePost)},
		// Used cars: public pages.
		{"GET /occasions/{ref}", public, a.cached(a.carPage)},
		{"GET /sitemap.xml", public, a.cached(a.sitemapXML)},
		{"GET /photos/", public, a.photoFiles()},

		// Staff login.
		{"GET /connexion", public, http.HandlerFunc(a.loginPage)},
		{"POST /connexion", public, http.HandlerFunc(a.loginPagePost)},
		{"POST /deconnexion", public, http.HandlerFunc(a.logoutPost)},

		// Accounts by e-mail: password reset and invitations (issue 4).
		{"GET /mot-de-passe-oublie", public, http.HandlerFunc(a.passwordForgotPage)},
		{"POST /mot-de-passe-oublie", public, http.HandlerFunc(a.passwordForgotPagePost)},
		{"GET /reinitialiser/{token}", public, http.HandlerFunc(passwordLink{a, garage.TokenReset}.page)},
		{"POST /reinitialiser/{token}", public, http.HandlerFunc(passwordLink{a, garage.TokenReset}.pagePost)},
		{"GET /invitation/{token}", public, http.HandlerFunc(passwordLink{a, garage.TokenInvite}.page)},
		{"POST /invitation/{token}", public, http.HandlerFunc(passwordLink{a, garage.TokenInvite}.pagePost)},

		// Back office.
		{"GET /admin", staff, http.HandlerFunc(a.dashboardPage)},
		{"GET /admin/journal", adminOnly, http.HandlerFunc(a.journalList)},

		// Owner's back office (issue 6): hours, services, garage details, staff, own account.
		{"GET /admin/horaires", adminOnly, http.HandlerFunc(a.hoursEdit)},
		{"POST /admin/horaires", adminOnly, http.HandlerFunc(a.hoursEditPost)},
		{"POST /admin/horaires/exceptions", adminOnly, http.HandlerFunc(a.exceptionCreatePost)},
		{"POST /admin/horaires/exceptions/{id}/supprimer", adminOnly, http.HandlerFunc(a.exceptionDeletePost)},
		{"POST /admin/horaires/feries", adminOnly, http.HandlerFunc(a.holidaysImportPost)},
		{"GET /admin/services", adminOnly, http.HandlerFunc(a.serviceAdminList)},
		{"POST /admin/services", adminOnly, http.HandlerFunc(a.serviceCreatePost)},
		{"GET /admin/services/{id}", adminOnly, http.HandlerFunc(a.serviceEdit)},
		{"POST /admin/services/{id}", adminOnly, http.HandlerFunc(a.serviceEditPost)},
		{"POST /admin/services/{id}/deplacer", adminOnly, http.HandlerFunc(a.serviceMovePost)},
		{"POST /admin/services/{id}/visibilite", adminOnly, http.HandlerFunc(a.serviceVisibilityPost)},
		{"POST /admin/services/{id}/supprimer", adminOnly, http.HandlerFunc(a.serviceDeletePost)},
		{"POST /admin/services/{id}/image", adminOnly, http.HandlerFunc(a.serviceImagePost)},
		{"POST /admin/services/{id}/image/supprimer", adminOnly, http.HandlerFunc(a.serviceImageDeletePost)},
		{"GET /admin/garage", adminOnly, http.HandlerFunc(a.garageEdit)},
		{"POST /admin/garage", adminOnly, http.HandlerFunc(a.garageEditPost)},
		{"GET /admin/comptes", adminOnly, http.HandlerFunc(a.staffList)},
		{"POST /admin/comptes", adminOnly, http.HandlerFunc(a.staffInvitePost)},
		{"POST /admin/comptes/{id}/role", adminOnly, http.HandlerFunc(a.staffRolePost)},
		{"POST /admin/comptes/{id}/desactiver", adminOnly, http.HandlerFunc(a.staffDisablePost)},
		{"POST /admin/comptes/{id}/reactiver", adminOnly, http.HandlerFunc(a.staffEnablePost)},
		{"POST /admin/comptes/{id}/supprimer", adminOnly, http.HandlerFunc(a.staffDeletePost)},
		{"POST /admin/comptes/{id}/invitation", adminOnly, http.HandlerFunc(a.staffResendPost)},
		{"GET /admin/compte", staff, http.HandlerFunc(a.accountEdit)},
		{"POST /admin/compte/nom", staff, http.HandlerFunc(a.accountNamePost)},
		{"POST /admin/compte/mot-de-passe", staff, http.HandlerFunc(a.accountPasswordPost)},
		{"POST /admin/compte/sessions", staff, http.HandlerFunc(a.accountSessionsPost)},
		{"GET /mentions-legales", public, a.cached(a.legalNoticePage)},
		{"GET /confidentialite", public, a.cached(a.privacyPage)},
		// Used cars: back office (employees and administrator).
		{"GET /admin/voitures", staff, http.HandlerFunc(a.carAdminList)},
		{"GET /admin/equipements", staff, http.HandlerFunc(a.equipmentList)},
		{"POST /admin/equipements/{id}", staff, http.HandlerFunc(a.equipmentRenamePost)},
		{"POST /admin/equipements/{id}/supprimer", staff, http.HandlerFunc(a.equipmentDeletePost)},
		{"GET /admin/voitures/nouvelle", staff, http.HandlerFunc(a.carNew)},
		{"POST /admin/voitures/nouvelle", staff, http.HandlerFunc(a.carNewPost)},
		{"GET /admin/voitures/{id}", staff, http.HandlerFunc(a.carEdit)},
		{"POST /admin/voitures/{id}", staff, http.HandlerFunc(a.carEditPost)},
		{"POST /admin/voitures/{id}/statut", staff, http.HandlerFunc(a.carStatusPost)},
		{"POST /admin/voitures/{id}/supprimer", staff, http.HandlerFunc(a.carDeletePost)},
		{"POST /admin/voitures/{id}/photos", staff, http.HandlerFunc(a.carPhotoAddPost)},
		{"POST /admin/voitures/{id}/photos/{photo}", staff, http.HandlerFunc(a.carPhotoChangePost)},

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
