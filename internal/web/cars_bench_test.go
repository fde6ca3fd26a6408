package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/ui"
)

// BenchmarkCarListHandler renders /occasions (full page and the fragment
// cars.js asks for) with a typical filter over 10 000 cars, through the
// whole middleware stack but without the network.
//
//	go test ./internal/web -run '^$' -bench CarListHandler -benchtime 200x
func BenchmarkCarListHandler(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := storetest.Open(b, engine)
			storetest.BulkCars(b, s, 10000)
			a, h := benchApp(b, s)
			const target = "/occasions?prix_min=10000&prix_max=25000&km_max=100000&annee_min=2018&energie=diesel&tri=prix&page=2"
			b.Run("carpage/cached", func(b *testing.B) {
				a.pages = newPageCache(pageCacheMaxBytes)
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/occasions/1-voiture-0", nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
			// "cached" is what visitors get between two changes; "rendered" is the work of the first visit
			// after a change (a cache that keeps nothing).
			for _, cached := range []bool{true, false} {
				for _, fragment := range []bool{false, true} {
					name := "page"
					if fragment {
						name = "fragment"
					}
					if cached {
						name += "/cached"
						a.pages = newPageCache(pageCacheMaxBytes)
					} else {
						name += "/rendered"
						a.pages = newPageCache(0)
					}
					b.Run(name, func(b *testing.B) {
						for b.Loop() {
							req := httptest.NewRequest(http.MethodGet, target, nil)
							if fragment {
								req.Header.Set("X-Requested-With", "fetch")
							}
							rec := httptest.NewRecorder()
							h.ServeHTTP(rec, req)
							if rec.Code != http.StatusOK {
								b.Fatalf("status %d", rec.Code)
							}
						}
					})
				}
			}
		})
	}
}

// BenchmarkCachedPageOwnWork is what the server adds to a cached page beyond sending it: the whole
// middleware and the page cache, into a response writer that keeps nothing (the network and net/http's
// own work are left out, so this is the part a replay of the same bytes does not pay).
//
//	go test ./internal/web -run '^$' -bench CachedPageOwnWork -benchtime 50000x -count 3
func BenchmarkCachedPageOwnWork(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := storetest.Open(b, engine)
			s.SetContentVersionLag(store.ContentVersionLag) // as in production (storetest makes stores strict)
			storetest.BulkCars(b, s, 200)
			_, h := benchApp(b, s)
			for _, tc := range []struct{ name, url, xrw string }{
				{"carpage", "/occasions/1-voiture-0", ""},
				{"fragment", "/occasions?prix_min=10000&prix_max=25000&km_max=100000&annee_min=2018&energie=diesel&tri=prix&page=2", "fetch"},
			} {
				b.Run(tc.name, func(b *testing.B) {
					req := httptest.NewRequest(http.MethodGet, tc.url, nil)
					req.RemoteAddr = "127.0.0.1:5555"
					if tc.xrw != "" {
						req.Header.Set("X-Requested-With", tc.xrw)
					}
					b.ReportAllocs()
					for b.Loop() {
						w := &statusProbe{header: http.Header{}} // keeps the status, drops the body
						h.ServeHTTP(w, req)
						if w.status != http.StatusOK {
							b.Fatalf("status %d", w.status)
						}
					}
				})
			}
		})
	}
}

// benchApp is the application on s, with the default configuration, a fixed clock and no logs.
func benchApp(b *testing.B, s *store.Store) (*app, http.Handler) {
	b.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	assets, err := ui.New()
	if err != nil {
		b.Fatal(err)
	}
	a, h, err := newApp(Deps{Config: cfg, Store: s, Assets: assets, Hasher: testHasher(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:    func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	return a, h
}
