package web

import (
	"context"
	"fmt"
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
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// bookableVidange adds a bookable 45-minute service and returns its id.
func bookableVidange(t *testing.T, s *store.Store) int64 {
	t.Helper()
	sv := &garage.Service{Title: "Vidange", Description: "Huile et filtre.", Visible: true, Bookable: true, Minutes: 45}
	if err := s.CreateService(context.Background(), sv, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	return sv.ID
}

var slotLinkRe = regexp.MustCompile(`href="(/rendez-vous/reserver\?[^"]+)"`)

// bookingForm opens the booking form of a slot like a person and returns
// the form to post (stamp, services, slot), with valid details.
func (e *env) bookingForm(c *http.Client, path string) url.Values {
	e.t.Helper()
	res := e.get(c, path)
	m := jetonRe.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		e.t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.body)
	}
	u, _ := url.Parse(path)
	form := url.Values{"jeton": {m[1]}, "service": u.Query()["service"], "debut": {u.Query().Get("debut")},
		"nom": {"Hélène Dupré"}, "email": {"helene@exemple.fr"}, "telephone": {"06 12 34 56 78"}, "immatriculation": {"ab123cd"},
		"marque": {"Peugeot"}, "modele": {"208"}, "kilometrage": {"84 000"}, "commentaire": {"Voyant d'huile allumé."}, "consentement": {"oui"}}
	return form
}

func (e *env) appointments(t *testing.T) []*garage.Appointment {
	t.Helper()
	list, err := e.store.ListAppointments(context.Background(), time.Unix(0, 0), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAppointmentBookingStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			id := bookableVidange(t, e.store)
			c := e.client()
			home := e.get(c, "/rendez-vous")
			if home.StatusCode != http.StatusOK || !strings.Contains(home.body, "Vidange") || strings.Contains(home.body, "Freinage") {
				t.Fatalf("booking page: %d, bookable services only expected", home.StatusCode)
			}
			// Wednesday 4 March 10 h, 24 h notice: Thursday from 10 h.
			list := e.get(c, "/rendez-vous?service="+strconv.FormatInt(id, 10)+"&jour=2026-03-05")
			links := slotLinkRe.FindAllStringSubmatch(list.body, -1)
			if list.StatusCode != http.StatusOK || len(links) == 0 {
				t.Fatalf("no slot: %d %s", list.StatusCode, list.body)
			}
			first := html.UnescapeString(links[0][1])
			if !strings.HasSuffix(first, "debut=2026-03-05T10:00") || !strings.Contains(list.body, "10\u00a0h\u00a000") {
				t.Fatalf("first slot %s", first)
			}
			if strings.Contains(list.body, "dimanche 8 mars") && strings.Contains(list.body, "debut=2026-03-08") {
				t.Fatal("a slot on a Sunday")
			}
			second := html.UnescapeString(links[1][1]) // 10 h 15: the first is within the notice once the form is filled
			form := e.bookingForm(c, second)
			e.clock.Advance(8 * time.Second)
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("immatriculation", "123")
			bad.Del("consentement")
			res := e.postForm(c, "/rendez-vous/reserver", bad)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.body), garage.MsgPlate) ||
				!strings.Contains(res.body, "Acceptez") || len(e.appointments(t)) != 0 {
				t.Fatalf("bad plate: %d", res.StatusCode)
			}
			res = e.postForm(c, "/rendez-vous/reserver", form)
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/rendez-vous/") || !strings.HasSuffix(loc, "?fait=reserve") {
				t.Fatalf("booking: %d %s", res.StatusCode, res.body)
			}
			// A retried form is stored once.
			if again := e.postForm(c, "/rendez-vous/reserver", form); again.StatusCode != http.StatusSeeOther || len(e.appointments(t)) != 1 {
				t.Fatalf("retry: %d, %d appointments", again.StatusCode, len(e.appointments(t)))
			}
			a := e.appointments(t)[0]
			if a.Plate != "AB-123-CD" || a.Mileage != 84000 || a.Status != garage.AppointmentRequested || a.Minutes != 45 {
				t.Fatalf("stored %+v", a)
			}
			var customer *garage.OutboxMail
			for _, m := range e.outbox(t) {
				if m.To == "helene@exemple.fr" {
					customer = m
				}
			}
			if customer == nil || len(customer.Attachments) != 1 || customer.Attachments[0].Name != "rendez-vous.ics" ||
				!strings.Contains(string(customer.Attachments[0].Data), "DTSTART:20260305T091500Z") ||
				!strings.Contains(customer.Text, strings.TrimSuffix(loc, "?fait=reserve")) || !strings.Contains(customer.Text, "1 rue du Test") {
				t.Fatalf("customer mail %+v", customer)
			}
			page := e.get(c, loc)
			if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "Peugeot 208 (AB-123-CD)") || !strings.Contains(page.body, "annuler") ||
				page.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("personal page %d", page.StatusCode)
			}
			// The slot is no longer offered (one bay).
			if again := e.get(c, "/rendez-vous?service="+strconv.FormatInt(id, 10)+"&jour=2026-03-05"); strings.Contains(again.body, "debut=2026-03-05T10:15\"") {
				t.Fatal("the booked slot is still offered")
			}
			// Cancelled from the link, the slot is free again.
			cancel := e.postForm(c, strings.TrimSuffix(loc, "?fait=reserve")+"/annuler", url.Values{})
			if cancel.StatusCode != http.StatusSeeOther || e.appointments(t)[0].Status != garage.AppointmentCancelled {
				t.Fatalf("cancel: %d", cancel.StatusCode)
			}
			if again := e.get(c, "/rendez-vous?service="+strconv.FormatInt(id, 10)+"&jour=2026-03-05"); !strings.Contains(again.body, "debut=2026-03-05T10:15") {
				t.Fatal("the cancelled slot is not offered again")
			}
			if unknown := e.get(c, "/rendez-vous/"+strings.Repeat("x", 43)); unknown.StatusCode != http.StatusNotFound {
				t.Fatalf("unknown link: %d", unknown.StatusCode)
			}
		})
	}
}

// TestAppointmentRefusesBadSlots: a slot never offered, past, beyond the
// horizon, on a closed day, an unknown service: 4xx in French, nothing stored.
func TestAppointmentRefusesBadSlots(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			id := strconv.FormatInt(bookableVidange(t, e.store), 10)
			c := e.client()
			good := e.bookingForm(c, "/rendez-vous/reserver?service="+id+"&debut=2026-03-05T11:00")
			e.clock.Advance(8 * time.Second)
			tests := []struct {
				name, service, debut string
				status               int
				want                 string
			}{
				{"past", id, "2026-03-03T10:00", http.StatusUnprocessableEntity, "passé"},
				{"within the notice", id, "2026-03-05T09:00", http.StatusUnprocessableEntity, "passé"},
				{"beyond the horizon", id, "2026-06-02T10:00", http.StatusUnprocessableEntity, "trop loin"},
				{"closed day", id, "2026-03-08T10:00", http.StatusUnprocessableEntity, "fermé"},
				{"off the grid", id, "2026-03-05T10:07", http.StatusUnprocessableEntity, "pas proposé"},
				{"during lunch", id, "2026-03-05T12:30", http.StatusUnprocessableEntity, "pas proposé"},
				{"unknown service", "999", "2026-03-05T10:00", http.StatusBadRequest, "prestation"},
				{"hidden service", "2", "2026-03-05T10:00", http.StatusBadRequest, "prestation"},
				{"no service", "", "2026-03-05T10:00", http.StatusBadRequest, "prestation"},
				{"malformed slot", id, "demain", http.StatusBadRequest, "pas valable"},
			}
			for _, tt := range tests {
				form := url.Values{}
				for k, v := range good {
					form[k] = v
				}
				form.Set("debut", tt.debut)
				form.Set("service", tt.service)
				if tt.service == "" {
					form.Del("service")
				}
				res := e.postForm(c, "/rendez-vous/reserver", form)
				if res.StatusCode != tt.status || !strings.Contains(html.UnescapeString(res.body), tt.want) {
					t.Errorf("%s: %d, want %d with %q", tt.name, res.StatusCode, tt.status, tt.want)
				}
				get := e.get(c, "/rendez-vous/reserver?"+url.Values{"service": form["service"], "debut": {tt.debut}}.Encode())
				if get.StatusCode != tt.status {
					t.Errorf("GET %s: %d, want %d", tt.name, get.StatusCode, tt.status)
				}
			}
			if n := len(e.appointments(t)); n != 0 {
				t.Fatalf("%d appointments stored from bad slots", n)
			}
			if res := e.get(c, "/rendez-vous?service=abc"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown service in the search: %d", res.StatusCode)
			}
			if res := e.get(c, "/rendez-vous?service="+id+"&jour=2027-01-01"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("day beyond the horizon: %d", res.StatusCode)
			}
		})
	}
}

// TestAppointmentLastBayThroughTwoInstances: visitors book the last bay at
// the same moment through two instances on one database; one gets it, the
// others a French 409 (or the slot is already gone: 422).
func TestAppointmentLastBayThroughTwoInstances(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			id := strconv.FormatInt(bookableVidange(t, e.store), 10)
			other := newEnvOn(t, e.store, e.clock)
			const n = 4
			forms := make([]url.Values, n)
			clients := make([]*http.Client, n)
			for i := range n {
				env := e
				if i%2 == 1 {
					env = other // each visitor posts to the instance that gave the form
				}
				clients[i] = env.client()
				forms[i] = env.bookingForm(clients[i], "/rendez-vous/reserver?service="+id+"&debut=2026-03-05T11:00")
				forms[i].Set("email", fmt.Sprintf("client%d@exemple.fr", i))
			}
			e.clock.Advance(8 * time.Second)
			codes := make([]int, n)
			bodies := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					env := e
					if i%2 == 1 {
						env = other
					}
					res := env.postForm(clients[i], "/rendez-vous/reserver", forms[i])
					codes[i], bodies[i] = res.StatusCode, res.body
				}()
			}
			wg.Wait()
			won := 0
			for i, code := range codes {
				switch code {
				case http.StatusSeeOther:
					won++
				case http.StatusConflict:
					if !strings.Contains(html.UnescapeString(bodies[i]), "vient d'être pris, choisissez-en un autre") {
						t.Errorf("409 without the French message")
					}
				case http.StatusUnprocessableEntity:
				default:
					t.Errorf("answer %d", code)
				}
			}
			if won != 1 || len(e.appointments(t)) != 1 {
				t.Fatalf("%d won, %d stored; codes %v", won, len(e.appointments(t)), codes)
			}
		})
	}
}

var _ = hours.Paris
