package web

import (
	"errors"
	"net/http"
	"strconv"

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

// pathID reads the {id} of the route as a positive integer; otherwise it
// answers 404 and reports false.
func (a *app) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.errorPage(w, r, http.StatusNotFound)
		return 0, false
	}
	return id, true
}

// storeError maps ErrNotFound to a 404 page and anything else to a 500.
func (a *app) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	a.serverError(w, r, err)
}
