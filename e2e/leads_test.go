package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store/storetest"
)

// testDriveSlot is the first coming weekday at 15:00 (Paris) the seeded
// hours (hours.DefaultWeek) accept for a test drive.
func testDriveSlot(t *testing.T) time.Time {
	t.Helper()
	now := time.Now()
	s := hours.Schedule{Week: hours.DefaultWeek()}
	day := now.In(hours.Paris())
	for i := 1; i < 30; i++ {
		at := time.Date(day.Year(), day.Month(), day.Day()+i, 15, 0, 0, 0, hours.Paris())
		if garage.TestDriveProblem(at, now, s) == "" {
			return at
		}
	}
	t.Fatal("no test drive slot in 30 days")
	return time.Time{}
}

// TestLeadStory: a visitor books a test drive from a car page on a phone;
// an employee sees it on the lead desk, takes it, answers it by e-mail;
// the visitor receives the acknowledgement and the answer.
func TestLeadStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s, smtp := storySite(t, engine)
			storyLead(t, s, smtp)
		})
	}
}

func storyLead(t *testing.T, s *site, smtp *mailtest.Server) {
	const visitor = "amelie.lefevre@example.test"
	slot := testDriveSlot(t)
	b := newBrowser(t, 390, 844)
	b.do(t,
		chromedp.Navigate(s.URL+"/occasions"),
		activate(`.car-card-title a[href*="-renault-clio"]`),
		chromedp.WaitVisible(chromedp.CSS(`.lead-links a[href$="/essai"]`)),
		activate(`.lead-links a[href$="/essai"]`),
		chromedp.WaitVisible(chromedp.ID("lead-jour")),
	)
	rendered := time.Now()
	if h := b.text(t, "main h1"); h != "Réserver un essai" {
		t.Fatalf("heading %q", h)
	}
	// The window is as narrow as headless Chromium allows; the page must not be wider than it.
	if w := eval[[]int](t, b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("the test drive form scrolls sideways: %d px wide in a %d px window", w[0], w[1])
	}
	b.checkA11y(t, "test drive form")
	b.do(t,
		chromedp.SetValue(chromedp.ID("lead-jour"), slot.Format("2006-01-02")),
		chromedp.SetValue(chromedp.ID("lead-heure"), "15:00"),
		chromedp.SendKeys(chromedp.ID("lead-nom"), "Lefèvre"),
		chromedp.SendKeys(chromedp.ID("lead-prenom"), "Amélie"),
		chromedp.SendKeys(chromedp.ID("lead-email"), visitor),
		chromedp.SendKeys(chromedp.ID("lead-telephone"), "06 12 34 56 78"),
		chromedp.SendKeys(chromedp.ID("lead-message"), "Je viendrai avec mon permis."),
	)
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t,
		activate(`.lead-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".contact-thanks h1")),
	)
	if h := b.text(t, ".contact-thanks h1"); h != "Demande envoyée" {
		t.Fatalf("confirmation %q", h)
	}

	e := newBrowser(t, 1280, 900)
	e.login(t, s, employeeEmail, employeePassword)
	e.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
	row := e.text(t, ".inbox-table tbody")
	if !strings.Contains(row, "Essai") || !strings.Contains(row, "Amélie Lefèvre") || !strings.Contains(row, "personne") {
		t.Fatalf("lead desk row: %q", row)
	}
	e.do(t,
		activate(`.inbox-table a[href^="/admin/messages/"]`),
		chromedp.WaitVisible(chromedp.ID("responsable")),
	)
	if dl := e.text(t, ".message-meta"); !strings.Contains(dl, "à 15 h 00") || !strings.Contains(dl, "En cours") {
		t.Errorf("lead details: %q", dl)
	}
	// Take it: choose oneself in the list.
	if !eval[bool](t, e, `(() => { const s = document.getElementById("responsable");
		for (const o of s.options) { if (o.textContent.trim() === "Julie Martin") { s.value = o.value; return true; } }
		return false; })()`) {
		t.Fatal("Julie Martin is not in the list of staff")
	}
	e.do(t,
		activate(`.lead-assign button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".admin-main .flash-success")),
	)
	if f := e.text(t, ".admin-main .flash-success"); f != "Demande attribuée." {
		t.Fatalf("assign flash %q", f)
	}
	reply := "Bonjour Amélie, c'est noté : nous vous attendons avec la Clio."
	e.do(t,
		chromedp.SendKeys(chromedp.ID("reponse"), reply),
		activate(`.lead-reply button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".lead-history")), // only once the lead has a reply
	)
	if f := e.text(t, ".admin-main .flash-success"); f != "Réponse envoyée à "+visitor+"." {
		t.Fatalf("reply flash %q", f)
	}
	if h := e.text(t, ".lead-history"); !strings.Contains(h, reply) || !strings.Contains(h, "Julie Martin") {
		t.Errorf("history %q", h)
	}
	e.checkA11y(t, "lead page")
	e.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
	if row := e.text(t, ".inbox-table tbody"); !strings.Contains(row, "Répondu") || !strings.Contains(row, "Julie Martin") {
		t.Errorf("lead desk row after the answer: %q", row)
	}
	e.checkA11y(t, "lead desk")
	thanks := b.location(t) // /occasions/{id}/merci
	for _, kind := range []string{"reprise", "financement"} {
		b.do(t, chromedp.Navigate(strings.Replace(thanks, "/merci", "/"+kind, 1)), chromedp.WaitVisible(chromedp.ID("lead-nom")))
		b.checkA11y(t, kind+" form")
	}

	// The visitor's mailbox: the acknowledgement, then the answer (the mail worker polls every 10 s).
	var ack, answer bool
	deadline := time.Now().Add(25 * time.Second)
	for !(ack && answer) && time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if len(m.To) != 1 || m.To[0] != visitor {
				continue
			}
			text := m.Part("text/plain")
			ack = ack || strings.Contains(m.Subject(), "a bien été reçue") && strings.Contains(text, "Renault Clio")
			answer = answer || strings.HasPrefix(m.Subject(), "Re : Demande d'essai") && strings.Contains(text, reply)
		}
		if !(ack && answer) {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !ack || !answer {
		t.Fatalf("visitor's mail: acknowledgement %v, answer %v (%d mails received)", ack, answer, len(smtp.Messages()))
	}
}
