package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

// TestEquipmentVocabulary: an employee renames an entry (every car follows)
// and removes another (it leaves every car); duplicates and bad names are
// refused in French.
func TestEquipmentVocabulary(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now())
			if err := e.store.SetCarEquipment(ctx, clio.ID, &garage.CarEquipment{NewNames: []string{"Clim auto", "GPS", "Radar de recul"}}, time.Time{}, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			list, _ := e.store.ListEquipment(ctx)
			ids := map[string]int64{}
			for _, eq := range list {
				ids[eq.Name] = eq.ID
			}
			emp := e.loggedIn(employeeEmail, employeePass)
			page := e.get(emp, "/admin/equipements")
			if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "Clim auto") {
				t.Fatalf("list: %d", page.StatusCode)
			}
			path := "/admin/equipements/" + itoa(int(ids["Clim auto"]))
			if res := e.postForm(emp, path, url.Values{"name": {"  Climatisation   automatique "}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("rename: %d", res.StatusCode)
			}
			if body := e.get(e.client(), views.CarPath(clio)).body; !strings.Contains(body, "Climatisation automatique") || strings.Contains(body, "Clim auto") {
				t.Fatal("the car page did not follow the rename")
			}
			for _, bad := range []string{"", "gps", strings.Repeat("x", 81), "a\x00b"} {
				res := e.postForm(emp, path, url.Values{"name": {bad}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, `class="field-error"`) {
					t.Errorf("rename to %q: %d", bad, res.StatusCode)
				}
			}
			if res := e.postForm(emp, "/admin/equipements/"+itoa(int(ids["GPS"]))+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			got, _ := e.store.CarEquipment(ctx, clio.ID)
			if len(got) != 2 {
				t.Fatalf("car equipment after delete: %v", got)
			}
			if res := e.postForm(emp, "/admin/equipements/99999/supprimer", nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("unknown entry: %d", res.StatusCode)
			}
			acts := strings.Join(e.auditActions(t), ",")
			if !strings.Contains(acts, "equipment.rename") || !strings.Contains(acts, "equipment.delete") {
				t.Fatalf("audit: %s", acts)
			}
		})
	}
}
