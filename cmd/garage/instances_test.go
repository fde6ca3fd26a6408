package main

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestTwoInstancesOnOnePostgreSQL runs the deployment of SPEC §7 in small:
// two instances migrate the same new database at once, then serve it
// together; a session opened on one is valid on the other, and login
// throttling counts across both.
func TestTwoInstancesOnOnePostgreSQL(t *testing.T) {
	dbURL := storetest.URL(t, store.Postgres) // skipped without GARAGE_TEST_POSTGRES_URL
	env := func() map[string]string {
		return map[string]string{"DATABASE_URL": dbURL, "DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0", "METRICS_ADDR": "off", "LOG_FORMAT": "json"}
	}
	// Both instances upgrade the empty database at the same moment.
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Go(func() { outs[i] = mustRunBinary(t, env(), "", "db", "upgrade") })
	}
	wg.Wait()
	if !strings.Contains(outs[0]+outs[1], "migrée") {
		t.Fatalf("no instance migrated: %q", outs)
	}
	mustRunBinary(t, env(), "", "init-roles")
	mustRunBinary(t, env(), adminPassword+"\n", "create-admin", "--email", adminEmail)

	var origins []string
	for range 2 {
		p := startBinary(t, env(), "serve")
		addr, _ := p.waitLog(t, "listening", 30*time.Second)["addr"].(string)
		origins = append(origins, "http://"+addr)
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	post := func(origin string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, origin+"/connexion", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		res, err := (&http.Client{Timeout: 20 * time.Second, CheckRedirect: noRedirect}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	// A session opened on instance A works on instance B.
	res := post(origins[0], url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %d", res.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "garage_session" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	req, _ := http.NewRequest(http.MethodGet, origins[1]+"/admin", nil)
	req.AddCookie(cookie)
	res, err := (&http.Client{Timeout: 10 * time.Second, CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("session from A on B: %d", res.StatusCode)
	}

	// Failures alternate between the instances; the account is throttled on both.
	bad := url.Values{"email": {adminEmail}, "password": {"pas-le-bon-mot-de-passe"}}
	for i := range 5 {
		if res := post(origins[i%2], bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	for _, o := range origins {
		if res := post(o, url.Values{"email": {adminEmail}, "password": {adminPassword}}); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("6th attempt on %s: %d, want 429", o, res.StatusCode)
		}
	}
}
