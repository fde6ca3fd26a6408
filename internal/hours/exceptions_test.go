package hours

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func d(y int, m time.Month, day int) Date { return Date{y, m, day} }

func TestEaster(t *testing.T) {
	for _, tc := range []struct {
		year int
		want Date
	}{
		{1818, d(1818, 3, 22)}, // earliest possible
		{1943, d(1943, 4, 25)}, // latest possible
		{2008, d(2008, 3, 23)},
		{2019, d(2019, 4, 21)},
		{2024, d(2024, 3, 31)},
		{2025, d(2025, 4, 20)},
		{2026, d(2026, 4, 5)},
		{2027, d(2027, 3, 28)},
		{2028, d(2028, 4, 16)},
		{2038, d(2038, 4, 25)},
		{2285, d(2285, 3, 22)},
	} {
		if got := Easter(tc.year); got != tc.want {
			t.Errorf("Easter(%d) = %v, want %v", tc.year, got, tc.want)
		}
		if got := Easter(tc.year).Weekday(); got != time.Sunday {
			t.Errorf("Easter(%d) is a %v", tc.year, got)
		}
	}
}

func TestPublicHolidays(t *testing.T) {
	for _, tc := range []struct {
		year                          int
		easterMonday, ascension, whit Date
	}{
		{2024, d(2024, 4, 1), d(2024, 5, 9), d(2024, 5, 20)},
		{2025, d(2025, 4, 21), d(2025, 5, 29), d(2025, 6, 9)},
		{2026, d(2026, 4, 6), d(2026, 5, 14), d(2026, 5, 25)},
		{2027, d(2027, 3, 29), d(2027, 5, 6), d(2027, 5, 17)},
		{2028, d(2028, 4, 17), d(2028, 5, 25), d(2028, 6, 5)},
		{2285, d(2285, 3, 23), d(2285, 4, 30), d(2285, 5, 11)}, // Ascension before 1 May
	} {
		list := PublicHolidays(tc.year)
		if len(list) != 11 {
			t.Fatalf("%d: %d holidays", tc.year, len(list))
		}
		byName := map[string]Date{}
		for i, h := range list {
			byName[h.Name] = h.Date
			if h.Date.Year != tc.year {
				t.Errorf("%d: %s in %v", tc.year, h.Name, h.Date)
			}
			if i > 0 && !list[i-1].Date.Before(h.Date) {
				t.Errorf("%d: %s (%v) not after %s (%v)", tc.year, h.Name, h.Date, list[i-1].Name, list[i-1].Date)
			}
		}
		for name, want := range map[string]Date{
			"Jour de l'an": d(tc.year, 1, 1), "Fête du Travail": d(tc.year, 5, 1), "Victoire 1945": d(tc.year, 5, 8),
			"Fête nationale": d(tc.year, 7, 14), "Assomption": d(tc.year, 8, 15), "Toussaint": d(tc.year, 11, 1),
			"Armistice 1918": d(tc.year, 11, 11), "Noël": d(tc.year, 12, 25),
			"Lundi de Pâques": tc.easterMonday, "Ascension": tc.ascension, "Lundi de Pentecôte": tc.whit,
		} {
			if byName[name] != want {
				t.Errorf("%d: %s = %v, want %v", tc.year, name, byName[name], want)
			}
		}
		if tc.ascension.Weekday() != time.Thursday || tc.whit.Weekday() != time.Monday {
			t.Errorf("%d: Ascension on %v, Whit Monday on %v", tc.year, tc.ascension.Weekday(), tc.whit.Weekday())
		}
	}
}

func TestDate(t *testing.T) {
	got, err := ParseDate("2026-08-04")
	if err != nil || got != d(2026, 8, 4) || got.String() != "2026-08-04" {
		t.Fatalf("ParseDate = %v, %v", got, err)
	}
	for _, bad := range []string{"", "2026-8-4", "04/08/2026", "2026-02-30", "2026-13-01", "2026-08-04T00:00"} {
		if _, err := ParseDate(bad); err == nil || !strings.HasPrefix(err.Error(), "Date invalide") {
			t.Errorf("ParseDate(%q) = %v", bad, err)
		}
	}
	if got := d(2026, 2, 28).AddDays(1); got != d(2026, 3, 1) {
		t.Errorf("AddDays = %v", got)
	}
	if got := d(2026, 3, 28).DaysUntil(d(2026, 3, 30)); got != 2 { // across the spring change
		t.Errorf("DaysUntil = %d", got)
	}
	if got := d(2026, 8, 1).French(); got != "samedi 1er août 2026" {
		t.Errorf("French = %q", got)
	}
	e := Exception{First: d(2026, 8, 3), Last: d(2026, 8, 22)}
	if got := e.Period(); got != "du lundi 3 août 2026 au samedi 22 août 2026" {
		t.Errorf("Period = %q", got)
	}
}

func TestExceptionValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		e      Exception
		errHas string
	}{
		{"one day closed", Exception{First: d(2026, 7, 14), Last: d(2026, 7, 14)}, ""},
		{"period with hours", Exception{First: d(2026, 12, 21), Last: d(2026, 12, 24), Ranges: []Range{{540, 720}}}, ""},
		{"no dates", Exception{}, "date de début"},
		{"backwards", Exception{First: d(2026, 8, 24), Last: d(2026, 8, 4)}, "date de fin"},
		{"too long", Exception{First: d(2026, 1, 1), Last: d(2027, 1, 2)}, "au plus 366 jours"},
		{"bad range", Exception{First: d(2026, 1, 1), Last: d(2026, 1, 1), Ranges: []Range{{720, 600}}}, "se terminer après"},
	} {
		err := tc.e.Validate()
		if (tc.errHas == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.errHas)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.errHas)
		}
	}
}

func holidayExceptions(year int) []Exception {
	var out []Exception
	for _, h := range PublicHolidays(year) {
		out = append(out, Exception{First: h.Date, Last: h.Date, Label: h.Name})
	}
	return out
}

// TestScheduleStatus holds the cases of the Proof.
func TestScheduleStatus(t *testing.T) {
	sundayOnly := EmptyWeek()
	sundayOnly[6].Ranges = []Range{{9 * 60, 12 * 60}}
	lateFriday := DefaultWeek()
	lateFriday[4].Ranges = []Range{{14 * 60, MinutesPerDay}}

	for _, tc := range []struct {
		name   string
		s      Schedule
		at     time.Time
		want   Status
		french string
	}{
		{"open all of the last Sunday of March (23 h)",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 3, 29), Last: d(2026, 3, 29), Ranges: []Range{{0, MinutesPerDay}}}}},
			p(2026, 3, 29, 12, 0), Status{Open: true, Until: p(2026, 3, 30, 0, 0)}, "Ouvert jusqu'à minuit"},
		{"before the last Sunday of March",
			Schedule{sundayOnly, nil},
			p(2026, 3, 28, 23, 0), Status{Next: p(2026, 3, 29, 9, 0)}, "Fermé — ouvre demain à 9\u00a0h\u00a000"},
		{"night of the last Sunday of October (25 h)",
			Schedule{sundayOnly, nil},
			p(2026, 10, 25, 1, 30), Status{Next: p(2026, 10, 25, 9, 0)}, "Fermé — ouvre à 9\u00a0h\u00a000"},
		{"special hours on the last Sunday of October",
			Schedule{EmptyWeek(), []Exception{{First: d(2026, 10, 25), Last: d(2026, 10, 25), Ranges: []Range{{10 * 60, 16 * 60}}}}},
			p(2026, 10, 25, 0, 30), Status{Next: p(2026, 10, 25, 10, 0)}, "Fermé — ouvre à 10\u00a0h\u00a000"},
		{"closing at midnight",
			Schedule{lateFriday, nil},
			p(2026, 6, 5, 22, 0), Status{Open: true, Until: p(2026, 6, 6, 0, 0)}, "Ouvert jusqu'à minuit"},
		{"closing at midnight, then Saturday morning",
			Schedule{lateFriday, nil},
			p(2026, 6, 6, 0, 0), Status{Next: p(2026, 6, 6, 8, 45)}, "Fermé — ouvre à 8\u00a0h\u00a045"},
		{"exception over a weekend",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 6, 5), Last: d(2026, 6, 8), Label: "Inventaire"}}},
			p(2026, 6, 4, 18, 30), Status{Next: p(2026, 6, 9, 8, 45)}, "Fermé — ouvre mardi à 8\u00a0h\u00a045"},
		{"special Saturday afternoon",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 6, 6), Last: d(2026, 6, 6), Ranges: []Range{{14 * 60, 17 * 60}}}}},
			p(2026, 6, 6, 9, 0), Status{Next: p(2026, 6, 6, 14, 0)}, "Fermé — ouvre à 14\u00a0h\u00a000"},
		{"public holiday on a Saturday (15 August 2026)",
			Schedule{DefaultWeek(), holidayExceptions(2026)},
			p(2026, 8, 14, 18, 30), Status{Next: p(2026, 8, 17, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		{"Ascension bridge",
			Schedule{DefaultWeek(), holidayExceptions(2026)},
			p(2026, 5, 13, 19, 0), Status{Next: p(2026, 5, 15, 8, 45)}, "Fermé — ouvre vendredi à 8\u00a0h\u00a045"},
		{"August closure, next opening more than a week away",
			Schedule{DefaultWeek(), append(holidayExceptions(2026), Exception{First: d(2026, 8, 3), Last: d(2026, 8, 22), Label: "Congés d'été"})},
			p(2026, 8, 1, 12, 30), Status{Next: p(2026, 8, 24, 8, 45)}, "Fermé — ouvre le lundi 24 août à 8\u00a0h\u00a045"},
		{"August closure, during",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 8, 3), Last: d(2026, 8, 22), Label: "Congés d'été"}}},
			p(2026, 8, 12, 10, 0), Status{Next: p(2026, 8, 24, 8, 45)}, "Fermé — ouvre le lundi 24 août à 8\u00a0h\u00a045"},
		{"four weeks closed",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 7, 27), Last: d(2026, 8, 22)}}},
			p(2026, 7, 25, 12, 30), Status{Next: p(2026, 8, 24, 8, 45)}, "Fermé — ouvre le lundi 24 août à 8\u00a0h\u00a045"},
		{"closed beyond the horizon",
			Schedule{DefaultWeek(), []Exception{{First: d(2026, 1, 1), Last: d(2026, 12, 31)}}},
			p(2026, 6, 1, 10, 0), Status{}, "Fermé"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.s.StatusAt(tc.at)
			if got.Open != tc.want.Open || !got.Until.Equal(tc.want.Until) || !got.Next.Equal(tc.want.Next) {
				t.Errorf("StatusAt(%v) = %+v, want %+v", tc.at, got, tc.want)
			}
			if f := got.French(tc.at); f != tc.french {
				t.Errorf("French() = %q, want %q", f, tc.french)
			}
			if b := bruteStatus(tc.at, tc.s.DayOf); b != got {
				t.Errorf("brute force = %+v, StatusAt = %+v", b, got)
			}
		})
	}
	if wd := d(2026, 8, 15).Weekday(); wd != time.Saturday {
		t.Fatalf("15 August 2026 is a %v", wd)
	}
}

func TestScheduleUpcoming(t *testing.T) {
	s := Schedule{DefaultWeek(), []Exception{
		{ID: 1, First: d(2026, 5, 1), Last: d(2026, 5, 1)},
		{ID: 2, First: d(2026, 6, 20), Last: d(2026, 6, 22)},
		{ID: 3, First: d(2026, 7, 14), Last: d(2026, 7, 14)},
		{ID: 4, First: d(2026, 8, 3), Last: d(2026, 8, 22)},
	}}
	var ids []int64
	for _, e := range s.Upcoming(d(2026, 6, 21), 60) {
		ids = append(ids, e.ID)
	}
	if len(ids) != 3 || ids[0] != 2 || ids[1] != 3 || ids[2] != 4 {
		t.Errorf("Upcoming = %v, want [2 3 4]", ids)
	}
}

// bruteStatus computes Status minute by minute: the garage is open at an
// instant when its Europe/Paris wall-clock minute falls in a range of its
// day.
func bruteStatus(t time.Time, dayOf func(time.Time) Day) Status {
	loc := Paris()
	days := map[Date]Day{}
	openAt := func(u time.Time) bool {
		w := u.In(loc)
		date := DateOf(w)
		day, ok := days[date]
		if !ok {
			day = dayOf(date.Midnight())
			days[date] = day
		}
		m := w.Hour()*60 + w.Minute()
		for _, r := range day.Ranges {
			if m >= r.Open && m < r.Close {
				return true
			}
		}
		return false
	}
	y, m, dd := t.In(loc).Date()
	limit := time.Date(y, m, dd+horizon+1, 0, 0, 0, 0, loc)
	open := openAt(t)
	for u := t.Add(time.Minute); u.Before(limit); u = u.Add(time.Minute) {
		if openAt(u) != open {
			if open {
				return Status{Open: true, Until: u}
			}
			return Status{Next: u}
		}
	}
	return Status{Open: open}
}

// randomBoundary draws a 5-minute time of day outside 2 h 00–2 h 55, the
// wall-clock hour that is skipped or repeated when clocks change (a range
// starting or ending at a time that does not exist, or exists twice, has
// no single instant; no garage opens at 2 h 30).
func randomBoundary(r *rand.Rand) int {
	for {
		b := r.IntN(MinutesPerDay/Step+1) * Step
		if b < 120 || b >= 180 {
			return b
		}
	}
}

func randomRanges(r *rand.Rand) []Range {
	n := r.IntN(3)
	var bs []int
	for len(bs) < 2*n {
		bs = append(bs, randomBoundary(r))
	}
	slices.Sort(bs)
	var out []Range
	for i := 0; i+1 < len(bs); i += 2 {
		rg := Range{bs[i], bs[i+1]}
		if rg.Close <= rg.Open || (len(out) > 0 && rg.Open <= out[len(out)-1].Close) {
			continue
		}
		out = append(out, rg)
	}
	return out
}

// TestStatusMatchesBruteForce is a property test: for random weeks,
// exceptions and instants (many of them near the clock changes), StatusAt
// agrees with the minute-by-minute computation.
func TestStatusMatchesBruteForce(t *testing.T) {
	anchors := []Date{d(2026, 3, 29), d(2026, 10, 25), d(2027, 3, 28), d(2027, 10, 31), d(2026, 8, 15), d(2026, 12, 31)}
	samples := 40
	if testing.Short() {
		samples = 8
	}
	for _, seed := range []uint64{1, 2, 3} {
		r := rand.New(rand.NewPCG(seed, 2026))
		for i := range samples {
			var w Week
			for j := range w {
				w[j].Weekday = time.Weekday((j + 1) % 7)
				if r.IntN(4) > 0 {
					w[j].Ranges = randomRanges(r)
				}
			}
			anchor := anchors[r.IntN(len(anchors))]
			s := Schedule{Week: w}
			for range r.IntN(4) {
				first := anchor.AddDays(r.IntN(40) - 5)
				e := Exception{First: first, Last: first.AddDays(r.IntN(15))}
				if r.IntN(2) == 0 {
					e.Ranges = randomRanges(r)
				}
				s.Exceptions = append(s.Exceptions, e)
			}
			day := anchor.AddDays(r.IntN(7) - 3)
			at := day.Midnight().Add(time.Duration(r.IntN(24*60)) * time.Minute)
			for _, e := range s.Exceptions {
				if err := e.Validate(); err != nil {
					t.Fatalf("generated invalid exception %+v: %v", e, err)
				}
			}
			got, want := s.StatusAt(at), bruteStatus(at, s.DayOf)
			if got.Open != want.Open || !got.Until.Equal(want.Until) || !got.Next.Equal(want.Next) {
				t.Fatalf("seed %d sample %d at %v:\nschedule %+v\nStatusAt = %+v\nbrute    = %+v", seed, i, at, s, got, want)
			}
		}
	}
}
