package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var avisTokenRe = jetonRe

// sendReview fills the review form like a person.
func (e *env) sendReview(c *http.Client, form url.Values) *response {
	e.t.Helper()
	res := e.get(c, "/avis")
	m := avisTokenRe.FindStringSubmatch(res.body)
	if m == nil {
		e.t.Fatalf("GET /avis: %d, no token", res.StatusCode)
	}
	form.Set("jeton", m[1])
	e.clock.Advance(20 * time.Second)
	return e.postForm(c, "/avis", form)
}

func validReview(comment string) url.Values {
	return url.Values{"nom": {"Hélène D."}, "note": {"4"}, "commentaire": {comment}, "date_experience": {"2026-02-20"}, "email": {"helene@exemple.fr"}}
}

func (e *env) testimonials(t *testing.T) []*garage.Testimonial {
	t.Helper()
	list, err := e.store.ListTestimonialsForModeration(context.Background(), 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// publicPages fetches every public GET page of the route table (and the
// review pages' variants) and returns their bodies.
func (e *env) publicPages(t *testing.T) map[string]string {
	t.Helper()
	c := e.client()
	out := map[string]string{}
	paths := []string{"/avis?page=1", "/avis?page=2"}
	for _, rt := range e.app.routes() {
		if m, p := samplePath(rt.pattern); m == http.MethodGet && rt.access == public {
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		out[p] = e.get(c, p).body
	}
	return out
}

func TestReviewIsPublicOnlyOnceApproved(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			comment := "Accueil parfait, vidange faite en une heure. Unique-7f3a"
			form := validReview(comment)
			form.Set("status", "approved") // a visitor trying to publish their own review
			form.Set("statut", "approved")
			res := e.sendReview(e.client(), form)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/avis/merci" {
				t.Fatalf("POST /avis: %d\n%s", res.StatusCode, res.body)
			}
			if thanks := e.get(e.client(), "/avis/merci"); !strings.Contains(thanks.body, "Merci, votre avis sera publié après vérification.") {
				t.Fatal("no confirmation")
			}
			list := e.testimonials(t)
			if len(list) != 1 || list[0].Status != garage.TestimonialPending || list[0].Rating != 4 || list[0].Email != "helene@exemple.fr" {
				t.Fatalf("stored %+v", list)
			}
			for path, body := range e.publicPages(t) {
				if strings.Contains(body, "Unique-7f3a") || strings.Contains(body, "(1 avis)") || strings.Contains(body, "helene@exemple.fr") {
					t.Errorf("%s shows a pending review", path)
				}
			}

			emp := e.loggedIn(employeeEmail, employeePass)
			queue := e.get(emp, "/admin/avis")
			if !strings.Contains(queue.body, "Unique-7f3a") || !strings.Contains(queue.body, `class="nav-badge">1`) {
				t.Fatalf("moderation queue:\n%s", queue.body)
			}
			id := itoa(int(list[0].ID))
			if res := e.postForm(emp, "/admin/avis/"+id+"/approuver", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", res.StatusCode)
			}
			home := e.get(e.client(), "/")
			for _, want := range []string{"Unique-7f3a", "4,0 / 5", "(1 avis)", "Publié le 4 mars 2026", "expérience du 20 février 2026", "Note : 4 sur 5", `href="/avis/moderation"`} {
				if !strings.Contains(home.body, want) {
					t.Errorf("home page lacks %q", want)
				}
			}
			if strings.Contains(home.body, "helene@exemple.fr") {
				t.Error("the author's e-mail is shown")
			}
			// A second, better review changes the average.
			addReview(t, e, "Zoé", 5, garage.TestimonialApproved)
			if home := e.get(e.client(), "/avis"); !strings.Contains(home.body, "4,5 / 5") || !strings.Contains(home.body, "(2 avis)") {
				t.Error("average not updated")
			}

			// Refused with a reason: gone from the site, the author is told why.
			if res := e.postForm(emp, "/admin/avis/"+id+"/refuser", url.Values{"motif": {"publicite"}, "precision": {"Merci de retirer le lien."}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reject: %d", res.StatusCode)
			}
			for path, body := range e.publicPages(t) {
				if strings.Contains(body, "Unique-7f3a") {
					t.Errorf("%s shows a rejected review", path)
				}
			}
			if avis := e.get(e.client(), "/avis"); !strings.Contains(avis.body, "(1 avis)") || !strings.Contains(avis.body, "5,0 / 5") {
				t.Error("a rejected review still counts")
			}
			mails := e.outbox(t)
			if len(mails) != 1 || mails[0].To != "helene@exemple.fr" || !strings.Contains(mails[0].Text, "Publicité, liens ou contenu promotionnel.") ||
				!strings.Contains(mails[0].Text, "Merci de retirer le lien.") {
				t.Fatalf("rejection mail %+v", mails)
			}
			got, _ := e.store.TestimonialByID(context.Background(), list[0].ID)
			if got.RejectGround != "publicite" || got.Status != garage.TestimonialRejected {
				t.Fatalf("stored %+v", got)
			}
			if res := e.postForm(emp, "/admin/avis/"+id+"/refuser", url.Values{"motif": {"parce que"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("unknown ground: %d", res.StatusCode)
			}
			if res := e.postForm(emp, "/admin/avis/"+id+"/en-attente", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("back to pending: %d", res.StatusCode)
			}
			if res := e.postForm(emp, "/admin/avis/"+id+"/supprimer", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			if _, err := e.store.TestimonialByID(context.Background(), list[0].ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("after delete: %v", err)
			}
			if res := e.postForm(emp, "/admin/avis/"+id+"/approuver", nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("approve a deleted review: %d", res.StatusCode)
			}
			var review []string
			for _, a := range e.auditActions(t) {
				if strings.HasPrefix(a, "review.") {
					review = append(review, a)
				}
			}
			if strings.Join(review, ",") != "review.delete,review.pending,review.rejected,review.approved" {
				t.Fatalf("audit %v", review)
			}
			// Visitors cannot moderate.
			if res := e.postForm(e.client(), "/admin/avis/1/approuver", nil); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous approve: %d", res.StatusCode)
			}
		})
	}
}

func addReview(t *testing.T, e *env, name string, rating int, status garage.TestimonialStatus) *garage.Testimonial {
	t.Helper()
	r := &garage.Testimonial{Name: name, Comment: "Très bon garage, je recommande.", Rating: rating, Status: status}
	if err := e.store.CreateTestimonial(context.Background(), r, e.clock.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReviewFormRefusesBadInputAndEscapesHTML(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, tc := range []struct{ field, value, error string }{
		{"note", "0", "Choisissez une note de 1 à 5 étoiles."},
		{"note", "6", "Choisissez une note de 1 à 5 étoiles."},
		{"note", "4.5", "Choisissez une note de 1 à 5 étoiles."},
		{"commentaire", "", "L&#39;avis est obligatoire."},
		{"commentaire", strings.Repeat("a", 2001), "L&#39;avis ne doit pas dépasser 2000 caractères."},
		{"nom", "", "Le nom est obligatoire."},
		{"date_experience", "2027-01-01", "ne peut pas être dans le futur"},
		{"date_experience", "hier", "n&#39;est pas une date valide"},
		{"email", "pas une adresse", "L&#39;adresse e-mail n&#39;est pas valide"},
	} {
		form := validReview("Un avis tout à fait correct.")
		form.Set(tc.field, tc.value)
		res := e.sendReview(c, form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, tc.error) {
			t.Errorf("%s=%q: %d, want 422 with %q", tc.field, tc.value, res.StatusCode, tc.error)
		}
	}
	form := validReview(strings.Repeat("a", 100000))
	if res := e.sendReview(c, form); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("100 000 characters: %d", res.StatusCode)
	}
	if n := len(e.testimonials(t)); n != 0 {
		t.Fatalf("%d bad reviews stored", n)
	}
	honeypot := validReview("Un avis tout à fait correct.")
	honeypot.Set("site_web", "x")
	if res := e.sendReview(c, honeypot); res.StatusCode != http.StatusSeeOther || len(e.testimonials(t)) != 0 {
		t.Fatalf("honeypot: %d", res.StatusCode)
	}

	script := `<script>alert("avis")</script><img src=x onerror=alert(1)>`
	evil := validReview("Commentaire " + script)
	evil.Set("nom", script)
	if res := e.sendReview(c, evil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("HTML review: %d", res.StatusCode)
	}
	r := e.testimonials(t)[0]
	emp := e.loggedIn(employeeEmail, employeePass)
	for _, page := range []string{"/admin/avis"} {
		if body := e.get(emp, page).body; strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s renders the review's HTML", page)
		}
	}
	e.postForm(emp, "/admin/avis/"+itoa(int(r.ID))+"/approuver", nil)
	for _, page := range []string{"/", "/avis"} {
		body := e.get(c, page).body
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not escape the review", page)
		}
	}
}

func TestStaffAddsAnOfflineReviewPublishedAtOnce(t *testing.T) {
	e := newEnv(t, "sqlite")
	emp := e.loggedIn(employeeEmail, employeePass)
	if res := e.get(emp, "/admin/avis/nouveau"); res.StatusCode != http.StatusOK || strings.Contains(res.body, `name="jeton"`) {
		t.Fatalf("form: %d", res.StatusCode)
	}
	if res := e.postForm(emp, "/admin/avis/nouveau", url.Values{"nom": {"M. Garcia"}, "note": {"9"}, "commentaire": {"Reçu par téléphone."}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad rating: %d", res.StatusCode)
	}
	res := e.postForm(emp, "/admin/avis/nouveau", url.Values{"nom": {"M. Garcia"}, "note": {"5"}, "commentaire": {"Avis reçu par téléphone : travail soigné."},
		"status": {"pending"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.StatusCode, res.body)
	}
	list := e.testimonials(t)
	if len(list) != 1 || list[0].Status != garage.TestimonialApproved || list[0].Source != "staff" || list[0].CreatedBy == nil || list[0].PublishedAt == nil {
		t.Fatalf("stored %+v", list)
	}
	if home := e.get(e.client(), "/"); !strings.Contains(home.body, "travail soigné") {
		t.Fatal("not on the home page")
	}
	if queue := e.get(emp, "/admin/avis"); !strings.Contains(queue.body, "Saisi par le garage") || !strings.Contains(queue.body, "Avis publié.") {
		t.Fatal("not marked as entered by the garage")
	}
	if acts := e.auditActions(t); acts[0] != "review.create" {
		t.Fatalf("audit %v", acts)
	}
	// Reviews older than the retention period leave the site.
	e.clock.Advance(3*365*24*time.Hour + 48*time.Hour)
	if home := e.get(e.client(), "/"); strings.Contains(home.body, "travail soigné") {
		t.Fatal("a review past its retention period is still shown")
	}
}

func TestReviewsModerationPageExplainsTheRules(t *testing.T) {
	e := newEnv(t, "sqlite")
	body := e.get(e.client(), "/avis/moderation").body
	for _, want := range []string{"Motifs de refus", "Publicité, liens ou contenu promotionnel.", "3 ans", "Aucune contrepartie", "du plus récent au plus ancien"} {
		if !strings.Contains(body, want) {
			t.Errorf("moderation page lacks %q", want)
		}
	}
}
