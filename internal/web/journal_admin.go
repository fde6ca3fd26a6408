package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"

	"github.com/vparrot/garage/internal/web/views"
)

const journalPageSize = 50

func (a *app) journalList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, ok := a.pageParam(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	f, jf, ok := journalFilter(q)
	if !ok {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	p, err := a.page(r, "journal", "Journal d'activité", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	if jf.Users, err = a.store.ListUsers(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	var entries []*garage.AuditEntry
	if jf.Error != "" {
		status = http.StatusBadRequest
	} else if entries, err = a.store.ListAuditFiltered(ctx, f, journalPageSize+1, (page-1)*journalPageSize); err != nil {
		a.serverError(w, r, err)
		return
	}
	hasNext := len(entries) > journalPageSize
	if hasNext {
		entries = entries[:journalPageSize]
	}
	a.render(w, r, status, views.AdminJournal(p, entries, page, hasNext, jf))
}

// journalFilter reads the audit log's filters from the query string: a
// person (user ID), a kind of action, and a range of days in Europe/Paris
// (both included). Malformed IDs or kinds report !ok (400); a bad date is
// explained on the page.
func journalFilter(q url.Values) (garage.AuditFilter, views.JournalFilter, bool) {
	var f garage.AuditFilter
	jf := views.JournalFilter{Actor: q.Get("personne"), Kind: q.Get("type"), From: q.Get("du"), To: q.Get("au")}
	if jf.Actor != "" {
		id, err := strconv.ParseInt(jf.Actor, 10, 64)
		if err != nil || id <= 0 {
			return f, jf, false
		}
		f.ActorID = id
	}
	if jf.Kind != "" {
		if !garage.HasOption(garage.AuditKinds, jf.Kind) {
			return f, jf, false
		}
		f.ActionPrefix = jf.Kind
	}
	if len(jf.From) > 10 || len(jf.To) > 10 {
		return f, jf, false
	}
	if jf.From != "" {
		d, err := hours.ParseDate(jf.From)
		if err != nil {
			jf.Error = "Date de début invalide : utilisez le sélecteur de date."
		}
		f.From = d.Midnight()
	}
	if jf.To != "" {
		d, err := hours.ParseDate(jf.To)
		if err != nil {
			jf.Error = "Date de fin invalide : utilisez le sélecteur de date."
		}
		f.To = d.AddDays(1).Midnight()
	}
	if jf.Error == "" && !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		jf.Error = "La date de fin doit être le même jour que la date de début ou après."
	}
	v := url.Values{}
	for k, val := range map[string]string{"personne": jf.Actor, "type": jf.Kind, "du": jf.From, "au": jf.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	jf.Query = v.Encode()
	return f, jf, true
}
