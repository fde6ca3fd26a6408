// Package format renders numbers, prices and dates the French way (fr-FR),
// for pages and e-mails.
package format

import (
	"strconv"
	"strings"
	"time"
)

// nnbsp is the narrow no-break space French uses between groups of digits
// and before the currency sign.
const nnbsp = "\u202f"

// Int groups the digits of n by three: 84500 -> "84 500".
func Int(n int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nnbsp)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Euros formats a whole-euro amount: 12990 -> "12 990 €".
func Euros(n int) string { return Int(n) + nnbsp + "€" }

// Km formats a mileage: 84500 -> "84 500 km".
func Km(n int) string { return Int(n) + nnbsp + "km" }

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

var weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// Date formats a day in Europe/Paris-agnostic form: "2 mars 2026" (the
// caller converts to the wanted location first). The first of the month is
// "1er".
func Date(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// LongDate adds the weekday: "lundi 2 mars 2026".
func LongDate(t time.Time) string { return weekdays[t.Weekday()] + " " + Date(t) }

// DateTime formats "2 mars 2026 à 9 h 05".
func DateTime(t time.Time) string {
	return Date(t) + " à " + Clock(t)
}

// Clock formats the time of day: "9 h 05", with non-breaking spaces so
// that it never wraps.
func Clock(t time.Time) string {
	m := strconv.Itoa(t.Minute())
	if len(m) == 1 {
		m = "0" + m
	}
	return strconv.Itoa(t.Hour()) + "\u00a0h\u00a0" + m
}
