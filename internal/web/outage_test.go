package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// tcpProxy forwards connections to target until stopped; stopping closes
// every connection and the listener, as a database restart would.
type tcpProxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *tcpProxy) start(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may linger briefly after a stop
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestPostgresOutage: while PostgreSQL is unreachable, pages answer a
// French 503 at once (no hang) and /readyz says not ready; when it is back,
// the site recovers by itself, without leaking connections.
func TestPostgresOutage(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " not set")
	}
	dbURL := storetest.URL(t, store.Postgres)
	u, _ := url.Parse(dbURL)
	proxy := &tcpProxy{addr: "127.0.0.1:0", target: u.Host}
	proxy.start(t)
	t.Cleanup(proxy.stop)
	u.Host = proxy.addr
	s, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InitRoles(context.Background()); err != nil {
		t.Fatal(err)
	}
	seed(t, s)
	e := newEnvOn(t, s, &testClock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)})
	c := e.client()
	if res := e.get(c, "/"); res.StatusCode != http.StatusOK {
		t.Fatalf("before the outage: %d", res.StatusCode)
	}

	proxy.stop()
	for _, p := range []string{"/", "/services", "/contact"} {
		done := make(chan *response, 1)
		go func() { done <- e.get(c, p) }()
		select {
		case res := <-done:
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
				!strings.Contains(res.body, "momentanément indisponible") {
				t.Fatalf("%s during the outage: %d", p, res.StatusCode)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s hangs while the database is down", p)
		}
	}
	if res := e.get(c, "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz during the outage: %d", res.StatusCode)
	}
	if res := e.get(c, "/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("healthz during the outage: %d", res.StatusCode)
	}

	proxy.start(t) // same address: the database is back
	deadline := time.Now().Add(20 * time.Second)
	for {
		res := e.get(c, "/")
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not recovered 20 s after the database came back: %d", res.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for range 20 {
		if res := e.get(c, "/services"); res.StatusCode != http.StatusOK {
			t.Fatalf("after recovery: %d", res.StatusCode)
		}
	}
	// No connection is left in use: a version read ahead (PostgreSQL's lag) may hold one for a round trip.
	st := s.DB().Stats()
	for deadline := time.Now().Add(5 * time.Second); st.InUse != 0 && time.Now().Before(deadline); st = s.DB().Stats() {
		time.Sleep(10 * time.Millisecond)
	}
	if st.InUse != 0 || st.OpenConnections > 20 {
		t.Fatalf("connections after recovery: %+v", st)
	}
}
