package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store/storetest"
)

var moveSlotRe = regexp.MustCompile(`name="debut" value="([^"]+)"`)

// bookByLink books service at debut as a visitor (e-mail email) and returns
// the appointment's personal link.
func (e *env) bookByLink(service, debut, email string) string {
	e.t.Helper()
	c := e.client()
	form := e.bookingForm(c, "/rendez-vous/reserver?service="+service+"&debut="+debut)
	form.Set("email", email)
	e.clock.Advance(8 * time.Second)
	res := e.postForm(c, "/rendez-vous/reserver", form)
	link, _, _ := strings.Cut(res.Header.Get("Location"), "?")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(link, "/rendez-vous/") {
		e.t.Fatalf("booking %s: %d %s", debut, res.StatusCode, res.body)
	}
	return link
}

// TestAppointmentMoveByLink: the customer moves his appointment from the
// personal link to another free slot until the minimum notice; he gets the
// new time with the calendar invitation, the garage is told, the audit
// keeps both times; a slot not offered, a malformed one or a late move is
// refused in French and nothing changes.
func TestAppointmentMoveByLink(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			service := strconv.FormatInt(bookableVidange(t, e.store), 10)
			link := e.bookByLink(service, "2026-03-05T11:00", "helene@exemple.fr")
			// Someone else holds the only bay on Friday at 14 h.
			e.bookByLink(service, "2026-03-06T14:00", "marc@exemple.fr")
			c := e.client()
			if page := e.get(c, link); !strings.Contains(page.body, `href="`+link+`/deplacer"`) {
				t.Fatalf("the appointment page offers no move:\n%s", page.body)
			}
			page := e.get(c, link+"/deplacer?jour=2026-03-06")
			if page.StatusCode != http.StatusOK || page.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(page.body, "vendredi 6 mars") {
				t.Fatalf("move page: %d", page.StatusCode)
			}
			var offered []string
			for _, m := range moveSlotRe.FindAllStringSubmatch(page.body, -1) {
				offered = append(offered, html.UnescapeString(m[1]))
			}
			if len(offered) == 0 || offered[0] != "2026-03-06T08:45" || strings.Contains(strings.Join(offered, " "), "2026-03-06T14:00") ||
				strings.Contains(strings.Join(offered, " "), "2026-03-08") {
				t.Fatalf("slots offered: %v", offered)
			}
			for _, bad := range []struct {
				debut  string
				status int
				want   string
			}{
				{"demain", http.StatusBadRequest, "créneau n&#39;est pas valable"},
				{"2026-03-08T10:00", http.StatusUnprocessableEntity, "fermé"},       // a Sunday
				{"2026-03-06T14:00", http.StatusUnprocessableEntity, "pas proposé"}, // taken
				{"2026-03-04T15:00", http.StatusUnprocessableEntity, "trop proche"}, // within the notice
			} {
				res := e.postForm(c, link+"/deplacer", url.Values{"debut": {bad.debut}})
				if res.StatusCode != bad.status || !strings.Contains(res.body, bad.want) {
					t.Errorf("move to %s: %d, want %d with %q", bad.debut, res.StatusCode, bad.status, bad.want)
				}
			}
			if ap := e.appointmentOf(t, "helene@exemple.fr"); !ap.Start.Equal(time.Date(2026, 3, 5, 11, 0, 0, 0, hours.Paris())) {
				t.Fatalf("a refused move changed the appointment: %v", ap.Start)
			}

			res := e.postForm(c, link+"/deplacer", url.Values{"debut": {"2026-03-06T09:30"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != link+"?fait=deplace" {
				t.Fatalf("move: %d %s", res.StatusCode, res.body)
			}
			ap := e.appointmentOf(t, "helene@exemple.fr")
			if !ap.Start.Equal(time.Date(2026, 3, 6, 9, 30, 0, 0, hours.Paris())) || !ap.End.Equal(ap.Start.Add(45*time.Minute)) {
				t.Fatalf("moved appointment %v – %v", ap.Start, ap.End)
			}
			if page := e.get(c, link+"?fait=deplace"); !strings.Contains(page.body, "Votre rendez-vous est déplacé") || !strings.Contains(page.body, "6 mars 2026") {
				t.Errorf("the appointment page does not show the move")
			}
			var customer, garageMail *garage.OutboxMail
			for _, m := range e.outbox(t) {
				switch {
				case m.Kind == "appointment.moved" && m.To == "helene@exemple.fr":
					customer = m
				case m.Kind == "appointment.notify" && strings.Contains(m.Subject, "déplacé"):
					garageMail = m
				}
			}
			if customer == nil || !strings.Contains(customer.Text, "déplacée au vendredi 6 mars 2026 à 9\u00a0h\u00a030") || len(customer.Attachments) != 1 ||
				!strings.Contains(string(customer.Attachments[0].Data), "DTSTART:20260306T083000Z") || !strings.Contains(customer.Text, link) {
				t.Fatalf("customer's mail %+v", customer)
			}
			if garageMail == nil || !strings.Contains(garageMail.Text, "du jeudi 5 mars 2026 à 11\u00a0h\u00a000 au vendredi 6 mars 2026 à 9\u00a0h\u00a030") {
				t.Fatalf("garage's mail %+v", garageMail)
			}
			if actions := strings.Join(e.auditActions(t), " "); !strings.Contains(actions, "appointment.move") {
				t.Errorf("audit lacks the move: %s", actions)
			}

			// Within the notice, the link no longer moves it.
			e.clock.Advance(time.Date(2026, 3, 5, 12, 0, 0, 0, hours.Paris()).Sub(e.clock.Now()))
			if res := e.get(c, link+"/deplacer"); res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "ne peut plus être déplacé") {
				t.Errorf("late move page: %d", res.StatusCode)
			}
			if res := e.postForm(c, link+"/deplacer", url.Values{"debut": {"2026-03-09T10:00"}}); res.StatusCode != http.StatusConflict {
				t.Errorf("late move: %d", res.StatusCode)
			}
			if res := e.get(c, "/rendez-vous/"+strings.Repeat("x", 43)+"/deplacer"); res.StatusCode != http.StatusNotFound {
				t.Errorf("wrong link: %d", res.StatusCode)
			}
			if got := e.appointmentOf(t, "helene@exemple.fr"); !got.Start.Equal(ap.Start) {
				t.Errorf("a refused late move changed the appointment")
			}
		})
	}
}

// TestAppointmentMovesRaceForTheLastBay: two customers move their
// appointments to the same slot of the only bay at once, through two
// instances: one gets it, the other is refused, the bay holds one car.
func TestAppointmentMovesRaceForTheLastBay(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			other := newEnvOn(t, e.store, e.clock)
			service := strconv.FormatInt(bookableVidange(t, e.store), 10)
			links := []string{e.bookByLink(service, "2026-03-05T11:00", "a@exemple.fr"), e.bookByLink(service, "2026-03-05T14:00", "b@exemple.fr")}
			codes := make([]int, len(links))
			var wg sync.WaitGroup
			for i, link := range links {
				env := []*env{e, other}[i]
				c := env.client()
				wg.Go(func() {
					codes[i] = env.postForm(c, link+"/deplacer", url.Values{"debut": {"2026-03-06T10:00"}}).StatusCode
				})
			}
			wg.Wait()
			won := 0
			for _, code := range codes {
				switch code {
				case http.StatusSeeOther:
					won++
				case http.StatusConflict, http.StatusUnprocessableEntity:
				default:
					t.Errorf("unexpected status %d", code)
				}
			}
			at := 0
			for _, ap := range e.appointments(t) {
				if ap.Start.Equal(time.Date(2026, 3, 6, 10, 0, 0, 0, hours.Paris())) {
					at++
				}
			}
			if won != 1 || at != 1 {
				t.Fatalf("%v: %d moves won, %d appointments at 10 h", codes, won, at)
			}
		})
	}
}

// appointmentOf returns the appointment booked with email.
func (e *env) appointmentOf(t *testing.T, email string) *garage.Appointment {
	t.Helper()
	for _, ap := range e.appointments(t) {
		if ap.Email == email {
			return ap
		}
	}
	t.Fatalf("no appointment of %s", email)
	return nil
}
