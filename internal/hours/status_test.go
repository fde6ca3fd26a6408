package hours

import (
	"testing"
	"time"
)

// p returns a Europe/Paris wall-clock instant.
func p(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, Paris())
}

func TestStatusAtDefaultWeek(t *testing.T) {
	w := DefaultWeek()
	for _, tc := range []struct {
		name   string
		at     time.Time
		want   Status
		french string
	}{
		// Wednesday 3 June 2026.
		{"before opening", p(2026, 6, 3, 7, 0), Status{Next: p(2026, 6, 3, 8, 45)}, "Fermé — ouvre à 8\u00a0h\u00a045"},
		{"at opening", p(2026, 6, 3, 8, 45), Status{Open: true, Until: p(2026, 6, 3, 12, 0)}, "Ouvert jusqu'à 12\u00a0h\u00a000"},
		{"morning", p(2026, 6, 3, 10, 30), Status{Open: true, Until: p(2026, 6, 3, 12, 0)}, "Ouvert jusqu'à 12\u00a0h\u00a000"},
		{"at noon", p(2026, 6, 3, 12, 0), Status{Next: p(2026, 6, 3, 14, 0)}, "Fermé — ouvre à 14\u00a0h\u00a000"},
		{"midday gap", p(2026, 6, 3, 13, 15), Status{Next: p(2026, 6, 3, 14, 0)}, "Fermé — ouvre à 14\u00a0h\u00a000"},
		{"afternoon", p(2026, 6, 3, 16, 0), Status{Open: true, Until: p(2026, 6, 3, 18, 0)}, "Ouvert jusqu'à 18\u00a0h\u00a000"},
		{"evening", p(2026, 6, 3, 18, 0), Status{Next: p(2026, 6, 4, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		{"night", p(2026, 6, 3, 23, 59), Status{Next: p(2026, 6, 4, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		{"after midnight", p(2026, 6, 4, 0, 30), Status{Next: p(2026, 6, 4, 8, 45)}, "Fermé — ouvre à 8\u00a0h\u00a045"},
		{"friday evening", p(2026, 6, 5, 19, 0), Status{Next: p(2026, 6, 6, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		{"saturday morning", p(2026, 6, 6, 11, 0), Status{Open: true, Until: p(2026, 6, 6, 12, 0)}, "Ouvert jusqu'à 12\u00a0h\u00a000"},
		{"saturday afternoon", p(2026, 6, 6, 15, 0), Status{Next: p(2026, 6, 8, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		{"sunday", p(2026, 6, 7, 10, 0), Status{Next: p(2026, 6, 8, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		// Spring forward: Sunday 29 March 2026 has 23 hours.
		{"dst 2026 saturday", p(2026, 3, 28, 12, 30), Status{Next: p(2026, 3, 30, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		{"dst 2026 sunday", p(2026, 3, 29, 3, 30), Status{Next: p(2026, 3, 30, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		{"dst 2026 monday", p(2026, 3, 30, 9, 0), Status{Open: true, Until: p(2026, 3, 30, 12, 0)}, "Ouvert jusqu'à 12\u00a0h\u00a000"},
		// Fall back: Sunday 25 October 2026 has 25 hours.
		{"dst-end 2026 saturday", p(2026, 10, 24, 12, 0), Status{Next: p(2026, 10, 26, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		{"dst-end 2026 sunday", p(2026, 10, 25, 2, 30), Status{Next: p(2026, 10, 26, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
		{"dst-end 2026 monday", p(2026, 10, 26, 17, 59), Status{Open: true, Until: p(2026, 10, 26, 18, 0)}, "Ouvert jusqu'à 18\u00a0h\u00a000"},
		// 2027: 28 March and 31 October.
		{"dst 2027", p(2027, 3, 27, 20, 0), Status{Next: p(2027, 3, 29, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		{"dst-end 2027", p(2027, 10, 30, 12, 0), Status{Next: p(2027, 11, 1, 8, 45)}, "Fermé — ouvre lundi à 8\u00a0h\u00a045"},
		// New year: Friday 31 December 2027 to Saturday 1 January 2028.
		{"new year", p(2027, 12, 31, 18, 30), Status{Next: p(2028, 1, 1, 8, 45)}, "Fermé — ouvre demain à 8\u00a0h\u00a045"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := w.StatusAt(tc.at)
			if got.Open != tc.want.Open || !got.Until.Equal(tc.want.Until) || !got.Next.Equal(tc.want.Next) {
				t.Errorf("StatusAt(%v) = %+v, want %+v", tc.at, got, tc.want)
			}
			if f := got.French(tc.at); f != tc.french {
				t.Errorf("French() = %q, want %q", f, tc.french)
			}
			// The same instant in another zone gives the same answer.
			if again := w.StatusAt(tc.at.UTC()); again.Open != got.Open || !again.Next.Equal(got.Next) || !again.Until.Equal(got.Until) {
				t.Errorf("StatusAt(UTC) = %+v, want %+v", again, got)
			}
			if f := got.French(tc.at.UTC()); f != tc.french {
				t.Errorf("French(UTC now) = %q, want %q", f, tc.french)
			}
		})
	}
}

func TestStatusDSTOffsets(t *testing.T) {
	w := DefaultWeek()
	// Monday 8 h 45 after spring forward is 6 h 45 UTC, not 7 h 45.
	if got := w.StatusAt(p(2026, 3, 28, 13, 0)).Next.UTC(); !got.Equal(time.Date(2026, 3, 30, 6, 45, 0, 0, time.UTC)) {
		t.Errorf("Next after spring forward = %v", got)
	}
	// Monday 8 h 45 after fall back is 7 h 45 UTC, not 6 h 45.
	if got := w.StatusAt(p(2026, 10, 24, 13, 0)).Next.UTC(); !got.Equal(time.Date(2026, 10, 26, 7, 45, 0, 0, time.UTC)) {
		t.Errorf("Next after fall back = %v", got)
	}
	// A garage open on the short and the long Sundays.
	w[6].Ranges = []Range{{9 * 60, 12 * 60}}
	for _, day := range []time.Time{p(2026, 3, 29, 0, 0), p(2026, 10, 25, 0, 0), p(2027, 3, 28, 0, 0), p(2027, 10, 31, 0, 0)} {
		s := w.StatusAt(day.Add(time.Hour)) // 1 h or 2 h wall clock, before opening
		y, m, d := day.Date()
		if !s.Next.Equal(p(y, m, d, 9, 0)) || s.Next.In(Paris()).Hour() != 9 {
			t.Errorf("%v: Next = %v, want 9\u00a0h\u00a000 that day", day, s.Next)
		}
		s = w.StatusAt(p(y, m, d, 11, 0))
		if !s.Open || s.Until.In(Paris()).Hour() != 12 {
			t.Errorf("%v: %+v, want open until 12\u00a0h\u00a000", day, s)
		}
	}
}

func TestStatusAllClosed(t *testing.T) {
	now := p(2026, 6, 3, 10, 0)
	s := EmptyWeek().StatusAt(now)
	if s.Open || !s.Next.IsZero() || !s.Until.IsZero() {
		t.Errorf("StatusAt = %+v, want closed for good", s)
	}
	if f := s.French(now); f != "Fermé" {
		t.Errorf("French() = %q", f)
	}
}

func TestStatusOnlyOneDay(t *testing.T) {
	w := EmptyWeek()
	w[MondayIndex(time.Monday)].Ranges = []Range{{9 * 60, 12 * 60}}
	// Monday 1 June 2026, after closing: next Monday, a week ahead.
	now := p(2026, 6, 1, 13, 0)
	s := w.StatusAt(now)
	if !s.Next.Equal(p(2026, 6, 8, 9, 0)) {
		t.Fatalf("Next = %v", s.Next)
	}
	if f := s.French(now); f != "Fermé — ouvre le lundi 8 juin à 9\u00a0h\u00a000" {
		t.Errorf("French() = %q", f)
	}
	// Thursday: "lundi".
	now = p(2026, 6, 4, 13, 0)
	if f := w.StatusAt(now).French(now); f != "Fermé — ouvre lundi à 9\u00a0h\u00a000" {
		t.Errorf("French() = %q", f)
	}
}

func TestStatusAcrossMidnight(t *testing.T) {
	w := EmptyWeek()
	w[MondayIndex(time.Friday)].Ranges = []Range{{20 * 60, MinutesPerDay}}
	w[MondayIndex(time.Saturday)].Ranges = []Range{{0, 2 * 60}, {10 * 60, 24 * 60}}
	// Friday 5 June 2026 at 21 h: open until Saturday 2 h.
	now := p(2026, 6, 5, 21, 0)
	s := w.StatusAt(now)
	if !s.Open || !s.Until.Equal(p(2026, 6, 6, 2, 0)) {
		t.Fatalf("StatusAt = %+v", s)
	}
	if f := s.French(now); f != "Ouvert jusqu'à demain 2\u00a0h\u00a000" {
		t.Errorf("French() = %q", f)
	}
	// Saturday 1 h: the opening that started yesterday is still on.
	if s := w.StatusAt(p(2026, 6, 6, 1, 0)); !s.Open || !s.Until.Equal(p(2026, 6, 6, 2, 0)) {
		t.Errorf("StatusAt(Saturday 1 h) = %+v", s)
	}
	// Saturday 11 h: until midnight.
	now = p(2026, 6, 6, 11, 0)
	if f := w.StatusAt(now).French(now); f != "Ouvert jusqu'à minuit" {
		t.Errorf("French() = %q", f)
	}
}

func TestStatusAlwaysOpen(t *testing.T) {
	var w Week
	for i := range w {
		w[i] = Day{Weekday: time.Weekday((i + 1) % 7), Ranges: []Range{{0, MinutesPerDay}}}
	}
	now := p(2026, 3, 29, 2, 30)
	s := w.StatusAt(now)
	if !s.Open || !s.Until.IsZero() {
		t.Errorf("StatusAt = %+v", s)
	}
	if f := s.French(now); f != "Ouvert" {
		t.Errorf("French() = %q", f)
	}
}

func TestStatusForExceptions(t *testing.T) {
	w := DefaultWeek()
	holiday := p(2026, 7, 14, 0, 0) // Tuesday 14 July, closed
	dayOf := func(date time.Time) Day {
		if date.Equal(holiday) {
			return Day{Weekday: date.Weekday()}
		}
		return w.Day(date.Weekday())
	}
	now := p(2026, 7, 13, 18, 30)
	s := StatusFor(now, dayOf)
	if !s.Next.Equal(p(2026, 7, 15, 8, 45)) {
		t.Errorf("Next = %v", s.Next)
	}
	if f := s.French(now); f != "Fermé — ouvre mercredi à 8\u00a0h\u00a045" {
		t.Errorf("French() = %q", f)
	}
}

func TestStatusIgnoresInvalidRanges(t *testing.T) {
	w := EmptyWeek()
	w[0].Ranges = []Range{{600, 500}, {-10, 5000}, {600, 700}}
	s := w.StatusAt(p(2026, 6, 1, 9, 0)) // Monday
	if s.Open || !s.Next.Equal(p(2026, 6, 1, 10, 0)) {
		t.Errorf("StatusAt = %+v", s)
	}
}

func TestFrenchLongOpening(t *testing.T) {
	now := p(2026, 6, 1, 10, 0)
	for _, tc := range []struct {
		s    Status
		want string
	}{
		{Status{Open: true, Until: p(2026, 6, 4, 12, 0)}, "Ouvert jusqu'à jeudi 12\u00a0h\u00a000"},
		{Status{Open: true, Until: p(2026, 6, 10, 12, 0)}, "Ouvert jusqu'au mercredi 10 juin à 12\u00a0h\u00a000"},
		{Status{Next: p(2026, 7, 1, 8, 45)}, "Fermé — ouvre le mercredi 1er juillet à 8\u00a0h\u00a045"},
	} {
		if got := tc.s.French(now); got != tc.want {
			t.Errorf("French() = %q, want %q", got, tc.want)
		}
	}
}
