package views

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// HoursDay is one weekday of the weekly hours form, as typed.
type HoursDay struct {
	Name   string
	Closed bool
	Values [4]string // open1, close1, open2, close2 ("08:45")
	Error  string
}

// HoursForm is the weekly hours form.
type HoursForm struct {
	Days  [7]HoursDay
	Error string
}

// ExceptionForm is the form adding a closure or special hours.
type ExceptionForm struct {
	First, Last, Label string
	Kind               string // "closed" or "hours"
	Values             [4]string
	Errors             map[string]string
}

// HoursAdmin is the opening-hours page of the back office.
type HoursAdmin struct {
	Form      HoursForm
	Exception ExceptionForm
	Coming    []hours.Exception // current and future, soonest first
	Past      []hours.Exception // kept for history, newest first
	Years     []int             // offered for the public-holiday import
	Today     hours.Date
}

// invalid marks a field as invalid and links it to its message.
func invalid(errs map[string]string, name string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": name + "-erreur"}
}

func dayField(i int, suffix string) string { return "d" + strconv.Itoa(i) + "_" + suffix }

var rangeFields = [4]string{"o1", "c1", "o2", "c2"}

var rangeLabels = [4]string{"ouverture", "fermeture", "réouverture", "fermeture"}

// ServiceForm is the form creating or editing a service.
type ServiceForm struct {
	ID                 int64 // 0 for a new service
	Title, Description string
	Price              string
	Visible            bool
	Image              string // photo key of the service's image, "" when none
	Bookable           bool   // workshop (issue 17): booked online
	Minutes            string // workshop (issue 17): duration in minutes
	Errors             map[string]string
}

// StaffAdmin is the staff accounts page.
type StaffAdmin struct {
	Users  []*garage.User
	Me     int64
	Invite InviteForm
	Error  string // an action that was refused, shown at the top
}

// InviteForm is the form inviting a new staff member.
type InviteForm struct {
	FirstName, LastName, Email, Role string
	Errors                           map[string]string
}

// GarageForm is the garage details form.
type GarageForm struct {
	G       garage.Details
	Errors  map[string]string
	Capital string // the share capital as typed, kept when the form comes back
}

// CapitalValue is the share capital field's value: as typed, or as stored.
func (f GarageForm) CapitalValue() string {
	if f.Capital != "" || f.G.ShareCapital == 0 {
		return f.Capital
	}
	return strconv.Itoa(f.G.ShareCapital)
}

// AccountPage is "Mon compte".
type AccountPage struct {
	FirstName, LastName string
	NameErrors          map[string]string
	PasswordErrors      map[string]string
	Sessions            []*garage.Session
	Current             string // token hash of this session
}

// JournalFilter is the audit log's filter form, as typed.
type JournalFilter struct {
	Actor, Kind, From, To string
	Users                 []*garage.User
	Error                 string
	Query                 string // the filters, URL-encoded, for the page links
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// formatSIRET groups a SIRET as on a Kbis: "732 829 320 00074".
func formatSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:]
}

// editorName names the site's publisher: "SARL Garage V. Parrot, exploitant
// du Garage V. Parrot", or just the name when both are the same.
func editorName(g *garage.Details) string {
	if g.LegalName == "" || g.LegalName == g.Name {
		return g.Name
	}
	return g.LegalName + ", exploitant du " + g.Name
}
