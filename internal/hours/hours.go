// Package hours models the garage's weekly opening hours, checks them, and
// formats them the French way ("lundi 8 h 45 – 12 h 00").
//
// Times of day are minutes since midnight (0 to 1440) in Europe/Paris wall
// clock time; see status.go for "open now" computations.
package hours

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris must load even on hosts without tzdata.
)

// MinutesPerDay is the end of a day, 24 h 00.
const MinutesPerDay = 24 * 60

// Step is the granularity of opening hours, in minutes.
const Step = 5

// MaxRanges is how many ranges a day may have.
const MaxRanges = 2

// Range is an opening period within a day, in minutes since midnight
// (0..1440): open from Open (included) to Close (excluded).
type Range struct{ Open, Close int }

// Day holds a weekday's hours: zero, one or two ranges (closed when empty).
type Day struct {
	Weekday time.Weekday
	Ranges  []Range
}

// Closed reports whether the garage does not open at all that day.
func (d Day) Closed() bool { return len(d.Ranges) == 0 }

// Week is Monday-first: Week[0] is Monday ... Week[6] is Sunday.
type Week [7]Day

// Day returns the hours of weekday d.
func (w Week) Day(d time.Weekday) Day { return w[MondayIndex(d)] }

// MondayIndex returns the position of d in a Monday-first week: Monday=0 ...
// Sunday=6.
func MondayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// paris loads Europe/Paris once; the embedded tzdata makes failure impossible.
var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("hours: loading Europe/Paris: " + err.Error())
	}
	return loc
})

// Paris returns the Europe/Paris location, in which all opening hours are
// expressed.
func Paris() *time.Location { return paris() }

// WeekdayName returns the French name of d, in lower case: "lundi" ... "dimanche".
func WeekdayName(d time.Weekday) string {
	return [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}[d%7]
}

// FormatClock formats minutes since midnight the French way:
// 525 -> "8 h 45", 720 -> "12 h 00", 0 -> "0 h 00", 1440 -> "24 h 00",
// with non-breaking spaces (U+00A0) so that a time never wraps.
func FormatClock(min int) string {
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", min/60, min%60)
}

// FormatInput formats minutes since midnight as "08:45", the value of an
// HTML <input type="time">. 1440 is "24:00", which ParseClock accepts back.
func FormatInput(min int) string {
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// FormatRange formats r as "8 h 45 – 12 h 00" (with an en dash).
func FormatRange(r Range) string {
	return FormatClock(r.Open) + " – " + FormatClock(r.Close)
}

// FormatDay formats d's ranges: "fermé", "8 h 45 – 12 h 00", or
// "8 h 45 – 12 h 00 et 14 h 00 – 18 h 00".
func FormatDay(d Day) string {
	if d.Closed() {
		return "fermé"
	}
	parts := make([]string, len(d.Ranges))
	for i, r := range d.Ranges {
		parts[i] = FormatRange(r)
	}
	return strings.Join(parts, " et ")
}

// ParseClock parses a time of day written "08:45", "8:45", "8h45", "8 h 45",
// "8h" or "8 h" (and "24:00", the end of a day) into minutes since midnight.
// Its error is a French sentence.
func ParseClock(s string) (int, error) {
	// The non-breaking spaces of FormatClock read as spaces.
	t := strings.TrimSpace(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s))
	bad := func() (int, error) {
		return 0, fmt.Errorf("Heure invalide : « %s » (format attendu : 08:45 ou 8 h 45).", t)
	}
	sep := strings.IndexAny(t, ":hH")
	if sep < 0 {
		return bad()
	}
	hh := strings.TrimRight(t[:sep], " ")
	mm := strings.TrimLeft(t[sep+1:], " ")
	if t[sep] == ':' {
		if hh != t[:sep] || mm != t[sep+1:] {
			return bad() // no spaces around ':'
		}
		// <input type="time" step="1"> sends seconds: accept ":00".
		if len(mm) == 5 && mm[2:] == ":00" {
			mm = mm[:2]
		}
	} else if mm == "" {
		mm = "00" // "8h", "8 h"
	}
	if len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !digits(hh) || !digits(mm) {
		return bad()
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return bad()
	}
	return h*60 + m, nil
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Validate checks d's ranges: at most two, each within 0 h 00–24 h 00 in
// 5-minute steps, ending after it starts, in order and apart from each other.
// Its error is a French sentence.
func (d Day) Validate() error {
	if len(d.Ranges) > MaxRanges {
		return errors.New("Deux plages horaires au maximum par jour.")
	}
	for i, r := range d.Ranges {
		switch {
		case r.Open < 0 || r.Close < 0 || r.Open > MinutesPerDay || r.Close > MinutesPerDay:
			return errors.New("Les horaires doivent être compris entre 0 h 00 et 24 h 00.")
		case r.Open%Step != 0 || r.Close%Step != 0:
			return fmt.Errorf("Les horaires doivent tomber sur un multiple de %d minutes (par exemple 8 h 45).", Step)
		case r.Close <= r.Open:
			return fmt.Errorf("La plage %s doit se terminer après son début.", FormatRange(r))
		case i > 0 && r.Open <= d.Ranges[i-1].Close:
			return fmt.Errorf("La plage %s doit commencer après la fin de la plage %s.", FormatRange(r), FormatRange(d.Ranges[i-1]))
		}
	}
	return nil
}

// Validate checks every day of w, and that w[i] is the i-th day of a
// Monday-first week. Each error names its day ("mardi : …"); they are joined.
func (w Week) Validate() error {
	var errs []error
	for i, d := range w {
		want := time.Weekday((i + 1) % 7)
		if d.Weekday != want {
			errs = append(errs, fmt.Errorf("%s : jour de la semaine incohérent (%s).", WeekdayName(want), WeekdayName(d.Weekday)))
			continue
		}
		if err := d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s : %w", WeekdayName(want), err))
		}
	}
	return errors.Join(errs...)
}

// DefaultWeek returns the garage's own hours: Monday to Friday 8 h 45 – 12 h 00
// and 14 h 00 – 18 h 00, Saturday 8 h 45 – 12 h 00, closed on Sunday.
func DefaultWeek() Week {
	var w Week
	for i := range w {
		w[i].Weekday = time.Weekday((i + 1) % 7)
		switch {
		case i < 5:
			w[i].Ranges = []Range{{8*60 + 45, 12 * 60}, {14 * 60, 18 * 60}}
		case i == 5:
			w[i].Ranges = []Range{{8*60 + 45, 12 * 60}}
		}
	}
	return w
}

// EmptyWeek returns a week closed every day, with its weekdays set.
func EmptyWeek() Week {
	var w Week
	for i := range w {
		w[i].Weekday = time.Weekday((i + 1) % 7)
	}
	return w
}

// Line is one line of a compact weekly summary: consecutive days with the
// same hours share a line.
type Line struct {
	Days  string // "lundi", "samedi et dimanche" or "du lundi au vendredi"
	Hours string // as FormatDay
}

// Summary groups consecutive days with the same hours, Monday first, for
// compact displays such as the footer:
//
//	du lundi au vendredi  8 h 45 – 12 h 00 et 14 h 00 – 18 h 00
//	samedi                8 h 45 – 12 h 00
//	dimanche              fermé
func (w Week) Summary() []Line {
	var lines []Line
	for i := 0; i < len(w); {
		j := i
		for j+1 < len(w) && FormatDay(w[j+1]) == FormatDay(w[i]) {
			j++
		}
		first, last := time.Weekday((i+1)%7), time.Weekday((j+1)%7)
		var days string
		switch j - i {
		case 0:
			days = WeekdayName(first)
		case 1:
			days = WeekdayName(first) + " et " + WeekdayName(last)
		default:
			days = "du " + WeekdayName(first) + " au " + WeekdayName(last)
		}
		lines = append(lines, Line{Days: days, Hours: FormatDay(w[i])})
		i = j + 1
	}
	return lines
}
