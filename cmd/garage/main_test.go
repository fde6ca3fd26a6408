package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// goBinary is the go command of the toolchain running the tests: go test
// puts its GOROOT/bin first on the PATH of the test process.
func goBinary() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
	buildDir  string
)

// garageBinary builds the garage command once per test binary (with the
// race detector when the tests have it) and returns its path.
func garageBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "garage-bin-")
		if buildErr != nil {
			return
		}
		builtPath = filepath.Join(buildDir, "garage")
		args := []string{"build", "-o", builtPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/vparrot/garage/cmd/garage")
		cmd := exec.Command(goBinary(), args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// command prepares the binary with exactly env as its environment, run
// from an empty directory so that no .env file is read.
func command(t *testing.T, ctx context.Context, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, garageBinary(t), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// runBinary runs a short command and returns its exit code and output.
func runBinary(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := command(t, ctx, env, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("garage %s: %v", strings.Join(args, " "), err)
	}
	return code, out.String(), errOut.String()
}

func mustRunBinary(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	code, stdout, stderr := runBinary(t, env, stdin, args...)
	if code != 0 {
		t.Fatalf("garage %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// logWriter collects a running server's JSON log lines.
type logWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced at every write
}

func newLogWriter() *logWriter { return &logWriter{changed: make(chan struct{})} }

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.changed)
	w.changed = make(chan struct{})
	return w.buf.Write(p)
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// find returns the first complete JSON log line with msg, and a channel
// closed at the next write.
func (w *logWriter) find(msg string) (map[string]any, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for line := range strings.Lines(w.buf.String()) {
		if !strings.HasSuffix(line, "\n") {
			break
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			return rec, nil
		}
	}
	return nil, w.changed
}

// process is a garage server running as a child process.
type process struct {
	cmd    *exec.Cmd
	out    *logWriter
	errOut *logWriter
	exited chan struct{} // closed when Wait returned
	err    error         // Wait's result, once exited is closed
}

func startBinary(t *testing.T, env map[string]string, args ...string) *process {
	t.Helper()
	p := &process{out: newLogWriter(), errOut: newLogWriter(), exited: make(chan struct{})}
	p.cmd = command(t, context.Background(), env, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.errOut
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

func (p *process) String() string {
	return "--- stdout:\n" + p.out.String() + "--- stderr:\n" + p.errOut.String()
}

// waitLog waits for a JSON log line with msg.
func (p *process) waitLog(t *testing.T, msg string, timeout time.Duration) map[string]any {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		rec, changed := p.out.find(msg)
		if rec != nil {
			return rec
		}
		select {
		case <-changed:
		case <-p.exited:
			if rec, _ := p.out.find(msg); rec != nil {
				return rec
			}
			t.Fatalf("garage exited (%v) before logging %q\n%s", p.err, msg, p)
		case <-timer.C:
			t.Fatalf("no %q log line within %v\n%s", msg, timeout, p)
		}
	}
}

// waitExit waits for the process to end and returns its exit code.
func (p *process) waitExit(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		t.Fatalf("garage still running after %v\n%s", timeout, p)
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("garage: %v", p.err)
	return -1
}

func randomSecret(t *testing.T) string {
	var b [36]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

const (
	adminEmail    = "vincent@example.test"
	adminPassword = "Vidange-Courroie-2026"
)

// TestEndToEnd installs and runs the real binary on each engine, the way
// the deployment guide does.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	garageBinary(t) // build before the subtests start their clocks
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			endToEnd(t, storetest.URL(t, engine))
		})
	}
}

func endToEnd(t *testing.T, databaseURL string) {
	env := map[string]string{
		"DATABASE_URL": databaseURL,
		"DATA_DIR":     t.TempDir(),
		"ADDR":         "127.0.0.1:0",
		"METRICS_ADDR": "127.0.0.1:0",
		"LOG_FORMAT":   "json",
	}

	// Setting up a new database.
	if out := mustRunBinary(t, env, "", "db", "upgrade"); !strings.Contains(out, "migrée") {
		t.Errorf("db upgrade: %q", out)
	}
	if out := mustRunBinary(t, env, "", "init-roles"); !strings.Contains(out, "2 rôle(s) ajouté(s)") {
		t.Errorf("init-roles: %q", out)
	}
	// The password arrives on a pipe, as in a provisioning script.
	if out := mustRunBinary(t, env, adminPassword+"\n", "create-admin", "--email", adminEmail); !strings.Contains(out, "créé") {
		t.Errorf("create-admin: %q", out)
	}

	p := startBinary(t, env, "serve")
	listening := p.waitLog(t, "listening", 30*time.Second)
	addr, _ := listening["addr"].(string)
	metricsAddr, _ := p.waitLog(t, "metrics listening", 10*time.Second)["addr"].(string)
	if addr == "" || metricsAddr == "" {
		t.Fatalf("no listen addresses in the logs\n%s", p)
	}
	origin := "http://" + addr

	// Ready: poll with a deadline.
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(origin + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz not 200 within 20 s (last: %v)\n%s", err, p)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The public home page, for an anonymous visitor.
	resp, body := fetch(t, client, http.MethodGet, origin+"/", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET / Content-Type = %q", ct)
	}
	if !strings.Contains(body, `<html lang="fr"`) || !strings.Contains(body, "Horaires d'ouverture") {
		t.Errorf("GET / is not the French home page:\n%.500s", body)
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("anonymous GET / sets cookies: %q", sc)
	}

	// Staff login.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	form := url.Values{"email": {adminEmail}, "password": {adminPassword}}
	resp, _ = fetch(t, browser, http.MethodPost, origin+"/connexion", strings.NewReader(form.Encode()), http.Header{
		"Origin":       {origin},
		"Content-Type": {"application/x-www-form-urlencoded"},
	})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("POST /connexion = %d to %q, want 303 to /admin\n%s", resp.StatusCode, resp.Header.Get("Location"), p)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "garage_session" {
			session = c
		}
	}
	switch {
	case session == nil:
		t.Fatalf("login set no session cookie: %q", resp.Header.Values("Set-Cookie"))
	case !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/":
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/", resp.Header.Get("Set-Cookie"))
	case session.Secure:
		t.Errorf("session cookie is Secure in development over http: %q", resp.Header.Get("Set-Cookie"))
	}
	resp, body = fetch(t, browser, http.MethodGet, origin+"/admin", nil, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Tableau de bord") {
		t.Errorf("GET /admin after login = %d\n%.500s", resp.StatusCode, body)
	}

	// Metrics, on their own listener.
	_, body = fetch(t, client, http.MethodGet, "http://"+metricsAddr+"/metrics", nil, nil)
	if want := `garage_http_requests_total{code="200",method="GET",route="GET /{$}"}`; !strings.Contains(body, want) {
		t.Errorf("/metrics lacks %s\n%.3000s", want, body)
	}

	// Graceful shutdown: a request in flight when SIGTERM arrives is
	// answered. The login request below sends its headers with
	// "Expect: 100-continue"; the server answers "100 Continue" only once
	// the handler reads the body, so the request is provably in progress
	// before the signal, and its body is sent only after shutdown began.
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	slowBody := url.Values{"email": {adminEmail}, "password": {"pas-le-bon-mot-de-passe"}}.Encode()
	fmt.Fprintf(conn, "POST /connexion HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		addr, origin, len(slowBody))
	br := bufio.NewReader(conn)
	cont, err := http.ReadResponse(br, nil)
	if err != nil || cont.StatusCode != http.StatusContinue {
		t.Fatalf("want 100 Continue, got %v, %v", cont, err)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "shutting down", 10*time.Second)
	// The listener closes: new visitors are turned away...
	for closed := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(closed) {
			t.Fatal("the listener still accepts connections 10 s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// ...while the request in flight still gets its answer.
	if _, err := io.WriteString(conn, slowBody); err != nil {
		t.Fatalf("sending the body of the in-flight request: %v", err)
	}
	final, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("in-flight request: %v\n%s", err, p)
	}
	finalBody, err := io.ReadAll(final.Body)
	final.Body.Close()
	if err != nil {
		t.Fatalf("in-flight request body: %v", err)
	}
	if final.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(finalBody), "mot de passe incorrect") {
		t.Errorf("in-flight login with a wrong password = %d, want the 422 login page\n%.500s", final.StatusCode, finalBody)
	}

	if code := p.waitExit(t, 30*time.Second); code != 0 {
		t.Fatalf("garage serve exited with %d after SIGTERM\n%s", code, p)
	}
	if rec, _ := p.out.find("stopped"); rec == nil {
		t.Errorf("no « stopped » log line\n%s", p)
	}
	if strings.Contains(p.out.String()+p.errOut.String(), adminPassword) {
		t.Errorf("the administrator's password appears in the logs\n%s", p)
	}
	if strings.Contains(p.errOut.String(), "DATA RACE") {
		t.Errorf("data race in the server\n%s", p.errOut)
	}
}

// fetch does one request and reads the whole body.
func fetch(t *testing.T, c *http.Client, method, u string, body io.Reader, h http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return resp, string(b)
}

// TestServeRefusesWeakProductionSecret: in production a weak SECRET_KEY
// stops the binary before it listens.
func TestServeRefusesWeakProductionSecret(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	u := storetest.URL(t, store.SQLite)
	mustRunBinary(t, map[string]string{"DATABASE_URL": u}, "", "db", "upgrade")
	env := map[string]string{
		"APP_ENV":         "production",
		"SECRET_KEY":      "secret",
		"PUBLIC_URL":      "https://garage-parrot.example",
		"DATA_DIR":        dataDir,
		"DATABASE_URL":    u,
		"TRUSTED_PROXIES": "127.0.0.1",
		"ADDR":            "127.0.0.1:0",
		"METRICS_ADDR":    "127.0.0.1:0",
	}
	start := time.Now()
	code, stdout, stderr := runBinary(t, env, "", "serve")
	if code == 0 {
		t.Fatalf("serve accepted SECRET_KEY=secret in production\n%s%s", stdout, stderr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("refusing took %v", d)
	}
	if strings.Contains(stdout, `"msg":"listening"`) {
		t.Errorf("serve listened before refusing:\n%s", stdout)
	}
	if !strings.Contains(stdout, "SECRET_KEY") || !strings.Contains(stderr, "garage check") {
		t.Errorf("the refusal should name SECRET_KEY and point to « garage check »:\n%s%s", stdout, stderr)
	}
	// Its own self-check agrees.
	code, stdout, _ = runBinary(t, env, "", "check")
	if code != 1 || !strings.Contains(stdout, "ERREUR : SECRET_KEY") {
		t.Errorf("check: exit %d\n%s", code, stdout)
	}
	// And with a random secret, the same configuration passes.
	env["SECRET_KEY"] = randomSecret(t)
	if code, stdout, stderr = runBinary(t, env, "", "check"); code != 0 {
		t.Errorf("check with a random SECRET_KEY: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestBinaryUsage: exit codes of the real process.
func TestBinaryUsage(t *testing.T) {
	t.Parallel()
	if code, stdout, _ := runBinary(t, nil, "", "--help"); code != 0 || !strings.Contains(stdout, "SECRET_KEY") {
		t.Errorf("garage --help: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runBinary(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(stderr, "commande inconnue") {
		t.Errorf("garage frobnicate: exit %d\n%s", code, stderr)
	}
	if code, _, _ := runBinary(t, nil, "", "create-admin", "--email", adminEmail, "--password", adminPassword); code != 2 {
		t.Errorf("garage create-admin --password: exit %d, want 2", code)
	}
}
