package web

import (
	"errors"
	"net/http"

	qr "github.com/piglig/go-qr"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// carFiche is a car's "fiche vitrine": one printable A4 page for the
// windscreen with what French rules require of a used car for sale (price
// TTC, make, model, version, first registration, mileage or "non garanti",
// Crit'Air, last contrôle technique) and a QR code to the car's page.
// Published and sold cars only, like the car page.
func (a *app) carFiche(w http.ResponseWriter, r *http.Request) {
	id, _, ok := parseCarRef(r.PathValue("ref"))
	if !ok {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	c, err := a.store.CarByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Status != garage.CarPublished && c.Status != garage.CarSold) {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	target := a.siteURL(r) + views.CarIDPath(c.ID) // short: a smaller code; it redirects to the canonical page
	svg, err := qrSVG(target)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "occasions", "Fiche vitrine — "+c.DisplayTitle(), "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.FichePage(p, views.Fiche{Car: c, URL: target, QRSVG: svg}))
}

// siteURL is PUBLIC_URL, or (in development, when it is not set) the
// address the request came to.
func (a *app) siteURL(r *http.Request) string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// qrSVG is the QR code of text as an SVG document (error correction
// "Medium", 4-module quiet zone), made by github.com/piglig/go-qr.
func qrSVG(text string) (string, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return "", err
	}
	b, err := code.ToSVGBytes(qr.NewQrCodeImgConfig(10, 40))
	return string(b), err
}
