package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestAdminInvitesAndManagesStaff(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		ctx := context.Background()
		admin := e.loggedIn(adminEmail, adminPassword)
		if page := e.get(admin, "/admin/comptes"); page.StatusCode != http.StatusOK || !strings.Contains(page.text(), employeeEmail) {
			t.Fatalf("list: %d", page.StatusCode)
		}
		// Invalid and duplicate invitations keep the input.
		res := e.postForm(admin, "/admin/comptes", url.Values{"first_name": {"Hugo"}, "last_name": {""}, "email": {"hugo@"}, "role": {"boss"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "Le nom est obligatoire.") ||
			!strings.Contains(res.text(), "adresse e-mail n'est pas valide") || !strings.Contains(res.text(), "Choisissez une valeur dans la liste.") || !strings.Contains(res.text(), `value="Hugo"`) {
			t.Fatalf("invalid invite: %d", res.StatusCode)
		}
		res = e.postForm(admin, "/admin/comptes", url.Values{"first_name": {"Léa"}, "last_name": {"Bis"}, "email": {strings.ToUpper(employeeEmail)}, "role": {"employee"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.text(), "Un compte existe déjà") {
			t.Fatalf("duplicate invite: %d", res.StatusCode)
		}
		// A real invitation: an active account without password, and a mail with a link.
		res = e.postForm(admin, "/admin/comptes", url.Values{"first_name": {"Hugo"}, "last_name": {"Roux"}, "email": {"hugo@garage-parrot.test"}, "role": {"employee"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d %s", res.StatusCode, res.text())
		}
		hugo, err := e.store.UserByEmail(ctx, "hugo@garage-parrot.test")
		if err != nil || !hugo.Active || hugo.PasswordHash != "" || hugo.Role != garage.RoleEmployee || hugo.FullName() != "Hugo Roux" {
			t.Fatalf("invited user %+v %v", hugo, err)
		}
		mails, _ := e.store.ListOutbox(ctx, 10)
		if len(mails) != 1 || mails[0].To != "hugo@garage-parrot.test" || !strings.Contains(mails[0].Text, e.app.cfg.PublicURL+"/invitation/") {
			t.Fatalf("outbox %+v", mails)
		}
		if page := e.get(admin, "/admin/comptes"); !strings.Contains(page.text(), "Invitation en attente") || !strings.Contains(page.text(), "Invitation envoyée à hugo@garage-parrot.test") {
			t.Error("list does not show the pending invitation")
		}
		if res := e.postForm(e.client(), "/connexion", url.Values{"email": {"hugo@garage-parrot.test"}, "password": {""}}); res.StatusCode == http.StatusSeeOther {
			t.Fatal("an invited account logs in without a password")
		}
		res = e.postForm(admin, "/admin/comptes/"+itoa(int(hugo.ID))+"/invitation", nil)
		if mails, _ := e.store.ListOutbox(ctx, 10); res.StatusCode != http.StatusSeeOther || len(mails) != 2 {
			t.Fatalf("resend: %d, %d mails", res.StatusCode, len(mails))
		}
		emp, _ := e.store.UserByEmail(ctx, employeeEmail)
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(emp.ID))+"/invitation", nil); res.StatusCode != http.StatusConflict {
			t.Errorf("resend to an account with a password: %d", res.StatusCode)
		}

		// Disabling an employee logged in elsewhere: their next request is anonymous.
		lea := e.loggedIn(employeeEmail, employeePass)
		if res := e.get(lea, "/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("employee: %d", res.StatusCode)
		}
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(emp.ID))+"/desactiver", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if res := e.get(lea, "/admin"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/connexion") {
			t.Fatalf("disabled employee's next request: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := e.postForm(e.client(), "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}); res.StatusCode == http.StatusSeeOther {
			t.Fatal("a disabled account logs in")
		}
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(emp.ID))+"/reactiver", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		lea = e.loggedIn(employeeEmail, employeePass)

		// Promote, then the promoted account reads the audit log.
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(emp.ID))+"/role", url.Values{"role": {"admin"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("role: %d", res.StatusCode)
		}
		if res := e.get(lea, "/admin/journal"); res.StatusCode != http.StatusOK {
			t.Fatalf("promoted account: %d", res.StatusCode)
		}
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(emp.ID))+"/role", url.Values{"role": {"chef"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown role: %d", res.StatusCode)
		}

		// Delete the invited account; unknown IDs are 404.
		if res := e.postForm(admin, "/admin/comptes/"+itoa(int(hugo.ID))+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if _, err := e.store.UserByID(ctx, hugo.ID); err == nil {
			t.Fatal("deleted account still there")
		}
		for _, action := range []string{"role", "desactiver", "reactiver", "supprimer", "invitation"} {
			for _, id := range []string{"999", "abc", "-1"} {
				if res := e.postForm(admin, "/admin/comptes/"+id+"/"+action, url.Values{"role": {"employee"}}); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s on %s: %d", action, id, res.StatusCode)
				}
			}
		}
		got := strings.Join(e.auditActions(t), " ")
		for _, want := range []string{"user.invite", "user.invite.resend", "user.disable", "user.enable", "user.role", "user.delete"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit lacks %s", want)
			}
		}
		roles, _ := e.store.ListAudit(ctx, "user.role", 1, 0)
		if len(roles) != 1 || !strings.Contains(roles[0].Details, "Employé, actif") || !strings.Contains(roles[0].Details, "Administrateur, actif") {
			t.Errorf("role audit %+v", roles)
		}
	})
}

func TestLastActiveAdminCannotBeRemoved(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		admin := e.loggedIn(adminEmail, adminPassword)
		me, _ := e.store.UserByEmail(context.Background(), adminEmail)
		base := "/admin/comptes/" + itoa(int(me.ID))
		for _, tc := range []struct {
			path string
			form url.Values
		}{{base + "/role", url.Values{"role": {"employee"}}}, {base + "/desactiver", nil}, {base + "/supprimer", nil}} {
			res := e.postForm(admin, tc.path, tc.form)
			if res.StatusCode != http.StatusConflict || !strings.Contains(res.text(), "dernier administrateur actif") {
				t.Errorf("%s: %d", tc.path, res.StatusCode)
			}
		}
		if u, _ := e.store.UserByID(context.Background(), me.ID); u.Role != garage.RoleAdmin || !u.Active {
			t.Fatalf("last admin changed: %+v", u)
		}
		if res := e.get(admin, "/admin/comptes"); res.StatusCode != http.StatusOK {
			t.Fatalf("admin lost access: %d", res.StatusCode)
		}
	})
}
