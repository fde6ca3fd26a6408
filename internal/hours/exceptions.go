package hours

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Date is a calendar day, without a time of day or a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns t's calendar day in t's own location (convert t to
// Europe/Paris first).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// NewDate returns the day y-m-d, normalised like time.Date (31 April is
// 1 May).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// ParseDate parses "2006-01-02", the value of an HTML <input type="date">.
// Its error is a French sentence.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || len(s) != 10 {
		return Date{}, fmt.Errorf("Date invalide : « %s » (format attendu : 2026-08-04).", truncate(s, 20))
	}
	return DateOf(t), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// String formats d as "2006-01-02" (ISO 8601), as stored and as an
// <input type="date"> value.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// key orders dates: 20260804.
func (d Date) key() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.key() < o.key() }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.key() > o.key() }

// AddDays returns the day n days after d (before, when n < 0).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Midnight returns the start of d in Europe/Paris.
func (d Date) Midnight() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Paris()) }

// DaysUntil counts the days from d to o (negative when o is before d).
func (d Date) DaysUntil(o Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(o.Year, o.Month, o.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// French formats d as "mardi 14 juillet 2026" (the 1st is "1er").
func (d Date) French() string {
	return WeekdayName(d.Weekday()) + " " + frenchDate(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) + " " + strconv.Itoa(d.Year)
}

// MaxExceptionDays is the longest period one exception may cover.
const MaxExceptionDays = 366

// MaxLabelLen is the longest label of an exception, in characters.
const MaxLabelLen = 80

// Exception replaces the weekly hours on every day from First to Last
// (both included): closed when it has no range, otherwise its ranges.
type Exception struct {
	ID     int64
	First  Date
	Last   Date
	Label  string  // "Congés d'été", "Lundi de Pâques"
	Ranges []Range // empty: closed
}

// Closed reports whether the garage is closed during the exception.
func (e Exception) Closed() bool { return len(e.Ranges) == 0 }

// Covers reports whether d is one of the exception's days.
func (e Exception) Covers(d Date) bool { return !d.Before(e.First) && !d.After(e.Last) }

// Overlaps reports whether e and o share at least one day.
func (e Exception) Overlaps(o Exception) bool {
	return !e.Last.Before(o.First) && !o.Last.Before(e.First)
}

// Days counts the exception's days.
func (e Exception) Days() int { return e.First.DaysUntil(e.Last) + 1 }

// Period describes the days in French: "le mardi 14 juillet 2026" or
// "du mardi 4 août 2026 au lundi 24 août 2026".
func (e Exception) Period() string {
	if e.First == e.Last {
		return "le " + e.First.French()
	}
	return "du " + e.First.French() + " au " + e.Last.French()
}

// Hours describes the hours in French: "fermé" or "9 h 00 – 12 h 00".
func (e Exception) Hours() string { return FormatDay(Day{Ranges: e.Ranges}) }

// Validate checks the period and the ranges. Its error is a French sentence.
func (e Exception) Validate() error {
	if err := e.ValidatePeriod(); err != nil {
		return err
	}
	return Day{Weekday: e.First.Weekday(), Ranges: e.Ranges}.Validate()
}

// ValidatePeriod checks the dates only: both set, in order, at most
// MaxExceptionDays days. Its error is a French sentence.
func (e Exception) ValidatePeriod() error {
	switch {
	case e.First.IsZero() || e.Last.IsZero():
		return errors.New("Indiquez la date de début et la date de fin.")
	case e.Last.Before(e.First):
		return errors.New("La date de fin doit être le même jour que la date de début ou après.")
	case e.Days() > MaxExceptionDays:
		return fmt.Errorf("Une exception couvre au plus %d jours.", MaxExceptionDays)
	}
	return nil
}

// Schedule is the weekly hours with their dated exceptions.
type Schedule struct {
	Week       Week
	Exceptions []Exception
}

// DayOf returns the hours of the day starting at date (its calendar day is
// taken in date's location): the first exception covering it, otherwise
// the weekly hours of its weekday.
func (s Schedule) DayOf(date time.Time) Day {
	d := DateOf(date)
	for _, e := range s.Exceptions {
		if e.Covers(d) {
			return Day{Weekday: date.Weekday(), Ranges: e.Ranges}
		}
	}
	return s.Week.Day(date.Weekday())
}

// StatusAt says whether the garage is open at t, exceptions included.
func (s Schedule) StatusAt(t time.Time) Status { return StatusFor(t, s.DayOf) }

// Upcoming returns the exceptions that are on today or start within the
// next days, in s's order.
func (s Schedule) Upcoming(today Date, days int) []Exception {
	limit := today.AddDays(days)
	var out []Exception
	for _, e := range s.Exceptions {
		if !e.Last.Before(today) && !e.First.After(limit) {
			out = append(out, e)
		}
	}
	return out
}

// Easter returns Easter Sunday of year in the Gregorian calendar (the
// anonymous Gregorian algorithm, also known as Meeus/Jones/Butcher).
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

// Holiday is a French public holiday (jour férié).
type Holiday struct {
	Date Date
	Name string
}

// PublicHolidays returns the eleven public holidays of metropolitan France
// in year, in date order: the fixed ones, plus Easter Monday, Ascension
// Day and Whit Monday computed from the date of Easter.
func PublicHolidays(year int) []Holiday {
	easter := Easter(year)
	list := []Holiday{
		{Date{year, time.January, 1}, "Jour de l'an"},
		{easter.AddDays(1), "Lundi de Pâques"},
		{Date{year, time.May, 1}, "Fête du Travail"},
		{Date{year, time.May, 8}, "Victoire 1945"},
		{easter.AddDays(39), "Ascension"},
		{easter.AddDays(50), "Lundi de Pentecôte"},
		{Date{year, time.July, 14}, "Fête nationale"},
		{Date{year, time.August, 15}, "Assomption"},
		{Date{year, time.November, 1}, "Toussaint"},
		{Date{year, time.November, 11}, "Armistice 1918"},
		{Date{year, time.December, 25}, "Noël"},
	}
	// Ascension falls on 30 April when Easter is on 22 March.
	slices.SortStableFunc(list, func(a, b Holiday) int { return a.Date.key() - b.Date.key() })
	return list
}
