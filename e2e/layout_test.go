package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/store/storetest"
)

// layoutPublicPages and layoutAdminPages are every public and back-office
// page the layout check (and the HTML validator) visits, at 390 and 1366
// px. A new page goes here. {car} is a car's public path, {carID} its
// number, {carID2} another car's, {message} an inbox message (skipped when
// there is none).
var (
	layoutPublicPages = []string{"/", "/services", "/occasions", "{car}", "{car}/fiche",
		"/occasions/{carID}/essai", "/occasions/{carID}/reprise", "/occasions/{carID}/financement",
		"/occasions/favoris", "/occasions/comparer?ids={carID},{carID2}", "/alertes/nouvelle", "/contact", "/avis",
		"/avis/moderation", "/mentions-legales", "/confidentialite", "/connexion", "/mot-de-passe-oublie",
		"/rendez-vous", "/tarifs", "/devis"}
	layoutAdminPages = []string{"/admin", "/admin/voitures", "/admin/voitures/nouvelle", "/admin/voitures/{carID}",
		"/admin/messages", "{message}", "/admin/avis", "/admin/avis/nouveau", "/admin/horaires", "/admin/services",
		"/admin/garage", "/admin/comptes", "/admin/journal", "/admin/compte", "/admin/equipements", "/admin/flux",
		"/admin/atelier", "/admin/atelier/reglages", "/admin/devis", "/admin/devis/nouveau", "/admin/tarifs"}
)

// knownLayoutFailures are pages (path, then " @390" or " @1366") whose
// layout check fails and could not be fixed yet, with the reason. Keep it
// empty.
var knownLayoutFailures = map[string]string{}

// layoutCheck is evaluated in the page: the problems a visitor would see.
// The document and every element fit the viewport (elements inside a
// horizontal scroll box, such as the comparison table, may scroll in it);
// a time ("18 h 00") or a price ("12 490 €") never breaks over two lines.
const layoutCheck = `(() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const doc = document.documentElement.scrollWidth;
  if (doc > vw) out.push("the document is " + doc + " px wide for a " + vw + " px viewport");
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true; } return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > vw + 1 && !scrolls(el)) { out.push(name(el) + " is " + Math.round(r.width) + " px wide"); if (out.length > 10) break; }
  }
  const sp = "[\\s\\u00a0\\u202f]";
  const re = new RegExp("\\b\\d{1,2}" + sp + "?h(?:" + sp + "?\\d{2})?(?![\\wÀ-ÿ])|\\d{1,3}(?:" + sp + "\\d{3})*(?:,\\d{2})?" + sp + "?€", "g");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || p.closest("script, style, template, [hidden], .visually-hidden, option")) continue;
    re.lastIndex = 0;
    for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
      const range = document.createRange();
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) out.push("«" + m[0] + "» breaks over " + tops.size + " lines in " + name(p));
    }
  }
  return out;
})()`

// checkLayout runs layoutCheck in the current page.
func (b *browser) checkLayout(t *testing.T, label string) {
	t.Helper()
	problems := eval[[]string](t, b, layoutCheck)
	if why, known := knownLayoutFailures[label]; known {
		if len(problems) == 0 {
			t.Errorf("%s: in knownLayoutFailures (%s) but passes now: remove it", label, why)
		}
		return
	}
	for _, p := range problems {
		t.Errorf("%s: %s", label, p)
	}
}

// TestLayout: every public and back-office page at a phone's and a
// desktop's width fits the screen and keeps its times and prices on one
// line; and the Nu HTML Checker finds no error in any of them.
func TestLayout(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s, _ := storySite(t, engine)
			desk := newBrowser(t, 1366, 900)
			phone := newBrowser(t, 390, 844)
			// Headless Chromium keeps windows at least 500 px wide: the
			// phone's 390 px are emulated.
			phone.do(t, chromedp.EmulateViewport(390, 844))
			desk.do(t, chromedp.Navigate(s.URL+"/occasions"))
			cars := eval[[]string](t, desk, `Array.from(document.querySelectorAll('#resultats .car-card-title a'), a => a.pathname)`)
			if len(cars) < 2 {
				t.Fatal("fewer than two cars in the list")
			}
			car := cars[0]
			carID, _, _ := strings.Cut(strings.TrimPrefix(car, "/occasions/"), "-")
			carID2, _, _ := strings.Cut(strings.TrimPrefix(cars[1], "/occasions/"), "-")
			expand := func(p, message string) string {
				p = strings.ReplaceAll(p, "{carID2}", carID2)
				p = strings.ReplaceAll(p, "{carID}", carID)
				p = strings.ReplaceAll(p, "{car}", car)
				return strings.ReplaceAll(p, "{message}", message)
			}
			var pages []string
			for _, p := range layoutPublicPages {
				pages = append(pages, expand(p, ""))
				for _, b := range []*browser{desk, phone} {
					b.do(t, chromedp.Navigate(s.URL+expand(p, "")), chromedp.WaitReady(chromedp.CSS("footer")))
					b.checkLayout(t, fmt.Sprintf("%s @%d", p, b.width(t)))
				}
			}
			html := map[string]string{}
			for _, p := range layoutPublicPages {
				html[p] = pageSource(t, desk, s.URL+expand(p, ""))
			}
			desk.login(t, s, adminEmail, adminPassword)
			phone.login(t, s, adminEmail, adminPassword)
			desk.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
			message := eval[string](t, desk, `(document.querySelector('.admin-main a[href^="/admin/messages/"]:not([href$=".csv"])') || {}).pathname || ""`)
			for _, p := range layoutAdminPages {
				if p == "{message}" && message == "" {
					continue
				}
				for _, b := range []*browser{desk, phone} {
					b.do(t, chromedp.Navigate(s.URL+expand(p, message)), chromedp.WaitReady(chromedp.CSS(".admin-main")))
					b.checkLayout(t, fmt.Sprintf("%s @%d", p, b.width(t)))
				}
				html[p] = pageSource(t, desk, s.URL+expand(p, message))
			}
			validateHTML(t, html)
		})
	}
}

// width is the page's viewport width in CSS pixels.
func (b *browser) width(t *testing.T) int {
	t.Helper()
	return eval[int](t, b, `document.documentElement.clientWidth`)
}

// pageSource is the HTML the server sends for url, fetched from the page
// (with the browser's session cookie), not the DOM after scripts ran.
func pageSource(t *testing.T, b *browser, url string) string {
	t.Helper()
	return get(t, b, chromedp.Evaluate[string](`fetch(`+jsString(url)+`, {credentials: "same-origin"}).then(r => r.text())`, chromedp.EvalAwaitPromise))
}
