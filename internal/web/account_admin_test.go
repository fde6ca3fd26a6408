package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func isAnonymous(e *env, c *http.Client) bool {
	res := e.get(c, "/admin")
	return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/connexion")
}

func TestMyAccount(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		me := e.loggedIn(employeeEmail, employeePass)
		phone := e.loggedIn(employeeEmail, employeePass)
		page := e.get(me, "/admin/compte")
		if page.StatusCode != http.StatusOK || strings.Count(page.body, "<tr>") != 3 || !strings.Contains(page.text(), "Cette session") {
			t.Fatalf("page: %d", page.StatusCode)
		}
		// Name.
		if res := e.postForm(me, "/admin/compte/nom", url.Values{"first_name": {""}, "last_name": {"Martin"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.text(), "Le prénom est obligatoire.") || !strings.Contains(res.text(), `value="Martin"`) {
			t.Fatalf("invalid name: %d", res.StatusCode)
		}
		if res := e.postForm(me, "/admin/compte/nom", url.Values{"first_name": {"Léa"}, "last_name": {"Martin"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("name: %d", res.StatusCode)
		}
		if u, _ := e.store.UserByEmail(context.Background(), employeeEmail); u.FullName() != "Léa Martin" {
			t.Fatalf("name not saved: %q", u.FullName())
		}
		// Password: the current one is required, the new one is checked.
		const newPass = "Vidange-Complete-Avril-2026"
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"current": {"faux"}, "new": {newPass}, "confirm": {newPass}}, "Le mot de passe actuel est incorrect."},
			{url.Values{"current": {employeePass}, "new": {"court"}, "confirm": {"court"}}, "au moins 12 caractères"},
			{url.Values{"current": {employeePass}, "new": {newPass}, "confirm": {newPass + "x"}}, "ne correspondent pas"},
		} {
			res := e.postForm(me, "/admin/compte/mot-de-passe", tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), tc.want) {
				t.Errorf("%v: %d, want %q", tc.form, res.StatusCode, tc.want)
			}
		}
		if res := e.postForm(me, "/admin/compte/mot-de-passe", url.Values{"current": {employeePass}, "new": {newPass}, "confirm": {newPass}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("password: %d %s", res.StatusCode, res.text())
		}
		if isAnonymous(e, me) || !isAnonymous(e, phone) {
			t.Fatal("after a password change, this session must stay and the others end")
		}
		if res := e.postForm(e.client(), "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}); res.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still works")
		}
		tablet := e.loggedIn(employeeEmail, newPass)
		// End the other sessions.
		if res := e.postForm(me, "/admin/compte/sessions", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("end sessions: %d", res.StatusCode)
		}
		if isAnonymous(e, me) || !isAnonymous(e, tablet) {
			t.Fatal("ending the other sessions")
		}
		got := strings.Join(e.auditActions(t), " ")
		for _, want := range []string{"account.name", "account.password", "account.sessions.end"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit lacks %s", want)
			}
		}
	})
}
