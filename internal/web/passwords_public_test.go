package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

// linkFrom returns the path of the account link in a delivered mail,
// checking that the HTML part carries the same link.
func linkFrom(t *testing.T, e *env, text, html, kind string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(e.app.cfg.PublicURL) + `(/` + kind + `/[A-Za-z0-9_-]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no /%s/ link in:\n%s", kind, text)
	}
	if !strings.Contains(html, `href="`+e.app.cfg.PublicURL+m[1]+`"`) {
		t.Errorf("the HTML part lacks the link:\n%s", html)
	}
	return m[1]
}

func TestPasswordResetFullFlow(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			c := e.client()
			if login := e.get(c, "/connexion"); !strings.Contains(login.body, `href="/mot-de-passe-oublie"`) {
				t.Fatal("no « Mot de passe oublié ? » link on the login page")
			}
			known := e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {strings.ToUpper(employeeEmail)}})
			unknown := e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {"personne@garage-parrot.test"}})
			if known.StatusCode != http.StatusOK || unknown.StatusCode != http.StatusOK || !strings.Contains(known.body, "Si un compte du personnel correspond") {
				t.Fatalf("answers %d / %d", known.StatusCode, unknown.StatusCode)
			}
			strip := func(s string) string { return regexp.MustCompile(`<code>[^<]*</code>`).ReplaceAllString(s, "") }
			if strip(known.body) != strip(unknown.body) {
				t.Error("the answer differs for a known and an unknown e-mail")
			}
			if n := len(e.outbox(t)); n != 1 {
				t.Fatalf("%d mails queued, want 1 (the known account)", n)
			}
			got := e.deliver(t)
			if len(got) != 1 || strings.Join(got[0].To, ",") != employeeEmail || got[0].Subject() != "Réinitialisation de votre mot de passe — Garage V. Parrot" {
				t.Fatalf("delivered %d", len(got))
			}
			link := linkFrom(t, e, got[0].Part("text/plain"), got[0].Part("text/html"), "reinitialiser")

			form := e.get(c, link)
			if form.StatusCode != http.StatusOK || !strings.Contains(form.body, employeeEmail) || form.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("GET link: %d", form.StatusCode)
			}
			if res := e.postForm(c, link, url.Values{"password": {"Vidange-Moteur-Diesel-2026"}, "confirmation": {"autre chose"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Les deux mots de passe saisis sont différents.") {
				t.Fatalf("mismatch: %d", res.StatusCode)
			}
			if res := e.postForm(c, link, url.Values{"password": {"court"}, "confirmation": {"court"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "au moins 12 caractères") {
				t.Fatalf("weak: %d", res.StatusCode)
			}
			newPass := "Vidange-Moteur-Diesel-2026"
			res := e.postForm(c, link, url.Values{"password": {newPass}, "confirmation": {newPass}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
				t.Fatalf("save: %d %s", res.StatusCode, res.body)
			}
			if home := e.get(c, "/admin"); home.StatusCode != http.StatusOK || !strings.Contains(home.body, "Votre mot de passe est enregistré") {
				t.Fatalf("after reset: %d", home.StatusCode)
			}
			// The link works once.
			for _, r := range []*response{e.get(e.client(), link), e.postForm(e.client(), link, url.Values{"password": {"Autre-Phrase-Tres-Longue"}, "confirmation": {"Autre-Phrase-Tres-Longue"}})} {
				if r.StatusCode != http.StatusGone || !strings.Contains(r.body, "Lien expiré ou déjà utilisé") {
					t.Fatalf("reused link: %d", r.StatusCode)
				}
			}
			// The old password is gone, the new one works.
			if r := e.postForm(e.client(), "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("old password: %d", r.StatusCode)
			}
			e.loggedIn(employeeEmail, newPass)

			// A link older than an hour is refused.
			e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {employeeEmail}})
			got = e.deliver(t)
			link = linkFrom(t, e, got[len(got)-1].Part("text/plain"), got[len(got)-1].Part("text/html"), "reinitialiser")
			e.clock.Advance(61 * time.Minute)
			if r := e.get(e.client(), link); r.StatusCode != http.StatusGone {
				t.Fatalf("expired link: %d", r.StatusCode)
			}
			if r := e.get(e.client(), "/reinitialiser/inconnu"); r.StatusCode != http.StatusGone {
				t.Fatalf("unknown token: %d", r.StatusCode)
			}
		})
	}
}

func TestInvitationFullFlow(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	u := &garage.User{Email: "nouveau@garage-parrot.test", FirstName: "Noé", LastName: "Nouveau", Role: garage.RoleEmployee, Active: true}
	if err := e.store.CreateUser(ctx, u, e.clock.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	e.sendAccountLink(t, u, garage.TokenInvite)
	got := e.deliver(t)
	if len(got) != 1 || got[0].Subject() != "Votre accès à l'espace du personnel — Garage V. Parrot" {
		t.Fatalf("delivered %d", len(got))
	}
	to, _ := got[0].Header().AddressList("To")
	if len(to) != 1 || to[0].Name != "Noé Nouveau" {
		t.Errorf("To %v", to)
	}
	link := linkFrom(t, e, got[0].Part("text/plain"), got[0].Part("text/html"), "invitation")
	c := e.client()
	if form := e.get(c, link); form.StatusCode != http.StatusOK || !strings.Contains(form.body, "Bienvenue") {
		t.Fatalf("GET invitation: %d", form.StatusCode)
	}
	pw := "Carrosserie-Bleue-Atelier"
	if res := e.postForm(c, link, url.Values{"password": {pw}, "confirmation": {pw}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if home := e.get(c, "/admin"); home.StatusCode != http.StatusOK || !strings.Contains(home.body, "Bonjour Noé") {
		t.Fatalf("not logged in: %d", home.StatusCode)
	}
	if r := e.get(e.client(), link); r.StatusCode != http.StatusGone || !strings.Contains(r.body, "nouvelle invitation") {
		t.Fatalf("reused invitation: %d", r.StatusCode)
	}
	acts := e.auditActions(t)
	if !strings.Contains(strings.Join(acts, ","), "password.invite") {
		t.Errorf("audit %v", acts)
	}
	// An invitation expires after 72 hours.
	e.sendAccountLink(t, u, garage.TokenInvite)
	got = e.deliver(t)
	link = linkFrom(t, e, got[0].Part("text/plain"), got[0].Part("text/html"), "invitation")
	e.clock.Advance(72*time.Hour + time.Minute)
	if r := e.get(e.client(), link); r.StatusCode != http.StatusGone {
		t.Fatalf("expired invitation: %d", r.StatusCode)
	}
}

func TestForgotPasswordIsRateLimited(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for i := range forgotAccountLimit {
		if res := e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {employeeEmail}}); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	res := e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {employeeEmail}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, "Trop de tentatives") {
		t.Fatalf("over the limit: %d", res.StatusCode)
	}
	if res := e.postForm(c, "/mot-de-passe-oublie", url.Values{"email": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty: %d", res.StatusCode)
	}
}

func TestSendAccountLinkQueuesAWorkingSingleUseLink(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, employeeEmail)
	if err != nil {
		t.Fatal(err)
	}
	e.sendAccountLink(t, u, garage.TokenInvite)
	mails, err := e.store.ListOutbox(ctx, 10)
	if err != nil || len(mails) != 1 {
		t.Fatalf("outbox %v %v", mails, err)
	}
	m := mails[0]
	if m.To != employeeEmail || m.Kind != "account.invite" || !strings.Contains(m.Subject, "espace du personnel") {
		t.Fatalf("mail %+v", m)
	}
	i := strings.Index(m.Text, e.app.cfg.PublicURL+"/invitation/")
	if i < 0 {
		t.Fatalf("no link in %q", m.Text)
	}
	sent, err := url.Parse(strings.Fields(m.Text[i:])[0])
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(sent.Path, "/invitation/")
	got, err := e.store.AccountTokenUser(ctx, hashToken(token), garage.TokenInvite, e.clock.Now().Add(71*time.Hour))
	if err != nil || got.ID != u.ID {
		t.Fatalf("token from the mail: %v %v", got, err)
	}
	if strings.Contains(m.Text, hashToken(token)) {
		t.Fatal("the stored hash leaked into the mail")
	}
}
