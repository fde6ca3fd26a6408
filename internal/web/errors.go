package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// errorTexts holds the French title and message of each error status.
var errorTexts = map[int][2]string{
	http.StatusBadRequest:            {"Requête invalide", "La demande envoyée n'a pas pu être comprise. Vérifiez le formulaire et réessayez."},
	http.StatusUnauthorized:          {"Connexion requise", "Cette page est réservée à l'équipe du garage. Connectez-vous pour continuer."},
	http.StatusForbidden:             {"Accès refusé", "Vous n'avez pas l'autorisation d'effectuer cette action. Si vous venez d'un autre site, revenez sur notre site et réessayez."},
	http.StatusNotFound:              {"Page introuvable", "La page demandée n'existe pas ou n'existe plus."},
	http.StatusMethodNotAllowed:      {"Méthode non autorisée", "Cette adresse ne peut pas être utilisée de cette façon."},
	http.StatusRequestEntityTooLarge: {"Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."},
	http.StatusUnprocessableEntity:   {"Formulaire incomplet", "Certaines informations du formulaire sont invalides."},
	http.StatusTooManyRequests:       {"Trop de tentatives", "Vous avez fait trop de demandes en peu de temps. Patientez quelques minutes avant de réessayer."},
	http.StatusInternalServerError:   {"Erreur du serveur", "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant."},
	http.StatusServiceUnavailable:    {"Service momentanément indisponible", "Le site est en maintenance ou momentanément indisponible. Réessayez dans quelques minutes ; vous pouvez aussi nous appeler."},
}

// errorPage answers with the French page of status. It never fails: when
// the database cannot give the layout's data, the page is shown without it.
func (a *app) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	texts, ok := errorTexts[status]
	if !ok {
		texts = errorTexts[http.StatusInternalServerError]
	}
	a.errorPageText(w, r, status, texts[0], texts[1])
}

// errorPageText answers with an error page of status that says what went
// wrong in the case at hand (title and text in French).
func (a *app) errorPageText(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	p, err := a.page(r, "", title, "")
	if err != nil {
		p = &views.Page{Title: title, Asset: a.assets.Path, RequestID: requestID(r.Context())}
	}
	p.NoIndex = true
	p.Canonical = ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.ErrorPage(p, status, title, text))
}

// serverError logs err with the request ID and answers with a 500 page that
// says nothing internal.
func (a *app) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled) {
		// The visitor left (closed the tab, lost the network) and the query was stopped for them: nothing
		// went wrong on our side and nobody reads the answer. Logged as nginx does, not as a server error.
		a.log.Info("client went away", "request_id", requestID(r.Context()))
		w.WriteHeader(statusClientClosedRequest)
		return
	}
	status := http.StatusInternalServerError
	texts := errorTexts[status]
	if store.IsNoSpace(err) {
		// A disk is full: the write was rolled back, what was stored before
		// is intact, reads go on. Say so, count it, and name what is full.
		status, texts = http.StatusServiceUnavailable, noSpaceTexts
		w.Header().Set("Retry-After", noSpaceRetryAfter)
		what, where := a.fullStorage(err)
		a.log.Error("storage full: writes refused until space is made", "storage", what, "where", where,
			"request_id", requestID(r.Context()), "error", err.Error())
		if a.metrics != nil {
			a.metrics.StorageFull(what)
		}
	} else if store.IsUnavailable(err) {
		// The database is down or overloaded: say so, and when to retry;
		// the pool reconnects by itself when it is back.
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "10")
		texts = errorTexts[status]
		a.log.Warn("database unavailable", "request_id", requestID(r.Context()), "error", err.Error())
	} else {
		a.log.Error("internal error", "request_id", requestID(r.Context()), "error", err.Error())
	}
	p := &views.Page{Title: texts[0], Asset: a.assets.Path, RequestID: requestID(r.Context()), NoIndex: true}
	w.Header().Set("Cache-Control", "no-store")
	var buf []byte
	if c := views.ErrorPage(p, status, texts[0], texts[1]); c != nil {
		rec := &byteSink{}
		// A fresh context: the request's may be the one that timed out.
		if c.Render(context.WithoutCancel(r.Context()), rec) == nil {
			buf = rec.b
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if buf == nil {
		buf = []byte("<!DOCTYPE html><html lang=\"fr\"><title>Erreur du serveur</title><p>Erreur du serveur.</p></html>")
	}
	_, _ = w.Write(buf)
}

// The answer to a write refused for lack of space (see serverError).
var noSpaceTexts = [2]string{"Enregistrement impossible pour le moment",
	"Le site ne peut pas enregistrer pour le moment, rien n'a été perdu, réessayez dans quelques minutes. " +
		"Vous pouvez aussi nous appeler."}

const noSpaceRetryAfter = "300"

// fullStorage names what is full: the metric's label ("database" when the
// store says so, "disk" for any other write) and, for the log, where.
func (a *app) fullStorage(err error) (what, where string) {
	if !errors.Is(err, store.ErrNoSpace) {
		return "disk", "a local disk: the photo directory (PHOTO_DIR) or the temporary directory"
	}
	if a.store.Engine() == store.SQLite {
		return "database", "the SQLite database file " + a.store.Path() + " (its disk, or its size limit)"
	}
	return "database", "the PostgreSQL server's disk (disk_full)"
}

// statusClientClosedRequest is nginx's 499: the client closed the connection before the answer. It keeps
// these requests out of the 5xx counts that alerts watch.
const statusClientClosedRequest = 499

type byteSink struct{ b []byte }

func (s *byteSink) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

// allow counts one event for key in the shared rate limits; past limit
// events per window it answers the French 429 page (or a 500 when the
// counters cannot be read) and reports false.
func (a *app) allow(w http.ResponseWriter, r *http.Request, key string, limit int, window time.Duration) bool {
	ok, retry, err := a.limiter.Allow(r.Context(), key, limit, window)
	if err != nil {
		a.serverError(w, r, err)
		return false
	}
	if !ok {
		a.tooManyRequests(w, r, int(retry.Seconds()+0.999))
		return false
	}
	return true
}

// tooManyRequests answers 429 with Retry-After.
func (a *app) tooManyRequests(w http.ResponseWriter, r *http.Request, retryAfterSeconds int) {
	if retryAfterSeconds < 1 {
		retryAfterSeconds = 1
	}
	w.Header().Set("Retry-After", itoa(retryAfterSeconds))
	a.errorPage(w, r, http.StatusTooManyRequests)
}
