package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// Among instances racing for a lease exactly one gets it; it comes free
// when released or when its time is up.
func TestLeaseOneHolder(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Unix(1_800_000_000, 0)
		const racers = 8
		var wg sync.WaitGroup
		start := make(chan struct{})
		got := make([]bool, racers)
		errs := make([]error, racers)
		for i := range racers {
			wg.Go(func() {
				<-start
				got[i], errs[i] = s.TakeLease(ctx, "backup", fmt.Sprintf("instance-%d", i), now, time.Hour)
			})
		}
		close(start)
		wg.Wait()
		holder, taken := -1, 0
		for i := range racers {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if got[i] {
				holder, taken = i, taken+1
			}
		}
		if taken != 1 {
			t.Fatalf("%d instances took the lease, want 1", taken)
		}
		other := fmt.Sprintf("instance-%d", (holder+1)%racers)
		if ok, err := s.TakeLease(ctx, "backup", other, now.Add(59*time.Minute), time.Hour); err != nil || ok {
			t.Fatalf("lease taken before its time was up: %v %v", ok, err)
		}
		if ok, err := s.TakeLease(ctx, "other-chore", other, now, time.Hour); err != nil || !ok {
			t.Fatalf("an unrelated lease: %v %v", ok, err)
		}
		// A holder that died: its lease ends on time.
		if ok, err := s.TakeLease(ctx, "backup", other, now.Add(time.Hour), time.Hour); err != nil || !ok {
			t.Fatalf("expired lease not taken over: %v %v", ok, err)
		}
		// Released: free at once.
		if err := s.ReleaseLease(ctx, "backup", other); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.TakeLease(ctx, "backup", "instance-x", now.Add(time.Hour), time.Hour); err != nil || !ok {
			t.Fatalf("released lease not taken: %v %v", ok, err)
		}
	})
}
