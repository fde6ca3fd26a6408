package web

import (
	"context"
	"net/http"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// homeCars is how many recent cars the home page shows.
const homeCars = 3

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "home", "", "Garage V. Parrot à Toulouse : carrosserie, mécanique, entretien et véhicules d'occasion.")
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

func (a *app) servicesPage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "services", "Nos services", "Entretien, réparation mécanique et carrosserie toutes marques au Garage V. Parrot, à Toulouse.")
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

func (a *app) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin\nDisallow: /connexion\nSitemap: " + a.cfg.PublicURL + "/sitemap.xml\n"))
}

func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says whether this instance can serve: its database answers.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if a.draining != nil && a.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("draining: this instance is stopping\n"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.Warn("readyz: database unreachable", "error", err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
