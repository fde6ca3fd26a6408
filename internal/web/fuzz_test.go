package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
)

// FuzzParseCarQuery: whatever the query string, the filter parser either
// rejects it with a French message or returns a filter whose bounds are
// ordered, whose page is positive and whose limit is bounded.
func FuzzParseCarQuery(f *testing.F) {
	for _, seed := range []string{
		"", "prix_min=5000&prix_max=20000", "prix_min=abc", "prix_max=-1", "page=99999999999999999999",
		"km_min=200000&km_max=10", "annee_min=1900&annee_max=3000", "tri=prix_asc&marque=Peugeot&energie=diesel",
		"prix_min=1e5", "prix_min=12%20990", "marque=%00%FF", "page=0", "tri=';DROP TABLE cars;--",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		filter, search, bad := parseCarQuery(q)
		if bad != nil {
			if bad.msg == "" {
				t.Fatalf("rejection without a message for %q", raw)
			}
			return
		}
		if search == nil || search.Page < 1 {
			t.Fatalf("page %v for %q", search, raw)
		}
		if filter.Limit <= 0 || filter.Limit > 100 {
			t.Fatalf("limit %d for %q", filter.Limit, raw)
		}
		for _, r := range [][2]*int{{filter.PriceMin, filter.PriceMax}, {filter.MileageMin, filter.MileageMax}, {filter.YearMin, filter.YearMax}} {
			if r[0] != nil && r[1] != nil && *r[0] > *r[1] {
				t.Fatalf("inverted range %d > %d for %q", *r[0], *r[1], raw)
			}
			if r[0] != nil && *r[0] < 0 || r[1] != nil && *r[1] < 0 {
				t.Fatalf("negative bound for %q", raw)
			}
		}
	})
}

// FuzzParseContactForm: any form either passes with clean, bounded values
// or is refused with French errors; it never panics.
func FuzzParseContactForm(f *testing.F) {
	f.Add("Dupré", "Hélène", "helene@exemple.fr", "06 12 34 56 78", "Révision", "Bonjour, un rendez-vous ?", "12")
	f.Add("", "", "", "", "", "", "")
	f.Add("x\r\nBcc: a@b", "\u202e", "a@b\r\nc", "+33 6", strings.Repeat("é", 500), "<script>", "-1")
	f.Fuzz(func(t *testing.T, nom, prenom, email, tel, sujet, message, voiture string) {
		form := map[string][]string{"nom": {nom}, "prenom": {prenom}, "email": {email}, "telephone": {tel},
			"sujet": {sujet}, "message": {message}, "voiture": {voiture}}
		f, msg, ok := parseContactForm(form)
		if !ok {
			if len(f.Errors) == 0 {
				t.Fatal("refused without an error message")
			}
			return
		}
		if msg == nil {
			t.Fatal("accepted without a message")
		}
		for _, v := range []string{msg.LastName, msg.FirstName, msg.Email, msg.Phone, msg.Subject} {
			if strings.ContainsAny(v, "\r\n\x00") || !utf8.ValidString(v) {
				t.Fatalf("accepted a control character or invalid UTF-8: %q", v)
			}
		}
	})
}

// FuzzParseCarForm: any car editor form gives either French errors or a
// car whose numbers are within their published bounds and whose choices
// are known codes; it never panics.
func FuzzParseCarForm(f *testing.F) {
	f.Add("Peugeot", "208", "1.2 PureTech", "12990", "3", "2021", "45000", "essence", "manuelle", "1", "2025-11-01")
	f.Add("", "", "", "-1", "13", "99999", "1e9", "kérosène", "", "9", "2026-02-30")
	f.Add("\x00", "\u202e", strings.Repeat("a", 200), "12 990", "0", "0", "0", "diesel", "automatique", "E", "")
	f.Fuzz(func(t *testing.T, mk, model, version, price, month, year, km, fuel, gearbox, critair, ct string) {
		form := url.Values{"make": {mk}, "model": {model}, "version": {version}, "price": {price}, "reg_month": {month},
			"reg_year": {year}, "mileage": {km}, "fuel": {fuel}, "gearbox": {gearbox}, "crit_air": {critair}, "ct_date": {ct}}
		r := httptest.NewRequest(http.MethodPost, "/admin/voitures/nouvelle", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			return
		}
		c := &garage.Car{}
		cf, _ := parseCarForm(r, c, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
		if len(cf.Errors) > 0 {
			return
		}
		if c.Price < 0 || c.Price > 5_000_000 || c.Mileage < 0 || c.Mileage > 2_000_000 || c.RegMonth < 0 || c.RegMonth > 12 {
			t.Fatalf("accepted out-of-bounds numbers: %+v", c)
		}
		if c.Fuel != "" && !garage.HasOption(garage.Fuels(), c.Fuel) || c.Gearbox != "" && !garage.HasOption(garage.Gearboxes(), c.Gearbox) {
			t.Fatalf("accepted an unknown choice: %q %q", c.Fuel, c.Gearbox)
		}
		for _, v := range []string{c.Make, c.Model, c.Version} {
			if strings.ContainsAny(v, "\x00\r\n") || !utf8.ValidString(v) {
				t.Fatalf("accepted a control character or invalid UTF-8: %q", v)
			}
		}
	})
}

// FuzzParseReviewForm: a visitor's review is refused with French errors or
// accepted with a rating of 1 to 5, bounded text, and always pending.
func FuzzParseReviewForm(f *testing.F) {
	f.Add("Paul", "Très bon accueil.", "5", "2026-01-15", "paul@exemple.fr", "approved")
	f.Add("", "", "0", "2026-13-45", "pas-un-email", "")
	f.Add("\u202eNUL\x00", strings.Repeat("é", 3000), "-1", "9999-12-31", "a@b\r\nBcc: c@d", "pending")
	a := &app{now: func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }}
	f.Fuzz(func(t *testing.T, name, comment, rating, date, email, status string) {
		form := url.Values{"nom": {name}, "commentaire": {comment}, "note": {rating}, "date_experience": {date}, "email": {email}, "status": {status}}
		r := httptest.NewRequest(http.MethodPost, "/avis", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			return
		}
		rf, rv := a.parseReviewForm(r, true)
		if rv == nil {
			if len(rf.Errors) == 0 {
				t.Fatal("refused without an error message")
			}
			return
		}
		if rv.Rating < 1 || rv.Rating > 5 || rv.Status == garage.TestimonialApproved {
			t.Fatalf("accepted %+v", rv)
		}
		if strings.ContainsRune(rv.Name, 0) || !utf8.ValidString(rv.Comment) {
			t.Fatalf("accepted NUL or invalid UTF-8: %+v", rv)
		}
	})
}
