package web

import (
	"errors"
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) garageEdit(w http.ResponseWriter, r *http.Request) {
	g, err := a.store.GarageDetails(r.Context())
	if errors.Is(err, store.ErrNotFound) {
		g, err = &garage.Details{Name: garage.DefaultName}, nil
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderGarageEdit(w, r, http.StatusOK, views.GarageForm{G: *g})
}

func (a *app) renderGarageEdit(w http.ResponseWriter, r *http.Request, status int, f views.GarageForm) {
	p, err := a.page(r, "garage", "Coordonnées du garage", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminGarage(p, f))
}

func (a *app) garageEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	form := r.PostForm.Get
	v := garage.NewValidator()
	g := garage.Details{
		Name:       v.Line("name", "Le nom du garage", form("name"), true, garage.DetailsMaxName),
		Street:     v.Line("street", "La rue", form("street"), true, garage.DetailsMaxStreet),
		PostalCode: v.PostalCode("postal_code", "Le code postal", form("postal_code")),
		City:       v.Line("city", "La ville", form("city"), true, garage.DetailsMaxCity),
		Phone:      v.Phone("phone", "Le téléphone", form("phone"), true),
		Email:      v.Email("email", "L'adresse e-mail", form("email"), true),
		LegalName:  v.Line("legal_name", "La raison sociale", form("legal_name"), true, garage.DetailsMaxLegalName),
		SIRET:      v.SIRET("siret", "Le numéro SIRET", form("siret")),
		Host:       v.Line("host", "L'hébergeur", form("host"), true, garage.DetailsMaxHost),
	}
	// The legal notice of a company: what a SARL must show.
	g.LegalForm = form("legal_form")
	v.Choose("legal_form", garage.ValidLegalForm(g.LegalForm))
	company := g.LegalForm != "EI"
	g.ShareCapital = v.Amount("share_capital", "Le capital social", form("share_capital"), company && g.LegalForm != "", garage.DetailsMaxCapital)
	g.RCSCity = v.Line("rcs_city", "La ville du greffe (RCS)", form("rcs_city"), true, garage.DetailsMaxCity)
	g.RCSNumber = v.SIREN("rcs_number", "Le numéro RCS (SIREN)", form("rcs_number"), true)
	g.VATNumber = v.VAT("vat_number", "Le numéro de TVA intracommunautaire", form("vat_number"), company)
	g.Director = v.Line("director", "Le directeur de la publication", form("director"), true, garage.DetailsMaxDirector)
	g.HostAddress = v.Line("host_address", "L'adresse de l'hébergeur", form("host_address"), true, garage.DetailsMaxHost)
	g.HostPhone = v.Phone("host_phone", "Le téléphone de l'hébergeur", form("host_phone"), true)
	if !v.Valid() {
		a.renderGarageEdit(w, r, http.StatusUnprocessableEntity, views.GarageForm{G: g, Errors: v.Errors, Capital: form("share_capital")})
		return
	}
	if err := a.store.SaveGarageDetails(r.Context(), &g, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Les coordonnées du garage ont été enregistrées.", "/admin/garage")
}
