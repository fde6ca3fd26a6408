package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// TestPhotoPublicBaseURL: with PHOTO_PUBLIC_BASE_URL, pages link the photos there, the CSP lets images (and
// only images) come from that origin, and /photos/ keeps working through the site.
func TestPhotoPublicBaseURL(t *testing.T) {
	const base = "https://cdn.example.fr/garage"
	e := newEnv(t, store.SQLite, func(c *config.Config) { c.Photos.PublicBaseURL = base })
	clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now().Add(-time.Hour))
	key := "cars/p" + itoa(int(clio.ID))
	if err := e.app.photos.Put(context.Background(), photostore.VariantKey(key, "card"), []byte("jpeg"), ""); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	for _, path := range []string{views.CarPath(clio), "/occasions"} {
		res := e.get(c, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if !strings.Contains(res.body, `src="`+base+"/"+key+`-`) || strings.Contains(res.body, `src="/photos/`) {
			t.Errorf("%s does not link the photos at %s", path, base)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "img-src 'self' data: https://cdn.example.fr;") || strings.Count(csp, "cdn.example.fr") != 1 {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	// Search engines get the same address in the car's structured data.
	if res := e.get(c, views.CarPath(clio)); !strings.Contains(res.body, `"`+base+"/"+key+`-large.jpg"`) {
		t.Error("the car's JSON-LD does not give its photos at the public base URL")
	}
	if res := e.get(c, "/photos/"+photostore.VariantKey(key, "card")); res.StatusCode != http.StatusOK || res.body != "jpeg" {
		t.Errorf("/photos/ through the site: %d", res.StatusCode)
	}

	// Without it: /photos/ links and the site's own images only.
	e = newEnv(t, store.SQLite)
	clio = e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now().Add(-time.Hour))
	res := e.get(e.client(), views.CarPath(clio))
	if !strings.Contains(res.body, `src="/photos/cars/p`) || !strings.Contains(res.Header.Get("Content-Security-Policy"), "img-src 'self' data:;") {
		t.Errorf("default: CSP %q", res.Header.Get("Content-Security-Policy"))
	}
}

// TestPhotoCorpusOnEachStore: the real image files of internal/photo/testdata (WebP, lossy and lossless,
// with alpha) go through the upload on both stores, and every variant comes back as a JPEG.
func TestPhotoCorpusOnEachStore(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "photo", "testdata", "*.webp"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	forEachPhotoStore(t, func(t *testing.T, storeOpt envOption) {
		e := newEnv(t, store.SQLite, storeOpt)
		emp := e.loggedIn(employeeEmail, employeePass)
		id := e.createCar(emp, validCarForm())
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := e.postPhotos(emp, "/admin/voitures/"+itoa(int(id))+"/photos", e.server.URL, upload{filepath.Base(f), b})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d", filepath.Base(f), res.StatusCode)
			}
		}
		photos, err := e.store.CarPhotos(context.Background(), id)
		if err != nil || len(photos) != len(files) {
			t.Fatalf("%d photos, %v", len(photos), err)
		}
		for _, p := range photos {
			for _, size := range []string{"thumb", "card", "gallery", "large"} {
				res := e.get(e.client(), "/photos/"+photostore.VariantKey(p.Key, size))
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(res.body, "\xff\xd8\xff") {
					t.Errorf("%s %s: %d %q", p.Key, size, res.StatusCode, res.Header.Get("Content-Type"))
				}
			}
		}
		if n := len(e.storedPhotoFiles()); n != 4*len(files) {
			t.Errorf("%d files stored, want %d", n, 4*len(files))
		}
	})
}
