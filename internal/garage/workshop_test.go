package garage

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

// workshopWeek: Monday to Friday 8 h–12 h and 14 h–18 h, Saturday 9 h–12 h,
// closed on Sunday.
func workshopWeek() hours.Week {
	var w hours.Week
	for i := range w {
		w[i].Weekday = time.Weekday((i + 1) % 7)
		switch {
		case i < 5:
			w[i].Ranges = []hours.Range{{Open: 8 * 60, Close: 12 * 60}, {Open: 14 * 60, Close: 18 * 60}}
		case i == 5:
			w[i].Ranges = []hours.Range{{Open: 9 * 60, Close: 12 * 60}}
		}
	}
	return w
}

func atParis(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, hours.Paris())
}

func baseQuery() SlotQuery {
	s := DefaultWorkshopSettings()
	s.NoticeHours = 0
	return SlotQuery{
		Schedule: hours.Schedule{Week: workshopWeek()},
		Settings: s,
		Minutes:  45,
		Now:      atParis(2026, time.March, 23, 7, 0), // Monday, the week before summer time
		From:     hours.NewDate(2026, time.March, 24),
		Days:     1,
	}
}

func starts(list []Slot) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Start.In(hours.Paris()).Format("01-02 15:04")
	}
	return out
}

func TestFreeSlots(t *testing.T) {
	tue := hours.NewDate(2026, time.March, 24)
	tests := []struct {
		name   string
		change func(q *SlotQuery)
		count  int
		first  string
		last   string
	}{
		{"a 45-minute job on an open day, across lunch too", func(q *SlotQuery) {}, 30, "03-24 08:00", "03-24 17:15"},
		{"never on a Sunday", func(q *SlotQuery) { q.From = hours.NewDate(2026, time.March, 29) }, 0, "", ""},
		{"never on a public holiday (Easter Monday)", func(q *SlotQuery) { q.From = hours.NewDate(2026, time.April, 6) }, 0, "", ""},
		{"an exception opening a public holiday gives its hours", func(q *SlotQuery) {
			d := hours.NewDate(2026, time.April, 6)
			q.From = d
			q.Schedule.Exceptions = []hours.Exception{{First: d, Last: d, Ranges: []hours.Range{{Open: 9 * 60, Close: 11 * 60}}}}
		}, 6, "04-06 09:00", "04-06 10:15"},
		{"never on an exception closing the day", func(q *SlotQuery) {
			q.Schedule.Exceptions = []hours.Exception{{First: tue, Last: tue, Label: "Formation"}}
		}, 0, "", ""},
		{"a 10-hour job is not offered without multi-day jobs", func(q *SlotQuery) { q.Minutes = 600 }, 0, "", ""},
		{"a 10-hour job spans two days when allowed", func(q *SlotQuery) {
			q.Minutes, q.Settings.MultiDay = 600, true
		}, 32, "03-24 08:00", "03-24 17:45"},
		{"a busy bay leaves the times around its job", func(q *SlotQuery) {
			q.Busy = []Busy{{Bay: 1, Start: atParis(2026, time.March, 24, 9, 0), End: atParis(2026, time.March, 24, 10, 0)}}
		}, 30 - 6, "03-24 08:00", "03-24 17:15"},
		{"a second bay takes the job", func(q *SlotQuery) {
			q.Settings.Bays = 2
			q.Busy = []Busy{{Bay: 1, Start: atParis(2026, time.March, 24, 8, 0), End: atParis(2026, time.March, 24, 18, 0)}}
		}, 30, "03-24 08:00", "03-24 17:15"},
		{"a period blocking every bay", func(q *SlotQuery) {
			q.Settings.Bays = 2
			q.Busy = []Busy{{Bay: 0, Start: atParis(2026, time.March, 24, 0, 0), End: atParis(2026, time.March, 24, 14, 0)}}
		}, 14, "03-24 14:00", "03-24 17:15"},
		{"the minimum notice", func(q *SlotQuery) {
			q.Now, q.Settings.NoticeHours = atParis(2026, time.March, 23, 10, 0), 24
		}, 30 - 8, "03-24 10:00", "03-24 17:15"},
		{"nothing beyond the horizon", func(q *SlotQuery) {
			q.Settings.HorizonDays, q.From, q.Days = 2, hours.NewDate(2026, time.March, 26), 5
		}, 0, "", ""},
		{"the week after the change to summer time starts at 8 h local", func(q *SlotQuery) {
			q.From = hours.NewDate(2026, time.March, 30)
		}, 30, "03-30 08:00", "03-30 17:15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := baseQuery()
			tt.change(&q)
			got := starts(FreeSlots(q))
			if len(got) != tt.count {
				t.Fatalf("%d slots, want %d: %v", len(got), tt.count, got)
			}
			if tt.count > 0 && (got[0] != tt.first || got[len(got)-1] != tt.last) {
				t.Errorf("slots from %s to %s, want %s to %s", got[0], got[len(got)-1], tt.first, tt.last)
			}
		})
	}
}

func TestJobEndAcrossDST(t *testing.T) {
	dayOf := WorkshopDayOf(hours.Schedule{Week: workshopWeek()})
	// Friday 27 March 2026 16 h, ten hours: 2 h Friday, 3 h Saturday, 4 h and
	// 1 h on Monday 30 March, after the clocks went forward on Sunday.
	end, ok := JobEnd(dayOf, atParis(2026, time.March, 27, 16, 0), 600, true)
	if !ok || !end.Equal(atParis(2026, time.March, 30, 15, 0)) {
		t.Fatalf("end %v %v, want Monday 15 h", end, ok)
	}
	if end.UTC().Hour() != 13 {
		t.Errorf("Monday 15 h Paris is %v UTC, want 13 h (summer time)", end.UTC())
	}
	// Autumn: 24 October 2026 (Saturday) 11 h, 3 h: Saturday 1 h, Monday 26 8 h–10 h.
	end, ok = JobEnd(dayOf, atParis(2026, time.October, 24, 11, 0), 180, true)
	if !ok || !end.Equal(atParis(2026, time.October, 26, 10, 0)) || end.UTC().Hour() != 9 {
		t.Fatalf("end %v %v, want Monday 26 October 10 h (9 h UTC)", end, ok)
	}
	if _, ok := JobEnd(dayOf, atParis(2026, time.March, 27, 12, 30), 45, true); ok {
		t.Error("a job starting during lunch was accepted")
	}
}

func TestCheckSlot(t *testing.T) {
	q := baseQuery()
	q.Settings.NoticeHours, q.Settings.HorizonDays = 24, 30
	q.Busy = []Busy{{Bay: 1, Start: atParis(2026, time.March, 25, 9, 0), End: atParis(2026, time.March, 25, 10, 0)}}
	tests := []struct {
		start time.Time
		want  error
	}{
		{atParis(2026, time.March, 24, 9, 0), nil},
		{atParis(2026, time.March, 23, 9, 0), ErrSlotPast},
		{atParis(2026, time.March, 24, 6, 59), ErrSlotPast},
		{atParis(2026, time.May, 4, 9, 0), ErrSlotHorizon},
		{atParis(2026, time.March, 29, 9, 0), ErrSlotClosed},
		{atParis(2026, time.March, 24, 12, 30), ErrSlotNotFree},
		{atParis(2026, time.March, 24, 9, 7), ErrSlotNotFree},
		{atParis(2026, time.March, 25, 9, 30), ErrSlotNotFree},
	}
	for _, tt := range tests {
		if _, err := CheckSlot(q, tt.start); !errors.Is(err, tt.want) {
			t.Errorf("%v: %v, want %v", tt.start, err, tt.want)
		}
	}
}

// TestFreeSlotsProperty: every slot offered starts on the step grid inside
// an opening range, ends at or before a closing, is past the notice and
// leaves its bay free for the whole job.
func TestFreeSlotsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	week := workshopWeek()
	for round := range 300 {
		q := baseQuery()
		q.Settings.Bays = 1 + rng.IntN(3)
		q.Settings.StepMinutes = WorkshopSteps[rng.IntN(len(WorkshopSteps))]
		q.Settings.MultiDay = rng.IntN(2) == 0
		q.Settings.NoticeHours = rng.IntN(48)
		q.Minutes = 15 * (1 + rng.IntN(50))
		q.Now = atParis(2026, time.March, 20+rng.IntN(3), rng.IntN(24), 0)
		q.From, q.Days = hours.NewDate(2026, time.March, 20+rng.IntN(8)), 1+rng.IntN(10)
		for range rng.IntN(40) {
			s := atParis(2026, time.March, 20+rng.IntN(14), 7+rng.IntN(12), 5*rng.IntN(12))
			q.Busy = append(q.Busy, Busy{Bay: rng.IntN(q.Settings.Bays + 1), Start: s, End: s.Add(time.Duration(5+rng.IntN(600)) * time.Minute)})
		}
		dayOf := WorkshopDayOf(hours.Schedule{Week: week})
		for _, s := range FreeSlots(q) {
			if s.Start.Before(q.Now.Add(time.Duration(q.Settings.NoticeHours) * time.Hour)) {
				t.Fatalf("round %d: %v is before the notice", round, s.Start)
			}
			inRange := func(t time.Time, closeIncluded bool) bool {
				m := minuteOf(t)
				for _, r := range dayOf(hours.DateOf(t.In(hours.Paris())).Midnight()).Ranges {
					if r.Open <= m && (m < r.Close || closeIncluded && m == r.Close) {
						return (m-r.Open)%q.Settings.StepMinutes == 0 || closeIncluded
					}
				}
				return false
			}
			if !inRange(s.Start, false) || !inRange(s.End, true) {
				t.Fatalf("round %d: slot %v–%v is not within opening hours on the grid", round, s.Start, s.End)
			}
			if !q.Settings.MultiDay && hours.DateOf(s.End.In(hours.Paris())) != hours.DateOf(s.Start.In(hours.Paris())) {
				t.Fatalf("round %d: a job spans two days without multi-day jobs", round)
			}
			if s.Bay < 1 || s.Bay > q.Settings.Bays {
				t.Fatalf("round %d: bay %d", round, s.Bay)
			}
			for _, b := range q.Busy {
				if (b.Bay == 0 || b.Bay == s.Bay) && b.Start.Before(s.End) && s.Start.Before(b.End) {
					t.Fatalf("round %d: slot %v–%v on bay %d overlaps %+v", round, s.Start, s.End, s.Bay, b)
				}
			}
		}
	}
}

func TestAppointmentTransitions(t *testing.T) {
	path := []AppointmentStatus{AppointmentRequested, AppointmentConfirmed, AppointmentArrived, AppointmentInProgress,
		AppointmentReady, AppointmentReturned}
	for i := 0; i+1 < len(path); i++ {
		if !path[i].CanMoveTo(path[i+1]) {
			t.Errorf("%s → %s refused", path[i].Label(), path[i+1].Label())
		}
	}
	for _, bad := range [][2]AppointmentStatus{{AppointmentReturned, AppointmentRequested}, {AppointmentCancelled, AppointmentConfirmed},
		{AppointmentRequested, AppointmentReady}, {AppointmentReady, AppointmentCancelled}} {
		if bad[0].CanMoveTo(bad[1]) {
			t.Errorf("%s → %s allowed", bad[0], bad[1])
		}
	}
	for _, s := range AppointmentStatuses {
		if s.Label() == "" {
			t.Errorf("%s has no French label", s)
		}
	}
	if AppointmentArrived.Label() != "véhicule arrivé" {
		t.Error(AppointmentArrived.Label())
	}
}

func TestWorkshopCellsOverlap(t *testing.T) {
	a := atParis(2026, time.March, 24, 9, 0)
	cells := WorkshopCells(a, a.Add(45*time.Minute))
	if len(cells) != 9 {
		t.Fatalf("%d cells for 45 minutes", len(cells))
	}
	next := WorkshopCells(a.Add(45*time.Minute), a.Add(time.Hour))
	if next[0] == cells[len(cells)-1] {
		t.Error("back-to-back jobs share a cell")
	}
}
