package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// page is one URL under load, with the response garage gave to it once,
// replayed by the baseline server.
type page struct {
	name       string
	path       string
	reqHeaders map[string]string // sent by wrk, to garage and to the replay
	public     bool              // part of the mixed public traffic
	html       bool              // a public HTML page (the 60 % target)

	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

func noRedirectClient() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     benchTransport,
	}
}

// benchTransport is shared by the harness's clients, so their idle connections are pooled and reused.
var benchTransport = &http.Transport{DisableCompression: true}

// login posts the admin's credentials and returns the Cookie header of the
// session.
func login(ctx context.Context, base string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := noRedirectClient()
	c.Jar = jar
	if resp, err := c.Get(base + "/connexion"); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	form := url.Values{"email": {adminEmail}, "password": {adminPassword}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("login: status %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("login: no cookie")
	}
	return strings.Join(parts, "; "), nil
}

var cssRe = regexp.MustCompile(`href="(/static/[^"]+\.css)"`)

// buildPages lists the pages under load and captures garage's answer to
// each (one request, before any load).
func buildPages(ctx context.Context, base string, sd *seeded, cookie string) ([]*page, error) {
	const typical = "/occasions?prix_min=10000&prix_max=25000&km_max=100000&annee_min=2018&energie=diesel&tri=prix&page=2"
	pages := []*page{
		{name: "home /", path: "/", public: true, html: true},
		{name: "car list /occasions", path: "/occasions", public: true, html: true},
		{name: "list, typical filter", path: typical, public: true, html: true},
		{name: "list, make + automatic", path: "/occasions?marque=Peugeot&boite=automatique", public: true, html: true},
		{name: "list, cheap, by km", path: "/occasions?prix_max=12000&tri=km", public: true, html: true},
		{name: "results fragment (cars.js)", path: typical, reqHeaders: map[string]string{"X-Requested-With": "fetch"}, public: true, html: true},
		{name: "car page", path: sd.carPath, public: true, html: true},
	}
	c := noRedirectClient()
	home, err := capture(ctx, c, base, pages[0])
	if err != nil {
		return nil, err
	}
	if m := cssRe.FindSubmatch(home); m != nil {
		pages = append(pages, &page{name: "static CSS", path: string(m[1]), public: true})
	} else {
		logf("no stylesheet found in the home page")
	}
	if sd.photoPath != "" {
		pages = append(pages, &page{name: "photo (card JPEG)", path: sd.photoPath, public: true})
	}
	pages = append(pages, &page{name: "admin /admin/voitures", path: "/admin/voitures", reqHeaders: map[string]string{"Cookie": cookie}})
	for _, p := range pages[1:] {
		if _, err := capture(ctx, c, base, p); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

func capture(ctx context.Context, c *http.Client, base string, p *page) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+p.path, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range p.reqHeaders {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s (%s): status %d", p.name, p.path, resp.StatusCode)
	}
	p.Status, p.Header, p.Body = resp.StatusCode, resp.Header, body
	return body, nil
}

// child is a process the harness starts (garage, the replay server, the load balancer): stopped once with
// SIGTERM, killed if it is still there grace later, and killed with the harness if the harness dies first.
type child struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	once   sync.Once
}

// startChild starts name with args, its output to out; env nil inherits the harness's environment.
func startChild(ctx context.Context, out io.Writer, grace time.Duration, env []string, name string, args ...string) (*child, error) {
	cctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = grace
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	return &child{cmd: cmd, cancel: cancel}, nil
}

// stop sends SIGTERM (by cancelling the command's context, which starts the grace period) and waits.
func (c *child) stop() {
	c.once.Do(func() {
		c.cancel()
		_ = c.cmd.Wait()
	})
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// replay is the child process serving the baselines.
type replay struct {
	*child
	base string
}

func startReplay(ctx context.Context, tmp string, pages []*page) (*replay, error) {
	path := filepath.Join(tmp, "replay.json")
	b, err := json.Marshal(pages)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, err
	}
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c, err := startChild(ctx, os.Stderr, 5*time.Second, nil, self, "-replay-server", addr, path)
	if err != nil {
		return nil, err
	}
	r := &replay{child: c, base: "http://" + addr}
	if _, err := waitReady(ctx, r.base+"/fixed", 10*time.Second); err != nil {
		r.stop()
		return nil, fmt.Errorf("replay server: %w", err)
	}
	return r, nil
}

// replayServerMain serves /fixed (a fixed 40-byte page) and /p/N (the
// captured answer to page N, same headers, same bytes) until SIGTERM, or
// at most 30 minutes.
func replayServerMain(args []string) {
	if len(args) != 2 {
		fatalf("-replay-server ADDR FILE")
	}
	b, err := os.ReadFile(args[1])
	if err != nil {
		fatalf("%v", err)
	}
	var pages []*page
	if err := json.Unmarshal(b, &pages); err != nil {
		fatalf("%v", err)
	}
	fixed := []byte("<!doctype html><title>ok</title>hello!\n") // 40 bytes
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fixed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(fixed)
	})
	mux.HandleFunc("GET /p/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 0 || n >= len(pages) {
			http.NotFound(w, r)
			return
		}
		p := pages[n]
		h := w.Header()
		for k, v := range p.Header {
			if k == "Date" || k == "Content-Length" {
				continue
			}
			h[k] = v
		}
		h.Set("Content-Length", strconv.Itoa(len(p.Body)))
		w.WriteHeader(p.Status)
		w.Write(p.Body)
	})
	serveUntilSignal(args[0], mux)
}

// serveUntilSignal serves h on addr until SIGTERM, or at most 30 minutes
// (a child process of the harness never outlives it for long).
func serveUntilSignal(addr string, h http.Handler) {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		ch := make(chan os.Signal, 1)
		signalNotify(ch)
		select {
		case <-ch:
		case <-time.After(30 * time.Minute):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fatalf("%v", err)
	}
}

// publicURLs are the public pages' URLs at base: the mix of the fixed-rate run.
func publicURLs(base string, pages []*page) []string {
	var urls []string
	for _, p := range pages {
		if p.public {
			urls = append(urls, base+p.path)
		}
	}
	return urls
}
