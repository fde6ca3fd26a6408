package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// dashboardPage is the back-office home: what needs doing today first
// (late and new leads, reviews to moderate), then the cars for sale and the
// drafts, each a link. Another feature adds its line to tasks with one
// append (views.DashboardTask; Urgent for work waiting on the staff).
func (a *app) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := a.page(r, "dashboard", "Tableau de bord", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	var d views.DashboardData
	late, err := a.store.CountLateLeads(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	messages, err := a.store.CountMessagesByStatus(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	pending, err := a.store.CountPendingTestimonials(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	cars, err := a.store.CountCarsByStatus(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	toConfirm, err := a.store.CountAppointmentsToConfirm(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	toPrice, err := a.quoteRequestsToPrice(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d.Tasks = append(d.Tasks,
		views.DashboardTask{Count: toConfirm, One: "rendez-vous à confirmer", Many: "rendez-vous à confirmer", Href: "/admin/atelier", Urgent: true},
		views.DashboardTask{Count: len(toPrice), One: "demande de devis à chiffrer", Many: "demandes de devis à chiffrer", Href: "/admin/devis", Urgent: true},
		views.DashboardTask{Count: late, One: "demande en retard", Many: "demandes en retard", Href: "/admin/messages", Urgent: true},
		views.DashboardTask{Count: messages[garage.MessageNew], One: "nouvelle demande", Many: "nouvelles demandes", Href: "/admin/messages?statut=new", Urgent: true},
		views.DashboardTask{Count: pending, One: "avis à modérer", Many: "avis à modérer", Href: "/admin/avis", Urgent: true},
		views.DashboardTask{Count: cars[garage.CarPublished], One: "voiture en vente", Many: "voitures en vente", Href: views.StatusLink(string(garage.CarPublished))},
		views.DashboardTask{Count: cars[garage.CarDraft], One: "brouillon", Many: "brouillons", Href: views.StatusLink(string(garage.CarDraft))},
	)
	if d.Leads, err = a.leadStats(r); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.AdminHome(p, d))
}
