package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// Import limits.
const (
	maxImportBytes = 2 << 20
	maxImportRows  = 1000
)

// importFields maps the export's columns to the car form's fields (the same
// validation as the form); the other columns are read apart.
var importFields = map[string]string{"marque": "make", "modele": "model", "version": "version", "titre": "title", "prix": "price",
	"mois_mise_en_circulation": "reg_month", "annee_mise_en_circulation": "reg_year", "kilometrage": "mileage",
	"energie": "fuel", "boite": "gearbox", "puissance_ch": "power_hp", "puissance_fiscale": "fiscal_hp", "portes": "doors",
	"places": "seats", "couleur": "colour", "carrosserie": "body_type", "crit_air": "crit_air", "description": "description"}

// feedAdmin is /admin/flux: the feed URLs with their secret, and the import form.
func (a *app) feedAdmin(w http.ResponseWriter, r *http.Request) {
	a.renderFeedAdmin(w, r, http.StatusOK, nil)
}

func (a *app) renderFeedAdmin(w http.ResponseWriter, r *http.Request, status int, report *views.ImportReport) {
	ctx := r.Context()
	fresh, _, err := newToken()
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	secret, err := a.store.FeedSecret(ctx, fresh, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	base := a.siteURL(r) + "/flux/" + secret + "/"
	files := []views.FeedFile{
		{Label: "Google (annonces de véhicules, XML)", URL: base + "google.xml"},
		{Label: "Meta / Facebook (catalogue automobile, CSV)", URL: base + "meta.csv"},
		{Label: "Export JSON", URL: base + "voitures.json"},
		{Label: "Export CSV (les colonnes de l'import)", URL: base + "voitures.csv"},
	}
	p, err := a.page(r, "flux", "Flux et import", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.render(w, r, status, views.AdminFeeds(p, files, report))
}

// feedRotatePost replaces the feeds' secret.
func (a *app) feedRotatePost(w http.ResponseWriter, r *http.Request) {
	token, _, err := newToken()
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.store.RotateFeedSecret(r.Context(), token, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Nouvelle clé secrète : donnez les nouvelles adresses à vos partenaires.", "/admin/flux")
}

// carImportPost checks an uploaded CSV of cars and, when asked and every
// row is valid, imports them all as drafts in one transaction.
func (a *app) carImportPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10)
	if err := r.ParseMultipartForm(maxImportBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.renderFeedAdmin(w, r, http.StatusRequestEntityTooLarge, &views.ImportReport{Error: "Le fichier dépasse 2 Mo."})
			return
		}
		a.renderFeedAdmin(w, r, http.StatusBadRequest, &views.ImportReport{Error: "Choisissez un fichier CSV à envoyer."})
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, header, err := r.FormFile("fichier")
	if err != nil {
		a.renderFeedAdmin(w, r, http.StatusBadRequest, &views.ImportReport{Error: "Choisissez un fichier CSV à envoyer."})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImportBytes+1))
	if err != nil || len(data) > maxImportBytes {
		a.renderFeedAdmin(w, r, http.StatusRequestEntityTooLarge, &views.ImportReport{Error: "Le fichier dépasse 2 Mo."})
		return
	}
	name := header.Filename
	if !utf8.ValidString(name) || len(name) > 200 {
		name = "fichier"
	}
	u := currentUser(r.Context())
	cars, report := parseCarImport(data, a.today(), &u.ID)
	report.File = name
	if report.Error != "" || len(report.Problems) > 0 {
		a.renderFeedAdmin(w, r, http.StatusUnprocessableEntity, report)
		return
	}
	if r.FormValue("action") != "importer" {
		a.renderFeedAdmin(w, r, http.StatusOK, report)
		return
	}
	if err := a.store.ImportCars(r.Context(), cars, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	report.Imported = true
	a.renderFeedAdmin(w, r, http.StatusOK, report)
}

// parseCarImport reads a CSV in the export's columns. Every bad row is
// reported with its line in the file, its column and the French message of
// the car form's validator; nothing is returned to import unless every row
// is good.
func parseCarImport(data []byte, today time.Time, by *int64) ([]store.ImportedCar, *views.ImportReport) {
	report := &views.ImportReport{}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		report.Error = "Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur."
		return nil, report
	}
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(data))
	if strings.Count(string(first), ";") > strings.Count(string(first), ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		report.Error = "Le fichier est vide ou n'est pas un CSV lisible."
		return nil, report
	}
	cols := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		_, known := importFields[h]
		if !known && h != "id" && h != "url" && h != "photo" && h != "kilometrage_non_garanti" && h != "controle_technique" && h != "equipements" {
			report.Problems = append(report.Problems, views.ImportRow{Line: 1, Column: h, Message: "Colonne inconnue : reprenez les colonnes de l'export CSV."})
			continue
		}
		cols[h] = i
	}
	for _, need := range []string{"marque", "modele", "prix"} {
		if _, ok := cols[need]; !ok {
			report.Problems = append(report.Problems, views.ImportRow{Line: 1, Column: need, Message: "Colonne obligatoire absente."})
		}
	}
	if len(report.Problems) > 0 {
		return nil, report
	}
	labels := map[string]string{}
	for col, key := range importFields {
		labels[key] = col
	}
	var out []store.ImportedCar
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			report.Problems = append(report.Problems, views.ImportRow{Line: line, Column: "—", Message: "Ligne illisible (guillemets ou séparateurs)."})
			break
		}
		if len(out)+len(report.Problems) >= maxImportRows {
			report.Error = "Le fichier dépasse " + strconv.Itoa(maxImportRows) + " lignes : découpez-le."
			return nil, report
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok && i < len(rec) {
				return unCSVSafe(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		blank := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		c := &garage.Car{CreatedBy: by}
		v := garage.NewValidator()
		for _, fd := range garage.CarFields {
			if col, ok := labels[fd.Key]; ok {
				fd.Set(c, v, get(col))
			}
		}
		v.Line("make", "La marque", c.Make, true, 100)
		v.Line("model", "Le modèle", c.Model, true, 100)
		v.Check(c.Price > 0 || v.Has("price"), "price", "Le prix est obligatoire.")
		v.Check(c.RegYear <= today.Year()+1, "reg_year", "L'année de mise en circulation ne peut pas être dans le futur.")
		switch strings.ToLower(get("kilometrage_non_garanti")) {
		case "", "non", "0", "false":
		case "oui", "1", "true":
			c.MileageUnverified = true
		default:
			v.Fail("mileage_unverified", "Le kilométrage non garanti s'écrit « oui » ou « non ».")
		}
		c.CTDate = garage.DateText(v.Date(garage.CarCTDate, "La date du contrôle technique", get("controle_technique"), false,
			time.Date(garage.CarMinCTYear, 1, 1, 0, 0, 0, 0, time.UTC), today))
		var equipment []string
		for part := range strings.SplitSeq(get("equipements"), "|") {
			name := v.Line("equipements", "Chaque équipement", garage.SquashSpaces(part), false, garage.MaxEquipmentName)
			if name != "" {
				equipment = append(equipment, name)
			}
		}
		if !v.Valid() {
			for _, key := range sortedKeys(v.Errors) {
				col := labels[key]
				switch key {
				case "mileage_unverified":
					col = "kilometrage_non_garanti"
				case garage.CarCTDate:
					col = "controle_technique"
				case "equipements":
					col = key
				}
				report.Problems = append(report.Problems, views.ImportRow{Line: line, Column: col, Message: v.Errors[key]})
			}
			continue
		}
		out = append(out, store.ImportedCar{Car: c, Equipment: equipment})
	}
	report.Valid = len(out)
	if len(out) == 0 && len(report.Problems) == 0 {
		report.Error = "Le fichier ne contient aucune voiture."
	}
	return out, report
}

// unCSVSafe undoes csvSafe: the export's "'=…" is read back as "=…".
func unCSVSafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func sortedKeys(m garage.FieldErrors) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
