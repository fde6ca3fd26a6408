package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// Search alerts (issue 19): a visitor leaves an e-mail address on a
// filtered car list; after a double opt-in, a daily digest lists the new
// matching cars and price drops. Every personal link carries a token whose
// hash only is stored; every digest has a one-click unsubscribe (RFC 8058).
const (
	alertForm   = "alerte" // purpose of the signed render time
	alertLimit  = 5        // alert forms per client IP and window
	alertWindow = 10 * time.Minute
	// alertUnsubscribePattern is the one route exempt from the cross-origin check: mail clients send the
	// RFC 8058 one-click POST from their own origin, without the site's headers. It only deletes the alert its
	// unguessable token names, which is what anybody holding the mail may do anyway.
	alertUnsubscribePattern = "POST /alertes/{token}/desabonner"
)

// alertQuery normalises a car list query for an alert: the filters only,
// as the list itself understands them (parseCarQuery), without sort or page.
func alertQuery(q url.Values) (string, *badParam) {
	_, s, bad := parseCarQuery(q)
	if bad != nil {
		return "", bad
	}
	s.Values.Del("tri")
	return s.Values.Encode(), nil
}

// alertNew is the form that makes an alert of the list query in its URL.
func (a *app) alertNew(w http.ResponseWriter, r *http.Request) {
	query, bad := alertQuery(r.URL.Query())
	if bad != nil {
		a.badRequest(w, r, bad.msg)
		return
	}
	a.renderAlertNew(w, r, http.StatusOK, views.AlertForm{Query: query, Token: a.formStamp(r, alertForm)})
}

func (a *app) renderAlertNew(w http.ResponseWriter, r *http.Request, status int, f views.AlertForm) {
	p, err := a.page(r, "occasions", "M'alerter des nouveaux véhicules", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.AlertNewPage(p, f))
}

// alertNewPost stores an unconfirmed alert and, in the same transaction,
// the confirmation e-mail. The answer is the same whether or not the
// address already has alerts (nothing tells a stranger about an address).
func (a *app) alertNewPost(w http.ResponseWriter, r *http.Request) {
	if !a.parsePublicForm(w, r, alertForm, "/alertes/envoyee") {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	query, bad := alertQuery(mustParseQuery(form.Get("recherche")))
	f := views.AlertForm{Query: query, Email: strings.TrimSpace(form.Get("email")), Token: form.Get("jeton")}
	if bad != nil || len(form.Get("recherche")) > 1000 {
		a.badRequest(w, r, "La recherche de l'alerte n'est pas valide : repartez de la liste des véhicules.")
		return
	}
	v := garage.NewValidator()
	email := v.Email("email", "L'adresse e-mail", f.Email, true)
	if f.Errors = v.Errors; !v.Valid() {
		a.renderAlertNew(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "alert:"+limitIPFrom(ctx), alertLimit, alertWindow) {
		return
	}
	token, hash, err := newToken()
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	name := a.garageName(ctx)
	alert := &garage.SearchAlert{Email: email, Query: query}
	err = a.store.CreateAlert(ctx, alert, hash, func(al *garage.SearchAlert) (*garage.OutboxMail, error) {
		return views.RenderMail(ctx, views.AlertConfirmMail{Alert: al, Garage: name, Link: a.cfg.PublicURL + views.AlertPath(token, "confirmer")})
	}, a.now())
	switch {
	case errors.Is(err, store.ErrTooManyAlerts):
		a.log.Info("alert refused: too many for the address", "request_id", requestID(ctx))
	case err != nil:
		a.serverError(w, r, err)
		return
	default:
		a.log.Info("alert stored", "request_id", requestID(ctx), "alert_id", alert.ID)
	}
	http.Redirect(w, r, "/alertes/envoyee", http.StatusSeeOther)
}

func mustParseQuery(s string) url.Values {
	q, err := url.ParseQuery(s)
	if err != nil {
		return url.Values{"page": {"x"}} // parseCarQuery refuses it
	}
	return q
}

func (a *app) alertSent(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "occasions", "Vérifiez votre boîte e-mail", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.AlertSentPage(p))
}

// alertByToken reads the alert of the route's {token}, or answers 404.
func (a *app) alertByToken(w http.ResponseWriter, r *http.Request) (string, *garage.SearchAlert, bool) {
	token := r.PathValue("token")
	if len(token) < 20 || len(token) > 100 {
		a.alertGone(w, r)
		return "", nil, false
	}
	al, err := a.store.AlertByToken(r.Context(), hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		a.alertGone(w, r)
		return "", nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return "", nil, false
	}
	return token, al, true
}

func (a *app) alertGone(w http.ResponseWriter, r *http.Request) {
	a.clientError(w, r, http.StatusNotFound, "Ce lien d'alerte n'est plus valable : l'alerte a été supprimée, ou n'a pas été confirmée à temps.")
}

// alertPage is an alert's personal page: every alert of its address.
func (a *app) alertPage(w http.ResponseWriter, r *http.Request) {
	token, al, ok := a.alertByToken(w, r)
	if !ok {
		return
	}
	list, err := a.store.AlertsOfEmail(r.Context(), al.Email)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	m := views.AlertManage{Token: token, Current: al, Alerts: list}
	switch r.URL.Query().Get("fait") {
	case "confirmee":
		m.Notice = "Votre alerte est active : vous recevrez au plus un e-mail par jour."
	case "supprimee":
		m.Notice = "L'alerte a été supprimée."
	}
	p, err := a.page(r, "occasions", "Mes alertes", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.render(w, r, http.StatusOK, views.AlertManagePage(p, m))
}

func (a *app) alertConfirm(w http.ResponseWriter, r *http.Request) {
	token, al, ok := a.alertByToken(w, r)
	if !ok {
		return
	}
	if al.Confirmed() {
		http.Redirect(w, r, views.AlertPath(token), http.StatusSeeOther)
		return
	}
	p, err := a.page(r, "occasions", "Confirmer mon alerte", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.render(w, r, http.StatusOK, views.AlertConfirmPage(p, token, al))
}

func (a *app) alertConfirmPost(w http.ResponseWriter, r *http.Request) {
	token, _, ok := a.alertByToken(w, r)
	if !ok {
		return
	}
	if _, err := a.store.ConfirmAlert(r.Context(), hashToken(token), a.now()); err != nil {
		a.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, views.AlertPath(token)+"?fait=confirmee", http.StatusSeeOther)
}

// alertDeletePost deletes one of the address's alerts from the personal page.
func (a *app) alertDeletePost(w http.ResponseWriter, r *http.Request) {
	token, al, ok := a.alertByToken(w, r)
	if !ok || !a.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("alerte"), 10, 64)
	if err != nil || id <= 0 {
		a.badRequest(w, r, "Choisissez l'alerte à supprimer dans la liste.")
		return
	}
	if err := a.store.DeleteAlertOfOwner(r.Context(), hashToken(token), id); err != nil {
		a.storeError(w, r, err)
		return
	}
	if id == al.ID { // its own link is gone with it
		a.renderUnsubscribed(w, r, token, true)
		return
	}
	http.Redirect(w, r, views.AlertPath(token)+"?fait=supprimee", http.StatusSeeOther)
}

func (a *app) alertUnsubscribe(w http.ResponseWriter, r *http.Request) {
	token, _, ok := a.alertByToken(w, r)
	if !ok {
		return
	}
	a.renderUnsubscribed(w, r, token, false)
}

// alertUnsubscribePost is the one-click unsubscribe (RFC 8058): the mail
// client posts "List-Unsubscribe=One-Click" from anywhere (see
// alertUnsubscribePattern); a person posts the page's button. The alert and
// the address are deleted. An unknown link answers 404 (already done).
func (a *app) alertUnsubscribePost(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if len(token) < 20 || len(token) > 100 {
		a.alertGone(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1024)
	err := a.store.DeleteAlertByToken(r.Context(), hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		a.alertGone(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("alert unsubscribed", "request_id", requestID(r.Context()))
	a.renderUnsubscribed(w, r, token, true)
}

func (a *app) renderUnsubscribed(w http.ResponseWriter, r *http.Request, token string, done bool) {
	p, err := a.page(r, "occasions", "Se désabonner", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.render(w, r, http.StatusOK, views.AlertUnsubscribePage(p, token, done))
}
