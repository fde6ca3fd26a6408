package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// The lead desk's actions on one lead (the list and the status form are in
// messages_admin.go): assign it, answer it by e-mail; and the owner's
// response target.

// messageAssignPost gives the lead to a staff member ("responsable": an
// account's id, or empty for nobody).
func (a *app) messageAssignPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	m, ok := byPathID(a, w, r, a.store.MessageByID)
	if !ok {
		return
	}
	var to *int64
	if v := strings.TrimSpace(r.PostForm.Get("responsable")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			a.renderMessageEdit(w, r, http.StatusUnprocessableEntity, m, views.MessageForm{Status: m.Status, Note: m.Note},
				views.LeadPage{AssignError: "Choisissez un membre du personnel dans la liste."})
			return
		}
		to = &id
	}
	if _, err := a.store.AssignMessage(r.Context(), m.ID, to, a.now(), a.actor(r)); err != nil {
		if errors.Is(err, store.ErrNotFound) && to != nil {
			// The lead exists (read above): the account is unknown or disabled.
			a.renderMessageEdit(w, r, http.StatusUnprocessableEntity, m, views.MessageForm{Status: m.Status, Note: m.Note},
				views.LeadPage{AssignError: "Ce compte n'existe pas ou est désactivé : choisissez un membre du personnel dans la liste."})
			return
		}
		a.storeError(w, r, err)
		return
	}
	msg := "Demande attribuée."
	if to == nil {
		msg = "La demande n'est plus attribuée."
	}
	a.flashRedirect(w, r, msg, views.AdminMessagePath(m.ID))
}

// messageReplyPost e-mails the staff member's reply to the visitor through
// the outbox, keeps it in the lead's history and records the first answer.
func (a *app) messageReplyPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	m, ok := byPathID(a, w, r, a.store.MessageByID)
	if !ok {
		return
	}
	ctx := r.Context()
	raw := strings.ReplaceAll(r.PostForm.Get("reponse"), "\r\n", "\n")
	v := garage.NewValidator()
	body := v.Text("reponse", "La réponse", raw, true, garage.LeadMinReply, garage.LeadMaxReply)
	if !v.Valid() {
		a.renderMessageEdit(w, r, http.StatusUnprocessableEntity, m, views.MessageForm{Status: m.Status, Note: m.Note},
			views.LeadPage{Reply: raw, ReplyError: v.First("reponse")})
		return
	}
	if m.Status == garage.MessageSpam {
		a.renderMessageEdit(w, r, http.StatusConflict, m, views.MessageForm{Status: m.Status, Note: m.Note},
			views.LeadPage{Reply: raw, ReplyError: "Ce message est classé indésirable : changez son statut avant d'y répondre."})
		return
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.serverError(w, r, err)
		return
	}
	if g == nil {
		g = &garage.Details{Name: garage.DefaultName}
	}
	u := currentUser(ctx)
	reply := &garage.LeadReply{AuthorID: &u.ID, Author: u.FullName(), Body: body}
	mail := func(m *garage.Message, rep *garage.LeadReply) (*garage.OutboxMail, error) {
		return views.RenderMail(ctx, views.LeadReplyMail{Garage: g, Message: m, Reply: rep})
	}
	if err := a.store.ReplyToMessage(ctx, m.ID, reply, mail, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Réponse envoyée à "+m.Email+".", views.AdminMessagePath(m.ID))
}

// leadTargetPost sets the response target, in opening hours (the form is on the lead desk, for the
// administrator).
func (a *app) leadTargetPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	input := strings.TrimSpace(r.PostForm.Get("heures"))
	v := garage.NewValidator()
	n, ok := v.Int("heures", "L'objectif", input, garage.MinResponseHours, garage.MaxResponseHours, "heures")
	if !ok && v.Valid() {
		v.Fail("heures", "L'objectif est obligatoire.")
	}
	if !v.Valid() {
		a.renderMessageList(w, r, http.StatusUnprocessableEntity, input, v.First("heures"))
		return
	}
	if err := a.store.SetLeadResponseHours(r.Context(), n, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Objectif de réponse enregistré : "+strconv.Itoa(n)+" heure(s) d'ouverture.", "/admin/messages")
}

// leadStatsDays is the period of the dashboard's median time to first answer.
const leadStatsDays = 30

// leadStats is the dashboard's lead desk block: the late leads, and the
// median time to first answer of the leads received in the last 30 days.
func (a *app) leadStats(r *http.Request) (views.LeadStats, error) {
	ctx := r.Context()
	now := a.now()
	s := views.LeadStats{Days: leadStatsDays}
	var err error
	if s.Late, err = a.store.CountLateLeads(ctx, now); err != nil {
		return s, err
	}
	times, err := a.store.FirstAnswerTimes(ctx, now.AddDate(0, 0, -leadStatsDays))
	if err != nil {
		return s, err
	}
	s.Answered, s.Median = len(times), garage.MedianDuration(times)
	return s, nil
}
