package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/photostore/s3test"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/ui"
)

// testClock is a controllable clock shared by the app under test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Passwords of the seeded accounts.
const (
	adminEmail    = "vincent@garage-parrot.test"
	adminPassword = "Carburateur-Rouge-2026"
	employeeEmail = "lea@garage-parrot.test"
	employeePass  = "Pneus-Neige-Toulouse-31"
)

// testHasher is argon2id with small parameters, so tests stay fast.
func testHasher() *password.Hasher {
	return password.NewHasher(password.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, 4)
}

// env is one running application on a real database, reached over real HTTP.
type env struct {
	t      *testing.T
	store  *store.Store
	clock  *testClock
	app    *app
	server *httptest.Server
	logs   *strings.Builder
}

type envOption func(*config.Config)

func newEnv(t *testing.T, engine store.Engine, opts ...envOption) *env {
	t.Helper()
	s := storetest.Open(t, engine)
	e := newEnvOn(t, s, &testClock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris())}, opts...)
	seed(t, s)
	return e
}

// newEnvOn starts another application instance on an existing store, like
// a second server behind a load balancer.
func newEnvOn(t *testing.T, s *store.Store, clock *testClock, opts ...envOption) *env {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(cfg)
	}
	assets, err := ui.New()
	if err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, logs}, nil))
	photos := testPhotoStore(t, cfg.Photos)
	a, h, err := newApp(Deps{Config: cfg, Store: s, Assets: assets, Hasher: testHasher(), Logger: logger, Now: clock.Now,
		Photos: photos, PhotoProcessor: photo.NewProcessor(photo.DefaultLimits(), 2)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, clock: clock, app: a, server: srv, logs: logs}
}

// testPhotoStore is the photo store cfg describes: an S3 bucket (see withS3), or a fresh directory.
func testPhotoStore(t *testing.T, cfg config.PhotoConfig) photostore.Store {
	t.Helper()
	if cfg.Storage == config.PhotoStorageS3 {
		s, err := photostore.NewS3(photostore.S3Config{Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, Region: cfg.S3Region,
			AccessKeyID: cfg.S3AccessKeyID, SecretAccessKey: cfg.S3SecretAccessKey, PathStyle: cfg.S3PathStyle})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	d, err := photostore.NewDisk(filepath.Join(t.TempDir(), "photos"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// withS3 keeps the photos in bucket of srv instead of a directory.
func withS3(srv *s3test.Server, bucket string) envOption {
	return func(c *config.Config) { c.Photos = srv.PhotoConfig(bucket) }
}

// forEachPhotoStore runs f with the photos on disk, then in an S3 bucket (a real S3 server, versitygw: see
// s3test); opt is the option that selects the store, to pass to newEnv.
func forEachPhotoStore(t *testing.T, f func(t *testing.T, opt envOption)) {
	t.Run("disk", func(t *testing.T) { f(t, func(*config.Config) {}) })
	t.Run("s3", func(t *testing.T) {
		srv := s3test.Start(t)
		f(t, withS3(srv, srv.NewBucket(t)))
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func seed(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	h := testHasher()
	for _, u := range []struct {
		email, pw string
		role      garage.Role
	}{{adminEmail, adminPassword, garage.RoleAdmin}, {employeeEmail, employeePass, garage.RoleEmployee}} {
		hash, err := h.Hash(ctx, u.pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, &garage.User{Email: u.email, PasswordHash: hash, FirstName: "Prénom", LastName: "Nom", Role: u.role, Active: true}, time.Now(), garage.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveGarageDetails(ctx, &garage.Details{Name: "Garage V. Parrot", Street: "1 rue du Test", PostalCode: "31000", City: "Toulouse", Phone: "05 61 00 00 00", Email: "contact@garage-parrot.test"}, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), time.Time{}, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	price := 89
	if err := s.CreateService(ctx, &garage.Service{Title: "Freinage", Description: "Plaquettes et disques.", Visible: true, PriceFrom: &price}, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateService(ctx, &garage.Service{Title: "Service caché", Visible: false}, time.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
}

// client returns an HTTP client with its own cookie jar that does not
// follow redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// loggedIn returns a client with a session for the given account.
func (e *env) loggedIn(email, pw string) *http.Client {
	e.t.Helper()
	c := e.client()
	res := e.postForm(c, "/connexion", url.Values{"email": {email}, "password": {pw}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		e.t.Fatalf("login as %s: %d %s", email, res.StatusCode, res.body)
	}
	return c
}

type response struct {
	*http.Response
	body string
}

func (e *env) do(c *http.Client, req *http.Request) *response {
	e.t.Helper()
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.app.deferredWork.Wait() // what a handler does after its answer (answerThen) is done too
	return &response{Response: res, body: string(b)}
}

func (e *env) get(c *http.Client, path string) *response {
	e.t.Helper()
	return e.getWith(c, path, nil)
}

// getWith is get with extra request headers.
func (e *env) getWith(c *http.Client, path string, header http.Header) *response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return e.do(c, req)
}

// postForm posts a form the way a browser on the site does (same origin).
func (e *env) postForm(c *http.Client, path string, form url.Values) *response {
	e.t.Helper()
	return e.postFormFrom(c, path, form, e.server.URL, "same-origin")
}

func (e *env) postFormFrom(c *http.Client, path string, form url.Values, origin, fetchSite string) *response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	return e.do(c, req)
}

func (e *env) auditActions(t *testing.T) []string {
	t.Helper()
	list, err := e.store.ListAudit(context.Background(), "", 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Action)
	}
	return out
}

// sendAccountLink queues a single-use link for u, as the staff pages do.
func (e *env) sendAccountLink(t *testing.T, u *garage.User, purpose garage.TokenPurpose) {
	t.Helper()
	ctx := context.Background()
	link, err := e.app.newAccountLink(ctx, u, purpose)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SendAccountLink(ctx, u.ID, link, e.clock.Now(), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
}
