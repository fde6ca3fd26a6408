// Package views holds the templ components of every page: the public
// layout, the back-office layout, and one file per page.
package views

import (
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// Page carries what every page's layout needs.
type Page struct {
	Title       string // without the site name
	Description string // meta description
	Canonical   string // absolute URL, empty to omit
	Nav         string // current section: "home", "services", "occasions", "avis", "contact", or an admin key
	Asset       func(name string) string
	Garage      *garage.Details
	Week        hours.Week
	TodayIndex  int    // Monday = 0
	OpenStatus  string // "Ouvert jusqu'à 18 h 00"
	IsOpen      bool
	User        *garage.User // nil for visitors
	// MayOpen reports whether the user may open a path of the site (by its
	// route's rule): the back office's navigation shows only those links.
	MayOpen     func(path string) bool
	Flash       string
	Maintenance string // banner text, empty when none
	RequestID   string
	NoIndex     bool
	// Counters are the back-office navigation badges, by adminNav key
	// (e.g. "messages": leads past the response target).
	Counters map[string]int

	// The footer's coming closures and special hours, and the page's structured data.
	Exceptions []hours.Exception // closures and special hours of the coming weeks
	JSONLD     string            // structured data (JSON, HTML-safe), empty to omit
}

// navItem is a link of the main navigation.
type navItem struct {
	Key, Href, Label string
}

var mainNav = []navItem{
	{"home", "/", "Accueil"},
	{"services", "/services", "Services"},
	{"occasions", "/occasions", "Occasions"},
	{"avis", "/avis", "Avis"},
	{"contact", "/contact", "Contact"},
	{"rendez-vous", "/rendez-vous", "Rendez-vous"}, // workshop (issue 17)
}

// adminNav are the links of the back office's menu. Each is shown to whom
// its route lets in (Page.MayOpen), the rule the server enforces.
var adminNav = []navItem{
	{"dashboard", "/admin", "Tableau de bord"},
	{"atelier", "/admin/atelier", "Atelier"},
	{"messages", "/admin/messages", "Demandes"},
	{"devis", "/admin/devis", "Devis"},
	{"voitures", "/admin/voitures", "Voitures"},
	{"avis", "/admin/avis", "Avis clients"},
	{"equipements", "/admin/equipements", "Équipements"},
	{"services-admin", "/admin/services", "Services"},
	{"tarifs", "/admin/tarifs", "Tarifs"},
	{"horaires", "/admin/horaires", "Horaires"},
	{"atelier-reglages", "/admin/atelier/reglages", "Réglages de l'atelier"},
	{"garage", "/admin/garage", "Coordonnées du garage"},
	{"comptes", "/admin/comptes", "Comptes du personnel"},
	{"flux", "/admin/flux", "Flux et import"},
	{"journal", "/admin/journal", "Journal d'activité"},
	{"compte", "/admin/compte", "Mon compte"},
}

// badgeLabels completes a navigation badge's number for screen readers.
var badgeLabels = map[string]string{
	"messages": " en retard",
	"avis":     " en attente",
	"atelier":  " à confirmer", // workshop (issue 17)
}

func (p *Page) adminLinks() []navItem {
	var out []navItem
	for _, it := range adminNav {
		if p.MayOpen != nil && p.MayOpen(it.Href) {
			out = append(out, it)
		}
	}
	return out
}

func (p *Page) fullTitle() string {
	if p.Title == "" {
		return p.garageName()
	}
	return p.Title + " — " + p.garageName()
}

func (p *Page) garageName() string { return p.Garage.DisplayName() }
