package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const (
	inboxPageSize = 50
	maxExportRows = 100000
)

// statusFilter reads ?statut=; ok is false for an unknown status.
func statusFilter(r *http.Request) (garage.MessageStatus, bool) {
	st := garage.MessageStatus(r.URL.Query().Get("statut"))
	return st, st == "" || st.Valid()
}

func (a *app) messageList(w http.ResponseWriter, r *http.Request) {
	a.renderMessageList(w, r, http.StatusOK, "", "")
}

// renderMessageList renders the lead desk; target and targetErr are the
// response target form's input and error, when it comes back.
func (a *app) renderMessageList(w http.ResponseWriter, r *http.Request, code int, target, targetErr string) {
	ctx := r.Context()
	status, ok := statusFilter(r)
	q := r.URL.Query()
	kind := garage.LeadKind(q.Get("type"))
	mine := q.Get("responsable")
	if !ok || (kind != "" && !kind.Valid()) || (mine != "" && mine != "moi") {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	page, ok := a.pageParam(w, r)
	if !ok {
		return
	}
	p, err := a.page(r, "messages", "Demandes", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	now := a.now()
	d := views.InboxData{Status: status, Kind: kind, Mine: mine != "", Page: page, Now: now, IsAdmin: p.User.IsAdmin()}
	if d.Counts, err = a.store.CountMessagesByStatus(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Late, err = a.store.CountLateLeads(ctx, now); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Target, err = a.store.LeadResponseHours(ctx); err != nil {
		a.serverError(w, r, err)
		return
	}
	f := store.LeadFilter{Status: status, Kind: kind}
	if f.Status == "" {
		f.Status = garage.MessagesOpen // "À traiter": neither done nor spam
	}
	if d.Mine {
		f.AssigneeID = p.User.ID
	}
	list, err := a.store.ListLeads(ctx, f, now, inboxPageSize+1, (page-1)*inboxPageSize)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	if len(list) > inboxPageSize {
		d.HasNext, list = true, list[:inboxPageSize]
	}
	d.Messages = list
	d.TargetInput, d.TargetError = strconv.Itoa(d.Target), targetErr
	if targetErr != "" {
		d.TargetInput = target
	}
	a.render(w, r, code, views.AdminInbox(p, d))
}

func (a *app) messageEdit(w http.ResponseWriter, r *http.Request) {
	m, ok := byPathID(a, w, r, a.store.MessageByID)
	if !ok {
		return
	}
	if m.ReadAt == nil {
		if err := a.store.MarkMessageRead(r.Context(), m.ID, a.now()); err != nil {
			a.serverError(w, r, err)
			return
		}
		if m.Status == garage.MessageNew {
			m.Status = garage.MessageInProgress // opened: no longer new
		}
	}
	a.renderMessageEdit(w, r, http.StatusOK, m, views.MessageForm{Status: m.Status, Note: m.Note}, views.LeadPage{})
}

func (a *app) renderMessageEdit(w http.ResponseWriter, r *http.Request, status int, m *garage.Message, f views.MessageForm, l views.LeadPage) {
	ctx := r.Context()
	p, err := a.page(r, "messages", "Demande de "+m.FullName(), "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	if l.Replies, err = a.store.MessageReplies(ctx, m.ID); err != nil {
		a.serverError(w, r, err)
		return
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	for _, u := range users {
		if u.Active {
			l.Staff = append(l.Staff, u)
		}
	}
	l.Now = a.now()
	a.render(w, r, status, views.AdminMessage(p, m, f, l))
}

// messageEditPost changes a message's status and internal note.
func (a *app) messageEditPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	m, ok := byPathID(a, w, r, a.store.MessageByID)
	if !ok {
		return
	}
	v := garage.NewValidator()
	f := views.MessageForm{Status: garage.MessageStatus(r.PostForm.Get("statut"))}
	v.Choose("statut", f.Status.Valid())
	f.Note = v.Text("note", "La note", r.PostForm.Get("note"), false, 0, garage.MessageMaxNote)
	if !v.Valid() {
		if v.Has("statut") {
			f.Status = m.Status
		}
		f.Error = v.First("statut", "note")
		a.renderMessageEdit(w, r, http.StatusUnprocessableEntity, m, f, views.LeadPage{})
		return
	}
	if _, err := a.store.UpdateMessage(r.Context(), m.ID, f.Status, f.Note, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flash(r, "Message mis à jour.")
	http.Redirect(w, r, views.AdminMessagePath(m.ID), http.StatusSeeOther)
}

// messageExport downloads the messages (of one status, or all) as a
// CSV file a French spreadsheet opens correctly: UTF-8 with a BOM, ';'
// separators, CRLF line ends, and formula-looking cells neutralised.
func (a *app) messageExport(w http.ResponseWriter, r *http.Request) {
	status, ok := statusFilter(r)
	if !ok {
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	list, err := a.store.ListMessages(r.Context(), status, maxExportRows, 0)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.audit(r, "message.export", "", map[string]string{"status": string(status), "rows": strconv.Itoa(len(list))})
	name := "messages-" + a.now().In(hours.Paris()).Format("2006-01-02") + ".csv"
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	_ = cw.Write([]string{"N°", "Reçu le", "Nom", "Prénom", "E-mail", "Téléphone", "Sujet", "Message", "Annonce", "Statut", "Note interne", "Type", "Responsable", "Première réponse"})
	for _, m := range list {
		car := ""
		if m.CarID != nil {
			car = strconv.FormatInt(*m.CarID, 10)
		}
		row := []string{strconv.FormatInt(m.ID, 10), format.DateTime(m.CreatedAt.In(hours.Paris())), m.LastName, m.FirstName,
			m.Email, m.Phone, m.Subject, m.Body, car, m.Status.Label(), m.Note, m.Kind.Label(), m.AssigneeName, ""}
		if m.FirstAnswerAt != nil {
			row[len(row)-1] = format.DateTime(m.FirstAnswerAt.In(hours.Paris()))
		}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
