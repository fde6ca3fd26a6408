package web

import (
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestDashboardShowsWhatNeedsDoingFirst: the back-office home lists the new
// leads and the reviews to moderate before the cars for sale and the drafts,
// each a link to where the work is done, and no longer counts services.
func TestDashboardShowsWhatNeedsDoingFirst(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		emp := e.loggedIn(employeeEmail, employeePass)
		empty := e.get(emp, "/admin")
		if !strings.Contains(empty.text(), "Rien d'urgent") || strings.Contains(empty.text(), "services publiés") {
			t.Fatalf("empty dashboard: %s", empty.text())
		}
		addMessage(t, e, &garage.Message{LastName: "Martin", FirstName: "Paul", Phone: "0600000000", Subject: "Freins", Body: "Bonjour, mes freins grincent."})
		addMessage(t, e, &garage.Message{LastName: "Petit", FirstName: "Luc", Phone: "0600000001", Subject: "Révision", Body: "Bonjour, une révision ?"})
		addReview(t, e, "Jeanne", 5, garage.TestimonialPending)
		now := time.Now()
		e.addCar(car("Renault", "Clio", "V", 12000, 2020, 40000, "Essence", "Manuelle"), garage.CarPublished, now)
		e.addCar(car("Peugeot", "208", "II", 14000, 2021, 30000, "Essence", "Manuelle"), garage.CarDraft, now)
		e.addCar(car("Peugeot", "308", "III", 18000, 2021, 30000, "Diesel", "Manuelle"), garage.CarDraft, now)
		page := e.get(emp, "/admin").text()
		wants := []string{
			`href="/admin/messages?statut=new"><span class="task-count">2</span> <span class="task-label">nouvelles demandes</span>`,
			`href="/admin/avis"><span class="task-count">1</span> <span class="task-label">avis à modérer</span>`,
			`href="/admin/voitures?statut=published"><span class="task-count">1</span> <span class="task-label">voiture en vente</span>`,
			`href="/admin/voitures?statut=draft"><span class="task-count">2</span> <span class="task-label">brouillons</span>`,
		}
		last := -1
		for _, w := range wants {
			i := strings.Index(page, w)
			if i < 0 {
				t.Fatalf("dashboard lacks %s", w)
			}
			if i < last {
				t.Errorf("%s comes before the line above it", w)
			}
			last = i
		}
		if strings.Contains(page, "Rien d'urgent") {
			t.Error("dashboard says nothing is urgent with two new leads")
		}
	})
}
