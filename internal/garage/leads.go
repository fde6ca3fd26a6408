package garage

import (
	"slices"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

// A lead is a Message with a kind: the plain message of the contact forms,
// or a typed request made from a car page (a test drive, a trade-in, a
// financing request). The staff handle every kind in one list, the lead
// desk ("Demandes"), with who handles it, when it was first answered, and
// the deadline by which it should be.

// LeadKind is what a visitor asks for.
type LeadKind string

// The lead kinds. "devis" (a quote request) is kept for the quotes feature.
const (
	LeadMessage   LeadKind = "message"
	LeadTestDrive LeadKind = "essai"
	LeadTradeIn   LeadKind = "reprise"
	LeadFinancing LeadKind = "financement"
	LeadQuote     LeadKind = "devis"
)

// LeadKinds lists the kinds the lead desk shows, in its filter's order.
func LeadKinds() []LeadKind {
	return []LeadKind{LeadMessage, LeadTestDrive, LeadTradeIn, LeadFinancing}
}

// Valid reports whether k is a known kind.
func (k LeadKind) Valid() bool {
	switch k {
	case LeadMessage, LeadTestDrive, LeadTradeIn, LeadFinancing, LeadQuote:
		return true
	}
	return false
}

// Label is the kind's French name.
func (k LeadKind) Label() string {
	switch k {
	case LeadMessage:
		return "Message"
	case LeadTestDrive:
		return "Essai"
	case LeadTradeIn:
		return "Reprise"
	case LeadFinancing:
		return "Financement"
	case LeadQuote:
		return "Devis"
	}
	return string(k)
}

// Subject is the subject of a typed request about the car titled car.
func (k LeadKind) Subject(car string) string {
	switch k {
	case LeadTestDrive:
		return "Demande d'essai — " + car
	case LeadTradeIn:
		return "Proposition de reprise — " + car
	case LeadFinancing:
		return "Demande de financement — " + car
	}
	return DefaultSubject
}

// LeadDetails holds the fields of the typed requests (kept as JSON with the
// lead). Only those of the lead's kind are set.
type LeadDetails struct {
	// Test drive: the visitor's preferred day and time (Europe/Paris).
	PreferredAt *time.Time `json:"preferred_at,omitempty"`
	// Trade-in: the visitor's car.
	Plate     string      `json:"plate,omitempty"`
	Make      string      `json:"make,omitempty"`
	Model     string      `json:"model,omitempty"`
	Year      int         `json:"year,omitempty"`
	Mileage   int         `json:"mileage,omitempty"`
	Condition string      `json:"condition,omitempty"`
	Photos    []LeadPhoto `json:"photos,omitempty"`
	// Financing: the contribution in euros and the wished duration in months.
	Contribution int `json:"contribution,omitempty"`
	Months       int `json:"months,omitempty"`
}

// LeadPhoto is a photo sent with a trade-in proposal (stored by the photo
// pipeline under Key).
type LeadPhoto struct {
	Key    string `json:"key"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// LeadReply is an e-mail the staff sent to the visitor from the lead page.
type LeadReply struct {
	ID        int64
	MessageID int64
	AuthorID  *int64 // nil once the account is deleted
	Author    string // the author's name when the reply was sent
	Body      string
	CreatedAt time.Time
}

// Limits of the typed requests.
const (
	LeadMaxPhotos     = 5
	LeadMaxCondition  = 1000
	LeadMaxMake       = 60
	LeadMinYear       = 1950
	LeadMaxMileage    = 2000000
	LeadMaxContrib    = 1000000
	LeadMinMonths     = 6
	LeadMaxMonths     = 96
	LeadMaxReply      = 10000
	LeadMinReply      = 2
	LeadTestDriveDays = 60 // how far ahead a test drive may be asked for
)

// The response target: how many opening hours a lead may wait for its
// first answer before it is late.
const (
	DefaultResponseHours = 4
	MinResponseHours     = 1
	MaxResponseHours     = 72
)

// IsOpen reports whether the lead still waits for the staff (new or in
// progress).
func (m *Message) IsOpen() bool { return m.Status == MessageNew || m.Status == MessageInProgress }

// Late reports whether the lead waits for its first answer past its
// deadline at now.
func (m *Message) Late(now time.Time) bool {
	return m.IsOpen() && m.FirstAnswerAt == nil && m.DueAt != nil && !now.Before(*m.DueAt)
}

// StateLabel is the French state the lead desk shows: the status, or
// "Répondu" for an open lead that has been answered.
func (m *Message) StateLabel() string {
	if m.IsOpen() && m.FirstAnswerAt != nil {
		return "Répondu"
	}
	return m.Status.Label()
}

// StateClass is the state's CSS modifier, the status or "answered".
func (m *Message) StateClass() string {
	if m.IsOpen() && m.FirstAnswerAt != nil {
		return "answered"
	}
	return string(m.Status)
}

// ResponseDue is when a lead received at received must have had its first
// answer: after target opening hours of s (its weekly hours and dated
// exceptions), French public holidays counting as closed unless an
// exception gives them hours. A lead received on Friday at 18:30 after
// closing, with a 4-hour target, is due on the next opening day, 4 opening
// hours after the opening. The zero time means no deadline (the garage
// does not open within the 42 days StatusFor looks ahead).
func ResponseDue(received time.Time, target int, s hours.Schedule) time.Time {
	need := time.Duration(target) * time.Hour
	dayOf := leadDayOf(s)
	t := received
	for range 400 { // at most two ranges a day: far more than a year of openings
		st := hours.StatusFor(t, dayOf)
		switch {
		case st.Open && st.Until.IsZero():
			return t.Add(need)
		case st.Open:
			left := st.Until.Sub(t)
			if left >= need {
				return t.Add(need)
			}
			need -= left
			t = st.Until
		case st.Next.IsZero():
			return time.Time{}
		default:
			t = st.Next
		}
	}
	return time.Time{}
}

// leadDayOf returns the hours of the day starting at date: the first
// exception covering it, closed on a French public holiday, otherwise the
// weekly hours.
func leadDayOf(s hours.Schedule) func(date time.Time) hours.Day {
	return func(date time.Time) hours.Day {
		d := hours.DateOf(date)
		for _, e := range s.Exceptions {
			if e.Covers(d) {
				return hours.Day{Weekday: date.Weekday(), Ranges: e.Ranges}
			}
		}
		for _, h := range hours.PublicHolidays(d.Year) {
			if h.Date == d {
				return hours.Day{Weekday: date.Weekday()}
			}
		}
		return s.Week.Day(date.Weekday())
	}
}

// OpenAt reports whether the garage is open at t by s, public holidays
// closed unless an exception gives them hours (the rule of ResponseDue).
func OpenAt(s hours.Schedule, t time.Time) bool { return hours.StatusFor(t, leadDayOf(s)).Open }

// TestDriveProblem is the French reason why a test drive cannot be asked
// for at t, "" when it can: at a coming moment, within LeadTestDriveDays
// days, while the garage is open.
func TestDriveProblem(t, now time.Time, s hours.Schedule) string {
	switch {
	case !t.After(now):
		return "Choisissez un jour et une heure à venir."
	case t.After(now.AddDate(0, 0, LeadTestDriveDays)):
		return "Choisissez un jour dans les " + strconv.Itoa(LeadTestDriveDays) + " prochains jours."
	case !OpenAt(s, t):
		return "Le garage est fermé à ce moment-là : choisissez un jour et une heure d'ouverture (voir nos horaires)."
	}
	return ""
}

// MedianDuration is the median of ds (0 for none), the lead desk's time to
// first answer.
func MedianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// LeadConditions are the states a trade-in car may be described in.
func LeadConditions() []Option {
	return []Option{{"tres-bon", "Très bon état"}, {"bon", "Bon état"}, {"correct", "État correct"},
		{"a-revoir", "Travaux à prévoir"}, {"hors-service", "Ne roule pas"}}
}

// LeadDurations are the financing durations offered, in months.
func LeadDurations() []int { return []int{12, 24, 36, 48, 60, 72, 84} }

// CreditWarning is the warning of the Code de la consommation (articles
// L.312-5 and L.312-6) every page and e-mail about a consumer credit shows.
const CreditWarning = "Un crédit vous engage et doit être remboursé. Vérifiez vos capacités de remboursement avant de vous engager."
