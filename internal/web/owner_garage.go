package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// validSIRET checks a SIRET number: 14 digits whose Luhn checksum is
// right. (La Poste's establishments follow another rule; the garage is
// not one of them.)
func validSIRET(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum := 0
	for i := 0; i < 14; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n := int(c - '0')
		if i%2 == 0 { // from the right, every second digit is doubled
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// validFrenchPhone accepts 10 digits starting with 0, or +33 and 9 digits,
// with spaces, dots or dashes between them.
func validFrenchPhone(s string) bool {
	var digits strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			digits.WriteRune(r)
		case r == ' ' || r == '.' || r == '-':
		default:
			return false
		}
	}
	d := digits.String()
	return (len(d) == 10 && d[0] == '0' && d[1] != '0') || (len(d) == 12 && strings.HasPrefix(d, "+33") && d[3] != '0')
}

func (a *app) adminGarage(w http.ResponseWriter, r *http.Request) {
	g, err := a.store.GarageDetails(r.Context())
	if errors.Is(err, store.ErrNotFound) {
		g, err = &garage.Details{Name: garage.DefaultName}, nil
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderGarage(w, r, http.StatusOK, views.GarageForm{G: *g})
}

func (a *app) renderGarage(w http.ResponseWriter, r *http.Request, status int, f views.GarageForm) {
	p, err := a.page(r, "garage", "Coordonnées du garage", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminGarage(p, f))
}

func (a *app) adminGaragePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	errs := formErrors{}
	g := garage.Details{
		Name:       text(r, errs, "name", "Le nom du garage", true, 100),
		Street:     text(r, errs, "street", "La rue", true, 200),
		PostalCode: text(r, errs, "postal_code", "Le code postal", true, 5),
		City:       text(r, errs, "city", "La ville", true, 100),
		Phone:      text(r, errs, "phone", "Le téléphone", true, 30),
		Email:      text(r, errs, "email", "L'adresse e-mail", true, 254),
		LegalName:  text(r, errs, "legal_name", "La raison sociale", true, 200),
		SIRET:      strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(text(r, errs, "siret", "Le numéro SIRET", true, 20)),
		Host:       text(r, errs, "host", "L'hébergeur", true, 300),
	}
	if errs["postal_code"] == "" && (len(g.PostalCode) != 5 || strings.Trim(g.PostalCode, "0123456789") != "") {
		errs["postal_code"] = "Le code postal compte 5 chiffres."
	}
	if errs["phone"] == "" && !validFrenchPhone(g.Phone) {
		errs["phone"] = "Indiquez un numéro français : 05 61 00 00 00 ou +33 5 61 00 00 00."
	}
	if errs["email"] == "" && !validEmail(g.Email) {
		errs["email"] = "Indiquez une adresse e-mail valide, par exemple contact@garage-parrot.fr."
	}
	if errs["siret"] == "" && !validSIRET(g.SIRET) {
		errs["siret"] = "Le numéro SIRET compte 14 chiffres et sa clé de contrôle doit être juste : vérifiez-le sur votre extrait Kbis."
	}
	if len(errs) > 0 {
		a.renderGarage(w, r, http.StatusUnprocessableEntity, views.GarageForm{G: g, Errors: errs})
		return
	}
	before, err := a.store.GarageDetails(ctx)
	if errors.Is(err, store.ErrNotFound) {
		before, err = &garage.Details{}, nil
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.store.SaveGarageDetails(ctx, &g, a.now()); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.audit(r, currentUser(ctx), "garage.update", "garage", map[string]string{"before": garageText(before), "after": garageText(&g)})
	a.flashRedirect(w, r, "Les coordonnées du garage ont été enregistrées.", "/admin/garage")
}

func garageText(g *garage.Details) string {
	return strings.Join([]string{g.Name, g.Address(), g.Phone, g.Email, g.LegalName, "SIRET " + g.SIRET, "hébergeur " + g.Host}, " | ")
}

func (a *app) legalNotice(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "mentions-legales", "Mentions légales", "Mentions légales du site du Garage V. Parrot : éditeur, hébergeur, propriété intellectuelle.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.LegalNotice(p))
}

func (a *app) privacyPage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "confidentialite", "Données personnelles", "Ce que le site du Garage V. Parrot fait de vos données personnelles, combien de temps il les garde et comment exercer vos droits.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.PrivacyPage(p))
}
