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
	Flash       string
	Maintenance string // banner text, empty when none
	RequestID   string
	NoIndex     bool
	// Counters are the back-office navigation badges, by adminNav key
	// (e.g. "messages": unread messages).
	Counters map[string]int

	// Owner's back office (issue 6).
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
}

// adminNavItem is a link of the back office; AdminOnly links are shown to
// administrators only (the routes enforce the same rule on the server).
type adminNavItem struct {
	Key, Href, Label string
	AdminOnly        bool
}

var adminNav = []adminNavItem{
	{"dashboard", "/admin", "Tableau de bord", false},
	{"messages", "/admin/messages", "Messages", false},
	{"avis", "/admin/avis", "Avis clients", false},
	{"voitures", "/admin/voitures", "Voitures", false},
	{"equipements", "/admin/equipements", "Équipements", false},
	{"journal", "/admin/journal", "Journal d'activité", true},
	{"horaires", "/admin/horaires", "Horaires", true},
	{"services-admin", "/admin/services", "Services", true},
	{"garage", "/admin/garage", "Coordonnées du garage", true},
	{"comptes", "/admin/comptes", "Comptes du personnel", true},
	{"compte", "/admin/compte", "Mon compte", false},
}

// badgeLabels completes a navigation badge's number for screen readers.
var badgeLabels = map[string]string{
	"messages": " non lus",
	"avis":     " en attente",
}

func (p *Page) adminLinks() []adminNavItem {
	var out []adminNavItem
	for _, it := range adminNav {
		if it.AdminOnly && (p.User == nil || !p.User.IsAdmin()) {
			continue
		}
		out = append(out, it)
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
