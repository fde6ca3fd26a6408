package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const loginFailedMessage = "Adresse e-mail ou mot de passe incorrect."

// loginPage shows the single login form. A logged-in user goes straight to
// the back office.
func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	if currentUser(r.Context()) != nil {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	a.renderLoginPage(w, r, http.StatusOK, views.LoginForm{Next: safeNext(r.URL.Query().Get("next"))})
}

func (a *app) renderLoginPage(w http.ResponseWriter, r *http.Request, status int, f views.LoginForm) {
	p, err := a.page(r, "", "Connexion", "Connexion à l'espace du personnel du garage.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.Login(p, f))
}

// loginPagePost checks the credentials. Unknown e-mail and wrong password get
// the same answer after the same amount of work; attempts are throttled per
// IP and per account (the lower-cased e-mail), and counted in the database
// before the password is hashed, so parallel guesses get no more tries.
func (a *app) loginPagePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	form := views.LoginForm{Email: email, Next: safeNext(r.PostForm.Get("next"))}
	if email == "" || pw == "" || len(email) > 254 || len(pw) > 1024 || !utf8.ValidString(email) {
		form.Error = "Saisissez votre adresse e-mail et votre mot de passe."
		if len(email) > 254 || !utf8.ValidString(email) {
			form.Email = ""
		}
		a.renderLoginPage(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	ip := limitIPFrom(ctx) // an IPv6 address counts by its /64
	account := strings.ToLower(email)
	wait, err := a.guard.Reserve(ctx, ip, account)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if wait > 0 {
		a.audit(r, "login.throttled", "", map[string]string{"email": email})
		a.countLogin("throttled")
		a.log.Warn("auth throttled", "client_ip", clientIPFrom(ctx), "request_id", requestID(ctx))
		a.loginThrottled(w, r, wait)
		return
	}

	user, err := a.store.UserByEmail(ctx, email)
	ok := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.hasher.DummyVerify(ctx, pw)
	case err != nil:
		a.serverError(w, r, err)
		return
	case !user.Active || user.PasswordHash == "":
		a.hasher.DummyVerify(ctx, pw)
	default:
		ok, err = a.hasher.Verify(ctx, pw, user.PasswordHash)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	if !ok {
		target := ""
		if user != nil {
			target = garage.Target("user", user.ID)
		}
		a.audit(r, "login.failure", target, map[string]string{"email": email})
		a.countLogin("failure")
		// A stable line for fail2ban and the like; the e-mail typed stays
		// in the audit log, out of the general logs.
		a.log.Warn("auth failure", "client_ip", clientIPFrom(ctx), "request_id", requestID(ctx))
		form.Error = loginFailedMessage
		a.renderLoginPage(w, r, http.StatusUnprocessableEntity, form)
		return
	}

	if err := a.guard.Success(ctx, ip, account); err != nil {
		a.serverError(w, r, err)
		return
	}
	if a.hasher.NeedsRehash(user.PasswordHash) {
		if h, err := a.hasher.Hash(ctx, pw); err == nil {
			_ = a.store.SetPasswordHash(ctx, user.ID, h, a.now())
		}
	}
	// A new token at every login: a session fixed before login is worthless.
	if old := sessionFrom(ctx); old != nil {
		_ = a.store.DeleteSession(ctx, old.TokenHash, a.now(), garage.Actor{})
	}
	// The audit row "login.success" is written with the session.
	if err := a.sessions.start(ctx, w, user.ID, "", garage.ActorOf(user, clientIPFrom(ctx))); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.countLogin("success")
	next := form.Next
	if next == "" {
		next = "/admin"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logoutPost ends the session and clears the cookie.
func (a *app) logoutPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if s := sessionFrom(ctx); s != nil {
		if err := a.store.DeleteSession(ctx, s.TokenHash, a.now(), a.actor(r)); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	a.sessions.clearCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// safeNext keeps a post-login destination only when it is a back-office
// path of this site (no open redirect).
func safeNext(next string) string {
	if next == "" || len(next) > 512 || !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || !isAdminPath(u.Path) {
		return ""
	}
	return next
}

func safeNextParam(requestURI string) string {
	return url.QueryEscape(safeNext(requestURI))
}

func (a *app) countLogin(result string) {
	if a.metrics != nil {
		a.metrics.LoginAttempt(result)
	}
}

// loginThrottledMessage tells the owner of an account someone else keeps
// locked how to get in at once (see docs/security.md).
const loginThrottledMessage = "Trop de tentatives de connexion pour ce compte ou depuis cette adresse : patientez quelques minutes. " +
	"Si ce n'est pas vous, demandez un lien « Mot de passe oublié ? » : choisir un nouveau mot de passe par ce lien vous connecte aussitôt et débloque le compte."

// loginThrottled answers 429 with Retry-After and the way out for the owner.
func (a *app) loginThrottled(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", itoa(max(int(wait.Seconds()+0.999), 1)))
	title := errorTexts[http.StatusTooManyRequests][0]
	p, err := a.page(r, "", title, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, http.StatusTooManyRequests, views.ErrorPage(p, http.StatusTooManyRequests, title, loginThrottledMessage))
}
