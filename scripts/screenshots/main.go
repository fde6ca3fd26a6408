// Command screenshots takes Chromium headless PNGs of every public page and
// the main back-office pages of a running site, at a phone width (390 px)
// and a desktop width (1366 px). scripts/screenshots.sh starts the demo site
// and runs it; see that script.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// maxHeight bounds each PNG (CSS pixels) so that a file stays a few hundred KB.
const maxHeight = 1600

// only limits the run to the pages whose name contains it (-only).
var only string

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the site's address")
	email := flag.String("email", "", "an administrator's e-mail")
	pw := flag.String("password", "", "the administrator's password")
	out := flag.String("out", "docs/screenshots/after", "output directory")
	flag.StringVar(&only, "only", "", "take only the pages whose name contains this")
	flag.Parse()
	if err := run(*base, *email, *pw, *out); err != nil {
		log.Fatal(err)
	}
}

type shot struct{ name, path string }

func run(base, email, pw, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.Flag("hide-scrollbars", true))
	if p := os.Getenv("CHROME_PATH"); p != "" {
		opts = append(opts, chromedp.ExecPath(p))
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()

	var carID string
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/occasions")); err != nil {
		return err
	}
	car, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#resultats .car-card-title a') || {}).pathname || ""`))
	if err != nil {
		return err
	}
	if car == "" {
		return fmt.Errorf("no car on %s/occasions", base)
	}
	if i := strings.Index(car[len("/occasions/"):], "-"); i > 0 {
		carID = car[len("/occasions/") : len("/occasions/")+i]
	}
	public := []shot{
		{"home", "/"}, {"services", "/services"}, {"occasions", "/occasions"}, {"occasions-page-2", "/occasions?page=2"},
		{"voiture", car}, {"voiture-fiche", car + "/fiche"}, {"essai", "/occasions/" + carID + "/essai"},
		{"reprise", "/occasions/" + carID + "/reprise"}, {"financement", "/occasions/" + carID + "/financement"},
		{"favoris", "/occasions/favoris"}, {"comparer", "/occasions/comparer?ids=" + carID},
		{"alerte", "/alertes/nouvelle"}, {"contact", "/contact"}, {"avis", "/avis"},
		{"avis-moderation", "/avis/moderation"}, {"mentions-legales", "/mentions-legales"},
		{"confidentialite", "/confidentialite"}, {"connexion", "/connexion"}, {"mot-de-passe-oublie", "/mot-de-passe-oublie"},
		{"rendez-vous", "/rendez-vous"}, {"tarifs", "/tarifs"}, {"devis", "/devis"},
	}
	for _, s := range public {
		if err := both(ctx, base, out, s); err != nil {
			return err
		}
	}
	if email == "" {
		log.Print("no administrator account given: back-office pages skipped")
		return nil
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/connexion"),
		chromedp.Focus(chromedp.CSS(`#email`)), chromedp.KeyEvent(email),
		chromedp.Focus(chromedp.CSS(`#password`)), chromedp.KeyEvent(pw), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.admin-main h1`)),
	); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	msg, err := firstLink(ctx, base+"/admin/messages", `.admin-main a[href^="/admin/messages/"]:not([href$=".csv"])`)
	if err != nil {
		return err
	}
	accepted, err := firstLink(ctx, base+"/admin/devis?statut=accepte", `.admin-main a[href^="/admin/devis/"]`)
	if err != nil {
		return err
	}
	admin := []shot{
		{"admin", "/admin"}, {"admin-voitures", "/admin/voitures"}, {"admin-voiture-nouvelle", "/admin/voitures/nouvelle"},
		{"admin-voiture", "/admin/voitures/" + carID}, {"admin-messages", "/admin/messages"},
		{"admin-avis", "/admin/avis"}, {"admin-avis-nouveau", "/admin/avis/nouveau"}, {"admin-horaires", "/admin/horaires"},
		{"admin-services", "/admin/services"}, {"admin-garage", "/admin/garage"}, {"admin-comptes", "/admin/comptes"},
		{"admin-journal", "/admin/journal"}, {"admin-compte", "/admin/compte"}, {"admin-equipements", "/admin/equipements"},
		{"admin-flux", "/admin/flux"}, {"admin-atelier", "/admin/atelier"}, {"admin-atelier-reglages", "/admin/atelier/reglages"},
		{"admin-devis", "/admin/devis"}, {"admin-devis-nouveau", "/admin/devis/nouveau"}, {"admin-tarifs", "/admin/tarifs"},
	}
	if msg != "" {
		admin = append(admin, shot{"admin-message", msg})
	}
	if accepted != "" {
		admin = append(admin, shot{"admin-devis-accepte", accepted},
			shot{"admin-atelier-devis", "/admin/atelier?devis=" + strings.TrimPrefix(accepted, "/admin/devis/")})
	}
	for _, s := range admin {
		if err := both(ctx, base, out, s); err != nil {
			return err
		}
	}
	return nil
}

// firstLink opens page and returns the path of the first link matching css
// that ends with an id, or "" when there is none.
func firstLink(ctx context.Context, page, css string) (string, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return "", err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(`+strconv.Quote(css)+`)].map(a => a.pathname).find(p => /\/\d+$/.test(p)) || ""`))
}

// both takes the page at 390x844 and 1366x900, each PNG at most maxHeight tall.
func both(ctx context.Context, base, out string, s shot) error {
	if !strings.Contains(s.name, only) {
		return nil
	}
	for _, size := range [][2]int64{{390, 844}, {1366, 900}} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size[0], size[1]),
			chromedp.Navigate(base+s.path),
			chromedp.WaitReady(chromedp.CSS("footer, .admin-main")),
			chromedp.Sleep(300*time.Millisecond), // web fonts and images settle
		)
		var height float64
		if err == nil {
			height, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
		}
		var buf []byte
		if err == nil {
			// The layout was made at the real viewport; the window then grows
			// to the captured height (capturing beyond the viewport leaves
			// parts unpainted).
			h := math.Min(math.Max(height, float64(size[1])), maxHeight)
			err = chromedp.Do(ctx, chromedp.EmulateViewport(size[0], int64(h)), chromedp.Sleep(200*time.Millisecond))
			if err == nil {
				buf, err = chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
					r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
						Format: page.CaptureScreenshotFormatPng,
						Clip:   &page.Viewport{X: 0, Y: 0, Width: float64(size[0]), Height: h, Scale: 1},
					})
					return r.Data, err
				})
			}
		}
		if err != nil {
			return fmt.Errorf("%s at %d px: %w", s.path, size[0], err)
		}
		name := filepath.Join(out, fmt.Sprintf("%s-%d.png", s.name, size[0]))
		if err := os.WriteFile(name, buf, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s  %s (%d KB)\n", name, s.path, len(buf)/1024)
	}
	return nil
}
