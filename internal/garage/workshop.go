package garage

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/hours"
)

// WorkshopSettings is how the workshop takes appointments: the owner sets
// them in the back office.
type WorkshopSettings struct {
	Bays          int  // bays (ponts) working in parallel, 1..WorkshopMaxBays
	StepMinutes   int  // a slot starts every StepMinutes from each opening
	NoticeHours   int  // minimum notice before a booked slot (and to cancel it)
	HorizonDays   int  // how far ahead slots are offered
	AutoConfirm   bool // online requests are confirmed at once (otherwise they wait for the staff)
	MultiDay      bool // a job longer than what is left of the day may continue the next open day
	RetentionDays int  // appointments older than this are anonymised
}

// Limits of the workshop settings and forms.
const (
	WorkshopMaxBays         = 5
	WorkshopMaxNoticeHours  = 14 * 24
	WorkshopMaxHorizonDays  = 365
	WorkshopMinRetention    = 30
	WorkshopMaxRetention    = 10 * 365
	WorkshopMaxMinutes      = 5 * 24 * 60 // a service's workshop duration
	WorkshopMaxJobDays      = 14          // a multi-day job spans at most this many days
	AppointmentMaxComment   = 1000
	AppointmentMaxNote      = 2000
	AppointmentMaxName      = 100
	AppointmentMaxCar       = 60
	AppointmentMaxMileage   = 2000000
	AppointmentMaxServices  = 10
	WorkshopCellSeconds     = 300 // the database's occupancy grain: 5 minutes
	WorkshopDefaultNotice   = 24
	WorkshopDefaultHorizon  = 60
	WorkshopDefaultRetained = 3 * 365
)

// WorkshopSteps are the slot steps the owner may choose, in minutes.
var WorkshopSteps = []int{5, 10, 15, 20, 30, 60}

// DefaultWorkshopSettings are the settings of a new garage: one bay, a slot
// every 15 minutes, 24 h notice, 60 days ahead, requests wait for the staff.
func DefaultWorkshopSettings() WorkshopSettings {
	return WorkshopSettings{Bays: 1, StepMinutes: 15, NoticeHours: WorkshopDefaultNotice, HorizonDays: WorkshopDefaultHorizon,
		RetentionDays: WorkshopDefaultRetained}
}

// Valid reports whether every setting is within its limits.
func (s WorkshopSettings) Valid() bool {
	return s.Bays >= 1 && s.Bays <= WorkshopMaxBays && slices.Contains(WorkshopSteps, s.StepMinutes) &&
		s.NoticeHours >= 0 && s.NoticeHours <= WorkshopMaxNoticeHours && s.HorizonDays >= 1 && s.HorizonDays <= WorkshopMaxHorizonDays &&
		s.RetentionDays >= WorkshopMinRetention && s.RetentionDays <= WorkshopMaxRetention
}

// WorkshopSettingsText is the settings as the audit shows them.
func WorkshopSettingsText(s WorkshopSettings) string {
	return strings.Join([]string{
		strconv.Itoa(s.Bays) + " pont(s)", "pas " + strconv.Itoa(s.StepMinutes) + " min", "délai " + strconv.Itoa(s.NoticeHours) + " h",
		"horizon " + strconv.Itoa(s.HorizonDays) + " j", yesNo(s.AutoConfirm, "confirmation immédiate", "confirmation par l'atelier"),
		yesNo(s.MultiDay, "travaux sur plusieurs jours", "travaux sur un jour"), "conservation " + strconv.Itoa(s.RetentionDays) + " j",
	}, ", ")
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// AppointmentStatus is where an appointment stands.
type AppointmentStatus string

// The statuses of an appointment.
const (
	AppointmentRequested  AppointmentStatus = "demande"
	AppointmentConfirmed  AppointmentStatus = "confirme"
	AppointmentArrived    AppointmentStatus = "arrive"
	AppointmentInProgress AppointmentStatus = "en_cours"
	AppointmentReady      AppointmentStatus = "pret"
	AppointmentReturned   AppointmentStatus = "restitue"
	AppointmentCancelled  AppointmentStatus = "annule"
	AppointmentNoShow     AppointmentStatus = "absent"
)

// AppointmentStatuses lists every status in the workshop's order.
var AppointmentStatuses = []AppointmentStatus{AppointmentRequested, AppointmentConfirmed, AppointmentArrived,
	AppointmentInProgress, AppointmentReady, AppointmentReturned, AppointmentCancelled, AppointmentNoShow}

var appointmentLabels = map[AppointmentStatus]string{
	AppointmentRequested: "demandé", AppointmentConfirmed: "confirmé", AppointmentArrived: "véhicule arrivé",
	AppointmentInProgress: "en cours", AppointmentReady: "prêt", AppointmentReturned: "restitué",
	AppointmentCancelled: "annulé", AppointmentNoShow: "absent",
}

var appointmentNext = map[AppointmentStatus][]AppointmentStatus{
	AppointmentRequested:  {AppointmentConfirmed, AppointmentCancelled},
	AppointmentConfirmed:  {AppointmentArrived, AppointmentCancelled, AppointmentNoShow},
	AppointmentArrived:    {AppointmentInProgress, AppointmentCancelled},
	AppointmentInProgress: {AppointmentReady},
	AppointmentReady:      {AppointmentReturned},
}

// Valid reports whether s is a known status.
func (s AppointmentStatus) Valid() bool { _, ok := appointmentLabels[s]; return ok }

// Label is the status in French: "véhicule arrivé".
func (s AppointmentStatus) Label() string { return appointmentLabels[s] }

// Next lists the statuses s may move to.
func (s AppointmentStatus) Next() []AppointmentStatus { return appointmentNext[s] }

// CanMoveTo reports whether an appointment may go from s to t.
func (s AppointmentStatus) CanMoveTo(t AppointmentStatus) bool {
	return slices.Contains(appointmentNext[s], t)
}

// HoldsBay reports whether an appointment in status s keeps its bay: every
// status but cancelled.
func (s AppointmentStatus) HoldsBay() bool { return s != AppointmentCancelled }

// Appointment is a car booked into the workshop.
type Appointment struct {
	ID         int64
	Start, End time.Time // End: when the job's working time is over
	Bay        int       // 1..Bays
	Status     AppointmentStatus
	ServiceIDs []int64
	Services   []string // the services' titles when booked
	Minutes    int      // workshop time, the services' durations added up
	Name       string
	Email      string
	Phone      string
	Plate      string
	Make       string
	Model      string
	Mileage    int // km; 0 when not given
	Comment    string
	Note       string // internal, staff only
	Source     string // AppointmentFromWeb, AppointmentFromStaff or AppointmentFromQuote
	QuoteID    *int64 // the accepted quote it was planned from
	RemindedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Where an appointment came from.
const (
	AppointmentFromWeb   = "web"   // booked online by the customer
	AppointmentFromStaff = "staff" // taken by the staff (phone, counter)
	AppointmentFromQuote = "quote" // planned by the staff from an accepted quote
)

var appointmentSources = map[string]string{
	AppointmentFromWeb: "en ligne", AppointmentFromStaff: "par l'atelier", AppointmentFromQuote: "par l'atelier, sur devis accepté",
}

// SourceLabel says in French where the appointment came from.
func (a *Appointment) SourceLabel() string { return appointmentSources[a.Source] }

// ErrQuoteNotAccepted: only an accepted quote is planned at the workshop.
var ErrQuoteNotAccepted = errors.New("Seul un devis accepté par le client peut être planifié à l'atelier.")

// PlanQuote prepares the appointment of an accepted quote: the
// customer and the car as the quote has them, the quote's number in the
// staff's note. The staff still choose the services, the day and the time.
func PlanQuote(q *Quote) (*Appointment, error) {
	if q.Status != QuoteAccepted {
		return nil, ErrQuoteNotAccepted
	}
	mk, model, _ := strings.Cut(strings.TrimSpace(q.Vehicle), " ")
	id := q.ID
	return &Appointment{Name: q.Name, Email: q.Email, Phone: q.Phone, Plate: q.Plate,
		Make: truncateRunes(mk, AppointmentMaxCar), Model: truncateRunes(strings.TrimSpace(model), AppointmentMaxCar),
		Source: AppointmentFromQuote, QuoteID: &id, Note: "Devis " + q.Number + " accepté."}, nil
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// Car describes the car in one line: "Peugeot 208 (AB-123-CD)".
func (a *Appointment) Car() string {
	s := strings.TrimSpace(a.Make + " " + a.Model)
	if a.Plate != "" {
		if s != "" {
			return s + " (" + a.Plate + ")"
		}
		return a.Plate
	}
	return s
}

// CanCancel reports whether the customer may still cancel (or move) a by
// the personal link at now: not cancelled or started, and before the notice.
func (a *Appointment) CanCancel(now time.Time, s WorkshopSettings) bool {
	return (a.Status == AppointmentRequested || a.Status == AppointmentConfirmed) &&
		!now.Add(time.Duration(s.NoticeHours)*time.Hour).After(a.Start)
}

// AppointmentText is an appointment as the audit shows it.
func AppointmentText(a *Appointment) string {
	return a.Start.In(hours.Paris()).Format("2006-01-02 15:04") + ", pont " + strconv.Itoa(a.Bay) + ", " + a.Name + ", " +
		a.Car() + ", " + strings.Join(a.Services, " + ") + ", " + a.Status.Label()
}

// Busy is a period when a bay (Bay 0: every bay) cannot take another job:
// an appointment or a blocked period.
type Busy struct {
	Bay        int
	Start, End time.Time
}

// BlockedPeriod is a period set aside from the planning: a bay out of
// service, a training day. Bay 0 blocks every bay.
type BlockedPeriod struct {
	ID         int64
	Bay        int
	Start, End time.Time
	Label      string
}

// Slot is a start time offered for a job, with the bay that would take it.
type Slot struct {
	Start, End time.Time
	Bay        int
}

// SlotQuery is everything the free-slot computation needs.
type SlotQuery struct {
	Schedule hours.Schedule // opening hours, dated exceptions; public holidays are closed unless an exception opens them
	Settings WorkshopSettings
	Minutes  int       // the job's workshop time
	Busy     []Busy    // every appointment holding a bay and every blocked period that may overlap the days asked
	Now      time.Time // slots start at least the notice after now
	From     hours.Date
	Days     int
}

// WorkshopDayOf returns the workshop's hours of a day: its exception, closed
// on a public holiday, otherwise the weekly hours.
func WorkshopDayOf(s hours.Schedule) func(time.Time) hours.Day { return leadDayOf(s) }

func at(d hours.Date, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, minute/60, minute%60, 0, 0, hours.Paris())
}

func minuteOf(t time.Time) int {
	t = t.In(hours.Paris())
	return t.Hour()*60 + t.Minute()
}

// JobEnd returns when a job of minutes of workshop time started at start
// is over, counting only opening time (a lunch break or a night does not
// count): false when start is not within opening hours, or when the job
// does not end the same day and multiDay is not allowed.
func JobEnd(dayOf func(time.Time) hours.Day, start time.Time, minutes int, multiDay bool) (time.Time, bool) {
	d := hours.DateOf(start.In(hours.Paris()))
	m := minuteOf(start)
	if minutes <= 0 || at(d, m) != start {
		return time.Time{}, false
	}
	ranges := dayOf(d.Midnight()).Ranges
	i := slices.IndexFunc(ranges, func(r hours.Range) bool { return r.Open <= m && m < r.Close })
	if i < 0 {
		return time.Time{}, false
	}
	left := minutes
	for day := 0; ; {
		for ; i < len(ranges); i++ {
			r := ranges[i]
			from := max(m, r.Open)
			if from >= r.Close {
				continue
			}
			n := r.Close - from
			if left <= n {
				return at(d, from+left), true
			}
			left -= n
		}
		if !multiDay {
			return time.Time{}, false
		}
		for {
			day++
			if day >= WorkshopMaxJobDays {
				return time.Time{}, false
			}
			d = d.AddDays(1)
			if ranges = dayOf(d.Midnight()).Ranges; len(ranges) > 0 {
				break
			}
		}
		i, m = 0, 0
	}
}

// cachedDayOf remembers the hours of each day asked (a day's exceptions
// and public holidays are looked up once per computation).
func cachedDayOf(dayOf func(time.Time) hours.Day) func(time.Time) hours.Day {
	seen := map[hours.Date]hours.Day{}
	return func(t time.Time) hours.Day {
		d := hours.DateOf(t.In(hours.Paris()))
		if day, ok := seen[d]; ok {
			return day
		}
		day := dayOf(t)
		seen[d] = day
		return day
	}
}

// busyIndex answers "which bays are free from s to e" quickly: the busy
// periods sorted by start, with the longest one's length.
type busyIndex struct {
	list    []Busy
	longest time.Duration
}

func newBusyIndex(list []Busy) busyIndex {
	b := busyIndex{list: slices.Clone(list)}
	slices.SortFunc(b.list, func(x, y Busy) int { return x.Start.Compare(y.Start) })
	for _, x := range b.list {
		b.longest = max(b.longest, x.End.Sub(x.Start))
	}
	return b
}

// freeBay returns the lowest bay free for the whole of [s, e), or 0.
func (b busyIndex) freeBay(s, e time.Time, bays int) int {
	var taken [WorkshopMaxBays + 1]bool
	// Periods starting before e; those starting before s minus the longest end before s.
	hi, _ := slices.BinarySearchFunc(b.list, e, func(x Busy, t time.Time) int { return x.Start.Compare(t) })
	lo := s.Add(-b.longest)
	for i := hi - 1; i >= 0 && !b.list[i].Start.Before(lo); i-- {
		x := b.list[i]
		if !x.End.After(s) {
			continue
		}
		if x.Bay == 0 {
			return 0
		}
		if x.Bay <= WorkshopMaxBays {
			taken[x.Bay] = true
		}
	}
	for bay := 1; bay <= bays; bay++ {
		if !taken[bay] {
			return bay
		}
	}
	return 0
}

// FreeSlots returns the slots offered for a job of q.Minutes, day by day
// from q.From for q.Days days: every start on the step grid of an opening
// range, at least the notice after now, on a day within the horizon, whose
// job fits the opening hours (the same day unless multi-day jobs are
// allowed) and leaves a bay free for its whole duration.
func FreeSlots(q SlotQuery) []Slot {
	if q.Minutes <= 0 || q.Settings.StepMinutes <= 0 || q.Settings.Bays <= 0 {
		return nil
	}
	dayOf := cachedDayOf(WorkshopDayOf(q.Schedule))
	busy := newBusyIndex(q.Busy)
	earliest := q.Now.Add(time.Duration(q.Settings.NoticeHours) * time.Hour)
	last := hours.DateOf(q.Now.In(hours.Paris())).AddDays(q.Settings.HorizonDays)
	var out []Slot
	for i := 0; i < q.Days; i++ {
		d := q.From.AddDays(i)
		if d.After(last) {
			break
		}
		for _, r := range dayOf(d.Midnight()).Ranges {
			for m := r.Open; m < r.Close; m += q.Settings.StepMinutes {
				start := at(d, m)
				if start.Before(earliest) {
					continue
				}
				end, ok := JobEnd(dayOf, start, q.Minutes, q.Settings.MultiDay)
				if !ok {
					continue
				}
				if bay := busy.freeBay(start, end, q.Settings.Bays); bay > 0 {
					out = append(out, Slot{Start: start, End: end, Bay: bay})
				}
			}
		}
	}
	return out
}

// Reasons a requested slot is refused, in French.
var (
	ErrSlotPast    = errors.New("Ce créneau est déjà passé ou trop proche : choisissez-en un autre.")
	ErrSlotHorizon = errors.New("Ce créneau est trop loin dans le calendrier : choisissez-en un plus proche.")
	ErrSlotClosed  = errors.New("L'atelier est fermé ce jour-là : choisissez un autre jour.")
	ErrSlotNotFree = errors.New("Ce créneau n'est pas proposé : choisissez l'un des créneaux libres.")
	ErrSlotTaken   = errors.New("Ce créneau vient d'être pris, choisissez-en un autre.")
	ErrNoBookable  = errors.New("Choisissez au moins une prestation réservable en ligne.")
)

// CheckSlot says whether start is one of the slots FreeSlots offers for q
// (q.From and q.Days are ignored) and returns it; its error is one of the
// French ErrSlot… sentences.
func CheckSlot(q SlotQuery, start time.Time) (Slot, error) {
	d := hours.DateOf(start.In(hours.Paris()))
	earliest := q.Now.Add(time.Duration(q.Settings.NoticeHours) * time.Hour)
	switch {
	case start.Before(earliest):
		return Slot{}, ErrSlotPast
	case d.After(hours.DateOf(q.Now.In(hours.Paris())).AddDays(q.Settings.HorizonDays)):
		return Slot{}, ErrSlotHorizon
	case WorkshopDayOf(q.Schedule)(d.Midnight()).Closed():
		return Slot{}, ErrSlotClosed
	}
	q.From, q.Days = d, 1
	for _, s := range FreeSlots(q) {
		if s.Start.Equal(start) {
			return s, nil
		}
	}
	return Slot{}, ErrSlotNotFree
}

// WorkshopCells returns the occupancy cells (Unix time / WorkshopCellSeconds)
// that [start, end) touches: two periods that overlap share a cell, so a
// UNIQUE (bay, cell) constraint refuses a second job on a bay.
func WorkshopCells(start, end time.Time) []int64 {
	first := floorDiv(start.Unix(), WorkshopCellSeconds)
	last := floorDiv(end.Unix()-1, WorkshopCellSeconds)
	out := make([]int64, 0, last-first+1)
	for c := first; c <= last; c++ {
		out = append(out, c)
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// AnonymousName replaces the customer's name of an appointment past the
// retention.
const AnonymousName = "(anonymisé)"

// ReminderHour is when (Paris time) the day-before reminders start going out.
const ReminderHour = 8

// ReminderWindow returns the starts whose reminder is due at now: those of
// tomorrow (Paris), from ReminderHour today; false before it.
func ReminderWindow(now time.Time) (from, to time.Time, ok bool) {
	t := now.In(hours.Paris())
	if t.Hour() < ReminderHour {
		return time.Time{}, time.Time{}, false
	}
	tomorrow := hours.DateOf(t).AddDays(1)
	return tomorrow.Midnight(), tomorrow.AddDays(1).Midnight(), true
}
