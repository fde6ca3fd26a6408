package web

import (
	"net/http"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/web/views"
)

// accountEdit is "Mon compte", for every staff member.
func (a *app) accountEdit(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	a.renderAccountEdit(w, r, http.StatusOK, views.AccountPage{FirstName: u.FirstName, LastName: u.LastName})
}

func (a *app) renderAccountEdit(w http.ResponseWriter, r *http.Request, status int, d views.AccountPage) {
	ctx := r.Context()
	p, err := a.page(r, "compte", "Mon compte", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	now := a.now()
	if d.Sessions, err = a.store.ListUserSessions(ctx, p.User.ID, now, now.Add(-SessionIdleTimeout)); err != nil {
		a.serverError(w, r, err)
		return
	}
	d.Current = sessionFrom(ctx).TokenHash
	a.render(w, r, status, views.AdminAccount(p, d))
}

func (a *app) accountNamePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	v := garage.NewValidator()
	d := views.AccountPage{NameErrors: v.Errors}
	d.FirstName = v.Line("first_name", "Le prénom", r.PostForm.Get("first_name"), true, garage.UserMaxName)
	d.LastName = v.Line("last_name", "Le nom", r.PostForm.Get("last_name"), true, garage.UserMaxName)
	if !v.Valid() {
		a.renderAccountEdit(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := a.store.SetUserName(ctx, u.ID, d.FirstName, d.LastName, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Votre nom a été enregistré.", "/admin/compte")
}

func (a *app) accountPasswordPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
	v := garage.NewValidator()
	d := views.AccountPage{FirstName: u.FirstName, LastName: u.LastName, PasswordErrors: v.Errors}
	if len(current) > garage.MaxPassword || len(next) > garage.MaxPassword || len(confirm) > garage.MaxPassword {
		a.errorPage(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	// Guessing the current password here is throttled like the login.
	ip, account := limitIPFrom(ctx), strings.ToLower(u.Email)
	wait, err := a.guard.Reserve(ctx, ip, account)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if wait > 0 {
		a.tooManyRequests(w, r, int(wait.Seconds()+0.999))
		return
	}
	ok := false
	if current != "" && u.PasswordHash != "" {
		if ok, err = a.hasher.Verify(ctx, current, u.PasswordHash); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	if ok {
		if err := a.guard.Success(ctx, ip, account); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	switch {
	case !ok:
		v.Fail("current", "Le mot de passe actuel est incorrect.")
	case password.CheckStrength(next, u.Email) != nil:
		v.Fail("new", password.CheckStrength(next, u.Email).Error())
	case next != confirm:
		v.Fail("confirm", "Les deux saisies du nouveau mot de passe ne correspondent pas.")
	}
	if !v.Valid() {
		a.renderAccountEdit(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	hash, err := a.hasher.Hash(ctx, next)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if err := a.store.SetPasswordHashKeepSession(ctx, u.ID, hash, sessionFrom(ctx).TokenHash, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Votre mot de passe a été changé ; vos autres sessions ont été fermées.", "/admin/compte")
}

func (a *app) accountSessionsPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	if _, err := a.store.DeleteOtherUserSessions(ctx, u.ID, sessionFrom(ctx).TokenHash, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Vos autres sessions ont été fermées.", "/admin/compte")
}
