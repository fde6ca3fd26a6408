package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// Feeds of the published cars (issue 19): a Google vehicle ads feed (RSS 2.0
// with the g: attributes), a Meta automotive catalogue feed (CSV with its
// documented columns), and the catalogue as plain JSON and CSV (the CSV the
// import reads back). They live under /flux/{secret}/…: read-only, behind a
// secret the owner sees and rotates on /admin/flux. Each is built on request
// from the database; its ETag is the content version, which every change to
// a car bumps, so a reader polling it downloads only what changed.

// feedKinds are the feed files and their content types.
var feedKinds = map[string]string{
	"google.xml":    "application/xml; charset=utf-8",
	"meta.csv":      "text/csv; charset=utf-8",
	"voitures.json": "application/json; charset=utf-8",
	"voitures.csv":  "text/csv; charset=utf-8",
}

// carColumns are the columns of the catalogue export, in order: also what
// the CSV import reads (import ignores id, url and photo).
var exportColumns = []string{"id", "marque", "modele", "version", "titre", "prix", "mois_mise_en_circulation",
	"annee_mise_en_circulation", "kilometrage", "kilometrage_non_garanti", "energie", "boite", "puissance_ch",
	"puissance_fiscale", "portes", "places", "couleur", "carrosserie", "crit_air", "controle_technique", "description",
	"equipements", "url", "photo"}

// feedCar is a published car with what every feed needs.
type feedCar struct {
	Car       *garage.Car
	URL       string   // the car page, absolute
	Photo     string   // the main photo (large), absolute; "" when none
	Equipment []string // names
}

func (a *app) feedCars(ctx context.Context, site string) ([]feedCar, error) {
	cars, _, err := a.store.ListCars(ctx, garage.CarFilter{Statuses: []garage.CarStatus{garage.CarPublished}, NoCount: true})
	if err != nil {
		return nil, err
	}
	out := make([]feedCar, 0, len(cars))
	for _, c := range cars {
		fc := feedCar{Car: c, URL: site + views.CarPath(c)}
		if c.MainPhoto != "" {
			fc.Photo = views.PhotoURLAt(a.cfg.Photos.PublicBaseURL, c.MainPhoto, "large")
			if strings.HasPrefix(fc.Photo, "/") {
				fc.Photo = site + fc.Photo
			}
		}
		eq, err := a.store.CarEquipment(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range eq {
			fc.Equipment = append(fc.Equipment, e.Name)
		}
		out = append(out, fc)
	}
	return out, nil
}

// feedFile serves /flux/{token}/{file}.
func (a *app) feedFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kind := r.PathValue("file")
	contentType, ok := feedKinds[kind]
	secret, err := a.store.CurrentFeedSecret(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if !ok || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(r.PathValue("token"))) != 1 {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	version, err := a.store.ContentVersion(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	etag := `"flux-` + strconv.FormatInt(version, 10) + "-" + strings.ReplaceAll(kind, ".", "-") + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	site := a.siteURL(r)
	cars, err := a.feedCars(ctx, site)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		g = &garage.Details{Name: garage.DefaultName}
	}
	var buf bytes.Buffer
	switch kind {
	case "google.xml":
		err = writeGoogleFeed(&buf, site, g, cars)
	case "meta.csv":
		err = writeMetaFeed(&buf, g, cars)
	case "voitures.json":
		err = writeJSONExport(&buf, cars)
	case "voitures.csv":
		err = writeCSVExport(&buf, cars)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	h.Set("Content-Type", contentType)
	_, _ = w.Write(buf.Bytes())
}

// exportRecord is a car as the export's columns, by name.
func exportRecord(fc feedCar) map[string]string {
	c := fc.Car
	num := func(n int) string { // an unknown number stays empty, as in the car form
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return map[string]string{
		"id": strconv.FormatInt(c.ID, 10), "marque": c.Make, "modele": c.Model, "version": c.Version, "titre": c.Title,
		"prix": num(c.Price), "mois_mise_en_circulation": num(c.RegMonth),
		"annee_mise_en_circulation": num(c.RegYear), "kilometrage": num(c.Mileage),
		"kilometrage_non_garanti": map[bool]string{true: "oui", false: "non"}[c.MileageUnverified],
		"energie":                 c.Fuel, "boite": c.Gearbox, "puissance_ch": num(c.PowerHP),
		"puissance_fiscale": num(c.FiscalHP), "portes": num(c.Doors), "places": num(c.Seats),
		"couleur": c.Colour, "carrosserie": c.BodyType, "crit_air": c.CritAir, "controle_technique": c.CTDate,
		"description": c.Description, "equipements": strings.Join(fc.Equipment, " | "), "url": fc.URL, "photo": fc.Photo,
	}
}

func writeCSVExport(buf *bytes.Buffer, cars []feedCar) error {
	buf.WriteString("\ufeff") // spreadsheets open UTF-8 with the BOM
	cw := csv.NewWriter(buf)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	for _, fc := range cars {
		rec := exportRecord(fc)
		row := make([]string, len(exportColumns))
		for i, col := range exportColumns {
			row[i] = csvSafe(rec[col])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeJSONExport(buf *bytes.Buffer, cars []feedCar) error {
	type jsonCar struct {
		ID                int64    `json:"id"`
		Marque            string   `json:"marque"`
		Modele            string   `json:"modele"`
		Version           string   `json:"version"`
		Titre             string   `json:"titre"`
		Prix              int      `json:"prix"`
		Mois              int      `json:"mois_mise_en_circulation"`
		Annee             int      `json:"annee_mise_en_circulation"`
		Kilometrage       int      `json:"kilometrage"`
		KmNonGaranti      bool     `json:"kilometrage_non_garanti"`
		Energie           string   `json:"energie"`
		Boite             string   `json:"boite"`
		PuissanceCh       int      `json:"puissance_ch"`
		PuissanceFiscale  int      `json:"puissance_fiscale"`
		Portes            int      `json:"portes"`
		Places            int      `json:"places"`
		Couleur           string   `json:"couleur"`
		Carrosserie       string   `json:"carrosserie"`
		CritAir           string   `json:"crit_air"`
		ControleTechnique string   `json:"controle_technique"`
		Description       string   `json:"description"`
		Equipements       []string `json:"equipements"`
		URL               string   `json:"url"`
		Photo             string   `json:"photo,omitempty"`
	}
	out := struct {
		Voitures []jsonCar `json:"voitures"`
	}{Voitures: []jsonCar{}}
	for _, fc := range cars {
		c := fc.Car
		eq := fc.Equipment
		if eq == nil {
			eq = []string{}
		}
		out.Voitures = append(out.Voitures, jsonCar{c.ID, c.Make, c.Model, c.Version, c.Title, c.Price, c.RegMonth, c.RegYear,
			c.Mileage, c.MileageUnverified, c.Fuel, c.Gearbox, c.PowerHP, c.FiscalHP, c.Doors, c.Seats, c.Colour, c.BodyType,
			c.CritAir, c.CTDate, c.Description, eq, fc.URL, fc.Photo})
	}
	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Google vehicle ads: RSS 2.0 items with the g: attributes (in the EEA the
// id stands in for the VIN, which the car record does not hold).
const googleNS = "http://base.google.com/ns/1.0"

type googleFeed struct {
	XMLName xml.Name      `xml:"rss"`
	Version string        `xml:"version,attr"`
	NS      string        `xml:"xmlns:g,attr"`
	Channel googleChannel `xml:"channel"`
}

type googleChannel struct {
	Title       string       `xml:"title"`
	Link        string       `xml:"link"`
	Description string       `xml:"description"`
	Items       []googleItem `xml:"item"`
}

type googleItem struct {
	ID          string             `xml:"g:id"`
	Title       string             `xml:"g:title"`
	Description string             `xml:"g:description"`
	Link        string             `xml:"g:link"`
	ImageLink   string             `xml:"g:image_link,omitempty"`
	Price       string             `xml:"g:price"`
	Condition   string             `xml:"g:condition"`
	Brand       string             `xml:"g:brand"`
	Model       string             `xml:"g:model"`
	Trim        string             `xml:"g:trim,omitempty"`
	Year        int                `xml:"g:year"`
	Mileage     string             `xml:"g:mileage"`
	Color       string             `xml:"g:color,omitempty"`
	BodyStyle   string             `xml:"g:body_style,omitempty"`
	Engine      string             `xml:"g:engine,omitempty"`
	Fulfillment googleFulfillment  `xml:"g:vehicle_fulfillment"`
	StoreCode   string             `xml:"g:store_code"`
	Dealership  string             `xml:"g:dealership_name"`
	Address     string             `xml:"g:dealership_address,omitempty"`
	Extra       []googleProductDet `xml:"g:product_detail,omitempty"`
}

type googleFulfillment struct {
	Option    string `xml:"g:option"`
	StoreCode string `xml:"g:store_code"`
}

type googleProductDet struct {
	Name  string `xml:"g:attribute_name"`
	Value string `xml:"g:attribute_value"`
}

var googleEngines = map[string]string{"essence": "gasoline", "diesel": "diesel", "electrique": "electric", "hybride": "hybrid",
	"hybride-rechargeable": "plug_in_hybrid", "gpl": "other", "e85": "flex"}

// storeCode identifies the garage in the feeds: its SIRET, else its name.
func storeCode(g *garage.Details) string {
	if g.SIRET != "" {
		return g.SIRET
	}
	return "garage"
}

func carDescriptionText(c *garage.Car) string {
	if d := strings.TrimSpace(c.Description); d != "" {
		return d
	}
	return carDescription(c)
}

func writeGoogleFeed(buf *bytes.Buffer, site string, g *garage.Details, cars []feedCar) error {
	f := googleFeed{Version: "2.0", NS: googleNS, Channel: googleChannel{Title: g.DisplayName() + " — véhicules d'occasion",
		Link: site + "/occasions", Description: "Véhicules d'occasion en vente au " + g.DisplayName()}}
	for _, fc := range cars {
		c := fc.Car
		it := googleItem{ID: strconv.FormatInt(c.ID, 10), Title: c.DisplayTitle(), Description: carDescriptionText(c), Link: fc.URL,
			ImageLink: fc.Photo, Price: strconv.Itoa(c.Price) + ".00 EUR", Condition: "used", Brand: c.Make, Model: c.Model,
			Trim: c.Version, Year: c.RegYear, Mileage: strconv.Itoa(c.Mileage) + " km", Color: c.Colour,
			BodyStyle: garage.OptionLabel(garage.BodyTypes(), c.BodyType), Engine: googleEngines[c.Fuel],
			Fulfillment: googleFulfillment{Option: "in_store", StoreCode: storeCode(g)}, StoreCode: storeCode(g),
			Dealership: g.DisplayName(), Address: g.Address()}
		if c.CritAir != "" {
			it.Extra = append(it.Extra, googleProductDet{"Crit'Air", garage.OptionLabel(garage.CritAirClasses(), c.CritAir)})
		}
		f.Channel.Items = append(f.Channel.Items, it)
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	buf.WriteString("\n")
	return nil
}

// Meta automotive catalogue (automotive inventory ads), CSV columns as
// documented, enum values in capitals.
var metaColumns = []string{"vehicle_id", "title", "description", "url", "make", "model", "trim", "year", "mileage.value",
	"mileage.unit", "image[0].url", "transmission", "fuel_type", "body_style", "exterior_color", "state_of_vehicle", "price",
	"dealer_name", "dealer_phone", "address.addr1", "address.city", "address.postal_code", "address.region", "address.country"}

var (
	metaFuels = map[string]string{"essence": "PETROL", "diesel": "DIESEL", "electrique": "ELECTRIC", "hybride": "HYBRID",
		"hybride-rechargeable": "PLUGIN_HYBRID", "gpl": "OTHER", "e85": "FLEX"}
	metaGearboxes = map[string]string{"manuelle": "MANUAL", "automatique": "AUTOMATIC"}
	metaBodies    = map[string]string{"citadine": "SMALL_CAR", "berline": "SEDAN", "break": "WAGON", "suv": "SUV",
		"monospace": "MINIVAN", "coupe": "COUPE", "cabriolet": "CONVERTIBLE", "utilitaire": "VAN"}
)

func orOther(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return "OTHER"
}

func writeMetaFeed(buf *bytes.Buffer, g *garage.Details, cars []feedCar) error {
	cw := csv.NewWriter(buf)
	if err := cw.Write(metaColumns); err != nil {
		return err
	}
	for _, fc := range cars {
		c := fc.Car
		row := []string{strconv.FormatInt(c.ID, 10), c.DisplayTitle(), carDescriptionText(c), fc.URL, c.Make, c.Model, c.Version,
			strconv.Itoa(c.RegYear), strconv.Itoa(c.Mileage), "KM", fc.Photo, orOther(metaGearboxes, c.Gearbox),
			orOther(metaFuels, c.Fuel), orOther(metaBodies, c.BodyType), c.Colour, "USED", strconv.Itoa(c.Price) + " EUR",
			g.DisplayName(), g.Phone, g.Street, g.City, g.PostalCode, "Occitanie", "FR"}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
