package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web"
)

var alertPathRe = regexp.MustCompile(`/alertes/[A-Za-z0-9_\-]{30,}`)

// TestBuyerStory: a visitor keeps three cars as favourites (in the browser,
// no cookie), compares them, sets an alert on a filtered list and confirms
// it from the e-mail; a matching car is published, the daily digest
// arrives (the job run as `garage serve` runs it), and the visitor
// unsubscribes with the one-click POST of their mail client.
func TestBuyerStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s, smtp := storySite(t, engine)
			storyBuyer(t, s, smtp)
		})
	}
}

// waitMail waits for the first mail to to whose subject contains subject.
func waitMail(t *testing.T, smtp *mailtest.Server, to, subject string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(25 * time.Second) // the mail worker polls every 10 s
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Subject(), subject) {
				return m
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail %q to %s within 25 s", subject, to)
	return mailtest.Received{}
}

func storyBuyer(t *testing.T, s *site, smtp *mailtest.Server) {
	const email = "acheteuse@example.test"
	b := newBrowser(t, 390, 844)
	b.do(t, chromedp.Navigate(s.URL+"/occasions"), chromedp.WaitVisible(chromedp.CSS(".car-card .fav-toggle")))
	ids := eval[[]string](t, b, `Array.from(document.querySelectorAll(".car-card .fav-toggle")).slice(0, 3).map(b => b.dataset.fav)`)
	if len(ids) != 3 {
		t.Fatalf("hearts %v", ids)
	}
	for _, id := range ids {
		b.do(t, activate(`.car-card .fav-toggle[data-fav="`+id+`"]`))
		b.waitJS(t, `document.querySelector('.car-card .fav-toggle[data-fav="`+id+`"]').getAttribute("aria-pressed") === "true"`)
	}
	if n := eval[int](t, b, `JSON.parse(localStorage.getItem("garage.favoris")).length`); n != 3 {
		t.Fatalf("%d favourites stored", n)
	}

	// The favourites page fills itself from the browser, then compares.
	b.do(t, chromedp.Navigate(s.URL+"/occasions/favoris"))
	b.waitJS(t, `document.querySelectorAll("#favoris-resultats .car-card").length === 3`)
	b.do(t, activate(`.compare-pick button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS(".compare-table")))
	if h := b.text(t, "h1"); h != "Comparer 3 véhicules" {
		t.Fatalf("compare page %q", h)
	}
	for _, id := range ids {
		if !strings.Contains(b.location(t), id) {
			t.Errorf("compare URL %s lacks car %s", b.location(t), id)
		}
	}
	if n := eval[int](t, b, `document.querySelectorAll(".compare-table tr.compare-diff").length`); n == 0 {
		t.Error("no difference marked")
	}
	b.checkA11y(t, "comparer")
	b.do(t, chromedp.Navigate(s.URL+"/occasions/favoris"))
	b.waitJS(t, `document.querySelectorAll("#favoris-resultats .car-card").length === 3`)
	b.checkA11y(t, "favoris")
	b.do(t, chromedp.Navigate(s.URL+"/occasions/"+ids[0]+"/fiche"), chromedp.WaitVisible(chromedp.CSS(".fiche-qr svg")))
	b.checkA11y(t, "fiche vitrine")

	// An alert on the Peugeot list.
	b.do(t, chromedp.Navigate(s.URL+"/occasions?marque=Peugeot"),
		activate(`.buyer-links a[href^="/alertes/nouvelle"]`), chromedp.WaitVisible(chromedp.ID("alerte-email")))
	b.checkA11y(t, "alerte")
	rendered := time.Now()
	b.do(t, chromedp.SendKeys(chromedp.ID("alerte-email"), email))
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t, activate(`.alert-form button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if h := b.text(t, "main h1"); h != "Vérifiez votre boîte e-mail" {
		t.Fatalf("after the alert form: %q", h)
	}
	m := waitMail(t, smtp, email, "Confirmez votre alerte")
	link := alertPathRe.FindString(m.Part("text/plain"))
	if link == "" {
		t.Fatalf("no link in %q", m.Part("text/plain"))
	}
	b.do(t, chromedp.Navigate(s.URL+link+"/confirmer"), activate(`main form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")))
	if msg := b.text(t, ".flash-success"); !strings.Contains(msg, "Votre alerte est active") {
		t.Fatalf("after confirming: %q", msg)
	}

	// A matching car is published (after the confirmation), then the digest job runs.
	ctx := context.Background()
	st, err := store.Open(ctx, s.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &garage.Car{Make: "Peugeot", Model: "308", Version: "1.2 PureTech 130 Allure", Price: 18900, RegMonth: 5, RegYear: 2022,
		Mileage: 32000, Fuel: "essence", Gearbox: "manuelle", CritAir: "1", Status: garage.CarPublished,
		PublishedAt: time.Now().Truncate(time.Second).Add(time.Second)}
	if err := st.CreateCar(ctx, c, nil, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if n, err := web.SendAlertDigests(ctx, st, s.URL, c.PublishedAt.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("digests queued: %d %v", n, err)
	}
	d := waitMail(t, smtp, email, "Du nouveau pour votre recherche")
	if text := d.Part("text/plain"); !strings.Contains(text, "Peugeot 308") || strings.Contains(text, "Renault") {
		t.Fatalf("digest:\n%s", text)
	}
	unsub := strings.Trim(d.Header().Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, s.URL+"/alertes/") || d.Header().Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe headers %q %q", unsub, d.Header().Get("List-Unsubscribe-Post"))
	}

	// The mail client's one-click POST, from its own origin.
	req, _ := http.NewRequest(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://webmail.example.net")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", res.StatusCode)
	}
	if list, err := st.AlertsOfEmail(ctx, email); err != nil || len(list) != 0 {
		t.Fatalf("the address is kept after unsubscribing: %v %v", list, err)
	}
	b.allowErrorStatus(s.URL + link) // 404: the link is dead with its alert
	b.do(t, chromedp.Navigate(s.URL+link))
	if h := b.text(t, "main h1"); h != "Page introuvable" {
		t.Errorf("the personal page after unsubscribing: %q", h)
	}

	// Not a single cookie for the visitor, whatever they did.
	cctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	got, err := chromedp.Call(cctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	cookies := got.Cookies
	if len(cookies) != 0 {
		t.Fatalf("cookies for a visitor: %+v", cookies)
	}
	b.check(t)
}
