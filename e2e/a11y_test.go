package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core is vendored (pinned, MPL-2.0, see docs/dependencies.md);
// AXE_CORE_JS points at another copy.
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		p := os.Getenv("AXE_CORE_JS")
		if p == "" {
			p = filepath.Join("testdata", "axe-core", "axe.min.js")
		}
		var b []byte
		b, axeErr = os.ReadFile(p)
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core: %v", axeErr)
	}
	return axeSource
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun is evaluated after axe.min.js: the WCAG 2.1 A and AA rules, the
// serious and critical violations only.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))})))`

// checkA11y injects axe-core into the current page through DevTools (not
// subject to the page's CSP) and fails on serious or critical violations.
func (b *browser) checkA11y(t *testing.T, label string) {
	t.Helper()
	b.do(t, chromedp.Evaluate[chromedp.Void](axeScript(t)))
	vs := get(t, b, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	for _, v := range vs {
		t.Errorf("%s: axe %s (%s): %s\n    %s", label, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n    "))
	}
}

// storyAccessibility runs axe-core on every public page and every
// back-office page of the suite, on a phone and on a desktop screen.
func storyAccessibility(t *testing.T, s *site) {
	v := newBrowser(t, 1280, 900)
	v.do(t, chromedp.Navigate(s.URL+"/occasions"))
	carPath := get(t, v, chromedp.AttributeValue(chromedp.CSS("#resultats .car-card-title a"), "href")).Value
	if carPath == "" {
		t.Fatal("no car in the list")
	}
	public := []string{"/", "/services", "/occasions", carPath, "/avis", "/avis/moderation", "/contact",
		"/mentions-legales", "/confidentialite", "/connexion", "/mot-de-passe-oublie"}
	phone := newBrowser(t, 390, 844)
	for _, path := range public {
		for _, b := range []*browser{v, phone} {
			b.do(t, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("footer")))
			b.checkA11y(t, path)
		}
	}

	a := newBrowser(t, 1280, 900)
	a.login(t, s, adminEmail, adminPassword)
	aPhone := newBrowser(t, 390, 844)
	aPhone.login(t, s, adminEmail, adminPassword)
	a.do(t, chromedp.Navigate(s.URL+"/admin/voitures"))
	editPath := get(t, a, chromedp.AttributeValue(chromedp.CSS(`.admin-main table a[href^="/admin/voitures/"]`), "href")).Value
	if editPath == "" {
		t.Fatal("no car in the back office list")
	}
	admin := []string{"/admin", "/admin/voitures", "/admin/voitures/nouvelle", editPath, "/admin/messages", "/admin/avis",
		"/admin/avis/nouveau", "/admin/horaires", "/admin/services", "/admin/garage", "/admin/comptes", "/admin/journal", "/admin/compte"}
	a.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
	// A message page when the inbox has one (ContactFromCarPage sends it).
	if msg := eval[string](t, a, `(document.querySelector('.inbox-table a[href^="/admin/messages/"]') || {}).pathname || ""`); msg != "" {
		admin = append(admin, msg)
	}
	for _, path := range admin {
		for _, b := range []*browser{a, aPhone} {
			b.do(t, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS(".admin-main")))
			b.checkA11y(t, fmt.Sprintf("%s (admin)", path))
		}
	}
}
