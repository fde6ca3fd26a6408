package format

import (
	"testing"
	"time"
)

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Int(0), "0"},
		{Int(999), "999"},
		{Int(1000), "1\u202f000"},
		{Int(-84500), "-84\u202f500"},
		{Int(1234567), "1\u202f234\u202f567"},
		{Euros(12990), "12\u202f990\u202f€"},
		{Km(84500), "84\u202f500\u202fkm"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC)
	if got := Date(d); got != "1er mars 2026" {
		t.Errorf("Date = %q", got)
	}
	if got := LongDate(d.AddDate(0, 0, 1)); got != "lundi 2 mars 2026" {
		t.Errorf("LongDate = %q", got)
	}
	if got := DateTime(d); got != "1er mars 2026 à 9\u00a0h\u00a005" {
		t.Errorf("DateTime = %q", got)
	}
}
