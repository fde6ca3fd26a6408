package web

import (
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
