package web

import (
	"image"
	"image/color"
	"image/draw"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/format"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

var (
	svgViewBoxRe = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	svgModuleRe  = regexp.MustCompile(`M(\d+),(\d+)h(\d+)v(\d+)h-(\d+)z`)
	svgPathRe    = regexp.MustCompile(`<path d="([^"]*)"`)
)

// rasterizeQRSVG draws the served SVG (a white square and one path of
// dark squares) into an image: what a phone camera would see on the sheet.
func rasterizeQRSVG(t *testing.T, svg string) image.Image {
	t.Helper()
	vb := svgViewBoxRe.FindStringSubmatch(svg)
	path := svgPathRe.FindStringSubmatch(svg)
	if vb == nil || path == nil {
		t.Fatalf("not the expected SVG: %.300s", svg)
	}
	dim, _ := strconv.Atoi(vb[1])
	img := image.NewGray(image.Rect(0, 0, dim, dim))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	modules := svgModuleRe.FindAllStringSubmatch(path[1], -1)
	if len(modules) < 50 {
		t.Fatalf("only %d dark modules", len(modules))
	}
	for _, m := range modules {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		s, _ := strconv.Atoi(m[3])
		draw.Draw(img, image.Rect(x, y, x+s, y+s), image.NewUniform(color.Black), image.Point{}, draw.Src)
	}
	return img
}

func TestFicheVitrineHasTheRequiredFactsAndAReadableQRCode(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine, func(c *config.Config) { c.PublicURL = "https://garage-parrot.test" })
			now := e.clock.Now()
			c := car("Peugeot", "208", "1.2 PureTech 110 Allure", 12490, 2021, 45000, "essence", "manuelle")
			c.RegMonth, c.CritAir, c.CTDate, c.PowerHP, c.MileageUnverified = 3, "1", "2025-11-20", 110, true
			c = e.addCar(c, garage.CarPublished, now.Add(-time.Hour))
			draft := e.addCar(car("Fiat", "500", "Lounge", 6990, 2015, 110000, "essence", "manuelle"), garage.CarDraft, now)

			res := e.get(e.client(), views.FichePath(c))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("fiche: %d", res.StatusCode)
			}
			for _, want := range []string{format.Euros(12490), "TTC", "Peugeot", "208", "1.2 PureTech 110 Allure", "03/2021",
				format.Km(45000) + " — non garanti", "Crit&#39;Air 1", "20 novembre 2025"} {
				if !strings.Contains(res.body, want) {
					t.Errorf("fiche lacks %q", want)
				}
			}
			start := strings.Index(res.body, "<svg")
			end := strings.Index(res.body, "</svg>")
			if start < 0 || end < start {
				t.Fatal("no inline SVG")
			}
			got, err := qr.Decode(rasterizeQRSVG(t, res.body[start:end+6]))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if want := "https://garage-parrot.test" + views.CarIDPath(c.ID); got != want {
				t.Fatalf("QR code holds %q, want %q", got, want)
			}

			// The print stylesheet sets an A4 page.
			css := e.get(e.client(), e.app.assets.Path("css/site.css"))
			if !strings.Contains(css.body, "size: A4") {
				t.Error("no A4 print rule")
			}
			// Drafts and unknown cars have no sheet; staff get the link from the car's page.
			for _, path := range []string{views.FichePath(draft), "/occasions/999/fiche", "/occasions/abc/fiche"} {
				if res := e.get(e.client(), path); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", path, res.StatusCode)
				}
			}
			admin := e.loggedIn(adminEmail, adminPassword)
			if res := e.get(admin, views.AdminCarPath(c.ID)); !strings.Contains(res.body, `href="`+views.FichePath(c)+`"`) {
				t.Error("no sheet link in the back office")
			}
		})
	}
}
