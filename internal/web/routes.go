package web

import (
	"net/http"
	"net/url"

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

// allows reports whether u (nil for a visitor) may use a route of access a.
func (a access) allows(u *garage.User) bool {
	switch a {
	case public:
		return true
	case staff:
		return u != nil
	}
	return u != nil && u.IsAdmin()
}

// route is one entry of the application's HTTP surface.
type route struct {
	pattern string
	access  access
	handler http.Handler
}

// routes is the whole HTTP surface of the application, by area: every
// pattern with the role it requires. State changes only happen on POST.
// Handlers are named {noun}{Action}; those of POST routes end in Post.
func (a *app) routes() []route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []route{
		// Public pages.
		{"GET /{$}", public, a.cached(a.homePage)},
		{"GET /services", public, a.cached(a.serviceList)},
		{"GET /mentions-legales", public, a.cached(a.legalNoticePage)},
		{"GET /confidentialite", public, a.cached(a.privacyPage)},
		{"GET /sitemap.xml", public, a.cached(a.sitemapXML)},
		{"GET /robots.txt", public, h(a.robotsTXT)},

		// Used cars.
		{"GET /occasions", public, a.cached(a.carList, carQueryParams...)},
		{"GET /occasions/{ref}", public, a.cached(a.carPage)},
		// Buyer tools (issue 19): favourites, comparison.
		{"GET /occasions/favoris", public, a.cached(a.favouritesPage, "ids")},
		{"GET /occasions/comparer", public, a.cached(a.carCompare, "ids")},
		{"GET /occasions/{ref}/fiche", public, a.cached(a.carFiche)},
		{"GET /photos/", public, a.photoFiles()},

		// Typed requests from a car page (the lead desk's essai, reprise, financement).
		{"GET /occasions/{id}/essai", public, h(leadRequest{a, garage.LeadTestDrive}.page)},
		{"POST /occasions/{id}/essai", public, h(leadRequest{a, garage.LeadTestDrive}.pagePost)},
		{"GET /occasions/{id}/reprise", public, h(leadRequest{a, garage.LeadTradeIn}.page)},
		{"POST /occasions/{id}/reprise", public, h(leadRequest{a, garage.LeadTradeIn}.pagePost)},
		{"GET /occasions/{id}/financement", public, h(leadRequest{a, garage.LeadFinancing}.page)},
		{"POST /occasions/{id}/financement", public, h(leadRequest{a, garage.LeadFinancing}.pagePost)},
		{"GET /occasions/{id}/merci", public, h(a.leadThanks)},
		// Buyer tools (issue 19): search alerts, managed from their personal links.
		{"GET /alertes/nouvelle", public, h(a.alertNew)},
		{"POST /alertes/nouvelle", public, h(a.alertNewPost)},
		{"GET /alertes/envoyee", public, h(a.alertSent)},
		{"GET /alertes/{token}", public, h(a.alertPage)},
		{"GET /alertes/{token}/confirmer", public, h(a.alertConfirm)},
		{"POST /alertes/{token}/confirmer", public, h(a.alertConfirmPost)},
		{"POST /alertes/{token}/supprimer", public, h(a.alertDeletePost)},
		{"GET /alertes/{token}/desabonner", public, h(a.alertUnsubscribe)},
		{alertUnsubscribePattern, public, h(a.alertUnsubscribePost)},

		// Contact.
		{"GET /contact", public, a.cached(a.contactPage)},
		{"POST /contact", public, h(a.contactPagePost)},
		{"GET /contact/merci", public, h(a.contactThanks)},

		// Reviews.
		{"GET /avis", public, a.cached(a.reviewList, "page")},
		{"POST /avis", public, h(a.reviewCreatePost)},
		{"GET /avis/merci", public, h(a.reviewThanks)},
		{"GET /avis/moderation", public, a.cached(a.reviewRulesPage)},

		// Staff login, password reset and invitations.
		{"GET /connexion", public, h(a.loginPage)},
		{"POST /connexion", public, h(a.loginPagePost)},
		{"POST /deconnexion", public, h(a.logoutPost)},
		{"GET /mot-de-passe-oublie", public, h(a.passwordForgotPage)},
		{"POST /mot-de-passe-oublie", public, h(a.passwordForgotPagePost)},
		{"GET /reinitialiser/{token}", public, h(passwordLink{a, garage.TokenReset}.page)},
		{"POST /reinitialiser/{token}", public, h(passwordLink{a, garage.TokenReset}.pagePost)},
		{"GET /invitation/{token}", public, h(passwordLink{a, garage.TokenInvite}.page)},
		{"POST /invitation/{token}", public, h(passwordLink{a, garage.TokenInvite}.pagePost)},

		// Back office: dashboard, own account, audit log.
		{"GET /admin", staff, h(a.dashboardPage)},
		{"GET /admin/compte", staff, h(a.accountEdit)},
		{"POST /admin/compte/nom", staff, h(a.accountNamePost)},
		{"POST /admin/compte/mot-de-passe", staff, h(a.accountPasswordPost)},
		{"POST /admin/compte/sessions", staff, h(a.accountSessionsPost)},
		{"GET /admin/journal", adminOnly, h(a.journalList)},

		// Back office: messages.
		{"GET /admin/messages", staff, h(a.messageList)},
		{"GET /admin/messages/export.csv", staff, h(a.messageExport)},
		{"GET /admin/messages/{id}", staff, h(a.messageEdit)},
		{"POST /admin/messages/{id}", staff, h(a.messageEditPost)},
		{"POST /admin/messages/{id}/attribuer", staff, h(a.messageAssignPost)},
		{"POST /admin/messages/{id}/repondre", staff, h(a.messageReplyPost)},
		{"POST /admin/messages/objectif", adminOnly, h(a.leadTargetPost)},

		// Back office: reviews.
		{"GET /admin/avis", staff, h(a.reviewAdminList)},
		{"GET /admin/avis/nouveau", staff, h(a.reviewNew)},
		{"POST /admin/avis/nouveau", staff, h(a.reviewNewPost)},
		{"POST /admin/avis/{id}/approuver", staff, a.reviewModeratePost(garage.TestimonialApproved)},
		{"POST /admin/avis/{id}/refuser", staff, a.reviewModeratePost(garage.TestimonialRejected)},
		{"POST /admin/avis/{id}/en-attente", staff, a.reviewModeratePost(garage.TestimonialPending)},
		{"POST /admin/avis/{id}/supprimer", staff, h(a.reviewDeletePost)},

		// Back office: cars, their photos and the equipment vocabulary.
		{"GET /admin/voitures", staff, h(a.carAdminList)},
		{"GET /admin/voitures/nouvelle", staff, h(a.carNew)},
		{"POST /admin/voitures/nouvelle", staff, h(a.carNewPost)},
		{"GET /admin/voitures/{id}", staff, h(a.carEdit)},
		{"POST /admin/voitures/{id}", staff, h(a.carEditPost)},
		{"POST /admin/voitures/{id}/statut", staff, h(a.carStatusPost)},
		{"POST /admin/voitures/{id}/supprimer", staff, h(a.carDeletePost)},
		{"POST /admin/voitures/{id}/photos", staff, h(a.carPhotoAddPost)},
		{"POST /admin/voitures/{id}/photos/{photo}", staff, h(a.carPhotoChangePost)},
		{"GET /admin/equipements", staff, h(a.equipmentList)},
		{"POST /admin/equipements/{id}", staff, h(a.equipmentRenamePost)},
		{"POST /admin/equipements/{id}/supprimer", staff, h(a.equipmentDeletePost)},

		// Back office: opening hours and their exceptions.
		{"GET /admin/horaires", adminOnly, h(a.hoursEdit)},
		{"POST /admin/horaires", adminOnly, h(a.hoursEditPost)},
		{"POST /admin/horaires/exceptions", adminOnly, h(a.exceptionCreatePost)},
		{"POST /admin/horaires/exceptions/{id}/supprimer", adminOnly, h(a.exceptionDeletePost)},
		{"POST /admin/horaires/feries", adminOnly, h(a.holidaysImportPost)},

		// Back office: services.
		{"GET /admin/services", adminOnly, h(a.serviceAdminList)},
		{"POST /admin/services", adminOnly, h(a.serviceCreatePost)},
		{"GET /admin/services/{id}", adminOnly, h(a.serviceEdit)},
		{"POST /admin/services/{id}", adminOnly, h(a.serviceEditPost)},
		{"POST /admin/services/{id}/deplacer", adminOnly, h(a.serviceMovePost)},
		{"POST /admin/services/{id}/visibilite", adminOnly, h(a.serviceVisibilityPost)},
		{"POST /admin/services/{id}/supprimer", adminOnly, h(a.serviceDeletePost)},
		{"POST /admin/services/{id}/image", adminOnly, h(a.serviceImagePost)},
		{"POST /admin/services/{id}/image/supprimer", adminOnly, h(a.serviceImageDeletePost)},

		// Back office: the garage's details, staff accounts.
		{"GET /admin/garage", adminOnly, h(a.garageEdit)},
		{"POST /admin/garage", adminOnly, h(a.garageEditPost)},
		{"GET /admin/comptes", adminOnly, h(a.staffList)},
		{"POST /admin/comptes", adminOnly, h(a.staffInvitePost)},
		{"POST /admin/comptes/{id}/role", adminOnly, h(a.staffRolePost)},
		{"POST /admin/comptes/{id}/desactiver", adminOnly, h(a.staffDisablePost)},
		{"POST /admin/comptes/{id}/reactiver", adminOnly, h(a.staffEnablePost)},
		{"POST /admin/comptes/{id}/supprimer", adminOnly, h(a.staffDeletePost)},
		{"POST /admin/comptes/{id}/invitation", adminOnly, h(a.staffResendPost)},

		// Buyer tools (issue 19): feeds of the published cars behind a secret, CSV import of cars.
		{"GET /flux/{token}/{file}", public, h(a.feedFile)},
		{"GET /admin/flux", adminOnly, h(a.feedAdmin)},
		{"POST /admin/flux/renouveler", adminOnly, h(a.feedRotatePost)},
		{"POST /admin/flux/import", adminOnly, h(a.carImportPost)},

		// Workshop (issue 17): online appointments, the customer's personal link.
		{"GET /rendez-vous", public, h(a.appointmentsPage)},
		{"GET /rendez-vous/reserver", public, h(a.appointmentBook)},
		{"POST /rendez-vous/reserver", public, h(a.appointmentBookPost)},
		{"GET /rendez-vous/merci", public, h(a.appointmentThanks)},
		{"GET /rendez-vous/{token}", public, h(a.appointmentPage)},
		{"POST /rendez-vous/{token}/annuler", public, h(a.appointmentCancelPost)},
		{"GET /rendez-vous/{token}/deplacer", public, h(a.appointmentMove)},
		{"POST /rendez-vous/{token}/deplacer", public, h(a.appointmentMoveByLinkPost)},

		// Workshop (issue 17): the planning board and its actions; the settings are the administrator's.
		{"GET /admin/atelier", staff, h(a.workshopBoard)},
		{"POST /admin/atelier/nouveau", staff, h(a.appointmentNewPost)},
		{"GET /admin/atelier/rendez-vous/{id}", staff, h(a.appointmentAdmin)},
		{"POST /admin/atelier/rendez-vous/{id}/statut", staff, h(a.appointmentStatusPost)},
		{"POST /admin/atelier/rendez-vous/{id}/note", staff, h(a.appointmentNotePost)},
		{"POST /admin/atelier/rendez-vous/{id}/deplacer", staff, h(a.appointmentMovePost)},
		{"POST /admin/atelier/blocages", staff, h(a.blockCreatePost)},
		{"POST /admin/atelier/blocages/{id}/supprimer", staff, h(a.blockDeletePost)},
		{"GET /admin/atelier/reglages", adminOnly, h(a.workshopSettingsEdit)},
		{"POST /admin/atelier/reglages", adminOnly, h(a.workshopSettingsEditPost)},

		// Prices and quotes (issue 18): the public price board and quote requests, the customer's link; the
		// staff's quotes; the price board for the administrator.
		{"GET /tarifs", public, h(a.pricesPage)},
		{"GET /devis", public, h(a.quoteRequestPage)},
		{"POST /devis", public, h(a.quoteRequestPagePost)},
		{"GET /devis/merci", public, h(a.quoteRequestThanks)},
		{"GET /devis/{token}", public, h(a.quoteLinkPage)},
		{"POST /devis/{token}/accepter", public, h(a.quoteAcceptPost)},
		{"POST /devis/{token}/refuser", public, h(a.quoteRefusePost)},
		{"GET /devis/{token}/pdf", public, h(a.quoteLinkPDF)},
		{"GET /admin/devis", staff, h(a.quoteList)},
		{"GET /admin/devis/nouveau", staff, h(a.quoteNew)},
		{"POST /admin/devis/nouveau", staff, h(a.quoteNewPost)},
		{"GET /admin/devis/{id}", staff, h(a.quoteEdit)},
		{"POST /admin/devis/{id}", staff, h(a.quoteEditPost)},
		{"POST /admin/devis/{id}/envoyer", staff, h(a.quoteSendPost)},
		{"POST /admin/devis/{id}/nouvelle-version", staff, h(a.quoteVersionPost)},
		{"GET /admin/devis/{id}/pdf", staff, h(a.quotePDF)},
		{"GET /admin/tarifs", adminOnly, h(a.pricesAdmin)},
		{"POST /admin/tarifs", adminOnly, h(a.pricesAdminPost)},
		{"POST /admin/tarifs/retirer", adminOnly, h(a.pricesWithdrawPost)},
		{"POST /admin/tarifs/politique", adminOnly, h(a.pricesPolicyPost)},

		// Operations and assets.
		{"GET /healthz", public, h(a.healthz)},
		{"GET /readyz", public, h(a.readyz)},
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
			if !rt.access.allows(u) {
				a.errorPage(w, r, http.StatusForbidden)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
		}
		rt.handler.ServeHTTP(w, r)
	})
}

// mayOpen reports whether u may open path with GET, by the rule of the
// route that serves it: the back office's navigation shows a link only to
// those its route lets in.
func (a *app) mayOpen(u *garage.User, path string) bool {
	_, pattern := a.mux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}})
	rule, ok := a.access[pattern]
	return ok && rule.allows(u)
}
