package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/app"
	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// server is a garage command running in process.
type server struct {
	out    *syncBuffer
	errOut *syncBuffer
	cancel context.CancelFunc
	done   chan int // receives the exit code
}

// start runs "garage args..." in the background until stop.
func start(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{out: &syncBuffer{}, errOut: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- app.Run(ctx, append([]string{"garage"}, args...), lookupFrom(env), strings.NewReader(""), s.out, s.errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(40 * time.Second):
			t.Error("server still running 40 s after cancel")
		}
	})
	return s
}

// stop cancels the server's context, as SIGTERM does in main, and returns
// its exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not stop within 30 s:\n%s", s.out.String())
		return -1
	}
}

// addr waits for the log line msg and returns its addr attribute.
func (s *server) addr(t *testing.T, msg string) string {
	t.Helper()
	rec := waitLog(t, s.out, msg, s.done)
	a, _ := rec["addr"].(string)
	if _, _, err := net.SplitHostPort(a); err != nil {
		t.Fatalf("log line %q has no usable addr: %v", msg, rec)
	}
	return a
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, string(b)
}

func serveEnv(u string) map[string]string {
	return map[string]string{
		"DATABASE_URL": u,
		"ADDR":         "127.0.0.1:0",
		"METRICS_ADDR": "127.0.0.1:0",
		"LOG_FORMAT":   "json",
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			env := serveEnv(migratedURL(t, engine))
			// In development a configuration problem is logged, not fatal.
			env["MAINTENANCE_START_DATE"] = "bientôt"
			srv := start(t, env, "serve")
			base := "http://" + srv.addr(t, "listening")
			metricsAddr := srv.addr(t, "metrics listening")

			if rec := findLog(srv.out.String(), "listening"); rec["database"] != string(engine) || rec["env"] != "development" {
				t.Errorf("listening log line: %v", rec)
			}
			if rec := findLog(srv.out.String(), "configuration"); rec == nil || rec["level"] != "ERROR" ||
				!strings.Contains(rec["problem"].(string), "MAINTENANCE_START_DATE") {
				t.Errorf("the configuration problem was not logged as an error: %v", rec)
			}

			for _, path := range []string{"/healthz", "/readyz"} {
				if resp, body := get(t, base+path); resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s = %d %q", path, resp.StatusCode, body)
				}
			}
			resp, body := get(t, base+"/")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Horaires d'ouverture") {
				t.Errorf("GET / = %d\n%.300s", resp.StatusCode, body)
			}
			if resp, _ := get(t, base+"/admin/journal"); resp.Request.URL.Path != "/connexion" {
				t.Errorf("anonymous GET /admin/journal ended at %s, want /connexion", resp.Request.URL)
			}
			resp, body = get(t, "http://"+metricsAddr+"/metrics")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `garage_http_requests_total{code="200",method="GET",route="GET /{$}"} 1`) {
				t.Errorf("GET /metrics = %d, no count for GET /:\n%.2000s", resp.StatusCode, body)
			}
			// The metrics stay off the public listener.
			if resp, _ := get(t, base+"/metrics"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("public GET /metrics = %d, want 404", resp.StatusCode)
			}

			if code := srv.stop(t); code != 0 {
				t.Fatalf("serve exited with %d after cancel:\n%s%s", code, srv.out, srv.errOut)
			}
			if findLog(srv.out.String(), "stopped") == nil {
				t.Errorf("no « stopped » log line:\n%s", srv.out)
			}
			if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
				t.Errorf("%s still accepts connections after serve returned", base)
			}
		})
	}
}

// TestServeMetricsOff: METRICS_ADDR=off starts no metrics listener.
func TestServeMetricsOff(t *testing.T) {
	t.Parallel()
	env := serveEnv(migratedURL(t, store.SQLite))
	env["METRICS_ADDR"] = "off"
	srv := start(t, env, "serve")
	srv.addr(t, "listening")
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited with %d:\n%s%s", code, srv.out, srv.errOut)
	}
	if findLog(srv.out.String(), "metrics listening") != nil {
		t.Errorf("metrics listener started with METRICS_ADDR=off:\n%s", srv.out)
	}
}

func TestServeRefusesUnsafeProduction(t *testing.T) {
	t.Parallel()
	u := migratedURL(t, store.SQLite)
	for name, change := range map[string]func(env map[string]string){
		"weak SECRET_KEY":      func(env map[string]string) { env["SECRET_KEY"] = "court" },
		"http PUBLIC_URL":      func(env map[string]string) { env["PUBLIC_URL"] = "http://garage-parrot.example" },
		"bad maintenance date": func(env map[string]string) { env["MAINTENANCE_START_DATE"] = "lundi" },
		"FLASK_ENV, missing key": func(env map[string]string) {
			delete(env, "APP_ENV")
			env["FLASK_ENV"] = "production"
			delete(env, "SECRET_KEY")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := prodEnv(t, u)
			env["ADDR"], env["METRICS_ADDR"] = "127.0.0.1:0", "127.0.0.1:0"
			change(env)
			start := time.Now()
			r := run(t, env, "", "serve")
			if r.code != 1 {
				t.Fatalf("serve with an unsafe production configuration: want exit 1, got %v", r)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refusing took %v", d)
			}
			if !strings.Contains(r.stderr, "garage check") {
				t.Errorf("the refusal does not point to « garage check »:\n%s", r.stderr)
			}
			if findLog(r.stdout, "listening") != nil {
				t.Errorf("serve listened before refusing:\n%s", r.stdout)
			}
			rec := findLog(r.stdout, "configuration")
			if rec == nil || rec["level"] != "ERROR" {
				t.Errorf("the problem is not logged as a JSON error (production logs JSON):\n%s", r.stdout)
			}
		})
	}
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			r := run(t, serveEnv(storetest.URL(t, engine)), "", "serve")
			if r.code != 1 || !strings.Contains(r.stderr, "garage db upgrade") {
				t.Fatalf("serve on an empty database: want exit 1 naming « garage db upgrade », got %v", r)
			}
			if findLog(r.stdout, "listening") != nil {
				t.Errorf("serve listened on an unmigrated database:\n%s", r.stdout)
			}
		})
	}
}

func TestServeAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env := serveEnv(migratedURL(t, store.SQLite))
	env["ADDR"] = ln.Addr().String()
	r := run(t, env, "", "serve")
	if r.code != 1 || !strings.Contains(r.stderr, ln.Addr().String()) {
		t.Errorf("serve on a busy address: want exit 1 naming it, got %v", r)
	}
}

var demoPassword = regexp.MustCompile(`mot de passe : (\S+)`)

func TestDemo(t *testing.T) {
	t.Parallel()
	u := "sqlite:" + t.TempDir() + "/demo.db"
	env := serveEnv(u)

	srv := start(t, env, "demo")
	base := "http://" + srv.addr(t, "listening")
	out := srv.out.String()
	m := demoPassword.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "vincent.parrot@garage-parrot.test") {
		t.Fatalf("demo did not print the administrator's credentials:\n%s", out)
	}
	resp, body := get(t, base+"/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Garage V. Parrot") || !strings.Contains(body, "Horaires d'ouverture") {
		t.Errorf("demo home page: %d\n%.300s", resp.StatusCode, body)
	}
	if resp, body := get(t, base+"/services"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Freinage") {
		t.Errorf("demo services page: %d (no demo service)\n%.300s", resp.StatusCode, body)
	}
	if resp, body := get(t, base+"/occasions"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "29 véhicules") {
		t.Errorf("demo car list: %d (want 27 cars for sale and 2 recently sold)\n%.300s", resp.StatusCode, body)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("demo exited with %d:\n%s%s", code, srv.out, srv.errOut)
	}

	// The second run reuses the database and no longer shows a password.
	srv = start(t, env, "demo")
	srv.addr(t, "listening")
	if out := srv.out.String(); strings.Contains(out, m[1]) {
		t.Errorf("the second demo run prints the password again:\n%s", out)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("second demo run exited with %d:\n%s%s", code, srv.out, srv.errOut)
	}
	s := openStore(t, u)
	users, err := s.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Role != garage.RoleAdmin {
		t.Errorf("after two demo runs: %d account(s), want the one administrator", len(users))
	}
	services, err := s.ListServices(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 6 {
		t.Errorf("after two demo runs: %d services, want the 6 demo services once", len(services))
	}
	if counts, err := s.CountCarsByStatus(context.Background()); err != nil || counts[garage.CarPublished]+counts[garage.CarSold]+counts[garage.CarDraft] != 31 {
		t.Errorf("after two demo runs: cars %v %v, want the 31 demo cars once", counts, err)
	}
}

// TestDemoStartsWhatever9090Holds: the quick start must not fail because
// another program holds Prometheus's default port; serve still refuses.
func TestDemoStartsWhatever9090Holds(t *testing.T) {
	if ln, err := net.Listen("tcp", config.DefaultMetricsAddr); err == nil {
		defer ln.Close()
	} // else something else holds it already, which is the case under test
	env := serveEnv("sqlite:" + t.TempDir() + "/demo.db")
	delete(env, "METRICS_ADDR")
	srv := start(t, env, "demo")
	base := "http://" + srv.addr(t, "listening")
	if resp, _ := get(t, base+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("demo home page with 9090 taken: %d", resp.StatusCode)
	}
	if out := srv.out.String(); strings.Contains(out, "metrics listening") || !strings.Contains(out, "METRICS_ADDR") {
		t.Errorf("the demo's log should say the metrics listener is off and how to turn it on:\n%s", out)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("demo exited with %d:\n%s%s", code, srv.out, srv.errOut)
	}

	env = serveEnv(migratedURL(t, store.SQLite))
	delete(env, "METRICS_ADDR")
	r := run(t, env, "", "serve")
	if r.code == 0 || !strings.Contains(r.stderr, "9090") {
		t.Errorf("serve with 9090 taken: want a loud failure naming the port, got %v", r)
	}
}

func TestDemoRefusals(t *testing.T) {
	t.Parallel()
	for name, env := range map[string]map[string]string{
		"production": {"APP_ENV": "production", "DATABASE_URL": "sqlite:" + t.TempDir() + "/demo.db"},
		"postgres":   {"DATABASE_URL": "postgres://garage@127.0.0.1:1/garage?sslmode=disable"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := run(t, env, "", "demo")
			if r.code != 1 || !strings.Contains(r.stderr, "garage demo") {
				t.Errorf("demo in %s: want exit 1, got %v", name, r)
			}
		})
	}
}

// With SHUTDOWN_DRAIN, a stopping instance first fails its readiness probe while it goes on serving pages,
// so that the load balancer takes it out before its connections close.
func TestServeDrainsBeforeStopping(t *testing.T) {
	t.Parallel()
	env := serveEnv(migratedURL(t, store.SQLite))
	env["SHUTDOWN_DRAIN"] = "3s"
	srv := start(t, env, "serve")
	base := "http://" + srv.addr(t, "listening")
	if resp, _ := get(t, base+"/readyz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz before SIGTERM: %d", resp.StatusCode)
	}
	srv.cancel() // SIGTERM
	waitLog(t, srv.out, "draining", srv.done)
	if resp, body := get(t, base+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("readyz while draining: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, base+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("home page while draining: %d", resp.StatusCode)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if !strings.Contains(srv.out.String(), `"msg":"stopped"`) {
		t.Error("no clean stop after the drain")
	}
}
