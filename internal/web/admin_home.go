package web

import (
	"net/http"
	"strconv"

	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) adminHome(w http.ResponseWriter, r *http.Request) {
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

const journalPageSize = 50

func (a *app) adminJournal(w http.ResponseWriter, r *http.Request) {
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			a.errorPage(w, r, http.StatusBadRequest)
			return
		}
		page = n
	}
	p, err := a.page(r, "journal", "Journal d'activité", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	entries, err := a.store.ListAudit(r.Context(), "", journalPageSize+1, (page-1)*journalPageSize)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	hasNext := len(entries) > journalPageSize
	if hasNext {
		entries = entries[:journalPageSize]
	}
	a.render(w, r, http.StatusOK, views.AdminJournal(p, entries, page, hasNext))
}
