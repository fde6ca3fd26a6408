package hours

import (
	"fmt"
	"time"
)

// horizon is how many days ahead StatusAt looks for the next opening: six
// weeks, so that a long summer closure still says when the garage reopens.
const horizon = 42

// Status says whether the garage is open at a given instant and when that
// changes.
type Status struct {
	Open bool
	// Until is when the garage closes, if Open; zero if it stays open for
	// the whole horizon of 42 days.
	Until time.Time
	// Next is the next opening, if not Open; zero if the garage does not
	// open in the next 42 days.
	Next time.Time
}

// StatusAt says whether the garage is open at t, in Europe/Paris wall-clock
// time, and when that changes.
func (w Week) StatusAt(t time.Time) Status {
	return StatusFor(t, func(date time.Time) Day { return w.Day(date.Weekday()) })
}

// StatusFor is StatusAt for a schedule that varies by date: dayOf returns the
// hours of the day starting at date (midnight in Europe/Paris), so that dated
// exceptions such as public holidays can override the weekly hours. Ranges
// that do not validate are ignored.
//
// Every instant is built with time.Date in Europe/Paris for its own day,
// never by adding 24-hour durations, so that the days when clocks change
// (23 or 25 hours long) come out right. Ranges that meet across midnight
// (… – 24 h 00 then 0 h 00 – …) count as one opening.
func StatusFor(t time.Time, dayOf func(date time.Time) Day) Status {
	loc := Paris()
	y, m, d := t.In(loc).Date()
	at := func(day, min int) time.Time {
		return time.Date(y, m, d+day, min/60, min%60, 0, 0, loc)
	}

	type interval struct{ start, end time.Time }
	var opens []interval
	// From yesterday (for an opening that runs past midnight) to the horizon.
	for day := -1; day <= horizon; day++ {
		for _, r := range dayOf(at(day, 0)).Ranges {
			if r.Open < 0 || r.Close > MinutesPerDay || r.Close <= r.Open {
				continue
			}
			start, end := at(day, r.Open), at(day, r.Close)
			if n := len(opens); n > 0 && !start.After(opens[n-1].end) {
				if end.After(opens[n-1].end) {
					opens[n-1].end = end
				}
				continue
			}
			opens = append(opens, interval{start, end})
		}
	}

	limit := at(horizon+1, 0)
	for _, o := range opens {
		switch {
		case !t.Before(o.start) && t.Before(o.end):
			s := Status{Open: true, Until: o.end}
			if !o.end.Before(limit) {
				s.Until = time.Time{}
			}
			return s
		case o.start.After(t):
			return Status{Next: o.start}
		}
	}
	return Status{}
}

// French describes s as seen at now, for a visitor:
//
//	Ouvert jusqu'à 18 h 00
//	Ouvert jusqu'à minuit
//	Fermé — ouvre à 14 h 00
//	Fermé — ouvre demain à 8 h 45
//	Fermé — ouvre lundi à 8 h 45
//	Fermé — ouvre le lundi 3 août à 8 h 45 (a week or more ahead)
//	Fermé
func (s Status) French(now time.Time) string {
	loc := Paris()
	if s.Open {
		if s.Until.IsZero() {
			return "Ouvert"
		}
		u := s.Until.In(loc)
		clock := FormatClock(u.Hour()*60 + u.Minute())
		switch days := daysBetween(now.In(loc), u); {
		case days <= 0:
			return "Ouvert jusqu'à " + clock
		case days == 1 && u.Hour() == 0 && u.Minute() == 0:
			return "Ouvert jusqu'à minuit"
		case days == 1:
			return "Ouvert jusqu'à demain " + clock
		case days < 7:
			return "Ouvert jusqu'à " + WeekdayName(u.Weekday()) + " " + clock
		default:
			return "Ouvert jusqu'au " + WeekdayName(u.Weekday()) + " " + frenchDate(u) + " à " + clock
		}
	}
	if s.Next.IsZero() {
		return "Fermé"
	}
	n := s.Next.In(loc)
	clock := FormatClock(n.Hour()*60 + n.Minute())
	switch days := daysBetween(now.In(loc), n); {
	case days <= 0:
		return "Fermé — ouvre à " + clock
	case days == 1:
		return "Fermé — ouvre demain à " + clock
	case days < 7:
		return "Fermé — ouvre " + WeekdayName(n.Weekday()) + " à " + clock
	default:
		return "Fermé — ouvre le " + WeekdayName(n.Weekday()) + " " + frenchDate(n) + " à " + clock
	}
}

// daysBetween counts calendar days in Europe/Paris from a to b.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	// Noon UTC has no daylight saving: the difference is whole days.
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// frenchDate formats t's date as "3 août" or "1er mai".
func frenchDate(t time.Time) string {
	months := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[t.Month()-1]
}
