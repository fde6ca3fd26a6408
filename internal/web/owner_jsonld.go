package web

import (
	"encoding/json"

	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/web/views"
)

// schemaDays are schema.org's days of the week, Monday first.
var schemaDays = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

type openingSpec struct {
	Type         string `json:"@type"`
	Name         string `json:"name,omitempty"`
	DayOfWeek    string `json:"dayOfWeek,omitempty"`
	Opens        string `json:"opens"`
	Closes       string `json:"closes"`
	ValidFrom    string `json:"validFrom,omitempty"`
	ValidThrough string `json:"validThrough,omitempty"`
}

type postalAddress struct {
	Type          string `json:"@type"`
	StreetAddress string `json:"streetAddress,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	Locality      string `json:"addressLocality,omitempty"`
	Country       string `json:"addressCountry"`
}

type autoRepair struct {
	Context   string        `json:"@context"`
	Type      string        `json:"@type"`
	Name      string        `json:"name"`
	URL       string        `json:"url,omitempty"`
	Telephone string        `json:"telephone,omitempty"`
	Email     string        `json:"email,omitempty"`
	Address   postalAddress `json:"address"`
	Hours     []openingSpec `json:"openingHoursSpecification"`
}

// schemaClock formats minutes since midnight as schema.org wants
// ("08:45"); a closing at midnight is "23:59", the end of that day.
func schemaClock(min int) string {
	if min >= hours.MinutesPerDay {
		return "23:59"
	}
	return hours.FormatInput(min)
}

// autoRepairJSONLD describes the garage as a schema.org AutoRepair: name,
// address, telephone, the weekly hours, and the coming exceptions with
// validFrom/validThrough (a closure is opens = closes = "00:00", the
// convention search engines read as closed all day). json.Marshal escapes
// <, > and &, so the result is safe inside a <script> element.
func (a *app) autoRepairJSONLD(p *views.Page) string {
	g := p.Garage
	d := autoRepair{
		Context: "https://schema.org", Type: "AutoRepair", Name: g.Name, URL: a.cfg.PublicURL + "/",
		Telephone: g.Phone, Email: g.Email,
		Address: postalAddress{Type: "PostalAddress", StreetAddress: g.Street, PostalCode: g.PostalCode, Locality: g.City, Country: "FR"},
		Hours:   []openingSpec{},
	}
	for i, day := range p.Week {
		for _, r := range day.Ranges {
			d.Hours = append(d.Hours, openingSpec{Type: "OpeningHoursSpecification",
				DayOfWeek: "https://schema.org/" + schemaDays[i], Opens: schemaClock(r.Open), Closes: schemaClock(r.Close)})
		}
	}
	for _, e := range p.Exceptions {
		spec := openingSpec{Type: "OpeningHoursSpecification", Name: e.Label,
			ValidFrom: e.First.String(), ValidThrough: e.Last.String(), Opens: "00:00", Closes: "00:00"}
		if e.Closed() {
			d.Hours = append(d.Hours, spec)
			continue
		}
		for _, r := range e.Ranges {
			spec.Opens, spec.Closes = schemaClock(r.Open), schemaClock(r.Close)
			d.Hours = append(d.Hours, spec)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	return string(b)
}
