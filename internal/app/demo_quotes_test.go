package app

import (
	"context"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestDemoQuotesFillEveryStatus: the demo's board has rates and forfaits,
// a dated change, and a quote in each status; a second run adds nothing.
func TestDemoQuotesFillEveryStatus(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris())
		for range 2 {
			if err := seedDemoQuotes(ctx, s, now); err != nil {
				t.Fatal(err)
			}
		}
		b, err := s.PriceBoardOn(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Rates) != 5 || len(b.Forfaits) != 4 || b.Rate("t2").CentsTTC != 7500 {
			t.Fatalf("board %+v", b)
		}
		for _, st := range garage.QuoteStatuses() {
			list, err := s.ListQuotes(ctx, st, now, 10)
			if err != nil || len(list) != 1 {
				t.Errorf("%s: %d quotes, %v", st, len(list), err)
			}
		}
		if reqs, _ := s.ListLeads(ctx, store.LeadFilter{Kind: garage.LeadQuote}, now, 10, 0); len(reqs) != 1 {
			t.Errorf("%d quote requests", len(reqs))
		}
	})
}
