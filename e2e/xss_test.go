package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// canary is stored in every text field. Rendered as markup, it would add a
// [data-xss] element, run a script or an event handler (window.__xss), or
// trip the CSP (a console error the harness turns into a failure).
const canary = `"'><b data-xss>x</b><img data-xss src=x onerror="window.__xss=1"><script>window.__xss=2</script><svg data-xss onload="window.__xss=3"></svg>{{7*7}}</textarea></title>`

// seedCanaries writes the canary into every text field a page can show:
// the garage's details, services, an exception, cars and their equipment,
// messages with notes, reviews (approved, pending, rejected), staff names
// and audit details. Going through the store, not the forms, reaches even
// the fields whose form would refuse such a value: the rendering itself is
// what is tested.
func seedCanaries(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SaveGarageDetails(ctx, &garage.Details{Name: "Garage " + canary, Street: canary, PostalCode: "31000", City: canary,
		Phone: "05 61 00 00 00", Email: "contact@garage-parrot.test", LegalName: canary, SIRET: canary, Host: canary,
		LegalForm: canary, ShareCapital: 1000, RCSCity: canary, RCSNumber: canary, VATNumber: canary, Director: canary, HostAddress: canary, HostPhone: canary}, now, garage.Actor{}))
	price := 49
	must(s.CreateService(ctx, &garage.Service{Title: canary, Description: canary, Visible: true, PriceFrom: &price}, now, garage.Actor{}))
	today := hours.DateOf(now.In(hours.Paris()))
	must(s.CreateException(ctx, &hours.Exception{First: today.AddDays(3), Last: today.AddDays(4), Label: canary}, now, garage.Actor{}))
	c := &garage.Car{Make: canary, Model: canary, Version: canary, Title: canary, Colour: canary, Description: canary,
		Price: 9990, RegMonth: 3, RegYear: 2021, Mileage: 45000, Fuel: "essence", Gearbox: "manuelle", CritAir: "1",
		Status: garage.CarPublished, PublishedAt: now}
	must(s.CreateCar(ctx, c, &garage.CarEquipment{NewNames: []string{canary}}, now, garage.Actor{}))
	carID := c.ID
	m := &garage.Message{LastName: canary, FirstName: canary, Email: "visiteur@exemple.fr", Phone: canary, Subject: canary, Body: canary, CarID: &carID}
	must(s.CreateMessage(ctx, m, nil, now))
	if _, err := s.UpdateMessage(ctx, m.ID, "in_progress", canary, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	for _, status := range []garage.TestimonialStatus{garage.TestimonialApproved, garage.TestimonialPending, garage.TestimonialRejected} {
		must(s.CreateTestimonial(ctx, &garage.Testimonial{Name: canary, Comment: canary, Rating: 4, Status: status,
			RejectReason: canary, Source: "visitor", ExperienceDate: "2026-01-15"}, now, garage.Actor{}))
	}
	must(s.CreateUser(ctx, &garage.User{Email: "canari@garage-parrot.test", FirstName: canary, LastName: canary,
		Role: garage.RoleEmployee, Active: true}, now, garage.Actor{}))
	details, _ := json.Marshal(map[string]string{"before": canary, "after": canary})
	must(s.AddAudit(ctx, &garage.AuditEntry{At: now, ActorEmail: canary, Action: canary, Target: canary, Details: string(details), IP: canary}))
}

// TestXSSCanaries renders every page, public and back office, with the
// canary in every field, in a real browser: nothing it carries may become
// markup or run.
func TestXSSCanaries(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s := startSiteWith(t, engine, siteConfig{Seed: seedCanaries})
			b := newBrowser(t, 1280, 900)
			b.do(t, chromedp.Navigate(s.URL+"/occasions"))
			carPath := get(t, b, chromedp.AttributeValue(chromedp.CSS("#resultats .car-card-title a"), "href")).Value
			if carPath == "" {
				t.Fatal("the canary car is not listed")
			}
			pages := []string{"/", "/services", "/occasions", carPath, "/avis", "/avis/moderation", "/contact",
				"/mentions-legales", "/confidentialite", "/connexion"}
			check := func(path string) {
				t.Helper()
				b.do(t, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
				// Let onerror/onload handlers a broken page would trigger fire.
				time.Sleep(100 * time.Millisecond)
				hits := eval[int](t, b, `document.querySelectorAll("[data-xss]").length`)
				ran := eval[string](t, b, `String(window.__xss)`)
				if hits != 0 || ran != "undefined" {
					t.Errorf("%s: %d injected elements, window.__xss = %s", path, hits, ran)
				}
				if !strings.Contains(eval[string](t, b, `document.body.innerText`), "{{7*7}}") {
					t.Errorf("%s: the canary text is not shown as text", path)
				}
			}
			for _, p := range pages {
				check(p)
			}
			b.login(t, s, adminEmail, adminPassword)
			admin := []string{"/admin", "/admin/voitures", "/admin/equipements", "/admin/messages", "/admin/avis",
				"/admin/horaires", "/admin/services", "/admin/garage", "/admin/comptes", "/admin/journal", "/admin/compte"}
			b.do(t, chromedp.Navigate(s.URL+"/admin/voitures"))
			if edit := get(t, b, chromedp.AttributeValue(chromedp.CSS(`.admin-main table a[href^="/admin/voitures/"]`), "href")).Value; edit != "" {
				admin = append(admin, edit)
			}
			b.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
			if msg := eval[string](t, b, `(document.querySelector('a[href^="/admin/messages/"]:not([href$=".csv"])') || {}).pathname || ""`); msg != "" {
				admin = append(admin, msg)
			}
			b.do(t, chromedp.Navigate(s.URL+"/admin/services"))
			if sv := eval[string](t, b, `(document.querySelector('a[href^="/admin/services/"]') || {}).pathname || ""`); sv != "" {
				admin = append(admin, sv)
			}
			for _, p := range admin {
				check(p)
			}
		})
	}
}
