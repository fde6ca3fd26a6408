package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
)

func addMessage(t *testing.T, e *env, m *garage.Message) *garage.Message {
	t.Helper()
	if m.Email == "" {
		m.Email = "client@exemple.fr"
	}
	if err := e.store.CreateMessage(context.Background(), m, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInboxStatusNoteAndAudit(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			m1 := addMessage(t, e, &garage.Message{LastName: "Martin", FirstName: "Paul", Phone: "0600000000", Subject: "Freins qui grincent", Body: "Bonjour…"})
			addMessage(t, e, &garage.Message{LastName: "Robot", FirstName: "Spam", Subject: "Offre exceptionnelle", Body: "http://x", Status: garage.MessageSpam})
			emp := e.loggedIn(employeeEmail, employeePass)

			inbox := e.get(emp, "/admin/messages")
			if !strings.Contains(inbox.body, "Freins qui grincent") || strings.Contains(inbox.body, "Offre exceptionnelle") {
				t.Fatalf("default inbox shows spam or misses the new message:\n%s", inbox.body)
			}
			if spam := e.get(emp, "/admin/messages?statut=spam"); !strings.Contains(spam.body, "Offre exceptionnelle") || strings.Contains(spam.body, "Freins qui grincent") {
				t.Fatal("spam filter")
			}
			if res := e.get(emp, "/admin/messages?statut=nimporte"); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("unknown status: %d", res.StatusCode)
			}
			if res := e.get(emp, "/admin/messages/999999"); res.StatusCode != http.StatusNotFound {
				t.Fatalf("unknown message: %d", res.StatusCode)
			}

			path := "/admin/messages/" + itoa(int(m1.ID))
			res := e.postForm(emp, path, url.Values{"statut": {"in_progress"}, "note": {"Rappelé le 4/03, RDV jeudi."}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
				t.Fatalf("update: %d", res.StatusCode)
			}
			page := e.get(emp, path)
			if !strings.Contains(page.body, "Message mis à jour.") || !strings.Contains(page.body, "Rappelé le 4/03, RDV jeudi.") ||
				!strings.Contains(page.body, `<option value="in_progress" selected`) {
				t.Fatalf("after update:\n%s", page.body)
			}
			got, _ := e.store.MessageByID(context.Background(), m1.ID)
			if got.Status != garage.MessageInProgress || got.Note != "Rappelé le 4/03, RDV jeudi." {
				t.Fatalf("stored %+v", got)
			}
			entries, _ := e.store.ListAudit(context.Background(), "message.", 10, 0)
			if len(entries) != 1 || entries[0].ActorEmail != employeeEmail || entries[0].Target != "message:"+itoa(int(m1.ID)) ||
				!strings.Contains(entries[0].Details, `"status_before":"new"`) || !strings.Contains(entries[0].Details, `"status_after":"in_progress"`) {
				t.Fatalf("audit %+v", entries)
			}

			if res := e.postForm(emp, path, url.Values{"statut": {"supprimé"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Choisissez une valeur dans la liste.") {
				t.Fatalf("bad status: %d", res.StatusCode)
			}
			if res := e.postForm(emp, path, url.Values{"statut": {"done"}, "note": {strings.Repeat("n", 5001)}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("long note: %d", res.StatusCode)
			}
			// Visitors cannot change anything.
			if res := e.postForm(e.client(), path, url.Values{"statut": {"done"}}); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous POST: %d", res.StatusCode)
			}
			if got, _ := e.store.MessageByID(context.Background(), m1.ID); got.Status != garage.MessageInProgress {
				t.Fatal("a refused POST changed the message")
			}
		})
	}
}

func TestInboxCSVExportOpensInAFrenchSpreadsheet(t *testing.T) {
	e := newEnv(t, "sqlite")
	car := int64(42)
	addMessage(t, e, &garage.Message{LastName: "=HYPERLINK(\"http://evil\")", FirstName: "Zoé", Phone: "+33 6 00 00 00 00",
		Subject: "Essai; « 208 »", Body: "Ligne 1\nLigne 2", CarID: &car})
	addMessage(t, e, &garage.Message{LastName: "@SUM(A1)", FirstName: "-2+3", Subject: "ok", Body: "b"})
	emp := e.loggedIn(employeeEmail, employeePass)
	res := e.get(emp, "/admin/messages/export.csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="messages-2026-03-04.csv"`) {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	if !strings.HasPrefix(res.body, "\uFEFF") {
		t.Fatal("no UTF-8 BOM")
	}
	if !strings.Contains(res.body, "\r\n") || strings.Count(res.body, "\r\n") < 3 {
		t.Fatal("no CRLF line ends")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "N°" || rows[0][1] != "Reçu le" {
		t.Fatalf("rows %q", rows)
	}
	byName := map[string][]string{}
	for _, row := range rows[1:] {
		byName[row[3]] = row
	}
	zoe := byName["Zoé"]
	if zoe == nil || zoe[2] != `'=HYPERLINK("http://evil")` || zoe[6] != "Essai; « 208 »" || zoe[7] != "Ligne 1\nLigne 2" ||
		zoe[8] != "42" || zoe[9] != "Nouveau" || zoe[5] != "'+33 6 00 00 00 00" || zoe[11] != "Message" {
		t.Fatalf("row %q", zoe)
	}
	other := byName["'-2+3"]
	if other == nil || other[2] != "'@SUM(A1)" {
		t.Fatalf("formula guard: %q", rows)
	}
	if acts := e.auditActions(t); acts[0] != "message.export" {
		t.Fatalf("audit %v", acts)
	}
}
