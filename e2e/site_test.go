package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/store/storetest"
)

// TestVisitorAndStaffBasics walks the public pages as a visitor on a phone,
// then logs in as the administrator and out again, on each engine.
func TestVisitorAndStaffBasics(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s := startSite(t, engine)
			b := newBrowser(t, 390, 844)

			b.allowErrorStatus(s.URL + "/nexiste-pas")
			for _, path := range []string{"/", "/services", "/occasions", "/avis", "/contact", "/connexion", "/nexiste-pas"} {
				// The footer is laid out only when scrolled near
				// (content-visibility: auto), so its innerText is empty on a
				// long page: read its text content.
				b.do(t, chromedp.Navigate(s.URL+path))
				footer := get(t, b, chromedp.TextContent(chromedp.CSS(".footer-hours")))
				if !strings.Contains(footer, "8\u00a0h\u00a045 – 12\u00a0h\u00a000") || !strings.Contains(footer, "fermé") {
					t.Errorf("%s: footer hours %q", path, footer)
				}
			}

			// The phone menu opens with the keyboard.
			b.do(t,
				chromedp.Navigate(s.URL+"/"),
				chromedp.Focus(chromedp.CSS(".nav-toggle")),
				chromedp.KeyEvent("\r"),
			)
			attr := get(t, b, chromedp.AttributeValue(chromedp.CSS(".nav-toggle"), "aria-expanded"))
			if attr.Value != "true" {
				t.Errorf("menu button aria-expanded = %+v after Enter", attr)
			}

			// Staff log in through the one form and reach the back office.
			b.do(t,
				chromedp.Navigate(s.URL+"/connexion"),
				chromedp.SendKeys(chromedp.ID("email"), adminEmail),
				chromedp.SendKeys(chromedp.ID("password"), adminPassword),
				chromedp.Submit(chromedp.ID("password")),
				chromedp.WaitVisible(chromedp.CSS(".admin-main h1")),
			)
			if h := get(t, b, chromedp.Text(chromedp.CSS(".admin-main h1"))); !strings.Contains(h, "Bonjour Vincent") {
				t.Fatalf("after login: %q", h)
			}
			b.do(t,
				chromedp.Click(chromedp.CSS(".logout-form button")),
				chromedp.WaitVisible(chromedp.CSS(".hero")),
				chromedp.Navigate(s.URL+"/admin"),
				chromedp.WaitVisible(chromedp.ID("email")),
			)
			if url := get(t, b, chromedp.Location()); !strings.Contains(url, "/connexion") {
				t.Fatalf("back office reachable after logout: %s", url)
			}
		})
	}
}
