package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var (
	binaryPath string
	chromePath string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				chromePath = p
				break
			}
		}
	}
	if chromePath == "" && os.Getenv("CI") == "true" {
		return 1, fmt.Errorf("chromium not found: CI must install it (apt-get install -y chromium)")
	}
	dir, err := os.MkdirTemp("", "garage-e2e-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	if chromePath != "" {
		binaryPath = filepath.Join(dir, "garage")
		// go test puts its own GOROOT/bin first on the PATH.
		cmd := exec.Command("go", "build", "-o", binaryPath, "github.com/vparrot/garage/cmd/garage")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return 1, fmt.Errorf("build garage: %w", err)
		}
	}
	return m.Run(), nil
}

// Credentials of the seeded accounts.
const (
	adminEmail    = "vincent@garage-parrot.test"
	adminPassword = "Carburateur-Rouge-2026"
)

// site is one running garage binary.
type site struct {
	URL   string
	DBURL string
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// siteConfig adds to what startSite does: extra environment for `serve`
// (e.g. MAIL_SERVER) and extra seed data written through the store API.
type siteConfig struct {
	Env  []string
	Seed func(t *testing.T, s *store.Store)
}

// startSite seeds a fresh database of the given engine and starts
// `garage serve` on a free loopback port; it stops at the end of the test.
func startSite(t *testing.T, engine store.Engine) *site {
	t.Helper()
	return startSiteWith(t, engine, siteConfig{})
}

// startSiteWith is startSite with extra environment and seed data.
func startSiteWith(t *testing.T, engine store.Engine, sc siteConfig) *site {
	t.Helper()
	if chromePath == "" {
		t.Skip("chromium not installed (CI installs it)")
	}
	dbURL := storetest.URL(t, engine)
	seedSite(t, dbURL, sc.Seed)
	dataDir := t.TempDir()
	cmd := exec.Command(binaryPath, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "ADDR=127.0.0.1:0", "METRICS_ADDR=off",
		"LOG_FORMAT=json", "APP_ENV=development", "PUBLIC_URL=", "MAINTENANCE_MODE=false", "MAINTENANCE_START_DATE=",
		// No stray SMTP settings from the caller's environment: a test that
		// wants mail passes its own test server in sc.Env.
		"MAIL_SERVER=", "MAIL_PORT=", "MAIL_USE_TLS=", "MAIL_USE_SSL=", "MAIL_USERNAME=", "MAIL_PASSWORD=", "MAIL_FROM=")
	cmd.Env = append(cmd.Env, sc.Env...)
	cmd.Dir = dataDir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				select {
				case addr <- rec.Addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", logs.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &site{URL: base, DBURL: dbURL, logs: logs}
}

// seedSite migrates the database and adds the garage's details, hours and
// the administrator, as an operator would with the garage commands.
func seedSite(t *testing.T, dbURL string, extra func(t *testing.T, s *store.Store)) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InitRoles(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.SaveGarageDetails(ctx, &garage.Details{Name: "Garage V. Parrot", Street: "12 avenue des Mécaniciens",
		PostalCode: "31200", City: "Toulouse", Phone: "05 61 00 00 00", Email: "contact@garage-parrot.test"}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	hash, err := password.NewHasher(password.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, 1).Hash(ctx, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &garage.User{Email: adminEmail, PasswordHash: hash, FirstName: "Vincent", LastName: "Parrot",
		Role: garage.RoleAdmin, Active: true}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	price := 89
	if err := s.CreateService(ctx, &garage.Service{Title: "Freinage", Description: "Plaquettes et disques.", Visible: true, PriceFrom: &price}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if extra != nil {
		extra(t, s)
	}
}

// testHash hashes a seeded account's password with cheap argon2id
// parameters (the stored parameters travel with the hash).
func testHash(t *testing.T, pw string) string {
	t.Helper()
	hash, err := password.NewHasher(password.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, 1).Hash(context.Background(), pw)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// browser is one headless Chromium tab that records every console error,
// uncaught exception and browser-log error (CSP violations among them).
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	allowed  map[string]bool // URLs expected to answer with an error status
}

func newBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromePath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b := &browser{ctx: ctx, allowed: map[string]bool{}}
	// The first call starts the browser; it must not carry a timeout.
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventConsoleAPICalled:
			if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
				b.record(fmt.Sprintf("console.%s: %s", ev.Type, argsText(ev.Args)))
			}
		case *cdpruntime.EventExceptionThrown:
			b.record("exception: " + ev.ExceptionDetails.Text)
		case *page.EventJavascriptDialogOpening:
			// A confirm() before a destructive action: the person agrees.
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && !(ev.Entry.Source == log.EntrySourceNetwork && b.isAllowed(ev.Entry.URL)) {
				b.record(fmt.Sprintf("log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func argsText(args []*cdpruntime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if len(a.Value) > 0 {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// allowErrorStatus declares that url is expected to answer 4xx/5xx (an
// error page under test), so the browser's network error is not a failure.
func (b *browser) allowErrorStatus(url string) {
	b.mu.Lock()
	b.allowed[url] = true
	b.mu.Unlock()
}

func (b *browser) isAllowed(url string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.allowed[url]
}

func (b *browser) record(p string) {
	b.mu.Lock()
	b.problems = append(b.problems, p)
	b.mu.Unlock()
}

// check fails the test on any console error or CSP violation seen so far.
func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) > 0 {
		t.Fatalf("console errors or CSP violations: %q", b.problems)
	}
}

// do runs the steps with a time limit, then checks the console.
func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
	b.check(t)
}

// get runs one action that returns a value.
func get[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	b.check(t)
	return v
}
