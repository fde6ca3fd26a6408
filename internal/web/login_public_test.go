package web

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func sessionCookie(t *testing.T, res *response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "garage_session") {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", res.Header.Values("Set-Cookie"))
	return nil
}

func TestLoginAndLogout(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s.Engine())
		c := e.client()
		// Case-insensitive e-mail.
		res := e.postForm(c, "/connexion", url.Values{"email": {"  Lea@Garage-Parrot.TEST "}, "password": {employeePass}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
			t.Fatalf("login: %d", res.StatusCode)
		}
		ck := sessionCookie(t, res)
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
			t.Fatalf("cookie flags: %+v", ck)
		}
		home := e.get(c, "/admin")
		if home.StatusCode != http.StatusOK || !strings.Contains(home.body, "Tableau de bord") {
			t.Fatalf("admin home: %d", home.StatusCode)
		}
		if strings.Contains(home.body, "/admin/journal") {
			t.Fatal("employee's navigation shows the admin-only journal")
		}
		if res := e.get(c, "/connexion"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login page while logged in: %d", res.StatusCode)
		}
		// Logout ends the session on the server: the old cookie is worthless.
		out := e.postForm(c, "/deconnexion", nil)
		if out.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", out.StatusCode)
		}
		replay := e.client()
		u, _ := url.Parse(e.server.URL)
		replay.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value}})
		if res := e.get(replay, "/admin"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("old cookie after logout: %d", res.StatusCode)
		}
		acts := strings.Join(e.auditActions(t), ",")
		if !strings.Contains(acts, "login.success") || !strings.Contains(acts, "logout") {
			t.Fatalf("audit: %s", acts)
		}
		// The admin sees the journal link and the journal.
		admin := e.loggedIn(adminEmail, adminPassword)
		if res := e.get(admin, "/admin"); !strings.Contains(res.body, "/admin/journal") {
			t.Fatal("admin navigation lacks the journal")
		}
		if res := e.get(admin, "/admin/journal"); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Déconnexion") {
			t.Fatalf("journal: %d", res.StatusCode)
		}
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	unknown := e.postForm(c, "/connexion", url.Values{"email": {"personne@garage-parrot.test"}, "password": {"Nimporte-Quoi-123"}})
	wrong := e.postForm(c, "/connexion", url.Values{"email": {adminEmail}, "password": {"Mauvais-Mot-De-Passe"}})
	if unknown.StatusCode != http.StatusUnprocessableEntity || wrong.StatusCode != unknown.StatusCode {
		t.Fatalf("statuses %d %d", unknown.StatusCode, wrong.StatusCode)
	}
	for _, res := range []*response{unknown, wrong} {
		if !strings.Contains(res.body, "Adresse e-mail ou mot de passe incorrect.") || len(res.Cookies()) != 0 {
			t.Fatalf("failure page: %s", res.body)
		}
	}
	// The typed e-mail comes back, escaped; the password never does.
	xss := e.postForm(c, "/connexion", url.Values{"email": {`"><script>alert(1)</script>`}, "password": {"x"}})
	if strings.Contains(xss.body, "<script>alert") || strings.Contains(wrong.body, "Mauvais-Mot-De-Passe") {
		t.Fatal("input echoed unescaped or password echoed")
	}
	if n := strings.Count(e.logs.String(), `msg="auth failure" client_ip=127.0.0.1`); n != 3 {
		t.Fatalf("%d auth failure log lines, want 3:\n%s", n, e.logs.String())
	}
	if strings.Contains(e.logs.String(), adminEmail) || strings.Contains(e.logs.String(), "Mauvais-Mot-De-Passe") {
		t.Fatal("the logs hold an e-mail or a password")
	}
	empty := e.postForm(c, "/connexion", url.Values{})
	if empty.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(empty.body, "Saisissez votre adresse e-mail") {
		t.Fatalf("empty form: %d", empty.StatusCode)
	}
}

func TestDisabledAccountCannotLogInAndLosesSessions(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.loggedIn(employeeEmail, employeePass)
	u, err := e.store.UserByEmail(context.Background(), employeeEmail)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.DB().Exec(`UPDATE users SET active = FALSE WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if res := e.get(c, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabled account still in: %d", res.StatusCode)
	}
	res := e.postForm(e.client(), "/connexion", url.Values{"email": {employeeEmail}, "password": {employeePass}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("disabled account logged in: %d", res.StatusCode)
	}
}

func TestLoginThrottlingSharedByInstances(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		first := newEnv(t, s.Engine())
		second := newEnvOn(t, first.store, first.clock)
		bad := url.Values{"email": {adminEmail}, "password": {"pas-le-bon-mot-de-passe"}}
		// Five failures spread over two instances.
		for i := range 5 {
			e := first
			if i%2 == 1 {
				e = second
			}
			if res := e.postForm(e.client(), "/connexion", bad); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: %d", i+1, res.StatusCode)
			}
		}
		// Now even the right password waits, on either instance.
		good := url.Values{"email": {adminEmail}, "password": {adminPassword}}
		for _, e := range []*env{first, second} {
			res := e.postForm(e.client(), "/connexion", good)
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
				!strings.Contains(res.body, "Trop de tentatives") {
				t.Fatalf("throttled login: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
			}
		}
		// Not for ever: after the delay the right password works.
		first.clock.Advance(31 * time.Second)
		if res := second.postForm(second.client(), "/connexion", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the delay: %d", res.StatusCode)
		}
		if !strings.Contains(strings.Join(first.auditActions(t), ","), "login.throttled") {
			t.Fatal("throttled attempt not audited")
		}
	})
}

func TestLoginThrottlingPerIP(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 20 {
		form := url.Values{"email": {"inconnu" + itoa(i) + "@example.test"}, "password": {"mauvais-mot-de-passe"}}
		if res := e.postForm(e.client(), "/connexion", form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
		}
	}
	res := e.postForm(e.client(), "/connexion", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("21st attempt from one IP: %d", res.StatusCode)
	}
	e.clock.Advance(10 * time.Minute)
	if res := e.postForm(e.client(), "/connexion", url.Values{"email": {adminEmail}, "password": {adminPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("next window: %d", res.StatusCode)
	}
}

func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		remote, xff string
		trusted     bool
		want        string
	}{
		{"192.0.2.7:5555", "203.0.113.1", true, "192.0.2.7"},                           // untrusted peer: header ignored
		{"127.0.0.1:5555", "203.0.113.1", true, "203.0.113.1"},                         // trusted proxy
		{"127.0.0.1:5555", "198.51.100.9, 203.0.113.1, 10.1.1.1", true, "203.0.113.1"}, // right-most untrusted
		{"127.0.0.1:5555", "", true, "127.0.0.1"},
		{"127.0.0.1:5555", "garbage", true, "127.0.0.1"},
		{"127.0.0.1:5555", "203.0.113.1", false, "127.0.0.1"}, // no proxies configured
		{"[::ffff:127.0.0.1]:80", "203.0.113.1", true, "203.0.113.1"},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		tp := trusted
		if !tc.trusted {
			tp = nil
		}
		if got := clientIP(r, tp); got != tc.want {
			t.Errorf("clientIP(%s, %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin":                "/admin",
		"/admin/journal?page=2": "/admin/journal?page=2",
		"":                      "",
		"/":                     "",
		"//evil.example/admin":  "",
		"https://evil.example":  "",
		"/admin\\..\\x":         "",
		"/administrateur":       "",
		"/admin/../connexion":   "/admin/../connexion",
	} {
		got := safeNext(in)
		if in == "/admin/../connexion" {
			// A dot-segment stays on this site; the browser resolves it.
			if got != "" && !strings.HasPrefix(got, "/admin") {
				t.Errorf("safeNext(%q) = %q", in, got)
			}
			continue
		}
		if got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSessionTimeouts(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.loggedIn(employeeEmail, employeePass)
	// Activity every hour keeps the session alive...
	for range 11 {
		e.clock.Advance(time.Hour)
		if res := e.get(c, "/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("active session ended early: %d", res.StatusCode)
		}
	}
	// ...up to the absolute limit of 12 hours.
	e.clock.Advance(time.Hour)
	if res := e.get(c, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("session older than 12 h still valid: %d", res.StatusCode)
	}
	// Idle for more than 2 hours ends a session too.
	c = e.loggedIn(employeeEmail, employeePass)
	e.clock.Advance(2*time.Hour + time.Minute)
	if res := e.get(c, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("idle session still valid: %d", res.StatusCode)
	}
}

func TestProductionCookie(t *testing.T) {
	e := newEnv(t, "sqlite", func(c *config.Config) { c.Production = true })
	res := e.postForm(e.client(), "/connexion", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	ck := sessionCookie(t, res)
	if ck.Name != "__Host-garage_session" || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Domain != "" {
		t.Fatalf("production cookie: %+v", ck)
	}
}
