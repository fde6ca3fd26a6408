package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
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
