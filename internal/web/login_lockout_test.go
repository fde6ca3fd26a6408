package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestLoginLockoutOwnerUnlocksByResetLink: an attacker who fails on purpose
// keeps the account throttled (even for the right password, even after
// asking for a reset link himself), and the owner gets in at once with the
// link the garage mails them, after which their new password works although
// the attacker's failures were recent.
func TestLoginLockoutOwnerUnlocksByResetLink(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		attacker := e.client()
		bad := url.Values{"email": {employeeEmail}, "password": {"pas-le-bon-mot-de-passe"}}
		for i := range e.app.guard.FreeFailures {
			if res := e.postForm(attacker, "/connexion", bad); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, res.StatusCode)
			}
		}
		// Attacker side: the account is throttled, and asking for a reset
		// link does not unlock it (the link goes to the owner's mailbox).
		if res := e.postForm(attacker, "/connexion", bad); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("attacker past the limit: %d", res.StatusCode)
		}
		if res := e.postForm(attacker, "/mot-de-passe-oublie", url.Values{"email": {employeeEmail}}); res.StatusCode != http.StatusOK {
			t.Fatalf("reset request: %d", res.StatusCode)
		}
		if res := e.postForm(attacker, "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}}); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password while locked, after a reset request: %d", res.StatusCode)
		}

		// Owner side: the throttled page says how to get in at once.
		owner := e.client()
		locked := e.postForm(owner, "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}})
		if locked.StatusCode != http.StatusTooManyRequests || locked.Header.Get("Retry-After") == "" ||
			!strings.Contains(locked.body, "Mot de passe oublié ?") {
			t.Fatalf("owner while locked: %d", locked.StatusCode)
		}
		got := e.deliver(t)
		if len(got) != 1 {
			t.Fatalf("%d mails delivered", len(got))
		}
		link := linkFrom(t, e, got[0].Part("text/plain"), got[0].Part("text/html"), "reinitialiser")
		newPass := "Vidange-Moteur-Diesel-2026"
		if res := e.postForm(owner, link, url.Values{"password": {newPass}, "confirmation": {newPass}}); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != "/admin" {
			t.Fatalf("reset by link: %d", res.StatusCode)
		}
		if res := e.get(owner, "/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("owner not logged in by the link: %d", res.StatusCode)
		}
		// Unlocked: a login with the new password works at once, on another
		// device, although no time has passed since the attacker's failures.
		if res := e.postForm(e.client(), "/connexion", url.Values{"email": {strings.ToUpper(employeeEmail)}, "password": {newPass}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the new password after the link: %d", res.StatusCode)
		}
		// The attacker starts again from nothing but still gets only the free tries.
		for i := range e.app.guard.FreeFailures {
			if res := e.postForm(attacker, "/connexion", bad); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d after unlock: %d", i+1, res.StatusCode)
			}
		}
		if res := e.postForm(attacker, "/connexion", bad); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("attacker past the limit again: %d", res.StatusCode)
		}
	})
}
