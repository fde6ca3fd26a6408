package app

import (
	"context"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestDemoSeedDrawsDistinctPhotosAndReviews runs the demo's seeding and
// checks what a visitor would see: every car has at least three photos that
// are different pictures (not copies, not mirrored copies), the catalogue
// has a car of every drawn body type, and reviews are both published and
// waiting for moderation.
func TestDemoSeedDrawsDistinctPhotosAndReviews(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
		photos, err := photostore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer photos.Close()
		if err := seedDemo(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if err := seedDemoCars(ctx, s, photos, now); err != nil {
			t.Fatal(err)
		}
		if err := seedDemoReviews(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		// The legal notice's details are plausible: each passes its rule.
		g, err := s.GarageDetails(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !garage.ValidSIRET(g.SIRET) || !garage.ValidSIREN(g.RCSNumber) || !garage.ValidVAT(g.VATNumber) ||
			g.SIRET[:9] != g.RCSNumber || g.VATNumber[4:] != g.RCSNumber || !g.HasCapital() || g.ShareCapital == 0 ||
			g.Director == "" || g.HostAddress == "" || !garage.ValidPhone(g.HostPhone) {
			t.Fatalf("demo legal details: %+v", g)
		}
		cars, _, err := s.ListCars(ctx, garage.CarFilter{Limit: 100, NoCount: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(cars) != len(demoCars()) {
			t.Fatalf("%d cars, want %d", len(cars), len(demoCars()))
		}
		for _, c := range cars {
			list, err := s.CarPhotos(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) < 3 {
				t.Fatalf("%s %s has %d photos, want at least 3", c.Make, c.Model, len(list))
			}
			imgs := make([]image.Image, len(list))
			for i, p := range list {
				imgs[i] = openThumb(t, photos, p.Key)
			}
			for i := range imgs {
				for j := i + 1; j < len(imgs); j++ {
					if d := meanDiff(imgs[i], imgs[j], false); d < 12 {
						t.Errorf("%s %s: photos %d and %d are nearly the same picture (mean difference %.1f)", c.Make, c.Model, i+1, j+1, d)
					}
					if d := meanDiff(imgs[i], imgs[j], true); d < 12 {
						t.Errorf("%s %s: photo %d is photo %d mirrored (mean difference %.1f)", c.Make, c.Model, j+1, i+1, d)
					}
				}
			}
		}
		shapes := map[string]bool{}
		for _, d := range demoCars() {
			shapes[demoShape(d)] = true
		}
		for name := range demoBodies() {
			if !shapes[name] {
				t.Errorf("no demo car is drawn as %q", name)
			}
		}
		n, avg, err := s.TestimonialStats(ctx, now.AddDate(-1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		pending, err := s.CountPendingTestimonials(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n < 6 || pending < 2 || avg < 4 || avg > 5 {
			t.Fatalf("%d published reviews (average %.2f) and %d pending, want a live /avis and moderation queue", n, avg, pending)
		}
		// Running the demo again adds nothing.
		if err := seedDemoReviews(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		if again, _, _ := s.TestimonialStats(ctx, now.AddDate(-1, 0, 0)); again != n {
			t.Fatalf("%d published reviews after a second run, %d before", again, n)
		}
	})
}

func openThumb(t *testing.T, photos photostore.Store, key string) image.Image {
	t.Helper()
	f, _, err := photos.Open(context.Background(), photostore.VariantKey(key, "thumb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// meanDiff is the mean absolute difference of the two pictures' channels
// (0 to 255), b read right to left when mirrored.
func meanDiff(a, b image.Image, mirrored bool) float64 {
	r := a.Bounds().Intersect(b.Bounds())
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			bx := x
			if mirrored {
				bx = r.Max.X - 1 - (x - r.Min.X)
			}
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(bx, y).RGBA()
			sum += absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			n += 3
		}
	}
	return sum / n / 257
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}
