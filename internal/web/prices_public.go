package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/web/views"
)

// pricesPage is the public price board in force now.
func (a *app) pricesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "services", "Nos tarifs", "Taux horaires TTC, prestations forfaitaires et conditions des devis du garage.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.PricesPage(p, views.PricesPublic{Board: b}))
}
