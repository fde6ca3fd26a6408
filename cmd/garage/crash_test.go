package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// TestKillDuringWritesLosesNothingAcknowledged kills the server with
// SIGKILL at random moments while requests that write are in flight. Every
// answered login attempt has written its audit row before the answer, so
// the rows must all be there afterwards, and the SQLite file must pass
// PRAGMA integrity_check.
func TestKillDuringWritesLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"DATABASE_URL": "sqlite:" + dir + "/garage.db",
		"DATA_DIR":     dir,
		"ADDR":         "127.0.0.1:0",
		"METRICS_ADDR": "off",
		"LOG_FORMAT":   "json",
	}
	mustRunBinary(t, env, "", "db", "upgrade")
	mustRunBinary(t, env, "", "init-roles")
	// Put 127.0.0.1 over the login limit for the next hour: every attempt is
	// then a quick 429 that still writes its audit row, so many writes are
	// in flight when the process dies (instead of waiting on argon2).
	{
		s, err := store.Open(context.Background(), env["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for w := range 7 {
			start := now.Add(time.Duration(w) * 10 * time.Minute)
			start = time.Unix(start.Unix()-start.Unix()%600, 0)
			for range 25 {
				if _, err := s.HitRate(context.Background(), "login:ip:127.0.0.1", start); err != nil {
					t.Fatal(err)
				}
			}
		}
		s.Close()
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var acknowledged atomic.Int64
	for round := range 3 {
		p := startBinary(t, env, "serve")
		addr, _ := p.waitLog(t, "listening", 30*time.Second)["addr"].(string)
		base := "http://" + addr
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			wg.Go(func() {
				c := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					form := url.Values{"email": {"inconnu" + string(rune('a'+w)) + "@example.test"}, "password": {"mauvais-mot-de-passe"}}
					req, _ := http.NewRequest(http.MethodPost, base+"/connexion", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res, err := c.Do(req)
					if err != nil {
						return // the server is gone
					}
					res.Body.Close()
					if res.StatusCode == http.StatusUnprocessableEntity || res.StatusCode == http.StatusTooManyRequests {
						acknowledged.Add(1)
					}
				}
			})
		}
		time.Sleep(time.Duration(300+rng.IntN(700)) * time.Millisecond)
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		p.waitExit(t, 10*time.Second)
		close(stop)
		wg.Wait()
		t.Logf("round %d: %d answers acknowledged so far", round+1, acknowledged.Load())
	}

	s, err := store.Open(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var check string
	if err := s.DB().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	var rows int64
	if err := s.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('login.failure', 'login.throttled')`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if acknowledged.Load() == 0 {
		t.Fatal("no request was answered before the kills")
	}
	if rows < acknowledged.Load() {
		t.Fatalf("%d answers acknowledged but only %d audit rows survived", acknowledged.Load(), rows)
	}
	// The site starts again on the same file.
	p := startBinary(t, env, "serve")
	p.waitLog(t, "listening", 30*time.Second)
}
