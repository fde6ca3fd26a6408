package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestLoginThrottleIgnoresEmailCase: the per-account count is kept under the
// lower-cased e-mail, so "Vincent@…" and "vINCENT@…" share it: five failures
// under five spellings throttle a sixth, with the right password, under a
// sixth spelling.
func TestLoginThrottleIgnoresEmailCase(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		spellings := []string{"Vincent@garage-parrot.test", "vINCENT@garage-parrot.test", "VINCENT@GARAGE-PARROT.TEST",
			"vincent@Garage-Parrot.Test", "ViNcEnT@garage-parrot.test", "vincent@GARAGE-parrot.test"}
		if len(spellings) != e.app.guard.FreeFailures+1 || strings.ToLower(spellings[0]) != adminEmail {
			t.Fatal("the test's spellings do not fit the limit")
		}
		for _, email := range spellings[:e.app.guard.FreeFailures] {
			res := e.postForm(e.client(), "/connexion", url.Values{"email": {email}, "password": {"pas-le-bon-mot-de-passe"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure as %s: %d", email, res.StatusCode)
			}
		}
		last := spellings[len(spellings)-1]
		if res := e.postForm(e.client(), "/connexion", url.Values{"email": {last}, "password": {adminPassword}}); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a new spelling of the address got a fresh count: %d", res.StatusCode)
		}
		f, err := e.store.LoginFailuresFor(context.Background(), adminEmail)
		if err != nil || f.Count != e.app.guard.FreeFailures {
			t.Fatalf("count under the lower-cased address: %+v %v", f, err)
		}
	})
}

// TestReloginEndsThePreviousSession: logging in again from a browser that
// already has a session replaces it; the old token no longer opens anything.
func TestReloginEndsThePreviousSession(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		c := e.client()
		first := sessionCookie(t, e.postForm(c, "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}))
		second := sessionCookie(t, e.postForm(c, "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}))
		if first.Value == second.Value {
			t.Fatal("the same token after a new login")
		}
		u, _ := url.Parse(e.server.URL)
		old := e.client()
		old.Jar.SetCookies(u, []*http.Cookie{{Name: first.Name, Value: first.Value}})
		if res := e.get(old, "/admin"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the previous session still opens the back office: %d", res.StatusCode)
		}
		if res := e.get(c, "/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("the new session: %d", res.StatusCode)
		}
		var n int
		if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`,
			employeeEmail).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d sessions kept (%v), want 1", n, err)
		}
	})
}

// TestReviewStatusUnderAnyFieldNameStaysPending: whatever field a visitor
// uses to claim a status, the review lands pending and unpublished.
func TestReviewStatusUnderAnyFieldNameStaysPending(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		claims := []url.Values{
			{"etat": {"approved"}}, {"Status": {"approved"}}, {"STATUT": {"approuve"}}, {"approved": {"1"}},
			{"approuve": {"oui"}}, {"published": {"true"}}, {"publie": {"1"}}, {"moderation": {"approved"}},
			{"published_at": {"2026-03-01"}}, {"source": {"staff"}}, {"status[]": {"approved"}},
			{"testimonial.status": {"approved"}}, {"Etat": {"publié"}},
		}
		for i, claim := range claims {
			form := validReview("Très bon garage, travail propre et rapide. Claim-" + itoa(i))
			for k, v := range claim {
				form[k] = v
			}
			if res := e.sendReview(e.client(), form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("claim %v: %d", claim, res.StatusCode)
			}
			e.clock.Advance(10 * time.Minute) // out of the per-IP review window
		}
		list := e.testimonials(t)
		if len(list) != len(claims) {
			t.Fatalf("%d reviews stored, want %d", len(list), len(claims))
		}
		for _, r := range list {
			if r.Status != garage.TestimonialPending || r.PublishedAt != nil || r.Source != garage.SourceVisitor {
				t.Errorf("review %q stored %s (published %v, source %s)", r.Comment, r.Status, r.PublishedAt, r.Source)
			}
		}
		for path, body := range e.publicPages(t) {
			if strings.Contains(body, "Claim-") {
				t.Errorf("%s shows a review a visitor claimed published", path)
			}
		}
	})
}
