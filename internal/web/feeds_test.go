package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

var feedURLRe = regexp.MustCompile(`https://garage-parrot\.test(/flux/[A-Za-z0-9_\-]+/)google\.xml`)

// feedBase opens /admin/flux as the owner and returns the feeds' path prefix.
func feedBase(t *testing.T, e *env, admin *http.Client) string {
	t.Helper()
	res := e.get(admin, "/admin/flux")
	m := feedURLRe.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("/admin/flux: %d, no feed URL", res.StatusCode)
	}
	return m[1]
}

func TestFeedsParseAndCarryTheRequiredFields(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine, func(c *config.Config) { c.PublicURL = "https://garage-parrot.test" })
			now := e.clock.Now()
			clio := car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle")
			clio.Description = "=HYPERLINK(\"x\") & <b>gras</b>, \"guillemets\""
			e.addCar(clio, garage.CarPublished, now.Add(-time.Hour))
			e.addCar(car("Peugeot", "3008", "GT", 27900, 2021, 64000, "diesel", "automatique"), garage.CarPublished, now)
			e.addCar(car("Fiat", "500", "Lounge", 6990, 2015, 110000, "essence", "manuelle"), garage.CarDraft, now)
			admin := e.loggedIn(adminEmail, adminPassword)
			base := feedBase(t, e, admin)
			c := e.client()

			// Google: RSS 2.0 with the g: namespace, one item per published car.
			res := e.get(c, base+"google.xml")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/xml") {
				t.Fatalf("google: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			var rss struct {
				XMLName xml.Name `xml:"rss"`
				Items   []struct {
					ID, Title, Link, ImageLink, Price, Condition, Brand, Model, Year, Mileage, StoreCode string
					Fulfillment                                                                          struct{ Option, StoreCode string }
				} `xml:"channel>item"`
			}
			// encoding/xml matches names without namespace; check the namespace separately.
			body := res.body
			for _, tag := range []string{"id", "title", "link", "image_link", "price", "condition", "brand", "model", "year", "mileage", "store_code", "vehicle_fulfillment", "option"} {
				body = strings.ReplaceAll(body, "<g:"+tag+">", "<"+xmlName(tag)+">")
				body = strings.ReplaceAll(body, "</g:"+tag+">", "</"+xmlName(tag)+">")
			}
			if !strings.Contains(res.body, `xmlns:g="http://base.google.com/ns/1.0"`) {
				t.Error("google feed without the g: namespace")
			}
			if err := xml.Unmarshal([]byte(body), &rss); err != nil {
				t.Fatalf("google feed does not parse: %v", err)
			}
			if len(rss.Items) != 2 {
				t.Fatalf("google items %d, want 2", len(rss.Items))
			}
			for _, it := range rss.Items {
				if it.ID == "" || it.Title == "" || !strings.HasPrefix(it.Link, "https://garage-parrot.test/occasions/") ||
					!strings.HasPrefix(it.ImageLink, "https://garage-parrot.test/photos/") || !strings.HasSuffix(it.Price, " EUR") ||
					it.Condition != "used" || it.Brand == "" || it.Model == "" || len(it.Year) != 4 || !strings.HasSuffix(it.Mileage, " km") ||
					it.Fulfillment.Option != "in_store" || it.Fulfillment.StoreCode == "" {
					t.Errorf("google item lacks a required attribute: %+v", it)
				}
			}
			// Cheap when nothing changed: 304 on the same content version.
			etag := res.Header.Get("ETag")
			if again := e.getWith(c, base+"google.xml", http.Header{"If-None-Match": {etag}}); again.StatusCode != http.StatusNotModified {
				t.Errorf("same version: %d, want 304", again.StatusCode)
			}

			// Meta: CSV with its documented columns.
			res = e.get(c, base+"meta.csv")
			rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Fatalf("meta csv: %v, %d rows", err, len(rows))
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for _, need := range []string{"vehicle_id", "title", "description", "url", "make", "model", "year", "mileage.value",
				"mileage.unit", "image[0].url", "transmission", "fuel_type", "body_style", "state_of_vehicle", "price", "address.city", "address.country"} {
				if _, ok := col[need]; !ok {
					t.Fatalf("meta column %q missing", need)
				}
				for _, r := range rows[1:] {
					if r[col[need]] == "" {
						t.Errorf("meta %s empty in %v", need, r)
					}
				}
			}
			if rows[1][col["mileage.unit"]] != "KM" || rows[1][col["state_of_vehicle"]] != "USED" || !strings.HasSuffix(rows[1][col["price"]], " EUR") {
				t.Errorf("meta values %v", rows[1])
			}

			// JSON and CSV exports.
			res = e.get(c, base+"voitures.json")
			var export struct {
				Voitures []map[string]any `json:"voitures"`
			}
			if err := json.Unmarshal([]byte(res.body), &export); err != nil || len(export.Voitures) != 2 {
				t.Fatalf("json export: %v %d", err, len(export.Voitures))
			}
			for _, v := range export.Voitures {
				for _, k := range []string{"id", "marque", "modele", "prix", "kilometrage", "url"} {
					if v[k] == nil || v[k] == "" {
						t.Errorf("json %s missing in %v", k, v)
					}
				}
			}
			res = e.get(c, base+"voitures.csv")
			rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
			if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(exportColumns, ",") {
				t.Fatalf("csv export: %v %v", err, rows)
			}
			if strings.Contains(res.body, "\n=HYPERLINK") || strings.Contains(res.body, ",=HYPERLINK") {
				t.Error("a formula reaches the spreadsheet")
			}

			// A wrong secret or file: 404. Rotating: the old URLs stop.
			for _, p := range []string{"/flux/nope/google.xml", base + "autre.xml"} {
				if res := e.get(c, p); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, res.StatusCode)
				}
			}
			if res := e.postForm(admin, "/admin/flux/renouveler", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("rotate: %d", res.StatusCode)
			}
			if res := e.get(c, base+"google.xml"); res.StatusCode != http.StatusNotFound {
				t.Errorf("old secret after rotation: %d", res.StatusCode)
			}
			if nb := feedBase(t, e, admin); nb == base || e.get(c, nb+"google.xml").StatusCode != http.StatusOK {
				t.Errorf("new secret %q", nb)
			}
			employee := e.loggedIn(employeeEmail, employeePass)
			if res := e.get(employee, "/admin/flux"); res.StatusCode != http.StatusForbidden {
				t.Errorf("employee on /admin/flux: %d", res.StatusCode)
			}

			// The CSV export reads back through the import (dry run).
			exported := e.get(c, feedBase(t, e, admin)+"voitures.csv").body
			res = e.uploadImport(admin, exported, "verifier")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "2 ligne(s) valide(s)") {
				t.Fatalf("export read back: %d %s", res.StatusCode, res.body)
			}
		})
	}
}

// xmlName turns a g: attribute into the element name the test struct uses.
func xmlName(tag string) string {
	switch tag {
	case "image_link":
		return "ImageLink"
	case "store_code":
		return "StoreCode"
	case "vehicle_fulfillment":
		return "Fulfillment"
	case "id":
		return "ID"
	}
	return strings.ToUpper(tag[:1]) + tag[1:]
}

// uploadImport posts a CSV to the import as the admin's form does.
func (e *env) uploadImport(c *http.Client, content, action string) *response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("fichier", "voitures.csv")
	fw.Write([]byte(content))
	mw.WriteField("action", action)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/admin/flux/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.server.URL)
	return e.do(c, req)
}

func TestCarImportIsAllOrNothing(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.loggedIn(adminEmail, adminPassword)
			count := func() int {
				n, err := e.store.CountCarsByStatus(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n[garage.CarDraft] + n[garage.CarPublished]
			}
			good := "marque;modele;version;prix;annee_mise_en_circulation;kilometrage;energie;boite;controle_technique;equipements\n" +
				"Renault;Clio;V TCe 90;15490;2022;21000;essence;manuelle;2025-06-01;GPS | Caméra de recul\n" +
				"Peugeot;208;;12 490;2021;45000;essence;manuelle;;\n"
			bad := good + "Fiat;;Lounge;abc;2015;110000;kerosene;manuelle;2025-02-30;\n"

			res := e.uploadImport(admin, bad, "importer")
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad file: %d", res.StatusCode)
			}
			for _, want := range []string{"rien n'a été importé", "<td>4</td><td><code>modele</code></td>", "<code>prix</code>",
				"<code>energie</code>", "<code>controle_technique</code>"} {
				if !strings.Contains(res.body, want) {
					t.Errorf("report lacks %q", want)
				}
			}
			if n := count(); n != 0 {
				t.Fatalf("%d cars imported from a file with a bad row", n)
			}
			if res := e.uploadImport(admin, good, "verifier"); res.StatusCode != http.StatusOK || count() != 0 {
				t.Fatalf("dry run: %d, %d cars", res.StatusCode, count())
			}
			res = e.uploadImport(admin, good, "importer")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "2 voiture(s) importée(s)") {
				t.Fatalf("import: %d", res.StatusCode)
			}
			cars, _, err := e.store.ListCars(ctx, garage.CarFilter{})
			if err != nil || len(cars) != 2 {
				t.Fatalf("cars %v %v", cars, err)
			}
			for _, c := range cars {
				if c.Status != garage.CarDraft {
					t.Errorf("imported as %s", c.Status)
				}
				if c.Make == "Renault" {
					if eq, _ := e.store.CarEquipment(ctx, c.ID); len(eq) != 2 || c.CTDate != "2025-06-01" {
						t.Errorf("clio equipment %v ct %q", eq, c.CTDate)
					}
				}
			}
			if !strings.Contains(strings.Join(e.auditActions(t), ","), "car.import") {
				t.Error("no audit row for the import")
			}
			// Limits and junk: 4xx in French, nothing stored.
			for _, junk := range []string{"", "\xff\xfe", "pas,un,csv\n1,2,3\n", strings.Repeat("x", maxImportBytes+10)} {
				res := e.uploadImport(admin, junk, "importer")
				if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(res.body, `lang="fr"`) {
					t.Errorf("junk %.20q: %d", junk, res.StatusCode)
				}
			}
			if n := count(); n != 2 {
				t.Fatalf("%d cars after junk", n)
			}
		})
	}
}
