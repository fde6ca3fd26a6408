package views

import (
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// detailRow is one line of a lead's details: "Jour souhaité : …".
type detailRow struct{ Label, Value string }

// leadDetails lists the fields of a typed request, in the form's order.
func leadDetails(m *garage.Message) []detailRow {
	d := m.Details
	var rows []detailRow
	add := func(label, value string) {
		if value != "" {
			rows = append(rows, detailRow{label, value})
		}
	}
	switch m.Kind {
	case garage.LeadTestDrive:
		if d.PreferredAt != nil {
			t := d.PreferredAt.In(hours.Paris())
			add("Essai souhaité", format.LongDate(t)+" à "+format.Clock(t))
		}
	case garage.LeadTradeIn, garage.LeadQuote: // a quote request tells its car the same way
		add("Immatriculation", d.Plate)
		add("Véhicule", d.Make+" "+d.Model)
		if d.Year > 0 {
			add("Année", strconv.Itoa(d.Year))
		}
		add("Kilométrage", format.Km(d.Mileage))
		add("État", garage.OptionLabel(garage.LeadConditions(), d.Condition))
		if n := len(d.Photos); n > 0 {
			add("Photos", strconv.Itoa(n))
		}
	case garage.LeadFinancing:
		if d.Contribution > 0 {
			add("Apport", format.Euros(d.Contribution))
		} else {
			add("Apport", "aucun")
		}
		if d.Months > 0 {
			add("Durée souhaitée", strconv.Itoa(d.Months)+" mois")
		}
	}
	return rows
}

// leadAge is how long ago a lead arrived, in French: "12 min", "3 h", "2 j".
func leadAge(m *garage.Message, now time.Time) string {
	return shortDuration(now.Sub(m.CreatedAt))
}

// shortDuration is d in French, rounded down to its largest unit.
func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moins d'1 min"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "\u00a0min"
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if h < 10 && m > 0 {
			return strconv.Itoa(h) + "\u00a0h\u00a0" + strconv.Itoa(m) + "\u00a0min"
		}
		return strconv.Itoa(h) + "\u00a0h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "\u00a0j"
}
