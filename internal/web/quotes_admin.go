package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// quoteFormLines is how many empty lines the quote form offers.
const quoteFormLines = 3

// quoteList lists the quote requests waiting for a quote and the quotes by
// status (?statut=).
func (a *app) quoteList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := views.QuoteList{Status: garage.QuoteStatus(r.URL.Query().Get("statut")), Now: a.now()}
	if d.Status != "" && !d.Status.Valid() {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	var err error
	if d.Requests, err = a.quoteRequestsToPrice(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Quotes, err = a.store.ListQuotes(ctx, d.Status, a.now(), 200); err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "devis", "Devis", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, http.StatusOK, views.AdminQuoteList(p, d))
}

// quoteRequestsToPrice is the open quote requests (at most 100) that no
// quote answers yet: the staff's « à chiffrer » list.
func (a *app) quoteRequestsToPrice(ctx context.Context) ([]*garage.Message, error) {
	reqs, err := a.store.ListLeads(ctx, store.LeadFilter{Kind: garage.LeadQuote, Status: garage.MessagesOpen}, a.now(), 100, 0)
	if err != nil {
		return nil, err
	}
	var todo []*garage.Message
	for _, m := range reqs {
		qs, err := a.store.QuotesOfMessage(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		if len(qs) == 0 {
			todo = append(todo, m)
		}
	}
	return todo, nil
}

// quoteNew is the form of a new quote, filled from a request (?demande=).
func (a *app) quoteNew(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f := &views.QuoteForm{Board: b, ValidUntil: garage.DateOnlyParis(a.now()).AddDate(0, 0, b.Policy.ValidityDays).Format(time.DateOnly)}
	if s := r.URL.Query().Get("demande"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			a.errorPage(w, r, http.StatusNotFound)
			return
		}
		m, err := a.store.MessageByID(ctx, id)
		if err != nil {
			a.storeError(w, r, err)
			return
		}
		f.MessageID, f.Name, f.Email, f.Phone = m.ID, m.FullName(), m.Email, m.Phone
		f.Plate, f.Vehicle = m.Details.Plate, strings.TrimSpace(m.Details.Make+" "+m.Details.Model)
	}
	for range quoteFormLines {
		f.Lines = append(f.Lines, views.QuoteLineForm{Kind: string(garage.LineLabour)})
	}
	a.renderQuoteNew(w, r, http.StatusOK, f)
}

func (a *app) renderQuoteNew(w http.ResponseWriter, r *http.Request, status int, f *views.QuoteForm) {
	p, err := a.page(r, "devis", "Nouveau devis", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminQuoteNew(p, f))
}

// parseQuoteForm validates the quote form against the board b in force: a
// labour line must use one of its rates, a forfait one of its forfaits
// (their prices are the board's, whatever the form says); totals are left
// to the store, which always recomputes them.
func parseQuoteForm(r *http.Request, b *garage.PriceBoard, now time.Time) (*views.QuoteForm, *garage.Quote, bool) {
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := &views.QuoteForm{Board: b, Name: get("nom"), Email: get("email"), Phone: get("telephone"),
		Plate: get("immatriculation"), Vehicle: get("vehicule"), Notes: strings.ReplaceAll(get("notes"), "\r\n", "\n"),
		ValidUntil: get("validite"), LineErrors: map[int]string{}}
	f.MessageID, _ = strconv.ParseInt(get("demande"), 10, 64)
	v := garage.NewValidator()
	q := &garage.Quote{VAT: b.Policy.VATBasisPoints,
		Name:    v.Line("nom", "Le nom du client", f.Name, true, garage.QuoteMaxName),
		Email:   v.Email("email", "L'adresse e-mail", f.Email, true),
		Phone:   v.Phone("telephone", "Le téléphone", f.Phone, false),
		Plate:   v.Plate("immatriculation", "L'immatriculation", f.Plate, false),
		Vehicle: v.Line("vehicule", "Le véhicule", f.Vehicle, false, 2*garage.LeadMaxMake),
		Notes:   v.Text("notes", "Les remarques", f.Notes, false, 0, garage.QuoteMaxNotes),
	}
	if f.MessageID > 0 {
		q.MessageID = &f.MessageID
	}
	q.ValidUntil = v.Date("validite", "La date de validité", f.ValidUntil, true, garage.DateOnlyParis(now), time.Time{})
	kinds, codes, refs, labels := r.PostForm["l_type"], r.PostForm["l_code"], r.PostForm["l_ref"], r.PostForm["l_label"]
	qtys, units := r.PostForm["l_qty"], r.PostForm["l_unit"]
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	if len(kinds) > garage.QuoteMaxLines {
		v.Fail("lignes", "Un devis compte au plus "+strconv.Itoa(garage.QuoteMaxLines)+" lignes.")
		kinds = kinds[:garage.QuoteMaxLines]
	}
	for i := range kinds {
		lf := views.QuoteLineForm{Kind: at(kinds, i), Code: at(codes, i), Reference: at(refs, i), Label: at(labels, i),
			Quantity: at(qtys, i), Unit: at(units, i)}
		if lf.Code == "" && lf.Reference == "" && lf.Label == "" && lf.Quantity == "" && lf.Unit == "" {
			continue // an empty line of the form
		}
		n := len(f.Lines)
		f.Lines = append(f.Lines, lf)
		l := garage.QuoteLine{Kind: garage.LineKind(lf.Kind), Label: garage.SquashSpaces(lf.Label), Reference: lf.Reference}
		qty, ok := garage.ParseQuantity(lf.Quantity)
		if !ok {
			f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : la quantité doit être un nombre positif (exemple : 1,5)."
			continue
		}
		l.Quantity = qty
		switch l.Kind {
		case garage.LineLabour:
			rate := b.Rate(lf.Code)
			if rate == nil {
				f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : choisissez un taux horaire du tableau des tarifs en vigueur."
				continue
			}
			l.Code, l.UnitCents = rate.Code, rate.CentsTTC
			if l.Label == "" {
				l.Label = rate.Label
			}
		case garage.LineForfait:
			fo := b.Forfait(lf.Code)
			if fo == nil {
				f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : choisissez un forfait du tableau des tarifs en vigueur."
				continue
			}
			l.Code, l.UnitCents, l.Label = fo.Code, fo.CentsTTC, fo.Label
		case garage.LinePart:
			unit, ok := garage.ParseCents(lf.Unit)
			if !ok {
				f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : le prix unitaire doit être un montant positif en euros (exemple : 12,50)."
				continue
			}
			l.UnitCents = unit
			if l.Label == "" {
				f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : la désignation de la pièce est obligatoire."
				continue
			}
		}
		switch {
		case len([]rune(l.Label)) > garage.QuoteMaxLabel || len([]rune(l.Reference)) > garage.QuoteMaxRef:
			f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : la désignation ou la référence est trop longue."
		case garage.LineProblem(&l) != "":
			f.LineErrors[n] = "Ligne " + strconv.Itoa(n+1) + " : " + garage.LineProblem(&l)
		default:
			q.Lines = append(q.Lines, l)
		}
	}
	if len(f.Lines) == 0 {
		v.Fail("lignes", "Ajoutez au moins une ligne.")
	}
	f.Errors = v.Errors
	if !v.Valid() || len(f.LineErrors) > 0 {
		for range quoteFormLines {
			f.Lines = append(f.Lines, views.QuoteLineForm{Kind: string(garage.LineLabour)})
		}
		return f, nil, false
	}
	return f, q, true
}

func (a *app) quoteNewPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f, q, ok := parseQuoteForm(r, b, a.now())
	if !ok {
		a.renderQuoteNew(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if q.MessageID != nil {
		if _, err := a.store.MessageByID(ctx, *q.MessageID); err != nil {
			a.storeError(w, r, err)
			return
		}
	}
	if err := a.store.CreateQuote(ctx, q, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le brouillon de devis est enregistré.", views.AdminQuotePath(q.ID))
}

// quoteFormOf is the form of draft q.
func quoteFormOf(q *garage.Quote, b *garage.PriceBoard) *views.QuoteForm {
	f := &views.QuoteForm{ID: q.ID, Name: q.Name, Email: q.Email, Phone: q.Phone, Plate: q.Plate, Vehicle: q.Vehicle,
		Notes: q.Notes, ValidUntil: q.ValidUntil.Format(time.DateOnly), Board: b}
	if q.MessageID != nil {
		f.MessageID = *q.MessageID
	}
	for _, l := range q.Lines {
		lf := views.QuoteLineForm{Kind: string(l.Kind), Code: l.Code, Reference: l.Reference, Label: l.Label,
			Quantity: garage.FormatQuantity(l.Quantity)}
		if l.Kind == garage.LinePart {
			lf.Unit = garage.FormatDecimal(l.UnitCents)
		}
		f.Lines = append(f.Lines, lf)
	}
	for range quoteFormLines {
		f.Lines = append(f.Lines, views.QuoteLineForm{Kind: string(garage.LineLabour)})
	}
	return f
}

func (a *app) quoteEdit(w http.ResponseWriter, r *http.Request) {
	q, ok := byPathID(a, w, r, a.store.QuoteByID)
	if !ok {
		return
	}
	a.renderQuoteEdit(w, r, http.StatusOK, q, nil)
}

func (a *app) renderQuoteEdit(w http.ResponseWriter, r *http.Request, status int, q *garage.Quote, f *views.QuoteForm) {
	ctx := r.Context()
	d := views.QuoteAdmin{Quote: q, State: q.State(a.now())}
	if q.Editable() {
		if f == nil {
			b, err := a.store.PriceBoardOn(ctx, a.now())
			if err != nil {
				a.serverError(w, r, err)
				return
			}
			f = quoteFormOf(q, b)
		}
		d.Form = f
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d.Garage = g
	if q.Status == garage.QuoteAccepted {
		if d.Planned, err = a.store.AppointmentsOfQuote(ctx, q.ID); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	title := "Devis " + q.Number
	if q.Number == "" {
		title = "Brouillon de devis"
	}
	p, err := a.page(r, "devis", title, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminQuotePage(p, d))
}

// quoteEditPost saves a draft; a sent or answered quote is refused (409).
func (a *app) quoteEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	old, ok := byPathID(a, w, r, a.store.QuoteByID)
	if !ok {
		return
	}
	if !old.Editable() {
		a.flash(r, "Ce devis a été envoyé : il ne peut plus être modifié. Créez une nouvelle version.")
		a.renderQuoteEdit(w, r, http.StatusConflict, old, nil)
		return
	}
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f, q, ok := parseQuoteForm(r, b, a.now())
	if !ok {
		f.ID = old.ID
		a.renderQuoteEdit(w, r, http.StatusUnprocessableEntity, old, f)
		return
	}
	q.ID, q.MessageID = old.ID, old.MessageID
	if err := a.store.UpdateQuote(ctx, q, a.now(), a.actor(r)); errors.Is(err, garage.ErrQuoteNotEditable) {
		a.flashRedirect(w, r, "Ce devis a été envoyé : il ne peut plus être modifié.", views.AdminQuotePath(old.ID))
		return
	} else if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le brouillon est enregistré.", views.AdminQuotePath(q.ID))
}

// quoteSendPost numbers the draft and e-mails the customer the link.
func (a *app) quoteSendPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	token, hash, err := newToken()
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	mail := func(q *garage.Quote) (*garage.OutboxMail, error) {
		return views.RenderMail(ctx, views.QuoteSentMail{Garage: g, Quote: q, Link: a.cfg.PublicURL + views.QuoteLinkPath(token)})
	}
	q, err := a.store.SendQuote(ctx, id, hash, mail, a.now(), a.actor(r))
	if errors.Is(err, garage.ErrQuoteNotEditable) {
		a.flashRedirect(w, r, "Ce devis a déjà été envoyé.", views.AdminQuotePath(id))
		return
	} else if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le devis "+q.Number+" est envoyé à "+q.Email+".", views.AdminQuotePath(id))
}

// quoteVersionPost copies a sent or answered quote into a new draft.
func (a *app) quoteVersionPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	until := garage.DateOnlyParis(a.now()).AddDate(0, 0, b.Policy.ValidityDays)
	q, err := a.store.NewQuoteVersion(ctx, id, until, a.now(), a.actor(r))
	if errors.Is(err, garage.ErrQuoteNotEditable) {
		a.flashRedirect(w, r, "Un brouillon se modifie directement.", views.AdminQuotePath(id))
		return
	} else if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Nouvelle version créée : modifiez-la puis envoyez-la.", views.AdminQuotePath(q.ID))
}

// quotePDF is the PDF of a quote, for the files.
func (a *app) quotePDF(w http.ResponseWriter, r *http.Request) {
	q, ok := byPathID(a, w, r, a.store.QuoteByID)
	if !ok {
		return
	}
	a.sendQuotePDF(w, r, q)
}

// sendQuotePDF answers with q as a PDF named after its number.
func (a *app) sendQuotePDF(w http.ResponseWriter, r *http.Request, q *garage.Quote) {
	g, err := a.store.GarageDetails(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	b, err := views.QuotePDF(q, g)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	name := q.Number
	if name == "" {
		name = "brouillon-" + strconv.FormatInt(q.ID, 10)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="devis-`+name+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
