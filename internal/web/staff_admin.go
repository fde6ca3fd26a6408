package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const lastAdminMessage = "Impossible : ce compte est le dernier administrateur actif. Nommez d'abord un autre administrateur."

func (a *app) staffList(w http.ResponseWriter, r *http.Request) {
	a.renderStaffList(w, r, http.StatusOK, views.InviteForm{Role: string(garage.RoleEmployee)}, "")
}

func (a *app) renderStaffList(w http.ResponseWriter, r *http.Request, status int, f views.InviteForm, refused string) {
	p, err := a.page(r, "comptes", "Comptes du personnel", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	users, err := a.store.ListUsers(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, status, views.AdminStaff(p, views.StaffAdmin{Users: users, Me: p.User.ID, Invite: f, Error: refused}))
}

func (a *app) staffInvitePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	form := r.PostForm.Get
	v := garage.NewValidator()
	f := views.InviteForm{Errors: v.Errors, Role: form("role")}
	f.FirstName = v.Line("first_name", "Le prénom", form("first_name"), true, garage.UserMaxName)
	f.LastName = v.Line("last_name", "Le nom", form("last_name"), true, garage.UserMaxName)
	f.Email = v.Email("email", "L'adresse e-mail", form("email"), true)
	v.Choose("role", garage.Role(f.Role).Valid())
	if v.Has("role") {
		f.Role = string(garage.RoleEmployee)
	}
	u := &garage.User{Email: f.Email, FirstName: f.FirstName, LastName: f.LastName, Role: garage.Role(f.Role), Active: true}
	if v.Valid() {
		// No password: the login refuses an empty hash until the new
		// member chooses one through the invitation link.
		link, err := a.newAccountLink(ctx, u, garage.TokenInvite)
		if err == nil {
			err = a.store.InviteUser(ctx, u, link, a.now(), a.actor(r))
		}
		switch {
		case errors.Is(err, store.ErrConflict):
			v.Fail("email", "Un compte existe déjà avec cette adresse e-mail.")
		case err != nil:
			a.serverError(w, r, err)
			return
		}
	}
	if !v.Valid() {
		a.renderStaffList(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	a.flashRedirect(w, r, "Invitation envoyée à "+u.Email+" : le lien pour choisir un mot de passe est valable 72 heures.", "/admin/comptes")
}

// staffChangeDone redirects after a change, or explains a refusal.
func (a *app) staffChangeDone(w http.ResponseWriter, r *http.Request, err error, before *garage.User, action, msg string) {
	ctx := r.Context()
	switch {
	case errors.Is(err, garage.ErrLastAdmin):
		a.renderStaffList(w, r, http.StatusConflict, views.InviteForm{Role: string(garage.RoleEmployee)}, lastAdminMessage)
		return
	case errors.Is(err, store.ErrInUse):
		a.renderStaffList(w, r, http.StatusConflict, views.InviteForm{Role: string(garage.RoleEmployee)},
			"Ce compte est encore lié à des contenus du site : désactivez-le plutôt que de le supprimer.")
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	to := "/admin/comptes"
	if me := currentUser(ctx); me != nil && me.ID == before.ID {
		to = "/connexion" // the admin disabled or deleted their own account
		if action == "user.role" {
			to = "/admin" // no longer an administrator
		}
	}
	a.flashRedirect(w, r, msg, to)
}

func (a *app) staffRolePost(w http.ResponseWriter, r *http.Request) {
	u, ok := byPathID(a, w, r, a.store.UserByID)
	if !ok || !a.parseForm(w, r) {
		return
	}
	role := garage.Role(r.PostForm.Get("role"))
	if !role.Valid() {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	err := a.store.SetUserRole(r.Context(), u.ID, role, a.now(), a.actor(r))
	a.staffChangeDone(w, r, err, u, "user.role", u.FullName()+" est maintenant "+strings.ToLower(role.Label())+".")
}

func (a *app) staffDisablePost(w http.ResponseWriter, r *http.Request) {
	u, ok := byPathID(a, w, r, a.store.UserByID)
	if !ok {
		return
	}
	// Every session of the account ends in the same transaction.
	err := a.store.SetUserActive(r.Context(), u.ID, false, a.now(), a.actor(r))
	a.staffChangeDone(w, r, err, u, "user.disable", "Le compte de "+u.FullName()+" est désactivé ; ses sessions sont fermées.")
}

func (a *app) staffEnablePost(w http.ResponseWriter, r *http.Request) {
	u, ok := byPathID(a, w, r, a.store.UserByID)
	if !ok {
		return
	}
	err := a.store.SetUserActive(r.Context(), u.ID, true, a.now(), a.actor(r))
	a.staffChangeDone(w, r, err, u, "user.enable", "Le compte de "+u.FullName()+" est réactivé.")
}

func (a *app) staffDeletePost(w http.ResponseWriter, r *http.Request) {
	u, ok := byPathID(a, w, r, a.store.UserByID)
	if !ok {
		return
	}
	err := a.store.DeleteUser(r.Context(), u.ID, a.now(), a.actor(r))
	a.staffChangeDone(w, r, err, u, "user.delete", "Le compte de "+u.FullName()+" est supprimé.")
}

func (a *app) staffResendPost(w http.ResponseWriter, r *http.Request) {
	u, ok := byPathID(a, w, r, a.store.UserByID)
	if !ok {
		return
	}
	if u.PasswordHash != "" || !u.Active {
		a.renderStaffList(w, r, http.StatusConflict, views.InviteForm{Role: string(garage.RoleEmployee)},
			"Pas d'invitation à renvoyer : ce compte a déjà choisi son mot de passe, ou il est désactivé.")
		return
	}
	link, err := a.newAccountLink(r.Context(), u, garage.TokenInvite)
	if err == nil {
		err = a.store.SendAccountLink(r.Context(), u.ID, link, a.now(), a.actor(r))
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Nouvelle invitation envoyée à "+u.Email+" ; le lien précédent ne fonctionne plus.", "/admin/comptes")
}
