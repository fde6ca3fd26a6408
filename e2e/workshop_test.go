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

// seedWorkshop: the stories' site plus a bookable 45-minute service, one
// bay, a 2-hour notice, requests waiting for the staff.
func seedWorkshop(t *testing.T, s *store.Store) {
	t.Helper()
	seedStories(t, s)
	ctx := context.Background()
	now := time.Now()
	if err := s.CreateService(ctx, &garage.Service{Title: "Vidange", Description: "Huile et filtre.", Visible: true, Bookable: true, Minutes: 45},
		now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	ws := garage.DefaultWorkshopSettings()
	ws.NoticeHours = 2
	if err := s.SaveWorkshopSettings(ctx, ws, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
}

var personalLinkRe = regexp.MustCompile(`/rendez-vous/[A-Za-z0-9_-]{43}`)

// TestWorkshopStory: on a phone, a visitor books a service from the home
// page, receives the e-mail with the .ics and the personal link, and
// cancels from it; books again; an employee confirms the request on the
// planning and marks the car ready; the customer receives "prêt".
func TestWorkshopStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			smtp := mailtest.Start(t, "127.0.0.1:0")
			host, port, err := net.SplitHostPort(smtp.Addr())
			if err != nil {
				t.Fatal(err)
			}
			s := startSiteWith(t, engine, siteConfig{
				Env:  []string{"MAIL_SERVER=" + host, "MAIL_PORT=" + port, "MAIL_FROM=Garage V. Parrot <ne-pas-repondre@garage-parrot.test>"},
				Seed: seedWorkshop,
			})
			storyWorkshop(t, s, smtp)
		})
	}
}

// book walks the booking on the phone and returns the day booked.
func book(t *testing.T, b *browser, s *site, name string) {
	t.Helper()
	b.do(t,
		chromedp.Navigate(s.URL+"/"),
		activate(`.hero-actions a[href="/rendez-vous"]`),
		chromedp.WaitVisible(chromedp.CSS(`input[name="service"]`)),
		tick(`input[name="service"]`),
	)
	// Ticking already shows the slots in place (rdv.js); the submit then
	// loads the same list as a page of its own, whose URL carries the choice.
	b.markPage(t)
	b.do(t, activate(`.appointment-search button[type="submit"]`))
	b.waitNewPage(t, `document.querySelector(".slot-list .slot")`)
	if loc := b.location(t); !strings.Contains(loc, "service=") {
		t.Errorf("the URL does not carry the choice: %s", loc)
	}
	if w := eval[[]int](t, b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the slots scroll sideways: %d px wide in a %d px window", w[0], w[1])
	}
	b.checkA11y(t, "booking page")
	// A slot on the last day shown: well past the notice.
	b.do(t,
		activate(`.slot-day:last-of-type .slot`),
		chromedp.WaitVisible(chromedp.ID("rdv-nom")),
	)
	rendered := time.Now()
	b.checkA11y(t, "booking form")
	b.do(t,
		chromedp.SendKeys(chromedp.ID("rdv-nom"), name),
		chromedp.SendKeys(chromedp.ID("rdv-email"), "client@example.test"),
		chromedp.SendKeys(chromedp.ID("rdv-telephone"), "06 12 34 56 78"),
		chromedp.SendKeys(chromedp.ID("rdv-immatriculation"), "ab-123-cd"),
		chromedp.SendKeys(chromedp.ID("rdv-marque"), "Peugeot"),
		chromedp.SendKeys(chromedp.ID("rdv-modele"), "208"),
		tick("#rdv-consentement"),
	)
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t,
		activate(`.lead-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".appointment-summary")),
	)
	if f := b.text(t, ".contact-thanks .flash"); !strings.Contains(f, "demande de rendez-vous est enregistrée") {
		t.Fatalf("confirmation %q", f)
	}
}

// waitCustomerMail waits for a mail to the customer whose subject starts with prefix.
func waitCustomerMail(t *testing.T, smtp *mailtest.Server, prefix string, skip int) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	for time.Now().Before(deadline) {
		seen := 0
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == "client@example.test" && strings.HasPrefix(m.Subject(), prefix) {
				if seen == skip {
					return m
				}
				seen++
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail %q to the customer (%d mails received)", prefix, len(smtp.Messages()))
	return mailtest.Received{}
}

func storyWorkshop(t *testing.T, s *site, smtp *mailtest.Server) {
	b := newBrowser(t, 390, 844)
	book(t, b, s, "Amélie Lefèvre")
	m := waitCustomerMail(t, smtp, "Demande de rendez-vous enregistrée", 0)
	text := m.Part("text/plain")
	var ics bool
	for _, a := range m.Attachments() {
		ics = ics || a.Name == "rendez-vous.ics" && a.ContentType == "text/calendar" && strings.Contains(string(a.Data), "BEGIN:VEVENT")
	}
	link := personalLinkRe.FindString(text)
	if !ics || link == "" || !strings.Contains(text, "Vidange") || !strings.Contains(text, "Peugeot 208 (AB-123-CD)") {
		t.Fatalf("booking mail: ics %v, link %q\n%s", ics, link, text)
	}
	// Cancel from the link.
	b.do(t,
		chromedp.Navigate(s.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/annuler"] button`)),
		activate(`form[action$="/annuler"] button`),
		chromedp.WaitVisible(chromedp.CSS(".contact-thanks .flash")),
	)
	if f := b.text(t, ".contact-thanks .flash"); f != "Votre rendez-vous est annulé." {
		t.Fatalf("cancel %q", f)
	}
	waitCustomerMail(t, smtp, "Rendez-vous annulé", 0)

	// Booked again; the staff confirm it, then mark the car ready.
	book(t, b, s, "Amélie Lefèvre")
	e := newBrowser(t, 1024, 768) // a tablet in the workshop
	e.login(t, s, employeeEmail, employeePassword)
	if badge := e.text(t, `.admin-nav a[href="/admin/atelier"]`); !strings.Contains(badge, "1") {
		t.Errorf("no request to confirm in the menu: %q", badge)
	}
	day := eval[string](t, b, `document.querySelector(".appointment-summary td").textContent`)
	e.do(t, chromedp.Navigate(s.URL+"/admin/atelier"))
	for range 20 { // the appointment's day: within the week shown to the visitor
		if strings.Contains(e.text(t, ".board"), "Amélie Lefèvre") {
			break
		}
		e.do(t, activate(`.board-nav a:nth-child(3)`), chromedp.WaitVisible(chromedp.CSS(".board")))
	}
	board := e.text(t, ".board")
	if !strings.Contains(board, "Amélie Lefèvre") || !strings.Contains(board, "demandé") || !strings.Contains(board, "Peugeot 208") {
		t.Fatalf("board (visitor's day %q): %q", day, board)
	}
	e.checkA11y(t, "planning board")
	e.do(t,
		activate(`.board-job a`),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/statut"]`)),
	)
	e.checkA11y(t, "appointment page")
	// Each click reloads the page: the previous page's flash is removed first
	// so that the wait is for the new page's.
	for _, st := range []struct{ value, label string }{
		{"confirme", ": confirmé."}, {"arrive", ": véhicule arrivé."}, {"en_cours", ": en cours."}, {"pret", ": prêt."},
	} {
		_ = eval[bool](t, e, `(() => { document.querySelector(".admin-main .flash-success")?.remove(); return true; })()`)
		e.do(t,
			activate(`form[action$="/statut"] input[value="`+st.value+`"] + button`),
			chromedp.WaitVisible(chromedp.CSS(".admin-main .flash-success")),
		)
		if f := e.text(t, ".admin-main .flash-success"); !strings.Contains(f, st.label) {
			t.Fatalf("after %s: status flash %q", st.value, f)
		}
	}
	if f := e.text(t, ".admin-main .flash-success"); !strings.Contains(f, "prêt") {
		t.Fatalf("status flash %q", f)
	}
	waitCustomerMail(t, smtp, "Rendez-vous confirmé", 0)
	ready := waitCustomerMail(t, smtp, "Votre véhicule est prêt", 0)
	if !strings.Contains(ready.Part("text/plain"), "Peugeot 208 (AB-123-CD) est prêt") {
		t.Errorf("ready mail:\n%s", ready.Part("text/plain"))
	}
}
