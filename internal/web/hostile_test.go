package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// hostileValues are the building blocks of the generated payloads:
// boundaries, huge strings, invalid UTF-8, NUL, bidi overrides, SQL and XSS
// polyglots, wrong types.
var hostileValues = []string{
	"", " ", "0", "-1", "1e309", "99999999999999999999999", "-9223372036854775809", "NaN", "true", "null",
	"\x00", "a\x00b", "\xff\xfe\xfd", "\xc3\x28", "\u202eevil\u202c", "\ufeff", "\r\n", "x\r\nBcc: victim@example.test",
	"' OR '1'='1", "1; DROP TABLE users;--", "\"><script>alert(1)</script>", "javascript:alert(1)",
	"<img src=x onerror=alert(1)>", "{{7*7}}${7*7}", "../../etc/passwd", "%00%0d%0a", "2026-02-30", "25:99",
	"9999-12-31", "0000-00-00", "🚗🚙🏎️", strings.Repeat("A", 256), strings.Repeat("é", 5000), strings.Repeat("<", 20000),
	"approved", "admin", "published", "1", "2", "5", "6",
}

var (
	formRe  = regexp.MustCompile(`(?s)<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>`)
	inputRe = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
	nameRe  = regexp.MustCompile(`\bname="([^"]+)"`)
	valueRe = regexp.MustCompile(`\bvalue="([^"]*)"`)
)

// formFields returns the fields (with their rendered values) of the form
// posting to action on page.
func formFields(t *testing.T, page, action string) url.Values {
	t.Helper()
	for _, m := range formRe.FindAllStringSubmatch(page, -1) {
		if html.UnescapeString(m[1]) != action {
			continue
		}
		v := url.Values{}
		for _, tag := range inputRe.FindAllString(m[2], -1) {
			name := nameRe.FindStringSubmatch(tag)
			if name == nil {
				continue
			}
			value := ""
			if vm := valueRe.FindStringSubmatch(tag); vm != nil {
				value = html.UnescapeString(vm[1])
			}
			v.Add(name[1], value)
		}
		return v
	}
	t.Fatalf("no form posting to %s", action)
	return nil
}

// spamGuards are the hidden fields of the spam protection: usually kept as
// rendered, so that most payloads reach the validation behind them.
var spamGuards = map[string]bool{"jeton": true, "site_web": true, "avis_site_web": true}

// mutate derives a hostile payload from a real form.
func mutate(rng *rand.Rand, base url.Values) url.Values {
	out := url.Values{}
	for name, vals := range base {
		if spamGuards[name] && rng.IntN(10) != 0 {
			out[name] = vals
			continue
		}
		switch rng.IntN(6) {
		case 0: // missing field
		case 1: // repeated field
			out[name] = []string{hostileValues[rng.IntN(len(hostileValues))], hostileValues[rng.IntN(len(hostileValues))]}
		case 2, 3:
			out.Set(name, hostileValues[rng.IntN(len(hostileValues))])
		default:
			out[name] = vals
		}
	}
	if rng.IntN(4) == 0 { // fields the form does not have
		out.Set([]string{"status", "role", "id", "user_id", "published_at", "active"}[rng.IntN(6)], hostileValues[rng.IntN(len(hostileValues))])
	}
	return out
}

// fingerprint hashes the content of the tables a rejected form must not
// change.
func fingerprint(t *testing.T, s *store.Store) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"users", "garage", "opening_hours", "opening_exceptions", "services", "cars",
		"car_equipment", "car_photos", "messages", "testimonials", "search_alerts",
		"price_items", "quote_policies", "quotes", // prices and quotes (issue 18)
		"appointments", "workshop_settings", "workshop_blocks", "workshop_cells"} { // workshop (issue 17)
		rows, err := s.DB().QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, table, vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

var leakRe = regexp.MustCompile(`(?i)goroutine \d|panic:|runtime error|sql: |SQLSTATE|sqlite|pq: |\.go:\d+`)

// TestHostileInputOnEveryForm posts generated hostile payloads to every
// form: never a 5xx, never an internal detail in the answer, a French
// message on refusals, and nothing stored when a form is refused.
func TestHostileInputOnEveryForm(t *testing.T) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("HOSTILE_N")); err == nil && v > 0 {
		n = v
	} else if testing.Short() {
		n = 100
	}
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	now := e.clock.Now()
	clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now)
	msg := &garage.Message{LastName: "Dupré", FirstName: "Hélène", Email: "h@exemple.fr", Subject: "Essai", Body: "Bonjour"}
	if err := e.store.CreateMessage(ctx, msg, nil, now); err != nil {
		t.Fatal(err)
	}
	review := &garage.Testimonial{Name: "Paul", Comment: "Très bien", Rating: 5}
	if err := e.store.CreateTestimonial(ctx, review, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	services, _ := e.store.ListServices(ctx, false)
	employee, _ := e.store.UserByEmail(ctx, employeeEmail)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	draft := &garage.Quote{Name: "Léa Martin", Email: "lea@exemple.fr", VAT: garage.DefaultVATBasisPoints,
		ValidUntil: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC),
		Lines:      []garage.QuoteLine{{Kind: garage.LinePart, Label: "Filtre", Quantity: 100, UnitCents: 1250}}}
	if err := e.store.CreateQuote(ctx, draft, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetPriceItem(ctx, &garage.PriceItem{Kind: garage.PriceRate, Code: "t1", Label: "T1", CentsTTC: 7200, Active: true}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Two sent quotes, valid long after the sweep's clock, for the customer's accept and refuse forms.
	sentQuote := func(token string) string {
		q := &garage.Quote{Name: "Léa Martin", Email: "lea@exemple.fr", VAT: garage.DefaultVATBasisPoints,
			ValidUntil: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC),
			Lines:      []garage.QuoteLine{{Kind: garage.LinePart, Label: "Filtre", Quantity: 100, UnitCents: 1250}}}
		if err := e.store.CreateQuote(ctx, q, now, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.SendQuote(ctx, q.ID, hashToken(token), nil, now, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		return "/devis/" + token
	}
	toAccept, toRefuse := sentQuote("hostile-sweep-quote-0"), sentQuote("hostile-sweep-quote-1")
	quotes := 2
	// Workshop (issue 17): a bookable service, a slot 50 days ahead (within the horizon while the clock runs),
	// an appointment for the staff's forms.
	vidange := bookableVidange(t, e.store)
	slotDay := hours.DateOf(now.In(hours.Paris())).AddDays(50)
	for slotDay.Weekday() == time.Saturday || slotDay.Weekday() == time.Sunday {
		slotDay = slotDay.AddDays(1)
	}
	slotPath := "/rendez-vous/reserver?service=" + id(vidange) + "&debut=" + slotDay.String() + "T10:00"
	// The appointment is far ahead: each form's 1 000 payloads move the clock about 11 days.
	apptDay := slotDay.AddDays(182)
	for apptDay.Weekday() == time.Saturday || apptDay.Weekday() == time.Sunday {
		apptDay = apptDay.AddDays(1)
	}
	appt := &garage.Appointment{Start: time.Date(apptDay.Year, apptDay.Month, apptDay.Day, 14, 0, 0, 0, hours.Paris()), Status: garage.AppointmentRequested,
		ServiceIDs: []int64{vidange}, Services: []string{"Vidange"}, Minutes: 45, Name: "Paul", Email: "p@exemple.fr", Source: garage.AppointmentFromWeb}
	appt.End = appt.Start.Add(45 * time.Minute)
	if err := e.store.BookAppointment(ctx, "", appt, "", nil, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	apptPath := views.AdminAppointmentPath(appt.ID)

	// Forms that a payload may answer for good (a final status, an answered quote): their sweep ends when the
	// page no longer shows them. A customer's quote form answered by a payload goes on with a new sent quote,
	// 25 times at most: every stored quote makes each later fingerprint dearer.
	mayEnd := map[string]bool{apptPath + "/statut": true}
	renewed := map[string]int{}
	renew := func(action string) (page, next string, ok bool) {
		answer := action[strings.LastIndex(action, "/"):]
		if !strings.HasPrefix(action, "/devis/hostile-sweep-quote-") || renewed[answer] >= 25 {
			return "", "", false
		}
		renewed[answer]++
		page = sentQuote("hostile-sweep-quote-" + strconv.Itoa(quotes))
		quotes++
		return page, page + answer, true
	}
	forms := []struct {
		page, action string
		anonymous    bool
	}{
		{toAccept, toAccept + "/accepter", true},
		{toRefuse, toRefuse + "/refuser", true},
		// Workshop (issue 17): the booking form, the planning's forms, an appointment's forms, the settings (first: the
		// hostile hours forms below may close the slot's day).
		{slotPath, "/rendez-vous/reserver", true},
		{"/admin/atelier", "/admin/atelier/nouveau", false},
		{"/admin/atelier", "/admin/atelier/blocages", false},
		{apptPath, apptPath + "/deplacer", false},
		{apptPath, apptPath + "/note", false},
		{apptPath, apptPath + "/statut", false}, // last: it may cancel the appointment, which then has no move form
		{"/admin/atelier/reglages", "/admin/atelier/reglages", false},
		{"/connexion", "/connexion", true},
		{"/contact", "/contact", true},
		{views.CarPath(clio), "/contact", true},
		{"/avis", "/avis", true},
		{"/mot-de-passe-oublie", "/mot-de-passe-oublie", true},
		{"/alertes/nouvelle?marque=Renault&prix_max=20000", "/alertes/nouvelle", true}, // search alerts (issue 19)
		{"/admin/voitures/nouvelle", "/admin/voitures/nouvelle", false},
		{"/admin/voitures/" + id(clio.ID), "/admin/voitures/" + id(clio.ID), false},
		{"/admin/services", "/admin/services", false},
		{"/admin/services/" + id(services[0].ID), "/admin/services/" + id(services[0].ID), false},
		{"/admin/horaires", "/admin/horaires", false},
		{"/admin/horaires", "/admin/horaires/exceptions", false},
		{"/admin/garage", "/admin/garage", false},
		{"/admin/comptes", "/admin/comptes", false},
		{"/admin/comptes", "/admin/comptes/" + id(employee.ID) + "/role", false},
		{"/admin/compte", "/admin/compte/nom", false},
		{"/admin/compte", "/admin/compte/mot-de-passe", false},
		{"/admin/messages/" + id(msg.ID), "/admin/messages/" + id(msg.ID), false},
		{"/admin/avis", "/admin/avis/" + id(review.ID) + "/refuser", false},
		{"/admin/avis/nouveau", "/admin/avis/nouveau", false},
		// The lead desk: typed requests from a car page, assigning, replying, the response target.
		{views.LeadRequestPath(clio.ID, garage.LeadTestDrive), views.LeadRequestPath(clio.ID, garage.LeadTestDrive), true},
		{views.LeadRequestPath(clio.ID, garage.LeadTradeIn), views.LeadRequestPath(clio.ID, garage.LeadTradeIn), true},
		{views.LeadRequestPath(clio.ID, garage.LeadFinancing), views.LeadRequestPath(clio.ID, garage.LeadFinancing), true},
		{"/admin/messages/" + id(msg.ID), "/admin/messages/" + id(msg.ID) + "/attribuer", false},
		{"/admin/messages/" + id(msg.ID), "/admin/messages/" + id(msg.ID) + "/repondre", false},
		{"/admin/messages", "/admin/messages/objectif", false},
		// Prices and quotes (issue 18): the request, the board, the policy, a new quote and a draft.
		{"/devis", "/devis", true},
		{"/admin/tarifs", "/admin/tarifs", false},
		{"/admin/tarifs", "/admin/tarifs/politique", false},
		{"/admin/devis/nouveau", "/admin/devis/nouveau", false},
		{"/admin/devis/" + id(draft.ID), "/admin/devis/" + id(draft.ID), false},
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, f := range forms {
		statuses := map[int]int{}
		var c *http.Client
		var base url.Values
		for i := range n {
			// A fresh session now and then (the clock runs fast here), and
			// a freshly rendered form for the public ones (signed render time).
			// Past every throttle window and the spam timing.
			e.clock.Advance(16 * time.Minute)
			if c == nil || i%20 == 0 {
				c = e.client()
				if !f.anonymous {
					c = e.loggedIn(adminEmail, adminPassword)
				}
			}
			if base == nil || f.anonymous || i%20 == 0 {
				page := e.get(c, f.page)
				if page.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d", f.page, page.StatusCode)
				}
				if i > 0 && !strings.Contains(page.body, `action="`+f.action+`"`) {
					if p, a, ok := renew(f.action); ok {
						f.page, f.action = p, a
						page = e.get(c, f.page)
					} else if mayEnd[f.action] || strings.HasPrefix(f.action, "/devis/hostile-sweep-quote-") {
						break // a payload answered the form for good: nothing more to change
					}
				}
				base = formFields(t, page.body, f.action)
			}
			e.clock.Advance(5 * time.Second)
			payload := mutate(rng, base)
			before := fingerprint(t, e.store)
			res := e.postForm(c, f.action, payload)
			statuses[res.StatusCode]++
			if res.StatusCode >= 500 {
				t.Fatalf("%s payload %d: %d\n%v", f.action, i, res.StatusCode, payload)
			}
			if leakRe.MatchString(res.body) {
				t.Fatalf("%s payload %d: internal detail in the answer: %s", f.action, i, leakRe.FindString(res.body))
			}
			if res.StatusCode >= 400 {
				if !strings.Contains(res.body, `lang="fr"`) {
					t.Fatalf("%s payload %d: %d without a French page", f.action, i, res.StatusCode)
				}
				if after := fingerprint(t, e.store); after != before {
					t.Fatalf("%s payload %d: refused with %d but data changed\n%v", f.action, i, res.StatusCode, payload)
				}
			}
		}
		sent := 0
		for _, k := range statuses {
			sent += k
		}
		t.Logf("%s: %d payloads, statuses %v", f.action, sent, statuses)
	}

	// Photo upload: random and hostile files, multipart.
	e.clock.Advance(time.Hour)
	statuses := map[int]int{}
	for i := range n {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for range 1 + rng.IntN(3) {
			w, _ := mw.CreateFormFile([]string{"photos", "photo", "fichier"}[rng.IntN(3)], []string{"a.jpg", "../../x.png", "\x00.webp", "<b>.jpg"}[rng.IntN(4)])
			junk := make([]byte, rng.IntN(4096))
			for j := range junk {
				junk[j] = byte(rng.IntN(256))
			}
			if rng.IntN(3) == 0 {
				junk = append([]byte("\xff\xd8\xff\xe0"), junk...)
			}
			w.Write(junk)
		}
		mw.Close()
		before := fingerprint(t, e.store)
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/admin/voitures/"+id(clio.ID)+"/photos", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.server.URL)
		res := e.do(e.loggedIn(adminEmail, adminPassword), req)
		statuses[res.StatusCode]++
		if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("upload %d: %d", i, res.StatusCode)
		}
		if res.StatusCode >= 400 && fingerprint(t, e.store) != before {
			t.Fatalf("upload %d refused with %d but data changed", i, res.StatusCode)
		}
	}
	t.Logf("photo uploads: statuses %v", statuses)
}
