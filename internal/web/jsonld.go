package web

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
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

// carJSONLD is the schema.org Car description of a car page, with its
// offer in EUR and mileage in km (unit code KMT).
func carJSONLD(base, photoBase string, c *garage.Car, photos []*garage.CarPhoto, g *garage.Details) map[string]any {
	url := base + views.CarPath(c)
	availability := "https://schema.org/InStock"
	if c.Status == garage.CarSold {
		availability = "https://schema.org/SoldOut"
	}
	seller := map[string]any{"@type": "AutoDealer", "name": g.DisplayName()}
	if g != nil && g.Name != "" {
		if g.Phone != "" {
			seller["telephone"] = g.Phone
		}
		seller["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": g.Street,
			"postalCode": g.PostalCode, "addressLocality": g.City, "addressCountry": "FR"}
	}
	d := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Car",
		"name":          c.DisplayTitle(),
		"url":           url,
		"brand":         map[string]any{"@type": "Brand", "name": c.Make},
		"model":         c.Model,
		"itemCondition": "https://schema.org/UsedCondition",
		"mileageFromOdometer": map[string]any{
			"@type": "QuantitativeValue", "value": c.Mileage, "unitCode": "KMT",
		},
		"offers": map[string]any{
			"@type": "Offer", "price": c.Price, "priceCurrency": "EUR", "availability": availability,
			"url": url, "itemCondition": "https://schema.org/UsedCondition", "seller": seller,
		},
	}
	if c.Version != "" {
		d["vehicleConfiguration"] = c.Version
	}
	if c.RegYear > 0 {
		d["vehicleModelDate"] = strconv.Itoa(c.RegYear)
		if c.RegMonth > 0 {
			d["dateVehicleFirstRegistered"] = time.Date(c.RegYear, time.Month(c.RegMonth), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		}
	}
	if c.Fuel != "" {
		d["fuelType"] = garage.OptionLabel(garage.Fuels(), c.Fuel)
	}
	if c.Gearbox != "" {
		d["vehicleTransmission"] = garage.OptionLabel(garage.Gearboxes(), c.Gearbox)
	}
	if c.BodyType != "" {
		d["bodyType"] = garage.OptionLabel(garage.BodyTypes(), c.BodyType)
	}
	if c.Colour != "" {
		d["color"] = c.Colour
	}
	if c.Doors > 0 {
		d["numberOfDoors"] = c.Doors
	}
	if c.Seats > 0 {
		d["seatingCapacity"] = c.Seats
	}
	if c.Description != "" {
		d["description"] = c.Description
	}
	var images []string
	for _, p := range photos {
		u := views.PhotoURLAt(photoBase, p.Key, "large") // on the bucket or CDN when PHOTO_PUBLIC_BASE_URL is set
		if photoBase == "" {
			u = base + u
		}
		images = append(images, u)
	}
	if len(images) > 0 {
		d["image"] = images
	}
	return d
}
