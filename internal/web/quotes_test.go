package web

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

// postQuoteRequest fills /devis like a person (render, wait, post) with
// photos photos, multipart.
func (e *env) postQuoteRequest(c *http.Client, fields url.Values, photos int) *response {
	e.t.Helper()
	page := e.get(c, views.QuoteRequestPath)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `enctype="multipart/form-data"`) {
		e.t.Fatalf("GET /devis: %d", page.StatusCode)
	}
	base := formFields(e.t, page.body, views.QuoteRequestPath)
	for k, v := range fields {
		base[k] = v
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range base {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for range photos {
		w, _ := mw.CreateFormFile("photos", "aile.jpg")
		_, _ = w.Write(testJPEG(e.t, 64, 48, color.RGBA{30, 30, 200, 255}))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.server.URL+views.QuoteRequestPath, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.server.URL)
	e.clock.Advance(8 * time.Second)
	return e.do(c, req)
}

func validQuoteRequest() url.Values {
	return url.Values{"prestation": {"autre"}, "immatriculation": {"ab123cd"}, "marque": {"Peugeot"}, "modele": {"208"},
		"annee": {"2019"}, "kilometrage": {"64 000"}, "message": {"Aile avant gauche rayée sur 30 cm, à repeindre."},
		"nom": {"Martin"}, "prenom": {"Léa"}, "email": {"lea.martin@exemple.fr"}, "telephone": {"06 12 34 56 78"},
		"consentement": {"1"}}
}

// TestQuoteRequest: /devis stores a request with its photo, the garage's
// notification and the visitor's acknowledgement; refused input changes
// nothing; a retried submission is stored once.
func TestQuoteRequest(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			c := e.client()
			for _, link := range []string{"/services", "/tarifs"} {
				if page := e.get(c, link); !strings.Contains(page.body, `href="/devis"`) {
					t.Errorf("%s does not link to /devis", link)
				}
			}
			bad := validQuoteRequest()
			bad.Set("consentement", "")
			bad.Set("prestation", "Vidange inventée")
			bad.Set("immatriculation", "123")
			res := e.postQuoteRequest(c, bad, 1)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Cochez la case pour accepter") ||
				!strings.Contains(res.body, "Choisissez une valeur dans la liste.") || !strings.Contains(res.body, "L&#39;immatriculation n&#39;est pas valide") {
				t.Fatalf("bad request: %d", res.StatusCode)
			}
			if res := e.postQuoteRequest(c, validQuoteRequest(), garage.LeadMaxPhotos+1); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Envoyez au plus 5 photos.") {
				t.Fatalf("6 photos: %d", res.StatusCode)
			}
			if n := len(e.messages(t)); n != 0 {
				t.Fatalf("%d requests kept from refused forms", n)
			}
			res = e.postQuoteRequest(c, validQuoteRequest(), 1)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != views.QuoteThanksPath {
				t.Fatalf("request: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			msgs := e.messages(t)
			if len(msgs) != 1 || msgs[0].Kind != garage.LeadQuote || msgs[0].Subject != "Demande de devis — Autre" ||
				msgs[0].Details.Plate != "AB-123-CD" || len(msgs[0].Details.Photos) != 1 {
				t.Fatalf("stored %+v", msgs)
			}
			mails := e.outbox(t)
			to := map[string]string{}
			for _, m := range mails {
				to[m.Kind] = m.To
			}
			if len(mails) != 2 || to["quote.request"] != "contact@garage-parrot.test" || to["quote.request.ack"] != "lea.martin@exemple.fr" {
				t.Fatalf("mails to %v", to)
			}
			// The staff see it in the quotes' list, to be priced.
			admin := e.loggedIn(employeeEmail, employeePass)
			if list := e.get(admin, views.AdminQuotesPath); !strings.Contains(list.body, "Demande de devis — Autre") {
				t.Fatalf("list lacks the request:\n%s", list.body)
			}
		})
	}
}

// TestQuoteRequestStoredOnceWhenRetried: the same submission sent twice
// (a broken connection) is one request.
func TestQuoteRequestStoredOnceWhenRetried(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	page := e.get(c, views.QuoteRequestPath)
	form := formFields(t, page.body, views.QuoteRequestPath)
	for k, v := range validQuoteRequest() {
		form[k] = v
	}
	e.clock.Advance(8 * time.Second)
	for range 2 {
		if res := e.postForm(c, views.QuoteRequestPath, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d\n%s", res.StatusCode, res.body)
		}
	}
	if n := len(e.messages(t)); n != 1 {
		t.Fatalf("%d requests stored", n)
	}
}

// setBoard fills the price board through its admin page.
func (e *env) setBoard(c *http.Client) {
	e.t.Helper()
	for _, it := range []url.Values{
		{"type": {"taux"}, "code": {"T1"}, "label": {"Mécanique T1"}, "price": {"72"}},
		{"type": {"taux"}, "code": {"carrosserie"}, "label": {"Carrosserie"}, "price": {"78,00"}},
		{"type": {"forfait"}, "code": {"vidange"}, "label": {"Vidange"}, "contents": {"Huile 5W30, filtre, contrôle"}, "price": {"89"}},
	} {
		if res := e.postForm(c, views.AdminPricesPath, it); res.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("price %v: %d\n%s", it, res.StatusCode, res.body)
		}
	}
}

func staffQuoteForm(lines ...[6]string) url.Values {
	f := url.Values{"nom": {"Léa Martin"}, "email": {"lea.martin@exemple.fr"}, "telephone": {"06 12 34 56 78"},
		"immatriculation": {"AB-123-CD"}, "vehicule": {"Peugeot 208"}, "validite": {"2026-04-03"}}
	for _, l := range lines {
		f.Add("l_type", l[0])
		f.Add("l_code", l[1])
		f.Add("l_ref", l[2])
		f.Add("l_label", l[3])
		f.Add("l_qty", l[4])
		f.Add("l_unit", l[5])
	}
	return f
}

var quoteLinkRe = regexp.MustCompile(`/devis/([A-Za-z0-9_-]{40,})`)

// TestQuoteFromBoardToAcceptance: the administrator sets the board (the
// employee may not); the staff build a quote whose rates must be on the
// board and whose totals the server computes; sending numbers it and
// e-mails the link; the customer accepts it once, with his name and "bon
// pour accord"; every step is audited; a sent quote cannot be edited.
func TestQuoteFromBoardToAcceptance(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.loggedIn(adminEmail, adminPassword)
			employee := e.loggedIn(employeeEmail, employeePass)
			if res := e.postForm(employee, views.AdminPricesPath, url.Values{"type": {"taux"}, "code": {"t9"}, "label": {"x"}, "price": {"1"}}); res.StatusCode != http.StatusForbidden {
				t.Fatalf("employee sets a price: %d", res.StatusCode)
			}
			e.setBoard(admin)
			if res := e.postForm(admin, views.AdminPricesPath, url.Values{"type": {"taux"}, "code": {"t2"}, "label": {"T2"}, "price": {"1000000000000"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Le prix doit être un montant en euros") {
				t.Fatalf("absurd price: %d", res.StatusCode)
			}
			pub := e.get(e.client(), "/tarifs")
			for _, want := range []string{"Mécanique T1", "72,00\u202f€", "Vidange", "Huile 5W30", "arrêté du 27 mars 1987", "gratuit"} {
				if !strings.Contains(pub.body, want) {
					t.Errorf("/tarifs lacks %q", want)
				}
			}

			labour := [6]string{"main-oeuvre", "t1", "", "", "1,5", "999"} // the unit price of the form is ignored
			part := [6]string{"piece", "", "FH-12", "Filtre à huile", "2", "12,50"}
			for _, bad := range []struct {
				line [6]string
				want string
			}{
				{[6]string{"main-oeuvre", "t7", "", "", "1", ""}, "choisissez un taux horaire du tableau des tarifs en vigueur"},
				{[6]string{"piece", "", "R", "Pièce", "-2", "10"}, "la quantité doit être un nombre positif"},
				{[6]string{"piece", "", "R", "Pièce", "1", "1000000000000"}, "Le prix unitaire ne peut pas dépasser 100 000 €."},
				{[6]string{"forfait", "inconnu", "", "", "1", ""}, "choisissez un forfait du tableau"},
			} {
				res := e.postForm(employee, views.AdminQuoteNewPath, staffQuoteForm(labour, bad.line))
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, bad.want) {
					t.Fatalf("%v: %d, want 422 with %q\n%s", bad.line, res.StatusCode, bad.want, res.body)
				}
			}
			past := staffQuoteForm(labour)
			past.Set("validite", "2026-03-01")
			if res := e.postForm(employee, views.AdminQuoteNewPath, past); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "La date de validité est trop loin dans le passé.") {
				t.Fatalf("validity in the past: %d", res.StatusCode)
			}
			if list, _ := e.store.ListQuotes(ctx, "", e.clock.Now(), 10); len(list) != 0 {
				t.Fatalf("%d quotes kept from refused forms", len(list))
			}
			form := staffQuoteForm(labour, part, [6]string{"forfait", "vidange", "", "", "1", "1"})
			form.Set("total_ttc", "1") // a tampered field: ignored
			res := e.postForm(employee, views.AdminQuoteNewPath, form)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("new quote: %d\n%s", res.StatusCode, res.body)
			}
			list, _ := e.store.ListQuotes(ctx, "", e.clock.Now(), 10)
			if len(list) != 1 {
				t.Fatalf("%d quotes", len(list))
			}
			q := list[0]
			// 1,5 h × 72 € = 108 € TTC (90 HT); 2 × 12,50 HT = 25 HT + 5 TVA; vidange 89 TTC (74,17 + 14,83).
			if q.Totals != (garage.Totals{HT: 18917, VAT: 3783, TTC: 22700}) || q.Status != garage.QuoteDraft || q.Lines[0].UnitCents != 7200 {
				t.Fatalf("draft %+v", q)
			}
			if res := e.postForm(employee, views.AdminQuotePath(q.ID, "envoyer"), nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send: %d", res.StatusCode)
			}
			sent, _ := e.store.QuoteByID(ctx, q.ID)
			if sent.Number != "D-2026-0001" || sent.Status != garage.QuoteSent {
				t.Fatalf("sent %+v", sent)
			}
			// A sent quote cannot be edited.
			if res := e.postForm(employee, views.AdminQuotePath(q.ID), staffQuoteForm(part)); res.StatusCode != http.StatusConflict ||
				!strings.Contains(res.body, "ne peut plus être modifié") {
				t.Fatalf("edit after sending: %d", res.StatusCode)
			}
			var link string
			for _, m := range e.outbox(t) {
				if m.Kind == "quote.send" && m.To == "lea.martin@exemple.fr" {
					link = quoteLinkRe.FindString(m.Text)
				}
			}
			if link == "" {
				t.Fatal("no link in the quote's e-mail")
			}
			customer := e.client()
			page := e.get(customer, link)
			for _, want := range []string{"D-2026-0001", "Filtre à huile", "FH-12", "227,00\u202f€", "Mécanique T1", "Vidange"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("customer page lacks %q", want)
				}
			}
			if page.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Error("the link page leaks its token in the Referer")
			}
			if res := e.get(customer, "/devis/"+strings.Repeat("x", 43)); res.StatusCode != http.StatusNotFound {
				t.Errorf("wrong token: %d", res.StatusCode)
			}
			if res := e.postForm(customer, "/devis/"+strings.Repeat("x", 43)+"/accepter", url.Values{"nom": {"Léa"}, "bon_pour_accord": {"1"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("accept with a wrong token: %d", res.StatusCode)
			}
			if res := e.postForm(customer, link+"/accepter", url.Values{"nom": {"Léa Martin"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Cochez « bon pour accord »") {
				t.Fatalf("accept without bon pour accord: %d", res.StatusCode)
			}
			req, _ := http.NewRequest(http.MethodPost, e.server.URL+link+"/accepter", strings.NewReader(url.Values{"nom": {"Léa Martin"}, "bon_pour_accord": {"1"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.server.URL)
			req.Header.Set("User-Agent", "Navigateur de Léa")
			if res := e.do(customer, req); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d\n%s", res.StatusCode, res.body)
			}
			acc, _ := e.store.QuoteByID(ctx, q.ID)
			if acc.Status != garage.QuoteAccepted || acc.AcceptedName != "Léa Martin" || acc.AnswerAgent != "Navigateur de Léa" ||
				acc.AnswerIP == "" || acc.ContentHash != acc.ContentSHA256() || acc.AnsweredAt == nil {
				t.Fatalf("accepted %+v", acc)
			}
			if res := e.postForm(customer, link+"/refuser", url.Values{"motif": {"Trop cher"}}); res.StatusCode != http.StatusConflict ||
				!strings.Contains(res.body, "Vous avez accepté ce devis") {
				t.Fatalf("refuse after accepting: %d", res.StatusCode)
			}
			notified := false
			for _, m := range e.outbox(t) {
				notified = notified || (m.Kind == "quote.answer" && m.To == "contact@garage-parrot.test" && strings.Contains(m.Subject, "accepté"))
			}
			if !notified {
				t.Error("the garage is not told of the acceptance")
			}
			if l := e.get(employee, views.AdminQuotesPath+"?statut=accepte"); !strings.Contains(l.body, "D-2026-0001") || !strings.Contains(l.body, "Accepté") {
				t.Errorf("accepted list lacks the quote")
			}
			// A new version gets a new number when sent.
			if res := e.postForm(employee, views.AdminQuotePath(q.ID, "nouvelle-version"), nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("new version: %d", res.StatusCode)
			}
			actions := strings.Join(e.auditActions(t), " ")
			for _, want := range []string{"price.set", "quote.create", "quote.send", "quote.accept"} {
				if !strings.Contains(actions, want) {
					t.Errorf("audit lacks %s", want)
				}
			}
		})
	}
}

// sentQuote has admin set the price board, build a quote for Léa Martin's
// Peugeot 208 (2 h of T1 labour) and send it: its id and the customer's link.
func (e *env) sentQuote(admin *http.Client) (int64, string) {
	e.t.Helper()
	e.setBoard(admin)
	if res := e.postForm(admin, views.AdminQuoteNewPath, staffQuoteForm([6]string{"main-oeuvre", "t1", "", "", "2", ""})); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("new quote: %d\n%s", res.StatusCode, res.body)
	}
	list, err := e.store.ListQuotes(context.Background(), garage.QuoteDraft, e.clock.Now(), 1)
	if err != nil || len(list) != 1 {
		e.t.Fatalf("draft quote: %v %v", list, err)
	}
	if res := e.postForm(admin, views.AdminQuotePath(list[0].ID, "envoyer"), nil); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("send quote: %d", res.StatusCode)
	}
	var link string
	for _, m := range e.outbox(e.t) {
		if m.Kind == "quote.send" {
			link = quoteLinkRe.FindString(m.Text)
		}
	}
	if link == "" {
		e.t.Fatal("no link in the quote's e-mail")
	}
	return list[0].ID, link
}

// TestQuoteLinkExpired: past its validity, the customer's page says the
// quote expired and an answer is refused in French with 409.
func TestQuoteLinkExpired(t *testing.T) {
	e := newEnv(t, "sqlite")
	id, link := e.sentQuote(e.loggedIn(adminEmail, adminPassword))
	e.clock.Advance(31 * 24 * time.Hour) // valid through 3 April
	c := e.client()
	if page := e.get(c, link); !strings.Contains(page.body, "Ce devis a expiré") {
		t.Fatalf("expired page:\n%s", page.body)
	}
	res := e.postForm(c, link+"/accepter", url.Values{"nom": {"Léa Martin"}, "bon_pour_accord": {"1"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "expiré") {
		t.Fatalf("accept expired: %d", res.StatusCode)
	}
	q, _ := e.store.QuoteByID(context.Background(), id)
	if q.Status != garage.QuoteSent {
		t.Fatalf("expired quote changed: %s", q.Status)
	}
	if _, err := e.store.AnswerQuote(context.Background(), "nope", garage.QuoteAnswer{}, nil, e.clock.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
}
