package web

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestWorkshopSettingsAndServices(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			admin := e.loggedIn(adminEmail, adminPassword)
			employee := e.loggedIn(employeeEmail, employeePass)
			if res := e.get(employee, "/admin/atelier/reglages"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("employee opens the settings: %d", res.StatusCode)
			}
			bad := url.Values{"ponts": {"9"}, "pas": {"7"}, "delai": {""}, "horizon": {"60"}, "conservation": {"1095"}}
			res := e.postForm(admin, "/admin/atelier/reglages", bad)
			body := html.UnescapeString(res.body)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Le nombre de ponts doit être un nombre entier entre 1 et 5") ||
				!strings.Contains(body, "Le délai minimum est obligatoire") {
				t.Fatalf("bad settings: %d", res.StatusCode)
			}
			good := url.Values{"ponts": {"2"}, "pas": {"30"}, "delai": {"12"}, "horizon": {"30"}, "conservation": {"730"}, "confirmation": {"1"}}
			if res := e.postForm(admin, "/admin/atelier/reglages", good); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", res.StatusCode)
			}
			ws, err := e.store.WorkshopSettings(t.Context())
			if err != nil || ws.Bays != 2 || ws.StepMinutes != 30 || ws.NoticeHours != 12 || !ws.AutoConfirm || ws.MultiDay || ws.RetentionDays != 730 {
				t.Fatalf("saved %+v %v", ws, err)
			}
			// A service becomes bookable with a duration; without one it is refused.
			res = e.postForm(admin, "/admin/services/1", url.Values{"title": {"Freinage"}, "visible": {"1"}, "bookable": {"1"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.body), "Indiquez la durée à l'atelier") {
				t.Fatalf("bookable without duration: %d", res.StatusCode)
			}
			res = e.postForm(admin, "/admin/services/1", url.Values{"title": {"Freinage"}, "visible": {"1"}, "bookable": {"1"}, "minutes": {"90"}, "price": {"89"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("bookable service: %d %s", res.StatusCode, res.body)
			}
			sv, err := e.store.ServiceByID(t.Context(), 1)
			if err != nil || !sv.Bookable || sv.Minutes != 90 || sv.PriceFrom == nil {
				t.Fatalf("service %+v %v", sv, err)
			}
			if page := e.get(c(e), "/rendez-vous"); !strings.Contains(page.body, "Freinage") {
				t.Fatal("the bookable service is not offered")
			}
		})
	}
}

func c(e *env) *http.Client { return e.client() }

func TestWorkshopBoardStory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			id := strconv.FormatInt(bookableVidange(t, e.store), 10)
			// A visitor books online: a request to confirm.
			visitor := e.client()
			form := e.bookingForm(visitor, "/rendez-vous/reserver?service="+id+"&debut=2026-03-05T11:00")
			e.clock.Advance(8 * time.Second)
			if res := e.postForm(visitor, "/rendez-vous/reserver", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("booking: %d", res.StatusCode)
			}
			staff := e.loggedIn(employeeEmail, employeePass)
			board := e.get(staff, "/admin/atelier?jour=2026-03-05")
			if board.StatusCode != http.StatusOK || !strings.Contains(board.body, "Hélène Dupré") || !strings.Contains(board.body, "Peugeot 208 (AB-123-CD)") ||
				!strings.Contains(board.body, "demandé") || !strings.Contains(board.body, "1<span class=\"visually-hidden\"> à confirmer") &&
				!strings.Contains(board.body, "à confirmer") {
				t.Fatalf("board: %d %s", board.StatusCode, board.body)
			}
			if res := e.get(staff, "/admin/atelier?jour=demain"); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("bad day: %d", res.StatusCode)
			}
			ap := e.appointments(t)[0]
			path := "/admin/atelier/rendez-vous/" + strconv.FormatInt(ap.ID, 10)
			if res := e.postForm(staff, path+"/statut", url.Values{"statut": {"pret"}}); res.StatusCode != http.StatusSeeOther ||
				e.appointments(t)[0].Status != garage.AppointmentRequested {
				t.Fatalf("demandé → prêt: %d", res.StatusCode)
			}
			for _, st := range []string{"confirme", "arrive", "en_cours", "pret"} {
				if res := e.postForm(staff, path+"/statut", url.Values{"statut": {st}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("→ %s: %d", st, res.StatusCode)
				}
			}
			if res := e.postForm(staff, path+"/statut", url.Values{"statut": {"n'importe"}}); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("unknown status: %d", res.StatusCode)
			}
			var subjects []string
			for _, m := range e.outbox(t) {
				if m.To == "helene@exemple.fr" {
					subjects = append(subjects, m.Subject)
				}
			}
			if !slices.ContainsFunc(subjects, func(s string) bool { return strings.HasPrefix(s, "Rendez-vous confirmé") }) ||
				!slices.ContainsFunc(subjects, func(s string) bool { return strings.HasPrefix(s, "Votre véhicule est prêt") }) {
				t.Fatalf("customer mails %v", subjects)
			}
			if res := e.postForm(staff, path+"/note", url.Values{"note": {"Plaquettes AV à prévoir."}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("note: %d", res.StatusCode)
			}
			page := e.get(staff, path)
			if !strings.Contains(page.body, "Plaquettes AV à prévoir.") || !strings.Contains(page.body, "prêt") {
				t.Fatalf("appointment page %s", page.body)
			}
			// Taken by phone: confirmed at once; on a Sunday refused.
			phone := url.Values{"service": {id}, "jour": {"2026-03-06"}, "heure": {"9:00"}, "nom": {"Marc Petit"}, "telephone": {"0611223344"},
				"immatriculation": {"123 ABC 31"}, "marque": {"Renault"}, "modele": {"Clio"}}
			sunday := url.Values{}
			for k, v := range phone {
				sunday[k] = v
			}
			sunday.Set("jour", "2026-03-08")
			if res := e.postForm(staff, "/admin/atelier/nouveau", sunday); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(html.UnescapeString(res.body), "fermé") {
				t.Fatalf("Sunday: %d", res.StatusCode)
			}
			if res := e.postForm(staff, "/admin/atelier/nouveau", phone); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("by phone: %d %s", res.StatusCode, res.body)
			}
			list := e.appointments(t)
			if len(list) != 2 || list[1].Status != garage.AppointmentConfirmed || list[1].Source != "staff" || list[1].Plate != "123 ABC 31" {
				t.Fatalf("phone appointment %+v", list[len(list)-1])
			}
			// The same time again: the only bay is taken.
			if res := e.postForm(staff, "/admin/atelier/nouveau", phone); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("double booking by phone: %d", res.StatusCode)
			}
			// Move it, block a period, free it.
			move := e.postForm(staff, "/admin/atelier/rendez-vous/"+strconv.FormatInt(list[1].ID, 10)+"/deplacer", url.Values{"jour": {"2026-03-06"}, "heure": {"14:00"}})
			if move.StatusCode != http.StatusSeeOther {
				t.Fatalf("move: %d %s", move.StatusCode, move.body)
			}
			if res := e.postForm(staff, "/admin/atelier/blocages", url.Values{"jour": {"2026-03-06"}, "de": {"14:00"}, "a": {"15:00"}, "pont": {"0"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("block over an appointment: %d", res.StatusCode)
			}
			if res := e.postForm(staff, "/admin/atelier/blocages", url.Values{"jour": {"2026-03-06"}, "de": {"8:00"}, "a": {"12:00"}, "pont": {"1"}, "motif": {"Formation"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("block: %d", res.StatusCode)
			}
			if board := e.get(staff, "/admin/atelier?jour=2026-03-06"); !strings.Contains(board.body, "Formation") || !strings.Contains(board.body, "Marc Petit") {
				t.Fatal("board of the 6th lacks the block or the moved appointment")
			}
			actions := e.auditActions(t)
			for _, want := range []string{"appointment.status", "appointment.note", "appointment.create", "appointment.move", "workshop.block"} {
				if !slices.Contains(actions, want) {
					t.Errorf("no audit %s in %v", want, actions)
				}
			}
		})
	}
}

func TestAppointmentReminderOnceAndRetention(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			id := strconv.FormatInt(bookableVidange(t, e.store), 10)
			visitor := e.client()
			form := e.bookingForm(visitor, "/rendez-vous/reserver?service="+id+"&debut=2026-03-05T11:00")
			e.clock.Advance(8 * time.Second)
			if res := e.postForm(visitor, "/rendez-vous/reserver", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("booking: %d", res.StatusCode)
			}
			ctx := t.Context()
			// Wednesday 7 h: too early; from 8 h the reminder goes, once, with its .ics, even from two instances.
			at7 := time.Date(2026, 3, 4, 7, 0, 0, 0, e.clock.Now().Location())
			if n, err := SendAppointmentReminders(ctx, e.store, "https://garage.test", at7); err != nil || n != 0 {
				t.Fatalf("at 7 h: %d %v", n, err)
			}
			at9 := at7.Add(2 * time.Hour)
			total := 0
			for range 2 {
				n, err := SendAppointmentReminders(ctx, e.store, "https://garage.test", at9)
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			if total != 1 {
				t.Fatalf("%d reminders", total)
			}
			var reminder *garage.OutboxMail
			for _, m := range e.outbox(t) {
				if strings.HasPrefix(m.Subject, "Rappel") {
					reminder = m
				}
			}
			if reminder == nil || reminder.To != "helene@exemple.fr" || len(reminder.Attachments) != 1 || !strings.Contains(reminder.Text, "jeudi 5 mars 2026 à 11\u00a0h\u00a000") {
				t.Fatalf("reminder %+v", reminder)
			}
			// Three years later (the default retention) the customer is anonymised.
			if n, err := AnonymiseOldAppointments(ctx, e.store, at9.AddDate(1, 0, 0)); err != nil || n != 0 {
				t.Fatalf("a year later: %d %v", n, err)
			}
			if n, err := AnonymiseOldAppointments(ctx, e.store, at9.AddDate(3, 0, 2)); err != nil || n != 1 {
				t.Fatalf("three years later: %d %v", n, err)
			}
			if a := e.appointments(t)[0]; a.Email != "" || a.Name != garage.AnonymousName || a.Plate != "" {
				t.Fatalf("kept %+v", a)
			}
			privacy := e.get(e.client(), "/confidentialite")
			if !strings.Contains(html.UnescapeString(privacy.body), "puis anonymisées automatiquement") {
				t.Fatal("the privacy page does not say how long appointments are kept")
			}
		})
	}
}
