package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := a.page(r, "dashboard", "Tableau de bord", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	var d views.DashboardData
	if d.Services, err = a.store.CountServices(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Leads, err = a.leadStats(r); err != nil {
		a.serverError(w, r, err)
		return
	}
	if p.User.IsAdmin() {
		users, err := a.store.ListUsers(ctx)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		d.Users = len(users)
	}
	a.render(w, r, http.StatusOK, views.AdminHome(p, d))
}
