package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	tagRE        = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	describedRE  = regexp.MustCompile(`aria-describedby="([^"]*)"`)
	bareElseAttr = regexp.MustCompile(`\selse[\s/>=]`)
)

// checkFieldAttributes fails on the form-field markup the Nu HTML Checker
// refuses: a literal else attribute (a templ if … else inside the
// attributes), two aria-describedby on one field or one naming a missing
// element, and autocomplete="street-address" on an <input>.
func checkFieldAttributes(t *testing.T, label, body string) {
	t.Helper()
	for _, tag := range tagRE.FindAllString(body, -1) {
		if bareElseAttr.MatchString(tag) {
			t.Errorf("%s: literal else attribute in %s", label, tag)
		}
		ds := describedRE.FindAllStringSubmatch(tag, -1)
		if len(ds) > 1 {
			t.Errorf("%s: %d aria-describedby in %s", label, len(ds), tag)
		}
		for _, d := range ds {
			for _, id := range strings.Fields(d[1]) {
				if !strings.Contains(body, `id="`+id+`"`) {
					t.Errorf("%s: aria-describedby names a missing #%s in %s", label, id, tag)
				}
			}
		}
		if strings.HasPrefix(tag, "<input") && strings.Contains(tag, `autocomplete="street-address"`) {
			t.Errorf("%s: street-address belongs on a textarea: %s", label, tag)
		}
	}
}

// TestCarAndGarageFormsAreValidHTML: the car form, with errors on fields
// that also have a hint, and the garage's details form carry one
// aria-describedby per field and no stray attribute.
func TestCarAndGarageFormsAreValidHTML(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.loggedIn(adminEmail, adminPassword)
	bad := validCarForm()
	for _, k := range []string{"price", "mileage", "power_hp", "fiscal_hp", "doors", "seats", "reg_year", "make", "model", "version", "colour"} {
		bad.Set(k, strings.Repeat("x", 300))
	}
	res := e.postForm(admin, "/admin/voitures/nouvelle", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, `class="field-hint"`) {
		t.Fatalf("invalid car form: %d", res.StatusCode)
	}
	checkFieldAttributes(t, "car form with errors", res.body)
	checkFieldAttributes(t, "new car form", e.get(admin, "/admin/voitures/nouvelle").body)
	garagePage := e.get(admin, "/admin/garage").body
	checkFieldAttributes(t, "garage form", garagePage)
	if !strings.Contains(garagePage, `autocomplete="address-line1"`) {
		t.Error(`the street field lacks autocomplete="address-line1"`)
	}
}
