package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

var jetonRe = regexp.MustCompile(`name="jeton" value="([^"]+)"`)

// contactToken renders the contact form and returns its signed render time.
func (e *env) contactToken(c *http.Client) string {
	e.t.Helper()
	res := e.get(c, "/contact")
	m := jetonRe.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		e.t.Fatalf("GET /contact: %d, no token", res.StatusCode)
	}
	return m[1]
}

func validContact() url.Values {
	return url.Values{
		"nom": {"Dupré"}, "prenom": {"Hélène"}, "email": {"helene.dupre@exemple.fr"},
		"telephone": {"06 12 34 56 78"}, "sujet": {"Révision de ma 208"},
		"message": {"Bonjour, je voudrais un rendez-vous pour la révision des 60 000 km."},
	}
}

// sendContact fills the form like a person: render, wait a few seconds, post.
func (e *env) sendContact(c *http.Client, form url.Values) *response {
	e.t.Helper()
	form.Set("jeton", e.contactToken(c))
	e.clock.Advance(8 * time.Second)
	return e.postForm(c, "/contact", form)
}

func (e *env) messages(t *testing.T) []*garage.Message {
	t.Helper()
	list, err := e.store.ListMessages(context.Background(), "", 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (e *env) outbox(t *testing.T) []*garage.OutboxMail {
	t.Helper()
	list, err := e.store.ListOutbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// deliver runs a real mail worker against a real SMTP server and returns
// what arrived.
func (e *env) deliver(t *testing.T) []mailtest.Received {
	t.Helper()
	srv := mailtest.Start(t, "127.0.0.1:0")
	cfg := mailtest.MailConfig(t, srv.Addr())
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseSender(cfg.From)
	w := &mail.Worker{Outbox: e.store, Transport: tr, From: from, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock.Now}
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv.Messages()
}

func TestContactMessageIsStoredThenTheGarageIsMailed(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			c := e.client()
			page := e.get(c, "/contact")
			for _, want := range []string{"05 61 00 00 00", `href="tel:+33561000000"`, "contact@garage-parrot.test", "1 rue du Test", `name="nom"`, `name="telephone"`} {
				if !strings.Contains(page.body, want) {
					t.Errorf("contact page lacks %q", want)
				}
			}
			if len(page.Header.Values("Set-Cookie")) != 0 {
				t.Error("the contact page sets a cookie for a visitor")
			}
			res := e.sendContact(c, validContact())
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/contact/merci" {
				t.Fatalf("POST /contact: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			if thanks := e.get(c, "/contact/merci"); thanks.StatusCode != http.StatusOK || !strings.Contains(thanks.body, "votre message a bien été reçu") {
				t.Fatalf("confirmation page: %d", thanks.StatusCode)
			}
			msgs := e.messages(t)
			if len(msgs) != 1 {
				t.Fatalf("%d messages stored", len(msgs))
			}
			m := msgs[0]
			if m.LastName != "Dupré" || m.FirstName != "Hélène" || m.Email != "helene.dupre@exemple.fr" || m.Phone != "06 12 34 56 78" ||
				m.Subject != "Révision de ma 208" || m.Status != garage.MessageNew || m.CarID != nil {
				t.Fatalf("stored %+v", m)
			}
			got := e.deliver(t)
			if len(got) != 1 {
				t.Fatalf("%d mails delivered", len(got))
			}
			r := got[0]
			if strings.Join(r.To, ",") != "contact@garage-parrot.test" || r.Header().Get("Reply-To") != "<helene.dupre@exemple.fr>" {
				t.Errorf("to %v, reply-to %q", r.To, r.Header().Get("Reply-To"))
			}
			if r.Subject() != "Nouveau message de Hélène Dupré : Révision de ma 208" {
				t.Errorf("subject %q", r.Subject())
			}
			link := e.app.cfg.PublicURL + "/admin/messages/" + itoa(int(m.ID))
			if text := r.Part("text/plain"); !strings.Contains(text, link) || !strings.Contains(text, "révision des 60 000 km") {
				t.Errorf("text part:\n%s", text)
			}
			if html := r.Part("text/html"); !strings.Contains(html, `href="`+link+`"`) {
				t.Errorf("html part:\n%s", html)
			}
		})
	}
}

func TestContactAboutACarReachesTheInboxWithTheCar(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	form := validContact()
	subject := "Annonce n° 123 — Peugeot 208 1.2 PureTech 110 Allure"
	form.Set("sujet", subject)
	form.Set("voiture", "123")
	if res := e.sendContact(c, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	m := e.messages(t)[0]
	if m.CarID == nil || *m.CarID != 123 || m.Subject != subject {
		t.Fatalf("stored %+v", m)
	}
	if got := e.outbox(t)[0]; !strings.Contains(got.Text, "/occasions/123") || !strings.Contains(got.Subject, subject) {
		t.Errorf("notification:\n%s", got.Text)
	}
	emp := e.loggedIn(employeeEmail, employeePass)
	inbox := e.get(emp, "/admin/messages")
	// The badge counts the leads past the response target (lead desk): a message just received is not late.
	if inbox.StatusCode != http.StatusOK || !strings.Contains(inbox.body, subject) ||
		strings.Contains(inbox.body, `class="nav-badge">`) {
		t.Fatalf("inbox: %d\n%s", inbox.StatusCode, inbox.body)
	}
	page := e.get(emp, "/admin/messages/"+itoa(int(m.ID)))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, `href="/occasions/123"`) || !strings.Contains(page.body, "Hélène Dupré") {
		t.Fatalf("message page: %d\n%s", page.StatusCode, page.body)
	}
	// Opened: no longer unread.
	if inbox := e.get(emp, "/admin/messages"); strings.Contains(inbox.body, "nav-badge") {
		t.Error("the badge still counts an opened message")
	}
}

func TestContactValidationKeepsInputAndExplainsInFrench(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, tc := range []struct {
		field, value, error string
	}{
		{"nom", "", "Le nom est obligatoire."},
		{"prenom", strings.Repeat("é", 101), "Le prénom ne doit pas dépasser 100 caractères."},
		{"email", "pas-une-adresse", "L&#39;adresse e-mail n&#39;est pas valide"},
		{"email", "Hélène <helene@exemple.fr>", "L&#39;adresse e-mail n&#39;est pas valide"},
		{"email", "helene@exemple.fr\r\nBcc: a@b.fr", "L&#39;adresse e-mail n&#39;est pas valide"},
		{"telephone", "12", "Le numéro de téléphone n&#39;est pas valide"},
		{"telephone", "06 12 34 56 7a", "Le numéro de téléphone n&#39;est pas valide"},
		{"message", "Bonjour", "Le message doit compter au moins 10 caractères."},
		{"message", strings.Repeat("a", 5001), "Le message ne doit pas dépasser 5000 caractères."},
		{"nom", "Dupré\r\nBcc: a@b.fr", "Le nom contient des caractères non autorisés."},
		{"sujet", "Objet\nBcc: a@b.fr", "Le sujet contient des caractères non autorisés."},
	} {
		form := validContact()
		form.Set(tc.field, tc.value)
		res := e.sendContact(c, form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s=%q: %d, want 422", tc.field, tc.value, res.StatusCode)
			continue
		}
		if !strings.Contains(res.body, tc.error) || !strings.Contains(res.body, `id="contact-`+tc.field+`-erreur"`) {
			t.Errorf("%s=%q: no error %q next to the field", tc.field, tc.value, tc.error)
		}
		if !strings.Contains(res.body, `value="helene.dupre@exemple.fr"`) && tc.field != "email" {
			t.Errorf("%s: the e-mail typed was not kept", tc.field)
		}
		if !strings.Contains(res.body, "Bonjour, je voudrais un rendez-vous") && tc.field != "message" {
			t.Errorf("%s: the message typed was not kept", tc.field)
		}
	}
	if n := len(e.messages(t)); n != 0 {
		t.Fatalf("%d invalid messages stored", n)
	}
}

func TestContactBotsGetTheSameAnswerAndNothingIsKept(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	honeypot := validContact()
	honeypot.Set("site_web", "https://spam.example")
	if res := e.sendContact(c, honeypot); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/contact/merci" {
		t.Errorf("honeypot: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	fast := validContact()
	fast.Set("jeton", e.contactToken(c))
	e.clock.Advance(time.Second)
	if res := e.postForm(c, "/contact", fast); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/contact/merci" {
		t.Errorf("too fast: %d", res.StatusCode)
	}
	old := validContact()
	old.Set("jeton", e.contactToken(c))
	e.clock.Advance(25 * time.Hour)
	if res := e.postForm(c, "/contact", old); res.StatusCode != http.StatusSeeOther {
		t.Errorf("too old: %d", res.StatusCode)
	}
	forged := validContact()
	forged.Set("jeton", "1700000000.abcdef")
	if res := e.postForm(c, "/contact", forged); res.StatusCode != http.StatusSeeOther {
		t.Errorf("forged: %d", res.StatusCode)
	}
	if n, m := len(e.messages(t)), len(e.outbox(t)); n != 0 || m != 0 {
		t.Fatalf("bots left %d messages and %d mails", n, m)
	}
}

func TestContactRateLimitIsAFrench429(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for i := range contactLimit {
		if res := e.sendContact(c, validContact()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("message %d: %d", i+1, res.StatusCode)
		}
	}
	res := e.sendContact(c, validContact())
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, "Trop de tentatives") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th message: %d", res.StatusCode)
	}
	if n := len(e.messages(t)); n != contactLimit {
		t.Fatalf("%d messages stored", n)
	}
	// Another instance on the same database enforces the same limit.
	e2 := newEnvOn(t, e.store, e.clock)
	if res := e2.sendContact(e2.client(), validContact()); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second instance: %d", res.StatusCode)
	}
	e.clock.Advance(contactWindow)
	if res := e.sendContact(c, validContact()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
}

func TestContactWithManyLinksIsKeptAsSpamWithoutMail(t *testing.T) {
	e := newEnv(t, "sqlite")
	form := validContact()
	form.Set("message", "Super offre https://a.example https://b.example www.c.example")
	if res := e.sendContact(e.client(), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d", res.StatusCode)
	}
	msgs := e.messages(t)
	if len(msgs) != 1 || msgs[0].Status != garage.MessageSpam {
		t.Fatalf("messages %+v", msgs)
	}
	if n := len(e.outbox(t)); n != 0 {
		t.Fatalf("%d mails for a spam", n)
	}
}

// TestContactFromACarPage: the car page carries the contact form with the
// subject filled in from the car; the message reaches the inbox with the
// car linked.
func TestContactFromACarPage(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now())
			c := e.client()
			page := e.get(c, views.CarPath(clio))
			field := func(name string) string {
				m := regexp.MustCompile(`name="` + name + `"[^>]*value="([^"]*)"`).FindStringSubmatch(page.body)
				if m == nil {
					t.Fatalf("car page form lacks %s", name)
				}
				return html.UnescapeString(m[1])
			}
			subject := "Annonce n° " + itoa(int(clio.ID)) + " — Renault Clio V TCe 90 Zen"
			if got := field("sujet"); got != subject {
				t.Fatalf("prefilled subject %q, want %q", got, subject)
			}
			form := validContact()
			form.Set("sujet", field("sujet"))
			form.Set("voiture", field("voiture"))
			form.Set("jeton", field("jeton"))
			e.clock.Advance(20 * time.Second)
			if res := e.postForm(c, "/contact", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST from the car page: %d", res.StatusCode)
			}
			m := e.messages(t)[0]
			if m.CarID == nil || *m.CarID != clio.ID || m.Subject != subject {
				t.Fatalf("stored %+v", m)
			}
			emp := e.loggedIn(employeeEmail, employeePass)
			msg := e.get(emp, "/admin/messages/"+itoa(int(m.ID)))
			if !strings.Contains(msg.body, `href="/occasions/`+itoa(int(clio.ID))) {
				t.Fatalf("message page does not link the car")
			}
			// The car link leads to the car's page.
			res := e.get(c, "/occasions/"+itoa(int(clio.ID)))
			if loc, _ := url.Parse(res.Header.Get("Location")); res.StatusCode != http.StatusMovedPermanently || loc.Path != views.CarPath(clio) {
				t.Fatalf("car link: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
}
