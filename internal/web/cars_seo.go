package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

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

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapStaticPaths are the public pages listed in sitemap.xml besides cars.
var sitemapStaticPaths = []string{"/", "/services", "/occasions", "/avis", "/avis/moderation", "/contact", "/mentions-legales", "/confidentialite"}

// sitemapMaxCars bounds the sitemap (one file holds at most 50 000 URLs).
const sitemapMaxCars = 40000

// sitemap lists the static pages, the published cars and the cars sold in
// the last soldBadgeDays days.
func (a *app) sitemap(w http.ResponseWriter, r *http.Request) {
	since, err := a.soldSince(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	cars, _, err := a.store.ListCars(r.Context(), garage.CarFilter{
		Statuses: []garage.CarStatus{garage.CarPublished}, SoldSince: &since, Limit: sitemapMaxCars, NoCount: true,
	})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	set := sitemapURLSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range sitemapStaticPaths {
		set.URLs = append(set.URLs, sitemapURL{Loc: a.cfg.PublicURL + p})
	}
	for _, c := range cars {
		set.URLs = append(set.URLs, sitemapURL{Loc: a.cfg.PublicURL + views.CarPath(c), LastMod: c.UpdatedAt.UTC().Format("2006-01-02")})
	}
	out, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=600")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
