package e2e

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var quotePathRe = regexp.MustCompile(`/devis/[A-Za-z0-9_\-]{40,}`)

// TestQuoteStory: a visitor asks for a bodywork quote on a phone, with a
// photo of the damage; an employee prices it from the board (labour hours
// at the bodywork rate) and sends it; the customer opens the e-mailed
// link, types his name, ticks "bon pour accord" and accepts; the garage
// is told by e-mail and the quotes' list shows it accepted.
func TestQuoteStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			smtp := mailtest.Start(t, "127.0.0.1:0")
			host, port, err := net.SplitHostPort(smtp.Addr())
			if err != nil {
				t.Fatal(err)
			}
			env := []string{"MAIL_SERVER=" + host, "MAIL_PORT=" + port, "MAIL_FROM=Garage V. Parrot <ne-pas-repondre@garage-parrot.test>"}
			s := startSiteWith(t, engine, siteConfig{Env: env, Seed: func(t *testing.T, st *store.Store) {
				seedStories(t, st)
				rate := &garage.PriceItem{Kind: garage.PriceRate, Code: "carrosserie", Label: "Carrosserie", CentsTTC: 7800, Active: true}
				if err := st.SetPriceItem(context.Background(), rate, time.Now().Add(-time.Hour), garage.Actor{}); err != nil {
					t.Fatal(err)
				}
			}})
			storyQuote(t, s, smtp)
		})
	}
}

func storyQuote(t *testing.T, s *site, smtp *mailtest.Server) {
	const visitor = "hugo.bernard@example.test"
	b := newBrowser(t, 390, 844)
	b.do(t,
		chromedp.Navigate(s.URL+"/services"),
		activate(`main a[href="/devis"]`),
		chromedp.WaitVisible(chromedp.ID("devis-prestation")),
	)
	rendered := time.Now()
	if w := eval[[]int](t, b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the quote request scrolls sideways: %d px wide in a %d px window", w[0], w[1])
	}
	b.checkA11y(t, "quote request form")
	b.do(t,
		chromedp.SetValue(chromedp.ID("devis-prestation"), "autre"),
		chromedp.SendKeys(chromedp.ID("immatriculation"), "GH-452-KL"),
		chromedp.SendKeys(chromedp.ID("annee"), "2020"),
		chromedp.SendKeys(chromedp.ID("marque"), "Renault"),
		chromedp.SendKeys(chromedp.ID("modele"), "Captur"),
		chromedp.SendKeys(chromedp.ID("kilometrage"), "48000"),
		chromedp.SendKeys(chromedp.ID("message"), "Pare-chocs arrière enfoncé après un choc en stationnement."),
		chromedp.SetUploadFiles(chromedp.ID("devis-photos"), writeJPEGs(t, 1)),
		chromedp.SendKeys(chromedp.ID("nom"), "Bernard"),
		chromedp.SendKeys(chromedp.ID("prenom"), "Hugo"),
		chromedp.SendKeys(chromedp.ID("email"), visitor),
		chromedp.SendKeys(chromedp.ID("telephone"), "06 12 34 56 78"),
		tick(`input[name="consentement"]`),
	)
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t, activate(`.lead-form button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS("h1.quote-thanks")))

	e := newBrowser(t, 1280, 900)
	e.login(t, s, employeeEmail, employeePassword)
	e.do(t, chromedp.Navigate(s.URL+"/admin/devis"), chromedp.WaitVisible(chromedp.CSS(`a[href^="/admin/devis/nouveau?demande="]`)))
	if row := e.text(t, ".admin-main table tbody"); !strings.Contains(row, "Hugo Bernard") || !strings.Contains(row, "Demande de devis — Autre") {
		t.Fatalf("request row: %q", row)
	}
	e.checkA11y(t, "quotes list")
	e.do(t,
		activate(`a[href^="/admin/devis/nouveau?demande="]`),
		chromedp.WaitVisible(chromedp.ID("code-1")),
	)
	if v := eval[string](t, e, `document.getElementById("immatriculation").value`); v != "GH-452-KL" {
		t.Errorf("the quote does not take the request's plate: %q", v)
	}
	e.checkA11y(t, "new quote")
	e.do(t,
		chromedp.SetValue(chromedp.ID("type-1"), "main-oeuvre"),
		chromedp.SetValue(chromedp.ID("code-1"), "carrosserie"),
		chromedp.SendKeys(chromedp.ID("libelle-1"), "Redressage du pare-chocs arrière"),
		chromedp.SendKeys(chromedp.ID("qte-1"), "2,5"),
		activate(`.quote-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/envoyer"] button`)),
	)
	if tot := e.text(t, ".quote-table tfoot"); !strings.Contains(tot, "195,00") {
		t.Fatalf("totals %q", tot)
	}
	e.do(t, activate(`form[action$="/envoyer"] button`), chromedp.WaitVisible(chromedp.CSS(`.admin-main a[href$="/pdf"]`)))
	if f := e.text(t, ".admin-main .flash-success"); !strings.Contains(f, "est envoyé à "+visitor) {
		t.Fatalf("send flash %q", f)
	}
	number := e.text(t, ".admin-main h1")
	if !strings.HasPrefix(number, "Devis D-") {
		t.Fatalf("heading after sending %q", number)
	}
	number = strings.TrimPrefix(number, "Devis ")

	mail := waitMail(t, smtp, visitor, "Votre devis "+number)
	link := quotePathRe.FindString(mail.Part("text/plain"))
	if link == "" {
		t.Fatalf("no link in the quote's mail:\n%s", mail.Part("text/plain"))
	}
	c := newBrowser(t, 390, 844)
	c.do(t, chromedp.Navigate(s.URL+link), chromedp.WaitVisible(chromedp.CSS(`form[action$="/accepter"] button`)))
	if body := c.text(t, "main"); !strings.Contains(body, "Redressage du pare-chocs arrière") || !strings.Contains(body, "195,00") {
		t.Errorf("customer page %q", body)
	}
	if w := eval[[]int](t, c, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the customer's quote scrolls sideways: %d px wide in a %d px window", w[0], w[1])
	}
	c.checkA11y(t, "customer quote")
	c.do(t,
		chromedp.SendKeys(chromedp.CSS(`form[action$="/accepter"] input[name="nom"]`), "Hugo Bernard"),
		tick(`input[name="bon_pour_accord"]`),
	)
	c.waitJS(t, `document.querySelector('form[action$="/accepter"] input[name="nom"]').value === "Hugo Bernard" && document.querySelector('input[name="bon_pour_accord"]').checked`)
	c.do(t, activate(`form[action$="/accepter"] button`), chromedp.WaitVisible(chromedp.CSS(".quote-state-accepte")))
	if msg := c.text(t, "main"); !strings.Contains(msg, "Vous avez accepté ce devis") {
		t.Fatalf("after accepting: %q", msg)
	}

	waitMail(t, smtp, "contact@garage-parrot.test", "Devis "+number+" accepté")
	e.do(t, chromedp.Navigate(s.URL+"/admin/devis?statut=accepte"), chromedp.WaitVisible(chromedp.CSS(".admin-main h1")))
	if row := e.text(t, ".admin-main"); !strings.Contains(row, number) || !strings.Contains(row, "Accepté") {
		t.Fatalf("accepted list: %q", row)
	}
	quotePath := eval[string](t, e, `document.querySelector('.admin-main table a[href^="/admin/devis/"]').pathname`)

	// Axe and no sideways scroll on the new pages, on a phone and on a desktop screen.
	pub := []string{"/tarifs", "/devis", "/devis/merci"}
	admin := []string{"/admin/tarifs", "/admin/devis", "/admin/devis/nouveau", quotePath}
	a := newBrowser(t, 1280, 900)
	a.login(t, s, adminEmail, adminPassword)
	aPhone := newBrowser(t, 390, 844)
	aPhone.login(t, s, adminEmail, adminPassword)
	for _, br := range []*browser{a, aPhone} {
		for _, path := range append(pub, admin...) {
			br.do(t, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("main h1")))
			br.checkA11y(t, path)
			if w := eval[[]int](t, br, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
				wide := eval[[]string](t, br, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth && !(e.parentElement && e.parentElement.closest(".table-wrap"))).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right) + " " + getComputedStyle(e).wordBreak + " " + getComputedStyle(e).whiteSpace)`)
				t.Errorf("%s scrolls sideways: %d px wide in a %d px window: %v", path, w[0], w[1], wide)
			}
		}
	}
}
