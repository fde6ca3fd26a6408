package garage

import (
	"strconv"
	"strings"
	"time"
)

// AppointmentICS is an iCalendar (RFC 5545) event for an appointment, to
// attach to its e-mails: uid names it for good (a moved appointment keeps
// it, so calendars update the event), location is the garage's address.
func AppointmentICS(a *Appointment, uid, summary, location, description string, stamp time.Time) []byte {
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	status := "CONFIRMED"
	if a.Status == AppointmentRequested {
		status = "TENTATIVE"
	} else if a.Status == AppointmentCancelled {
		status = "CANCELLED"
	}
	lines := []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//garage//atelier//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + icsText(uid),
		"DTSTAMP:" + utc(stamp),
		"DTSTART:" + utc(a.Start),
		"DTEND:" + utc(a.End),
		"SUMMARY:" + icsText(summary),
		"LOCATION:" + icsText(location),
		"DESCRIPTION:" + icsText(description),
		"STATUS:" + status,
		"SEQUENCE:" + strconv.FormatInt(stamp.Unix(), 10),
		"END:VEVENT", "END:VCALENDAR",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(icsFold(l))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// icsText escapes a TEXT value.
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", "").Replace(s)
}

// icsFold folds a content line at 75 octets, never inside a UTF-8
// character.
func icsFold(l string) string {
	var b strings.Builder
	n := 0
	for _, r := range l {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
