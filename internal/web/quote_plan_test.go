package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

// TestPlanAcceptedQuote: once the customer has accepted a quote, the staff
// plan it at the workshop in one click from the quote: the planning's form
// comes filled with the customer and the car, the appointment keeps the
// quote, and both pages link to each other. A quote not accepted (or
// unknown, or malformed) is refused in French and nothing is booked.
func TestPlanAcceptedQuote(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			service := strconv.FormatInt(bookableVidange(t, e.store), 10)
			admin := e.loggedIn(adminEmail, adminPassword)
			id, link := e.sentQuote(admin)
			staff := e.loggedIn(employeeEmail, employeePass)
			planPath := views.AdminWorkshopPath + "?devis=" + strconv.FormatInt(id, 10)
			booking := url.Values{"devis": {strconv.FormatInt(id, 10)}, "service": {service}, "jour": {"2026-03-06"}, "heure": {"9:00"},
				"nom": {"Léa Martin"}, "telephone": {"06 12 34 56 78"}, "email": {"lea.martin@exemple.fr"},
				"immatriculation": {"AB-123-CD"}, "marque": {"Peugeot"}, "modele": {"208"}}

			// Sent but not accepted yet: no button, and the planning refuses it.
			if page := e.get(staff, views.AdminQuotePath(id)); strings.Contains(page.body, "Planifier à l'atelier") {
				t.Error("a quote not accepted offers to be planned")
			}
			if res := e.get(staff, planPath); res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "Seul un devis accepté") {
				t.Fatalf("planning a sent quote: %d", res.StatusCode)
			}
			if res := e.postForm(staff, "/admin/atelier/nouveau", booking); res.StatusCode != http.StatusConflict {
				t.Fatalf("booking a sent quote: %d", res.StatusCode)
			}
			malformed := url.Values{}
			for k, v := range booking {
				malformed[k] = v
			}
			malformed.Set("devis", "D-2026-0001")
			if res := e.postForm(staff, "/admin/atelier/nouveau", malformed); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("booking with a malformed quote id: %d", res.StatusCode)
			}
			if n := len(e.appointments(t)); n != 0 {
				t.Fatalf("%d appointments booked from a quote not accepted", n)
			}
			for query, want := range map[string]int{"999999": http.StatusNotFound, "abc": http.StatusBadRequest, "-3": http.StatusBadRequest} {
				if res := e.get(staff, views.AdminWorkshopPath+"?devis="+query); res.StatusCode != want {
					t.Errorf("?devis=%s: %d, want %d", query, res.StatusCode, want)
				}
			}

			if res := e.postForm(e.client(), link+"/accepter", url.Values{"nom": {"Léa Martin"}, "bon_pour_accord": {"1"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d", res.StatusCode)
			}
			page := e.get(staff, views.AdminQuotePath(id))
			if !strings.Contains(page.body, `href="`+planPath+`#nouveau"`) || !strings.Contains(page.body, "pas encore planifié") {
				t.Fatalf("accepted quote page offers no planning:\n%s", page.body)
			}
			board := e.get(staff, planPath+"&jour=2026-03-06")
			for _, want := range []string{"Planifier le devis accepté", "Devis D-2026-0001 accepté.", `name="devis" value="` + strconv.FormatInt(id, 10) + `"`,
				`value="Léa Martin"`, `value="lea.martin@exemple.fr"`, `value="AB-123-CD"`, `value="Peugeot"`, `value="208"`,
				"?jour=2026-03-07&amp;devis=" + strconv.FormatInt(id, 10)} {
				if !strings.Contains(board.body, want) {
					t.Errorf("planning form lacks %q", want)
				}
			}
			if board.StatusCode != http.StatusOK {
				t.Fatalf("planning an accepted quote: %d", board.StatusCode)
			}

			// A wrong field keeps the quote in the form; then the booking goes through.
			bad := url.Values{}
			for k, v := range booking {
				bad[k] = v
			}
			bad.Set("heure", "")
			if res := e.postForm(staff, "/admin/atelier/nouveau", bad); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Planifier le devis accepté") || !strings.Contains(res.body, "heure du rendez-vous (par exemple 9:30)") {
				t.Fatalf("booking without a time: %d", res.StatusCode)
			}
			if res := e.postForm(staff, "/admin/atelier/nouveau", booking); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("booking the accepted quote: %d\n%s", res.StatusCode, res.body)
			}
			list := e.appointments(t)
			if len(list) != 1 {
				t.Fatalf("%d appointments", len(list))
			}
			ap := list[0]
			if ap.Source != garage.AppointmentFromQuote || ap.QuoteID == nil || *ap.QuoteID != id || ap.Status != garage.AppointmentConfirmed ||
				ap.Note != "Devis D-2026-0001 accepté." || ap.Car() != "Peugeot 208 (AB-123-CD)" {
				t.Fatalf("appointment %+v", ap)
			}
			confirmed := false
			for _, m := range e.outbox(t) {
				confirmed = confirmed || (m.To == "lea.martin@exemple.fr" && strings.HasPrefix(m.Subject, "Rendez-vous confirmé"))
			}
			if !confirmed {
				t.Error("the customer is not sent the confirmation")
			}
			page = e.get(staff, views.AdminQuotePath(id))
			if !strings.Contains(page.body, views.AdminAppointmentPath(ap.ID)) || !strings.Contains(page.body, "vendredi 6 mars 2026") {
				t.Errorf("the quote page does not list its appointment")
			}
			apPage := e.get(staff, views.AdminAppointmentPath(ap.ID))
			if !strings.Contains(apPage.body, "sur devis accepté") || !strings.Contains(apPage.body, `href="`+views.AdminQuotePath(id)+`"`) {
				t.Errorf("the appointment page does not link its quote")
			}
		})
	}
}
