package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// weekForm is the weekly hours form as the browser sends it for the
// garage's default week.
func weekForm() url.Values {
	f := url.Values{}
	for i := 0; i < 5; i++ {
		p := "d" + string(rune('0'+i)) + "_"
		f.Set(p+"o1", "08:45")
		f.Set(p+"c1", "12:00")
		f.Set(p+"o2", "14:00")
		f.Set(p+"c2", "18:00")
	}
	f.Set("d5_o1", "08:45")
	f.Set("d5_c1", "12:00")
	f.Set("d6_closed", "1")
	return f
}

func TestEmployeeForgingAdminPostsGets403(t *testing.T) {
	e := newEnv(t, "sqlite")
	emp := e.loggedIn(employeeEmail, employeePass)
	before := len(e.auditActions(t))
	n := 0
	for _, rt := range e.app.routes() {
		method, path := samplePath(rt.pattern)
		if method != http.MethodPost || rt.access != adminOnly {
			continue
		}
		n++
		path = strings.ReplaceAll(path, "{id}", "1")
		res := e.postForm(emp, path, url.Values{"title": {"x"}, "year": {"2026"}, "role": {"admin"}})
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.text(), "Accès refusé") {
			t.Errorf("employee POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	if n < 16 {
		t.Fatalf("only %d admin POST routes", n)
	}
	if after := len(e.auditActions(t)); after != before {
		t.Errorf("refused posts wrote %d audit rows", after-before)
	}
}

func TestAdminChangesWeeklyHours(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		admin := e.loggedIn(adminEmail, adminPassword)
		page := e.get(admin, "/admin/horaires")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.text(), `name="d0_o1"`) || !strings.Contains(page.text(), `value="08:45"`) ||
			!strings.Contains(page.text(), `step="300"`) {
			t.Fatalf("form: %d", page.StatusCode)
		}
		// Saturday backwards, Tuesday half a range, Wednesday not on 5 minutes.
		f := weekForm()
		f.Set("d5_o1", "12:00")
		f.Set("d5_c1", "08:45")
		f.Set("d1_c2", "")
		f.Set("d2_o1", "08:47")
		res := e.postForm(admin, "/admin/horaires", f)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid week: %d", res.StatusCode)
		}
		for _, want := range []string{"doit se terminer après son début", "Indiquez l'heure d'ouverture et l'heure de fermeture",
			"multiple de 5 minutes", `id="d5_o1" name="d5_o1" value="12:00" aria-invalid="true" aria-describedby="d5_erreur"`,
			`value="08:47"`} {
			if !strings.Contains(res.text(), want) {
				t.Errorf("422 page lacks %q", want)
			}
		}
		if w, _ := e.store.OpeningHours(context.Background()); w[5].Ranges[0].Open != 525 {
			t.Fatal("invalid hours were saved")
		}
		// Saturday 9 h – 12 h 30, Friday until midnight.
		f = weekForm()
		f.Set("d5_o1", "09:00")
		f.Set("d5_c1", "12:30")
		f.Set("d4_c2", "00:00")
		res = e.postForm(admin, "/admin/horaires", f)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/horaires" {
			t.Fatalf("save: %d %s", res.StatusCode, res.text())
		}
		if page := e.get(admin, "/admin/horaires"); !strings.Contains(page.text(), "Les horaires d'ouverture ont été enregistrés.") {
			t.Error("no confirmation")
		}
		home := e.get(e.client(), "/")
		for _, want := range []string{`<th scope="row">samedi</th><td>9 h 00 – 12 h 30</td>`,
			`<th scope="row">vendredi</th><td>8 h 45 – 12 h 00 et 14 h 00 – 24 h 00</td>`} {
			if !strings.Contains(home.text(), want) {
				t.Errorf("footer lacks %q", want)
			}
		}
		list, _ := e.store.ListAudit(context.Background(), "hours.update", 10, 0)
		if len(list) != 1 || !strings.Contains(list[0].Details, `samedi 8 h 45 – 12 h 00`) || !strings.Contains(list[0].Details, `samedi 9 h 00 – 12 h 30`) ||
			list[0].ActorEmail != adminEmail {
			t.Fatalf("audit: %+v", list)
		}
	})
}

func TestAdminAddsClosureAndFooterShowsIt(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine()) // Wednesday 4 March 2026, 10:00
		admin := e.loggedIn(adminEmail, adminPassword)
		visitor := e.client()
		if home := e.get(visitor, "/"); !strings.Contains(home.text(), "Ouvert jusqu'à 12\u00a0h\u00a000") {
			t.Fatal("not open before the closure")
		}
		// Invalid: no label, end before start; the input comes back.
		res := e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {""}, "first": {"2026-03-10"}, "last": {"2026-03-05"}, "kind": {"closed"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "Le libellé est obligatoire.") ||
			!strings.Contains(res.text(), `value="2026-03-10"`) {
			t.Fatalf("invalid exception: %d", res.StatusCode)
		}
		res = e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {"Inventaire"}, "first": {"2026-03-10"}, "last": {"2026-03-05"}, "kind": {"closed"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "La date de fin doit être") {
			t.Fatalf("backwards exception: %d", res.StatusCode)
		}
		res = e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {"Inventaire"}, "first": {"2026-03-04"}, "last": {"2026-03-05"}, "kind": {"closed"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.StatusCode, res.text())
		}
		res = e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {"Portes ouvertes"}, "first": {"2026-03-08"}, "kind": {"hours"},
			"x_o1": {"10:00"}, "x_c1": {"17:00"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add special hours: %d %s", res.StatusCode, res.text())
		}
		// Overlap refused.
		res = e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {"Doublon"}, "first": {"2026-03-05"}, "kind": {"closed"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "Une autre exception couvre déjà") {
			t.Fatalf("overlap: %d", res.StatusCode)
		}
		for _, p := range []string{"/", "/contact", "/services"} {
			body := e.get(visitor, p).text()
			for _, want := range []string{"Fermé — ouvre vendredi à 8\u00a0h\u00a045", "Inventaire", "du mercredi 4 mars 2026 au jeudi 5 mars 2026, fermé",
				"Portes ouvertes", "le dimanche 8 mars 2026, 10\u00a0h\u00a000 – 17\u00a0h\u00a000"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q", p, want)
				}
			}
		}
		if got := e.auditActions(t); !contains(got, "hours.exception.create") {
			t.Errorf("audit %v", got)
		}
		// Deleting a coming exception works; a past one is kept.
		list, _ := e.store.ListExceptions(context.Background(), hoursDate(2026, 3, 1))
		res = e.postForm(admin, "/admin/horaires/exceptions/"+itoa(int(list[1].ID))+"/supprimer", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if body := e.get(visitor, "/").text(); strings.Contains(body, "Portes ouvertes") {
			t.Error("deleted exception still shown")
		}
		e.clock.Advance(10 * 24 * time.Hour)
		res = e.postForm(admin, "/admin/horaires/exceptions/"+itoa(int(list[0].ID))+"/supprimer", nil)
		if _, err := e.store.ExceptionByID(context.Background(), list[0].ID); err != nil {
			t.Fatalf("past exception deleted: %d %v", res.StatusCode, err)
		}
		admin = e.loggedIn(adminEmail, adminPassword)
		if page := e.get(admin, "/admin/horaires"); !strings.Contains(page.text(), "Exceptions passées") || !strings.Contains(page.text(), "Inventaire") {
			t.Error("past exception not listed")
		}
		if res := e.postForm(admin, "/admin/horaires/exceptions/999/supprimer", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown exception: %d", res.StatusCode)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestHolidayImport(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	res := e.postForm(admin, "/admin/horaires/feries", url.Values{"year": {"2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", res.StatusCode)
	}
	if page := e.get(admin, "/admin/horaires"); !strings.Contains(page.text(), "11 jours fériés 2026 ajoutés") || !strings.Contains(page.text(), "Lundi de Pâques") ||
		!strings.Contains(page.text(), "le lundi 6 avril 2026") {
		t.Error("import not confirmed")
	}
	e.postForm(admin, "/admin/horaires/feries", url.Values{"year": {"2026"}})
	if page := e.get(admin, "/admin/horaires"); !strings.Contains(page.text(), "étaient déjà tous enregistrés") {
		t.Error("second import")
	}
	for _, y := range []string{"2020", "abc", ""} {
		if res := e.postForm(admin, "/admin/horaires/feries", url.Values{"year": {y}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("year %q: %d", y, res.StatusCode)
		}
	}
	// 6 April 2026 is 33 days after "today": the footer announces it.
	if body := e.get(e.client(), "/").text(); !strings.Contains(body, "Lundi de Pâques") || strings.Contains(body, "Noël") {
		t.Error("footer does not show exactly the holidays of the next 60 days")
	}
}

var jsonLDRe = regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)

func TestAutoRepairJSONLD(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	e.postForm(admin, "/admin/horaires/exceptions", url.Values{"label": {"Fermé </script><script>alert(1)</script>"}, "first": {"2026-03-20"}, "last": {"2026-03-22"}, "kind": {"closed"}})
	for _, p := range []string{"/", "/contact"} {
		body := e.get(e.client(), p).body
		m := jsonLDRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no JSON-LD", p)
		}
		if strings.Contains(body, "<script>alert(1)") {
			t.Fatalf("%s: label not escaped", p)
		}
		var d struct {
			Type      string `json:"@type"`
			Name      string
			Telephone string
			Address   struct{ StreetAddress, PostalCode string }
			Hours     []map[string]string `json:"openingHoursSpecification"`
		}
		if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
			t.Fatalf("%s: %v in %s", p, err, m[1])
		}
		if d.Type != "AutoRepair" || d.Name != "Garage V. Parrot" || d.Telephone != "05 61 00 00 00" || d.Address.PostalCode != "31000" {
			t.Errorf("%s: %+v", p, d)
		}
		if len(d.Hours) != 12 || d.Hours[0]["dayOfWeek"] != "https://schema.org/Monday" || d.Hours[0]["opens"] != "08:45" {
			t.Errorf("%s: hours %v", p, d.Hours)
		}
		last := d.Hours[len(d.Hours)-1]
		if last["validFrom"] != "2026-03-20" || last["validThrough"] != "2026-03-22" || last["opens"] != "00:00" || last["closes"] != "00:00" ||
			!strings.HasPrefix(last["name"], "Fermé </script>") {
			t.Errorf("%s: exception %v", p, last)
		}
	}
	if body := e.get(e.client(), "/services").body; strings.Contains(body, "application/ld+json") {
		t.Error("JSON-LD on a page other than home and contact")
	}
}

func hoursDate(y int, m, d int) hours.Date { return hours.Date{Year: y, Month: time.Month(m), Day: d} }

// text is the body with HTML entities decoded (templ escapes apostrophes).
func (r *response) text() string { return html.UnescapeString(r.body) }

func TestExceptionFormErrorsNextToFields(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	for _, tc := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"label": {"Portes ouvertes"}, "first": {"2026-03-08"}, "kind": {"hours"}, "x_o1": {"17:00"}, "x_c1": {"10:00"}}, "hours", "doit se terminer après son début"},
		{url.Values{"label": {"Portes ouvertes"}, "first": {"2026-03-08"}, "kind": {"hours"}}, "hours", "Indiquez les horaires exceptionnels"},
		{url.Values{"label": {"Fermeture"}, "first": {"2026-01-01"}, "last": {"2027-06-01"}, "kind": {"closed"}}, "last", "au plus 366 jours"},
		{url.Values{"label": {"Fermeture"}, "first": {"08/03/2026"}, "kind": {"closed"}}, "first", "La date de début n'est pas une date valide"},
		{url.Values{"label": {strings.Repeat("x", 81)}, "first": {"2026-03-08"}, "kind": {"closed"}}, "label", "ne doit pas dépasser 80 caractères"},
	} {
		res := e.postForm(admin, "/admin/horaires/exceptions", tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), `<p class="field-error" id="`+tc.field+`-erreur">`) ||
			!strings.Contains(res.text(), tc.want) {
			t.Errorf("%v: %d, want %q next to %s", tc.form, res.StatusCode, tc.want, tc.field)
		}
	}
	if list, _ := e.store.ListExceptions(context.Background(), hoursDate(2000, 1, 1)); len(list) != 0 {
		t.Fatalf("%d exceptions saved", len(list))
	}
}
