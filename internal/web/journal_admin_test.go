package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestJournalFilters(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine()) // 4 March 2026
		admin := e.loggedIn(adminEmail, adminPassword)
		e.postForm(admin, "/admin/services", url.Values{"title": {"Pneus"}, "visible": {"1"}})
		e.clock.Advance(48 * time.Hour) // 6 March
		admin = e.loggedIn(adminEmail, adminPassword)
		e.postForm(admin, "/admin/horaires/feries", url.Values{"year": {"2026"}})
		e.loggedIn(employeeEmail, employeePass)
		me, _ := e.store.UserByEmail(context.Background(), adminEmail)

		rows := func(q string) int {
			res := e.get(admin, "/admin/journal?"+q)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", q, res.StatusCode)
			}
			return strings.Count(res.body, "<tr>") - 1 // minus the header row
		}
		for _, tc := range []struct {
			q    string
			want int
		}{
			{"", 5},                             // 3 logins, a service, the holidays
			{"type=service.", 1},                //
			{"type=login", 3},                   //
			{"personne=" + itoa(int(me.ID)), 4}, // the employee's login is not the admin's
			{"du=2026-03-05", 3},                //
			{"au=2026-03-04", 2},                //
			{"du=2026-03-04&au=2026-03-04&type=login", 1}, //
		} {
			if got := rows(tc.q); got != tc.want {
				t.Errorf("journal?%s: %d rows, want %d", tc.q, got, tc.want)
			}
		}
		res := e.get(admin, "/admin/journal?type=hours.")
		if !strings.Contains(res.text(), "Jours fériés ajoutés") || !strings.Contains(res.text(), `<option value="hours." selected>`) {
			t.Error("filtered journal does not show the label or keep the filter")
		}
		if res := e.get(admin, "/admin/journal?du=2026-03-06&au=2026-03-01"); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.text(), "La date de fin doit être") {
			t.Errorf("backwards range: %d", res.StatusCode)
		}
		for _, q := range []string{"personne=abc", "type=drop", "du=" + strings.Repeat("1", 50)} {
			if res := e.get(admin, "/admin/journal?"+q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("journal?%s: %d", q, res.StatusCode)
			}
		}
		// Nothing can change the log: no route but GET reaches it.
		for _, rt := range e.app.routes() {
			if strings.Contains(rt.pattern, "journal") && !strings.HasPrefix(rt.pattern, "GET ") {
				t.Errorf("route %s touches the audit log", rt.pattern)
			}
		}
	})
}
