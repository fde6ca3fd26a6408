package garage

import (
	"testing"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, hours.Paris())
}

// week: Monday–Friday 9:00–12:00 and 14:00–18:00, Saturday 9:00–12:00, Sunday closed.
func leadWeek() hours.Week {
	w := hours.EmptyWeek()
	for i := range 5 {
		w[i].Ranges = []hours.Range{{Open: 9 * 60, Close: 12 * 60}, {Open: 14 * 60, Close: 18 * 60}}
	}
	w[5].Ranges = []hours.Range{{Open: 9 * 60, Close: 12 * 60}}
	return w
}

func TestResponseDue(t *testing.T) {
	s := hours.Schedule{Week: leadWeek()}
	closedSaturday := hours.Schedule{Week: leadWeek(), Exceptions: []hours.Exception{
		{First: hours.NewDate(2026, time.December, 5), Last: hours.NewDate(2026, time.December, 5), Label: "Inventaire"},
	}}
	for _, tc := range []struct {
		name     string
		s        hours.Schedule
		received time.Time
		target   int
		want     time.Time
	}{
		{"within the morning", s, paris(2026, time.December, 1, 9, 30), 2, paris(2026, time.December, 1, 11, 30)},
		{"over lunch", s, paris(2026, time.December, 1, 11, 0), 4, paris(2026, time.December, 1, 17, 0)},
		{"received at lunch", s, paris(2026, time.December, 1, 12, 30), 1, paris(2026, time.December, 1, 15, 0)},
		{"before opening", s, paris(2026, time.December, 1, 7, 0), 4, paris(2026, time.December, 1, 15, 0)},
		// Friday 18:30: Saturday morning's 3 hours, then Monday's first hour.
		{"friday evening", s, paris(2026, time.December, 4, 18, 30), 4, paris(2026, time.December, 7, 10, 0)},
		{"friday evening, saturday closed", closedSaturday, paris(2026, time.December, 4, 18, 30), 4, paris(2026, time.December, 7, 15, 0)},
		// Friday 24 December 2026 16:00: 2 h that day, Christmas (public holiday) closed, then Saturday 26.
		{"christmas", s, paris(2026, time.December, 24, 16, 0), 4, paris(2026, time.December, 26, 11, 0)},
		// An exception giving hours on a public holiday wins over the holiday.
		{"open on a holiday", hours.Schedule{Week: leadWeek(), Exceptions: []hours.Exception{{
			First: hours.NewDate(2026, time.December, 25), Last: hours.NewDate(2026, time.December, 25),
			Ranges: []hours.Range{{Open: 9 * 60, Close: 10 * 60}},
		}}}, paris(2026, time.December, 24, 17, 0), 2, paris(2026, time.December, 25, 10, 0)},
		// Across the end of daylight saving time: Saturday 24 October 2026 11:00 → Monday 26 9:00 + 3 h.
		{"clock change", s, paris(2026, time.October, 24, 11, 0), 4, paris(2026, time.October, 26, 12, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResponseDue(tc.received, tc.target, tc.s); !got.Equal(tc.want) {
				t.Errorf("ResponseDue(%s, %d) = %s, want %s", tc.received, tc.target, got.In(hours.Paris()), tc.want)
			}
		})
	}
	if got := ResponseDue(paris(2026, time.December, 1, 9, 0), 4, hours.Schedule{Week: hours.EmptyWeek()}); !got.IsZero() {
		t.Errorf("never open: got %s, want no deadline", got)
	}
}

func TestLeadLate(t *testing.T) {
	now := paris(2026, time.December, 7, 10, 0)
	due := now.Add(-time.Minute)
	later := now.Add(time.Hour)
	answered := now.Add(-2 * time.Hour)
	for _, tc := range []struct {
		m    Message
		late bool
	}{
		{Message{Status: MessageNew, DueAt: &due}, true},
		{Message{Status: MessageInProgress, DueAt: &due}, true},
		{Message{Status: MessageNew, DueAt: &now}, true},
		{Message{Status: MessageNew, DueAt: &later}, false},
		{Message{Status: MessageNew}, false},
		{Message{Status: MessageInProgress, DueAt: &due, FirstAnswerAt: &answered}, false},
		{Message{Status: MessageDone, DueAt: &due}, false},
		{Message{Status: MessageSpam, DueAt: &due}, false},
	} {
		if got := tc.m.Late(now); got != tc.late {
			t.Errorf("%+v: Late = %v, want %v", tc.m, got, tc.late)
		}
	}
	m := Message{Status: MessageInProgress, FirstAnswerAt: &answered}
	if m.StateLabel() != "Répondu" || m.StateClass() != "answered" {
		t.Errorf("answered lead: %q %q", m.StateLabel(), m.StateClass())
	}
	m.Status = MessageDone
	if m.StateLabel() != "Traité" {
		t.Errorf("closed lead: %q", m.StateLabel())
	}
}

func TestLeadKinds(t *testing.T) {
	for _, k := range LeadKinds() {
		if !k.Valid() || k.Label() == string(k) {
			t.Errorf("kind %q: valid %v label %q", k, k.Valid(), k.Label())
		}
	}
	if LeadKind("x").Valid() || !LeadQuote.Valid() {
		t.Error("kind validity")
	}
}

func TestMedianDuration(t *testing.T) {
	if MedianDuration(nil) != 0 {
		t.Error("empty")
	}
	if got := MedianDuration([]time.Duration{3, 1, 2}); got != 2 {
		t.Errorf("odd: %v", got)
	}
	if got := MedianDuration([]time.Duration{4, 1, 2, 3}); got != 2 {
		t.Errorf("even: %v", got) // (2+3)/2 in integer nanoseconds
	}
}

func TestTestDriveProblem(t *testing.T) {
	s := hours.Schedule{Week: leadWeek()}
	now := paris(2026, time.December, 1, 10, 0) // a Tuesday
	for _, tc := range []struct {
		at time.Time
		ok bool
	}{
		{paris(2026, time.December, 2, 15, 0), true},
		{paris(2026, time.December, 2, 12, 30), false}, // lunch
		{paris(2026, time.December, 6, 10, 0), false},  // Sunday
		{paris(2026, time.December, 25, 10, 0), false}, // Christmas
		{paris(2026, time.December, 1, 9, 30), false},  // past
		{paris(2027, time.February, 2, 10, 0), false},  // too far
		{paris(2026, time.December, 5, 11, 55), true},  // Saturday morning
	} {
		if got := TestDriveProblem(tc.at, now, s); (got == "") != tc.ok {
			t.Errorf("%s: %q", tc.at, got)
		}
	}
}
