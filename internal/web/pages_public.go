package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// homeCars is how many recent cars the home page shows.
const homeCars = 3

func (a *app) homePage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "home", "", garage.DefaultName+" à Toulouse : carrosserie, mécanique, entretien et véhicules d'occasion.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.JSONLD = a.autoRepairJSONLD(p)
	services, err := a.store.ListServices(r.Context(), true)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	recent, _, err := a.store.ListCars(r.Context(), garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, Limit: homeCars, NoCount: true})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	reviews, err := a.homeReviews(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.Home(p, services, recent, reviews))
}

func (a *app) serviceList(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "services", "Nos services", "Entretien, réparation mécanique et carrosserie toutes marques au "+garage.DefaultName+", à Toulouse.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	services, err := a.store.ListServices(r.Context(), true)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.ServicesPage(p, services))
}
