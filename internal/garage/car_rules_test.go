package garage

import (
	"strings"
	"testing"
	"time"
)

func complete() *Car {
	return &Car{Make: "Renault", Model: "Clio", Version: "V 1.0 TCe 90 Zen", RegMonth: 3, RegYear: 2023,
		Mileage: 21000, Price: 15490, CritAir: "1"}
}

func TestMissing(t *testing.T) {
	today := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		change func(c *Car)
		photo  bool
		want   []string // substrings, in order; nil means publishable
	}{
		{"complete and recent", func(*Car) {}, true, nil},
		{"no main photo", func(*Car) {}, false, []string{"photo principale"}},
		{"empty draft", func(c *Car) { *c = Car{} }, false, []string{"marque", "modèle", "version", "mise en circulation",
			"kilométrage", "prix TTC", "Crit'Air", "photo principale"}},
		{"mileage not guaranteed", func(c *Car) { c.Mileage, c.MileageUnverified = 0, true }, true, nil},
		{"no mileage", func(c *Car) { c.Mileage = 0 }, true, []string{"non garanti"}},
		{"month missing", func(c *Car) { c.RegMonth = 0 }, true, []string{"mise en circulation"}},
		{"exactly 4 years old, no CT", func(c *Car) { c.RegYear, c.RegMonth = 2022, 3 }, true, []string{"contrôle technique"}},
		{"just under 4 years", func(c *Car) { c.RegYear, c.RegMonth = 2022, 4 }, true, nil},
		{"old car, CT 5 months old", func(c *Car) { c.RegYear, c.CTDate = 2015, "2025-10-04" }, true, nil},
		{"old car, CT 6 months old", func(c *Car) { c.RegYear, c.CTDate = 2015, "2025-09-04" }, true, []string{"moins de 6 mois"}},
		{"old car, CT a year old", func(c *Car) { c.RegYear, c.CTDate = 2015, "2025-03-01" }, true, []string{"moins de 6 mois"}},
		{"old car, CT in the future", func(c *Car) { c.RegYear, c.CTDate = 2015, "2026-04-01" }, true, []string{"futur"}},
		{"old car, CT garbage", func(c *Car) { c.RegYear, c.CTDate = 2015, "hier" }, true, []string{"date du dernier contrôle"}},
		{"recent car, old CT is fine", func(c *Car) { c.CTDate = "2020-01-01" }, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := complete()
			tc.change(c)
			got := PublicationMissing(c, tc.photo, today)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d items like %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("item %d = %q, want it to mention %q", i, got[i], w)
				}
			}
		})
	}
}

// Issue 21: the rule on the exact 4th anniversary of first registration was not pinned. A car first
// registered in March 2022 (taken as 1 March) needs a contrôle technique from 1 March 2026 on, whatever
// the hour, and not on 28 February.
func TestCTRuleOnTheExactFourthAnniversary(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		today time.Time
		over  bool
	}{
		{time.Date(2026, 2, 28, 23, 59, 0, 0, paris), false},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, paris), true},
		{time.Date(2026, 3, 1, 23, 30, 0, 0, paris), true},
		{time.Date(2026, 3, 2, 0, 0, 0, 0, paris), true},
	} {
		if got := OverCTAge(2022, 3, tc.today); got != tc.over {
			t.Errorf("OverCTAge(March 2022, %v) = %v, want %v", tc.today, got, tc.over)
		}
		c := complete()
		c.RegYear, c.RegMonth = 2022, 3
		missing := strings.Join(PublicationMissing(c, true, tc.today), "; ")
		if asks := strings.Contains(missing, "contrôle technique"); asks != tc.over {
			t.Errorf("on %v the rules ask for a CT: %v, want %v (%q)", tc.today, asks, tc.over, missing)
		}
	}
}
