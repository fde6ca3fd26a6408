package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// Password-reset request limits: per client IP, and per e-mail typed
// (existing or not, so the limit reveals nothing).
const (
	forgotIPLimit      = 10
	forgotAccountLimit = 3
	forgotWindow       = time.Hour
	maxAccountTokenLen = 128
	passwordSavedFlash = "Votre mot de passe est enregistré : vous êtes connecté."
)

func (a *app) renderPasswordForgotPage(w http.ResponseWriter, r *http.Request, status int, f views.ForgotForm) {
	p, err := a.page(r, "", "Mot de passe oublié", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.ForgotPassword(p, f))
}

func (a *app) passwordForgotPage(w http.ResponseWriter, r *http.Request) {
	a.renderPasswordForgotPage(w, r, http.StatusOK, views.ForgotForm{})
}

// passwordForgotPagePost sends a reset link when the e-mail belongs to an active
// account, and answers exactly the same when it does not.
func (a *app) passwordForgotPagePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	v := garage.NewValidator()
	email := v.Email("email", "L'adresse e-mail", r.PostForm.Get("email"), true)
	if !v.Valid() {
		a.renderPasswordForgotPage(w, r, http.StatusUnprocessableEntity, views.ForgotForm{Email: email, Error: v.First("email")})
		return
	}
	for _, lim := range []struct {
		key   string
		limit int
	}{{"forgot-ip:" + limitIPFrom(ctx), forgotIPLimit}, {"forgot:" + strings.ToLower(email), forgotAccountLimit}} {
		if !a.allow(w, r, lim.key, lim.limit, forgotWindow) {
			return
		}
	}
	// The answer is the same whether the address has an account or not, and
	// it leaves before anything is looked up or written: the account lookup,
	// the token and the mail happen after it, so its timing tells nothing.
	by := a.actor(r)
	a.renderPasswordForgotPageThen(w, r, views.ForgotForm{Sent: true}, func(ctx context.Context) {
		u, err := a.store.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return
		case err == nil && !u.Active:
			return
		case err == nil:
			var link garage.AccountLink
			if link, err = a.newAccountLink(ctx, u, garage.TokenReset); err == nil {
				err = a.store.SendAccountLink(ctx, u.ID, link, a.now(), by)
			}
		}
		if err != nil {
			a.log.Error("password reset link not sent", "request_id", requestID(ctx), "error", err.Error())
		}
	})
}

// renderPasswordForgotPageThen answers like renderPasswordForgotPage (200),
// then runs work (see answerThen).
func (a *app) renderPasswordForgotPageThen(w http.ResponseWriter, r *http.Request, f views.ForgotForm, work func(ctx context.Context)) {
	p, err := a.page(r, "", "Mot de passe oublié", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.answerThen(w, r, http.StatusOK, views.ForgotPassword(p, f), work)
}

// passwordLink handles GET and POST of /reinitialiser/{token} and
// /invitation/{token}.
type passwordLink struct {
	a       *app
	purpose garage.TokenPurpose
}

func (l passwordLink) token(r *http.Request) string {
	t := r.PathValue("token")
	if len(t) > maxAccountTokenLen {
		return ""
	}
	return t
}

// user returns the account of a valid link, or shows the French "expired
// or used" page and returns nil.
func (l passwordLink) user(w http.ResponseWriter, r *http.Request) *garage.User {
	t := l.token(r)
	if t != "" {
		u, err := l.a.store.AccountTokenUser(r.Context(), hashToken(t), l.purpose, l.a.now())
		if err == nil {
			return u
		}
		if !errors.Is(err, store.ErrNotFound) {
			l.a.serverError(w, r, err)
			return nil
		}
	}
	l.invalid(w, r)
	return nil
}

func (l passwordLink) invalid(w http.ResponseWriter, r *http.Request) {
	p, err := l.a.page(r, "", "Lien expiré ou déjà utilisé", "")
	if err != nil {
		l.a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	l.a.render(w, r, http.StatusGone, views.LinkInvalid(p, l.purpose == garage.TokenInvite))
}

func (l passwordLink) renderForm(w http.ResponseWriter, r *http.Request, status int, u *garage.User, msg string) {
	title := "Nouveau mot de passe"
	if l.purpose == garage.TokenInvite {
		title = "Choisir votre mot de passe"
	}
	p, err := l.a.page(r, "", title, "")
	if err != nil {
		l.a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the token is in the URL
	l.a.render(w, r, status, views.SetPassword(p, views.SetPasswordForm{
		Action: r.URL.Path, Invite: l.purpose == garage.TokenInvite, Email: u.Email, Error: msg,
	}))
}

func (l passwordLink) page(w http.ResponseWriter, r *http.Request) {
	if u := l.user(w, r); u != nil {
		l.renderForm(w, r, http.StatusOK, u, "")
	}
}

// pagePost sets the password, uses up the link and logs the person in.
func (l passwordLink) pagePost(w http.ResponseWriter, r *http.Request) {
	a := l.a
	if !a.parseForm(w, r) {
		return
	}
	u := l.user(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	pw := r.PostForm.Get("password")
	if pw != r.PostForm.Get("confirmation") {
		l.renderForm(w, r, http.StatusUnprocessableEntity, u, "Les deux mots de passe saisis sont différents.")
		return
	}
	if err := password.CheckStrength(pw, u.Email); err != nil {
		l.renderForm(w, r, http.StatusUnprocessableEntity, u, err.Error())
		return
	}
	hash, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	u, err = a.store.UseAccountTokenAndSetPassword(ctx, hashToken(l.token(r)), l.purpose, hash, a.now(), a.actor(r))
	if errors.Is(err, store.ErrNotFound) {
		l.invalid(w, r) // used by a concurrent request, or expired meanwhile
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	// The link proves the owner holds the mailbox: failures someone else
	// piled up on the account no longer keep them out (docs/security.md).
	if err := a.guard.Unlock(ctx, strings.ToLower(u.Email)); err != nil {
		a.log.Warn("login unlock failed", "request_id", requestID(ctx), "error", err.Error())
	}
	if !u.Active {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	if old := sessionFrom(ctx); old != nil {
		_ = a.store.DeleteSession(ctx, old.TokenHash, a.now(), garage.Actor{})
	}
	if err := a.sessions.start(ctx, w, u.ID, passwordSavedFlash, garage.Actor{}); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// newAccountLink makes a single-use link for u: a random token, and the
// e-mail carrying it; only the token's hash is stored (store.InviteUser,
// store.SendAccountLink).
func (a *app) newAccountLink(ctx context.Context, u *garage.User, purpose garage.TokenPurpose) (garage.AccountLink, error) {
	token, hash, err := newToken()
	if err != nil {
		return garage.AccountLink{}, err
	}
	m, err := views.RenderMail(ctx, views.AccountLinkMail{User: u, Purpose: purpose, Garage: a.garageName(ctx),
		Link: a.cfg.PublicURL + views.AccountLinkPath(purpose, token), Expires: a.now().Add(purpose.TTL())})
	if err != nil {
		return garage.AccountLink{}, err
	}
	return garage.AccountLink{TokenHash: hash, Purpose: purpose, Mail: m}, nil
}

// garageName is the garage's name for an e-mail: its details', or the
// default one when they are not set or cannot be read (the e-mail goes
// anyway).
func (a *app) garageName(ctx context.Context) string {
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		return garage.DefaultName
	}
	return g.DisplayName()
}
