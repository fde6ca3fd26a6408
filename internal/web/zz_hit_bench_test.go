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

type discardRW struct{ h http.Header }

func (d *discardRW) Header() http.Header         { return d.h }
func (d *discardRW) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardRW) WriteHeader(int)             {}

func BenchmarkZZHit(b *testing.B) {
	s := storetest.Open(b, store.SQLite)
	storetest.BulkCars(b, s, 200)
	cfg, _ := config.Load(func(string) string { return "" })
	assets, _ := ui.New()
	_, h, err := newApp(Deps{Config: cfg, Store: s, Assets: assets, Hasher: testHasher(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now:    func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, url, xrw string }{
		{"car", "/occasions/1-voiture-0", ""},
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
				w := &discardRW{h: http.Header{}}
				h.ServeHTTP(w, req)
			}
		})
	}
}
