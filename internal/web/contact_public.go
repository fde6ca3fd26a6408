package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/spam"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// Contact form rate limit per client IP, shared by every instance.
const (
	contactLimit  = 5
	contactWindow = 10 * time.Minute
	contactForm   = "contact" // purpose of the signed render time
)

// contactFormFor returns the data of an empty contact form rendered now:
// the contact page uses it, and so does a car page, with the car's id and
// title as subject ("Annonce n° 123 — Peugeot 208 …").
func (a *app) contactFormFor(r *http.Request, carID int64, subject string) views.ContactFormData {
	return views.ContactFormData{CarID: carID, Sujet: subject, Token: a.formStamp(r, contactForm)}
}

func (a *app) contactPage(w http.ResponseWriter, r *http.Request) {
	a.renderContact(w, r, http.StatusOK, a.contactFormFor(r, 0, ""))
}

func (a *app) renderContact(w http.ResponseWriter, r *http.Request, status int, f views.ContactFormData) {
	p, err := a.page(r, "contact", "Contact", "Téléphone, adresse, e-mail, horaires et formulaire de contact du "+garage.DefaultName+" à Toulouse.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.JSONLD = a.autoRepairJSONLD(p)
	a.render(w, r, status, views.ContactPage(p, f))
}

func (a *app) contactThanks(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "contact", "Message envoyé", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.ContactThanks(p))
}

// contactPagePost stores a visitor's message, then (same transaction) the
// e-mail that tells the garage. Bots get the same answer as people but
// nothing is kept; messages full of links are kept, marked as spam.
func (a *app) contactPagePost(w http.ResponseWriter, r *http.Request) {
	if !a.parsePublicForm(w, r, contactForm, "/contact/merci") {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	f, msg, ok := parseContactForm(form)
	if !ok {
		f.Token = form.Get("jeton") // the render time stays the first one
		a.renderContact(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "contact:"+limitIPFrom(ctx), contactLimit, contactWindow) {
		return
	}
	if spam.ProbableSpam(msg.Subject, msg.Body) {
		msg.Status = garage.MessageSpam
	}
	var notify func(*garage.Message) (*garage.OutboxMail, error)
	if msg.Status != garage.MessageSpam {
		g, err := a.store.GarageDetails(ctx)
		if err == nil && g.Email != "" {
			notify = func(m *garage.Message) (*garage.OutboxMail, error) {
				return views.RenderMail(ctx, views.ContactNotification{Garage: g, Message: m, SiteURL: a.cfg.PublicURL})
			}
		}
	}
	carID := ""
	if msg.CarID != nil {
		carID = strconv.FormatInt(*msg.CarID, 10)
	}
	key := submissionKey(r, contactForm, msg.LastName, msg.FirstName, strings.ToLower(msg.Email), msg.Phone, msg.Subject,
		msg.Body, carID)
	if err := a.store.CreateMessageOnce(ctx, key, msg, notify, a.now()); errors.Is(err, store.ErrAlreadySubmitted) {
		a.log.Info("contact message already stored", "request_id", requestID(ctx))
		http.Redirect(w, r, "/contact/merci", http.StatusSeeOther)
		return
	} else if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("contact message stored", "request_id", requestID(ctx), "message_id", msg.ID, "status", msg.Status)
	http.Redirect(w, r, "/contact/merci", http.StatusSeeOther)
}

// parseContactForm validates the form; f holds the input and the French
// error of each bad field.
func parseContactForm(form url.Values) (f views.ContactFormData, msg *garage.Message, ok bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f = views.ContactFormData{
		Nom: get("nom"), Prenom: get("prenom"), Email: get("email"), Telephone: get("telephone"),
		Sujet: get("sujet"), Message: strings.ReplaceAll(get("message"), "\r\n", "\n"),
	}
	if id, err := strconv.ParseInt(get("voiture"), 10, 64); err == nil && id > 0 {
		f.CarID = id
	}
	v := garage.NewValidator()
	msg = &garage.Message{
		LastName:  v.Line("nom", "Le nom", f.Nom, true, garage.MessageMaxName),
		FirstName: v.Line("prenom", "Le prénom", f.Prenom, true, garage.MessageMaxName),
		Email:     v.Email("email", "L'adresse e-mail", f.Email, true),
		Phone:     v.Phone("telephone", "Le numéro de téléphone", f.Telephone, true),
		Subject:   v.Line("sujet", "Le sujet", f.Sujet, false, garage.MessageMaxSubject),
		Body:      v.Text("message", "Le message", f.Message, true, garage.MessageMinBody, garage.MessageMaxBody),
	}
	if f.Errors = v.Errors; !v.Valid() {
		return f, nil, false
	}
	if msg.Subject == "" {
		msg.Subject = garage.DefaultSubject
	}
	if f.CarID > 0 {
		id := f.CarID
		msg.CarID = &id
	}
	return f, msg, true
}
