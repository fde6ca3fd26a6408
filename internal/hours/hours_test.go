package hours

import (
	"strings"
	"testing"
	"time"
)

func TestWeekdayNameAndIndex(t *testing.T) {
	names := []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	for i, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if got := WeekdayName(d); got != names[i] {
			t.Errorf("WeekdayName(%v) = %q, want %q", d, got, names[i])
		}
		if got := MondayIndex(d); got != i {
			t.Errorf("MondayIndex(%v) = %d, want %d", d, got, i)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{FormatClock(525), "8\u00a0h\u00a045"},
		{FormatClock(720), "12\u00a0h\u00a000"},
		{FormatClock(0), "0\u00a0h\u00a000"},
		{FormatClock(5), "0\u00a0h\u00a005"},
		{FormatClock(1440), "24\u00a0h\u00a000"},
		{FormatInput(525), "08:45"},
		{FormatInput(1440), "24:00"},
		{FormatRange(Range{525, 720}), "8\u00a0h\u00a045 – 12\u00a0h\u00a000"},
		{FormatDay(Day{Weekday: time.Sunday}), "fermé"},
		{FormatDay(Day{Ranges: []Range{{525, 720}}}), "8\u00a0h\u00a045 – 12\u00a0h\u00a000"},
		{FormatDay(Day{Ranges: []Range{{525, 720}, {840, 1080}}}), "8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !strings.Contains(FormatRange(Range{0, 60}), "\u2013") {
		t.Error("FormatRange does not use an en dash")
	}
}

func TestParseClock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"08:45", 525, true},
		{"8:45", 525, true},
		{"8h45", 525, true},
		{"8H45", 525, true},
		{"8 h 45", 525, true},
		{" 08 h 45 ", 525, true},
		{"8\u00a0h\u00a045", 525, true}, // as FormatClock writes it
		{"8h", 480, true},
		{"8 h", 480, true},
		{"00:00", 0, true},
		{"0h00", 0, true},
		{"23:55", 1435, true},
		{"24:00", 1440, true},
		{"24h", 1440, true},
		{"08:45:00", 525, true},
		{"", 0, false},
		{"8", 0, false},
		{"845", 0, false},
		{"8:5", 0, false},
		{"8:", 0, false},
		{":45", 0, false},
		{"h45", 0, false},
		{"8 : 45", 0, false},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"12:60", 0, false},
		{"123:00", 0, false},
		{"-1:00", 0, false},
		{"+8:45", 0, false},
		{"08:45:30", 0, false},
		{"8h45m", 0, false},
		{"８:45", 0, false}, // full-width digit
		{"midi", 0, false},
	} {
		got, err := ParseClock(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
		if !tc.ok {
			if err == nil {
				t.Errorf("ParseClock(%q) = %d, want an error", tc.in, got)
			} else if !strings.HasPrefix(err.Error(), "Heure invalide") {
				t.Errorf("ParseClock(%q) error %q is not the French message", tc.in, err)
			}
		}
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"08:45", "8h45", "8 h 45", "24:00", "8h", "25:00", "", "h", ":", "08:45:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseClock(s)
		if err != nil {
			return
		}
		if m < 0 || m > MinutesPerDay {
			t.Fatalf("ParseClock(%q) = %d, out of range", s, m)
		}
		for _, back := range []string{FormatClock(m), FormatInput(m)} {
			if m2, err := ParseClock(back); err != nil || m2 != m {
				t.Fatalf("ParseClock(%q) = %d, %v after ParseClock(%q) = %d", back, m2, err, s, m)
			}
		}
	})
}

func TestDayValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ranges []Range
		errHas string // "" when valid
	}{
		{"closed", nil, ""},
		{"one range", []Range{{525, 720}}, ""},
		{"two ranges", []Range{{525, 720}, {840, 1080}}, ""},
		{"whole day", []Range{{0, 1440}}, ""},
		{"three ranges", []Range{{0, 60}, {120, 180}, {240, 300}}, "Deux plages"},
		{"negative", []Range{{-5, 60}}, "entre 0 h 00 et 24 h 00"},
		{"past midnight", []Range{{1380, 1445}}, "entre 0 h 00 et 24 h 00"},
		{"not 5-minute step", []Range{{523, 720}}, "multiple de 5 minutes"},
		{"close not 5-minute step", []Range{{525, 721}}, "multiple de 5 minutes"},
		{"empty range", []Range{{720, 720}}, "se terminer après son début"},
		{"backwards", []Range{{720, 525}}, "se terminer après son début"},
		{"overlap", []Range{{525, 720}, {700, 1080}}, "commencer après la fin"},
		{"touching", []Range{{525, 720}, {720, 1080}}, "commencer après la fin"},
		{"out of order", []Range{{840, 1080}, {525, 720}}, "commencer après la fin"},
	} {
		err := Day{Weekday: time.Monday, Ranges: tc.ranges}.Validate()
		switch {
		case tc.errHas == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.errHas)
		}
	}
}

func TestWeekValidate(t *testing.T) {
	if err := DefaultWeek().Validate(); err != nil {
		t.Errorf("DefaultWeek().Validate() = %v", err)
	}
	if err := EmptyWeek().Validate(); err != nil {
		t.Errorf("EmptyWeek().Validate() = %v", err)
	}
	w := DefaultWeek()
	w[1].Ranges = []Range{{720, 600}}
	w[6].Weekday = time.Monday
	err := w.Validate()
	if err == nil || !strings.Contains(err.Error(), "mardi : La plage") || !strings.Contains(err.Error(), "dimanche : jour") {
		t.Errorf("Validate() = %v", err)
	}
}

func TestDefaultWeek(t *testing.T) {
	w := DefaultWeek()
	want := []string{
		"lundi 8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000",
		"mardi 8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000",
		"mercredi 8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000",
		"jeudi 8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000",
		"vendredi 8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000",
		"samedi 8\u00a0h\u00a045 – 12\u00a0h\u00a000",
		"dimanche fermé",
	}
	for i, d := range w {
		if got := WeekdayName(d.Weekday) + " " + FormatDay(d); got != want[i] {
			t.Errorf("day %d: %q, want %q", i, got, want[i])
		}
	}
	if w.Day(time.Sunday).Weekday != time.Sunday || !w.Day(time.Sunday).Closed() {
		t.Error("Week.Day(Sunday) is wrong")
	}
	// Each call returns its own slices.
	w[0].Ranges[0].Open = 0
	if DefaultWeek()[0].Ranges[0].Open != 525 {
		t.Error("DefaultWeek shares its slices")
	}
}

func TestSummary(t *testing.T) {
	got := DefaultWeek().Summary()
	want := []Line{
		{"du lundi au vendredi", "8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000"},
		{"samedi", "8\u00a0h\u00a045 – 12\u00a0h\u00a000"},
		{"dimanche", "fermé"},
	}
	if len(got) != len(want) {
		t.Fatalf("Summary() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %v, want %v", i, got[i], want[i])
		}
	}
	w := DefaultWeek()
	w[5].Ranges = nil
	w[1].Ranges = []Range{{600, 700}}
	got = w.Summary()
	if len(got) != 4 || got[0].Days != "lundi" || got[1].Days != "mardi" ||
		got[2].Days != "du mercredi au vendredi" || got[3].Days != "samedi et dimanche" {
		t.Errorf("Summary() = %v", got)
	}
	if got := EmptyWeek().Summary(); len(got) != 1 || got[0].Days != "du lundi au dimanche" || got[0].Hours != "fermé" {
		t.Errorf("EmptyWeek().Summary() = %v", got)
	}
}

func TestParis(t *testing.T) {
	first, second := Paris(), Paris()
	if first.String() != "Europe/Paris" || first != second {
		t.Error("Paris() is not a single Europe/Paris location")
	}
}
