package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

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
