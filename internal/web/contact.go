package web

import (
	"net/http"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/spam"
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
	p, err := a.page(r, "contact", "Contact", "Téléphone, adresse, e-mail, horaires et formulaire de contact du Garage V. Parrot à Toulouse.")
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

// contactPost stores a visitor's message, then (same transaction) the
// e-mail that tells the garage. Bots get the same answer as people but
// nothing is kept; messages full of links are kept, marked as spam.
func (a *app) contactPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	if v := a.forms.Check(contactForm, form.Get("jeton"), form.Get("site_web"), a.now()); v != spam.OK {
		a.log.Info("contact form dropped", "request_id", requestID(ctx), "reason", v.String())
		http.Redirect(w, r, "/contact/merci", http.StatusSeeOther)
		return
	}
	f, msg, ok := parseContactForm(form)
	if !ok {
		f.Token = form.Get("jeton") // the render time stays the first one
		a.renderContact(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "contact:"+clientIPFrom(ctx), contactLimit, contactWindow) {
		return
	}
	if spam.ProbableSpam(msg.Subject, msg.Body) {
		msg.Status = garage.MessageSpam
	}
	var notify func(*garage.Message) *garage.OutboxMail
	if msg.Status != garage.MessageSpam {
		g, err := a.store.GarageDetails(ctx)
		if err == nil && g.Email != "" {
			notify = func(m *garage.Message) *garage.OutboxMail { return a.contactNotification(g, m) }
		}
	}
	if err := a.store.CreateMessage(ctx, msg, notify, a.now()); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.log.Info("contact message stored", "request_id", requestID(ctx), "message_id", msg.ID, "status", msg.Status)
	http.Redirect(w, r, "/contact/merci", http.StatusSeeOther)
}

// parseContactForm validates the form; f holds the input and the French
// error of each bad field.
func parseContactForm(form map[string][]string) (f views.ContactFormData, msg *garage.Message, ok bool) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f = views.ContactFormData{
		Nom: get("nom"), Prenom: get("prenom"), Email: get("email"), Telephone: get("telephone"),
		Sujet: get("sujet"), Message: strings.ReplaceAll(get("message"), "\r\n", "\n"),
		Errors: map[string]string{},
	}
	if v := get("voiture"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil && id > 0 {
			f.CarID = id
		}
	}
	checkLine(f.Errors, "nom", f.Nom, "Le nom", garage.MessageMaxName, true)
	checkLine(f.Errors, "prenom", f.Prenom, "Le prénom", garage.MessageMaxName, true)
	checkLine(f.Errors, "sujet", f.Sujet, "Le sujet", garage.MessageMaxSubject, false)
	switch {
	case f.Email == "":
		f.Errors["email"] = "L'adresse e-mail est obligatoire."
	case !validEmail(f.Email):
		f.Errors["email"] = "L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."
	}
	switch {
	case f.Telephone == "":
		f.Errors["telephone"] = "Le numéro de téléphone est obligatoire."
	case !validPhone(f.Telephone):
		f.Errors["telephone"] = "Le numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)."
	}
	checkText(f.Errors, "message", f.Message, "Le message", garage.MessageMinBody, garage.MessageMaxBody)
	if len(f.Errors) > 0 {
		return f, nil, false
	}
	subject := f.Sujet
	if subject == "" {
		subject = "Demande de contact"
	}
	msg = &garage.Message{LastName: f.Nom, FirstName: f.Prenom, Email: f.Email, Phone: f.Telephone, Subject: subject, Body: f.Message}
	if f.CarID > 0 {
		id := f.CarID
		msg.CarID = &id
	}
	return f, msg, true
}

// checkLine records the French error of a one-line field, if any.
func checkLine(errs map[string]string, field, value, label string, maxLen int, required bool) {
	switch n := utf8.RuneCountInString(value); {
	case !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl):
		errs[field] = label + " contient des caractères non autorisés."
	case n == 0 && required:
		errs[field] = label + " est obligatoire."
	case n > maxLen:
		errs[field] = label + " est trop long : " + strconv.Itoa(maxLen) + " caractères au maximum."
	}
}

// checkText records the French error of a multi-line field, if any.
func checkText(errs map[string]string, field, value, label string, minLen, maxLen int) {
	switch n := utf8.RuneCountInString(value); {
	case !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		errs[field] = label + " contient des caractères non autorisés."
	case n == 0:
		errs[field] = label + " est obligatoire."
	case n < minLen:
		errs[field] = label + " est trop court : " + strconv.Itoa(minLen) + " caractères au minimum."
	case n > maxLen:
		errs[field] = label + " est trop long : " + strconv.Itoa(maxLen) + " caractères au maximum."
	}
}

// validEmail accepts one bare address with a dotted domain, as net/mail
// parses it.
func validEmail(s string) bool {
	if len(s) > garage.MaxEmail || strings.ContainsAny(s, " <>,;\"\\") {
		return false
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

var (
	phoneFR   = regexp.MustCompile(`^(?:0|\+33|0033)[1-9][0-9]{8}$`)
	phoneIntl = regexp.MustCompile(`^(?:\+|00)[1-9][0-9]{6,14}$`)
)

// validPhone accepts a French number (06 12 34 56 78, +33 6 12 34 56 78)
// or an international one (+44 20 7946 0958), with spaces, dots, dashes or
// parentheses between the digits.
func validPhone(s string) bool {
	if len(s) > garage.MessageMaxPhone {
		return false
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "+33") || strings.HasPrefix(n, "0033") || strings.HasPrefix(n, "0") && !strings.HasPrefix(n, "00") {
		return phoneFR.MatchString(n)
	}
	return phoneIntl.MatchString(n)
}
