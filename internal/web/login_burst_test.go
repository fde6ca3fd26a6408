package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// post sends a same-origin form from any goroutine: it returns the status
// instead of failing the test.
func (e *env) post(c *http.Client, path string, form url.Values) (int, error) {
	req, err := http.NewRequest(http.MethodPost, e.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

// TestLoginBurstCountedBeforeHashing sends 40 parallel attempts on one account
// through two instances on one database: no more passwords are hashed than
// the per-account limit allows, and the right password sent inside the
// burst, once the limit is reached, does not log in.
func TestLoginBurstCountedBeforeHashing(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		first := newEnv(t, s.Engine())
		second := newEnvOn(t, first.store, first.clock)
		limit := first.app.guard.FreeFailures
		var hashes atomic.Int64
		limitReached := make(chan struct{})
		count := func() {
			if hashes.Add(1) == int64(limit) {
				close(limitReached)
			}
		}
		first.app.hasher.Observe(count)
		second.app.hasher.Observe(count)

		const burst = 40
		statuses := make([]int, burst)
		errs := make([]error, burst)
		var wrong sync.WaitGroup
		wrongDone := make(chan struct{})
		start := make(chan struct{})
		var all sync.WaitGroup
		for i := range burst {
			e := []*env{first, second}[i%2]
			form := url.Values{"email": {adminEmail}, "password": {fmt.Sprintf("pas-le-bon-%d", i)}}
			right := i == burst/2
			if right {
				form.Set("password", adminPassword)
			} else {
				wrong.Add(1)
			}
			all.Add(1)
			go func() {
				defer all.Done()
				if !right {
					defer wrong.Done()
				}
				<-start
				if right {
					// Inside the burst, once as many passwords as the limit
					// allows are being checked (or every other attempt is answered).
					select {
					case <-limitReached:
					case <-wrongDone:
					}
				}
				statuses[i], errs[i] = e.post(e.client(), "/connexion", form)
			}()
		}
		go func() { wrong.Wait(); close(wrongDone) }()
		close(start)
		all.Wait()

		evaluated, throttled := 0, 0
		for i, st := range statuses {
			if errs[i] != nil {
				t.Fatalf("attempt %d: %v", i, errs[i])
			}
			switch st {
			case http.StatusUnprocessableEntity:
				evaluated++
			case http.StatusTooManyRequests:
				throttled++
			case http.StatusSeeOther:
				t.Fatalf("attempt %d logged in (right password: %v)", i, i == burst/2)
			default:
				t.Fatalf("attempt %d: status %d", i, st)
			}
		}
		if n := hashes.Load(); n > int64(limit) {
			t.Fatalf("%d passwords hashed in a burst of %d, limit %d", n, burst, limit)
		}
		if evaluated > limit || evaluated+throttled != burst {
			t.Fatalf("%d evaluated, %d throttled", evaluated, throttled)
		}
		if statuses[burst/2] != http.StatusTooManyRequests {
			t.Fatalf("right password past the limit: %d", statuses[burst/2])
		}
		f, err := first.store.LoginFailuresFor(context.Background(), adminEmail)
		if err != nil || f.Count != limit {
			t.Fatalf("account run %+v (%v), want %d", f, err, limit)
		}
	})
}
