package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/hours"
)

// maintenanceText is the banner announcing a maintenance, before and after
// its start.
func maintenanceText(start, now time.Time) string {
	local := start.In(hours.Paris())
	when := format.Date(local) + " à " + format.Clock(local)
	if now.Before(start) {
		return "Maintenance prévue le " + when + " : le site pourra être momentanément indisponible."
	}
	return "Maintenance en cours depuis le " + when + " : certaines fonctions peuvent être indisponibles."
}

// maintenanceExempt lists the paths that keep working in maintenance mode:
// health checks, assets, and the staff's login and back office.
func maintenanceExempt(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/favicon.ico", "/site.webmanifest", "/robots.txt", "/connexion", "/deconnexion":
		return true
	}
	return strings.HasPrefix(path, "/static/") || isAdminPath(path)
}

// maintenanceMode answers visitors with a 503 page while MAINTENANCE_MODE
// is on.
func (a *app) maintenanceMode(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.MaintenanceMode && !maintenanceExempt(r.URL.Path) {
			w.Header().Set("Retry-After", "3600")
			a.errorPage(w, r, http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}
