package web

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const quoteForm = "devis" // purpose of the quote request's signed render time

// quoteRequestPage is the public quote request form.
func (a *app) quoteRequestPage(w http.ResponseWriter, r *http.Request) {
	f := views.QuoteRequestForm{Token: a.formStamp(r, quoteForm)}
	if s := r.URL.Query().Get("prestation"); len(s) <= garage.PriceMaxLabel {
		f.Service = s
	}
	a.renderQuoteRequest(w, r, http.StatusOK, f)
}

func (a *app) renderQuoteRequest(w http.ResponseWriter, r *http.Request, status int, f views.QuoteRequestForm) {
	services, err := a.store.ListServices(r.Context(), true)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f.Services, f.Photos = services, a.photos != nil && a.photoPro != nil
	p, err := a.page(r, "services", "Demander un devis", "Demandez un devis détaillé, à accepter en ligne.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, status, views.QuoteRequestPage(p, f))
}

// quoteRequestPagePost stores the request as a lead of kind "devis" with
// its photos and, in the same transaction, the garage's notification and
// the visitor's acknowledgement; a retried submission is stored once.
func (a *app) quoteRequestPagePost(w http.ResponseWriter, r *http.Request) {
	thanks := views.QuoteThanksPath
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, leadUploadBytes)
		if err := r.ParseMultipartForm(leadMemoryBytes); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.errorPage(w, r, http.StatusRequestEntityTooLarge)
				return
			}
			a.errorPage(w, r, http.StatusBadRequest)
			return
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	if !a.parsePublicForm(w, r, quoteForm, thanks) {
		return
	}
	ctx := r.Context()
	services, err := a.store.ListServices(ctx, true)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	now := a.now()
	f, m, ok := parseQuoteRequest(r.PostForm, services, now.In(hours.Paris()).Year())
	f.Token = r.PostForm.Get("jeton")
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File["photos"]
	}
	if len(files) > garage.LeadMaxPhotos {
		f.Error = "Envoyez au plus " + strconv.Itoa(garage.LeadMaxPhotos) + " photos."
		ok = false
	}
	if !ok {
		a.renderQuoteRequest(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "devis:"+limitIPFrom(ctx), contactLimit, contactWindow) {
		return
	}
	var written []string
	if len(files) > 0 {
		if !a.photosReady(w, r) {
			return
		}
		for i, fh := range files {
			key, res, msg, err := a.storeLeadPhoto(ctx, fh, i+1)
			if err != nil || msg != "" {
				a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
				if err != nil {
					a.serverError(w, r, err)
					return
				}
				f.Error = msg
				a.renderQuoteRequest(w, r, http.StatusUnprocessableEntity, f)
				return
			}
			written = append(written, key)
			m.Details.Photos = append(m.Details.Photos, garage.LeadPhoto{Key: key, Width: res.Width, Height: res.Height})
		}
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
		a.serverError(w, r, err)
		return
	}
	mails := func(m *garage.Message) ([]*garage.OutboxMail, error) {
		var out []*garage.OutboxMail
		if g.Email != "" {
			n, err := views.RenderMail(ctx, views.QuoteRequestNotification{Garage: g, Message: m, SiteURL: a.cfg.PublicURL})
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		ack, err := views.RenderMail(ctx, views.QuoteRequestAck{Garage: g, Message: m})
		if err != nil {
			return nil, err
		}
		return append(out, ack), nil
	}
	key := submissionKey(r, quoteForm, postedFields(r)...)
	if err := a.store.CreateLeadOnce(ctx, key, m, mails, now); err != nil {
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
		if errors.Is(err, store.ErrAlreadySubmitted) {
			a.log.Info("quote request already stored", "request_id", requestID(ctx))
			http.Redirect(w, r, thanks, http.StatusSeeOther)
			return
		}
		a.serverError(w, r, err)
		return
	}
	a.log.Info("quote request stored", "request_id", requestID(ctx), "message_id", m.ID)
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

// parseQuoteRequest validates a quote request; year is the current year.
func parseQuoteRequest(form url.Values, services []*garage.Service, year int) (f views.QuoteRequestForm, m *garage.Message, ok bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f = views.QuoteRequestForm{Service: get("prestation"),
		Nom: get("nom"), Prenom: get("prenom"), Email: get("email"), Telephone: get("telephone"),
		Message: strings.ReplaceAll(get("message"), "\r\n", "\n"),
		Immat:   get("immatriculation"), Marque: get("marque"), Modele: get("modele"), Annee: get("annee"), Km: get("kilometrage"),
		Consent: form.Get("consentement") == "1",
	}
	v := garage.NewValidator()
	m = &garage.Message{
		Kind:      garage.LeadQuote,
		LastName:  v.Line("nom", "Le nom", f.Nom, true, garage.MessageMaxName),
		FirstName: v.Line("prenom", "Le prénom", f.Prenom, true, garage.MessageMaxName),
		Email:     v.Email("email", "L'adresse e-mail", f.Email, true),
		Phone:     v.Phone("telephone", "Le numéro de téléphone", f.Telephone, true),
		Body:      v.Text("message", "La description", f.Message, true, 10, garage.MessageMaxBody),
	}
	service := ""
	switch {
	case f.Service == "":
		v.Fail("prestation", "Choisissez une prestation, ou « Autre ».")
	case f.Service == "autre":
		service = "Autre"
	default:
		for _, s := range services {
			if s.Title == f.Service {
				service = s.Title
			}
		}
		v.Choose("prestation", service != "")
	}
	m.Subject = "Demande de devis — " + service
	d := &m.Details
	d.Plate = v.Plate("immatriculation", "L'immatriculation", f.Immat, true)
	d.Make = v.Line("marque", "La marque", f.Marque, true, garage.LeadMaxMake)
	d.Model = v.Line("modele", "Le modèle", f.Modele, true, garage.LeadMaxMake)
	if f.Annee == "" {
		v.Fail("annee", "L'année est obligatoire.")
	} else if y, ok := v.Int("annee", "L'année", f.Annee, garage.LeadMinYear, year, ""); ok {
		d.Year = y
	}
	if f.Km == "" {
		v.Fail("kilometrage", "Le kilométrage est obligatoire.")
	} else if km, ok := v.Int("kilometrage", "Le kilométrage", f.Km, 0, garage.LeadMaxMileage, "km"); ok {
		d.Mileage = km
	}
	v.Check(f.Consent, "consentement", "Cochez la case pour accepter l'utilisation de vos coordonnées.")
	if f.Errors = v.Errors; !v.Valid() {
		return f, nil, false
	}
	return f, m, true
}

func (a *app) quoteRequestThanks(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "services", "Demande de devis envoyée", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.QuoteRequestThanks(p))
}

// quoteByLink reads the quote of the path's {token}; a wrong token gets a
// French 404.
func (a *app) quoteByLink(w http.ResponseWriter, r *http.Request) (*garage.Quote, string, bool) {
	token := r.PathValue("token")
	if len(token) < 20 || len(token) > 100 {
		a.errorPage(w, r, http.StatusNotFound)
		return nil, "", false
	}
	q, err := a.store.QuoteByToken(r.Context(), hashToken(token))
	if err != nil {
		a.storeError(w, r, err)
		return nil, "", false
	}
	return q, token, true
}

// quoteLinkPage is the customer's page of a sent quote.
func (a *app) quoteLinkPage(w http.ResponseWriter, r *http.Request) {
	q, token, ok := a.quoteByLink(w, r)
	if !ok {
		return
	}
	a.renderQuoteLink(w, r, http.StatusOK, views.QuoteCustomer{Quote: q, Token: token})
}

func (a *app) renderQuoteLink(w http.ResponseWriter, r *http.Request, status int, d views.QuoteCustomer) {
	g, err := a.store.GarageDetails(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d.Garage, d.State = g, d.Quote.State(a.now())
	p, err := a.page(r, "", "Devis "+d.Quote.Number, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.QuoteCustomerPage(p, d))
}

// quoteAcceptPost records the customer's acceptance: typed name and "bon
// pour accord", with the time, address, browser and content hash.
func (a *app) quoteAcceptPost(w http.ResponseWriter, r *http.Request) { a.quoteAnswer(w, r, true) }

// quoteRefusePost records the customer's refusal, with an optional reason.
func (a *app) quoteRefusePost(w http.ResponseWriter, r *http.Request) { a.quoteAnswer(w, r, false) }

func (a *app) quoteAnswer(w http.ResponseWriter, r *http.Request, accept bool) {
	if !a.parseForm(w, r) {
		return
	}
	q, token, ok := a.quoteByLink(w, r)
	if !ok {
		return
	}
	d := views.QuoteCustomer{Quote: q, Token: token, Name: strings.TrimSpace(r.PostForm.Get("nom")),
		Reason: strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("motif"), "\r\n", "\n"))}
	v := garage.NewValidator()
	ans := garage.QuoteAnswer{Accept: accept, IP: clientIPFrom(r.Context()), Agent: r.UserAgent()}
	if len(ans.Agent) > 300 {
		ans.Agent = ans.Agent[:300]
	}
	if accept {
		ans.Name = v.Line("nom", "Votre nom", d.Name, true, garage.QuoteMaxName)
		v.Check(r.PostForm.Get("bon_pour_accord") == "1", "bon_pour_accord", "Cochez « bon pour accord » pour accepter le devis.")
	} else {
		ans.Reason = v.Text("motif", "Le motif", d.Reason, false, 0, garage.QuoteMaxReason)
	}
	if st := q.State(a.now()); st != garage.QuoteSent {
		a.renderQuoteLink(w, r, http.StatusConflict, d)
		return
	}
	if !v.Valid() {
		d.Errors = v.Errors
		a.renderQuoteLink(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	ctx := r.Context()
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	mail := func(q *garage.Quote) (*garage.OutboxMail, error) {
		if g.Email == "" {
			return nil, nil
		}
		return views.RenderMail(ctx, views.QuoteAnswerMail{Garage: g, Quote: q, SiteURL: a.cfg.PublicURL})
	}
	answered, err := a.store.AnswerQuote(ctx, hashToken(token), ans, mail, a.now())
	switch {
	case errors.Is(err, garage.ErrQuoteAnswered), errors.Is(err, garage.ErrQuoteExpired):
		fresh, rerr := a.store.QuoteByToken(ctx, hashToken(token))
		if rerr != nil {
			a.storeError(w, r, rerr)
			return
		}
		a.renderQuoteLink(w, r, http.StatusConflict, views.QuoteCustomer{Quote: fresh, Token: token})
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.log.Info("quote answered", "request_id", requestID(ctx), "quote_id", answered.ID, "status", string(answered.Status))
	http.Redirect(w, r, views.QuoteLinkPath(token), http.StatusSeeOther)
}

// quoteLinkPDF is the PDF of the quote of a customer's link.
func (a *app) quoteLinkPDF(w http.ResponseWriter, r *http.Request) {
	q, _, ok := a.quoteByLink(w, r)
	if !ok {
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.sendQuotePDF(w, r, q)
}
