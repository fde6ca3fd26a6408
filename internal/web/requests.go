package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/spam"
	"github.com/vparrot/garage/internal/store"
)

// comingExceptionDays is how far ahead the footer and the contact page
// announce closures and special hours.
const comingExceptionDays = 60

// flashRedirect stores a one-time message for the next page and redirects
// there with 303 (post/redirect/get).
func (a *app) flashRedirect(w http.ResponseWriter, r *http.Request, msg, to string) {
	if msg != "" {
		a.flash(r, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pathID reads the route's path value name ("id", "photo") as a positive
// integer; otherwise it answers 404 and reports false.
func (a *app) pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		a.errorPage(w, r, http.StatusNotFound)
		return 0, false
	}
	return id, true
}

// byPathID reads the row named by the route's {id} with read (a store
// method such as CarByID); it answers 404 for a malformed or unknown ID
// and reports false.
func byPathID[T any](a *app, w http.ResponseWriter, r *http.Request, read func(context.Context, int64) (T, error)) (T, bool) {
	var zero T
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return zero, false
	}
	v, err := read(r.Context(), id)
	if err != nil {
		a.storeError(w, r, err)
		return zero, false
	}
	return v, true
}

// maxPage bounds the page number of a paginated list.
const maxPage = 100000

// pageParam reads a list's ?page= (1 when absent); a malformed or
// out-of-range number answers 400 and reports false.
func (a *app) pageParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		a.errorPage(w, r, http.StatusBadRequest)
		return 0, false
	}
	return n, true
}

// storeError maps ErrNotFound to a 404 page and anything else to a 500.
func (a *app) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	a.serverError(w, r, err)
}

// actor is who acts in request r: the logged-in staff member, if any, and
// the client's address. The store writes it in the audit row of every
// change it makes.
func (a *app) actor(r *http.Request) garage.Actor {
	return garage.ActorOf(currentUser(r.Context()), clientIPFrom(r.Context()))
}

// audit writes an audit row for what changes nothing else (a refused
// login, an export); a failure is logged, never shown to the user, since
// the action itself already happened. A change is audited by the store
// method that makes it, in the same transaction.
func (a *app) audit(r *http.Request, action, target string, details map[string]string) {
	by := a.actor(r)
	e := &garage.AuditEntry{At: a.now(), ActorID: by.UserID, ActorEmail: by.Email, Action: action, Target: target, IP: by.IP}
	if len(details) > 0 {
		b, _ := json.Marshal(details)
		e.Details = string(b)
	}
	if err := a.store.AddAudit(r.Context(), e); err != nil {
		a.log.Error("audit", "request_id", requestID(r.Context()), "action", action, "error", err.Error())
	}
}

// parseForm reads a urlencoded form body of at most maxFormBytes. It
// reports false after writing a 413 or 400 page.
func (a *app) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.errorPage(w, r, http.StatusRequestEntityTooLarge)
			return false
		}
		a.errorPage(w, r, http.StatusBadRequest)
		return false
	}
	return true
}

// parsePublicForm reads a visitor's form (parseForm) and checks its signed
// render time and honeypot for purpose: a bot is sent to the thanks page as
// a person would be, and nothing is kept. It reports whether to go on.
func (a *app) parsePublicForm(w http.ResponseWriter, r *http.Request, purpose, thanks string) bool {
	if !a.parseForm(w, r) {
		return false
	}
	if v := a.forms.Check(purpose, r.PostForm.Get("jeton"), r.PostForm.Get("site_web"), a.now()); v != spam.OK {
		a.log.Info(purpose+" form dropped", "request_id", requestID(r.Context()), "reason", v.String())
		http.Redirect(w, r, thanks, http.StatusSeeOther)
		return false
	}
	return true
}

// submissionKey is the idempotency key of a visitor's form that
// parsePublicForm accepted: its purpose, its signed stamp and the normalised
// fields (garage.SubmissionKey). Pass it to the store method that saves the
// submission (CreateMessageOnce…); on store.ErrAlreadySubmitted, answer as
// for the first one.
func submissionKey(r *http.Request, purpose string, fields ...string) string {
	return garage.SubmissionKey(purpose, r.PostForm.Get("jeton"), fields...)
}

// postedFields lists every posted field as "name=value", sorted, for a
// form whose whole content identifies a submission (submissionKey).
func postedFields(r *http.Request) []string {
	var out []string
	for name, values := range r.PostForm {
		for _, v := range values {
			out = append(out, name+"="+strings.TrimSpace(v))
		}
	}
	slices.Sort(out)
	return out
}
