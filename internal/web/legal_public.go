package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) legalNoticePage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "mentions-legales", "Mentions légales", "Mentions légales du site du "+garage.DefaultName+" : éditeur, hébergeur, propriété intellectuelle.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.LegalNotice(p))
}

func (a *app) privacyPage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "confidentialite", "Données personnelles", "Ce que le site du "+garage.DefaultName+" fait de vos données personnelles, combien de temps il les garde et comment exercer vos droits.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.PrivacyPage(p))
}
