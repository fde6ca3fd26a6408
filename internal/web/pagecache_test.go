package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

func (e *env) cachedPages() int {
	e.app.pages.mu.Lock()
	defer e.app.pages.mu.Unlock()
	return len(e.app.pages.entries)
}

// The page cache serves repeated visits from memory (same bytes, ETag, 304) and never a page older than
// the database: every change made through another instance shows at the next request.
func TestPageCacheIsNeverStaleAcrossInstances(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			other := newEnvOn(t, e.store, e.clock) // a second instance on the same database, its own cache
			ctx := context.Background()
			visitor := e.client()
			now := e.clock.Now()
			clio := e.addCar(car("Renault", "Clio", "TCe 90", 13990, 2021, 31000, "essence", "manuelle"), garage.CarPublished, now)
			zoe := e.addCar(car("Renault", "Zoe", "R110", 16490, 2022, 18000, "electrique", "automatique"), garage.CarPublished, now)

			first := e.get(visitor, "/occasions")
			if first.StatusCode != http.StatusOK || !strings.Contains(first.body, "Clio") || !strings.Contains(first.body, "Zoe") {
				t.Fatalf("list: %d", first.StatusCode)
			}
			if e.cachedPages() == 0 {
				t.Fatal("the list was not kept in the page cache")
			}
			second := e.get(visitor, "/occasions")
			etag := second.Header.Get("ETag")
			if second.body != first.body || etag == "" || etag != first.Header.Get("ETag") {
				t.Fatalf("second visit: same body %v, ETag %q then %q", second.body == first.body, first.Header.Get("ETag"), etag)
			}
			if nm := e.getWith(visitor, "/occasions", http.Header{"If-None-Match": {etag}}); nm.StatusCode != http.StatusNotModified || nm.body != "" {
				t.Fatalf("If-None-Match: %d %q", nm.StatusCode, nm.body)
			}
			// A query that means the same thing shares the entry; the fragment has its own.
			if same := e.get(visitor, "/occasions?marque="); same.body != first.body {
				t.Error("an empty parameter gave another page")
			}
			frag := e.getWith(visitor, "/occasions", http.Header{"X-Requested-With": {"fetch"}})
			if frag.StatusCode != http.StatusOK || strings.Contains(frag.body, "<html") {
				t.Fatalf("fragment: %d, full page %v", frag.StatusCode, strings.Contains(frag.body, "<html"))
			}
			page := e.get(visitor, views.CarPath(zoe))
			if page.StatusCode != http.StatusOK || strings.Contains(page.body, "Vendu") {
				t.Fatalf("car page: %d", page.StatusCode)
			}

			// An employee sells the Zoe and archives the Clio on the other instance.
			emp := other.loggedIn(employeeEmail, employeePass)
			for id, to := range map[int64]string{zoe.ID: "sold", clio.ID: "archived"} {
				if res := other.postForm(emp, "/admin/voitures/"+itoa(int(id))+"/statut", url.Values{"from": {"published"}, "to": {to}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("status → %s: %d %s", to, res.StatusCode, res.body)
				}
			}
			list := e.get(visitor, "/occasions")
			if strings.Contains(list.body, "Clio") || !strings.Contains(list.body, "Vendu") {
				t.Errorf("list after the changes: Clio shown %v, Vendu shown %v", strings.Contains(list.body, "Clio"), strings.Contains(list.body, "Vendu"))
			}
			if frag := e.getWith(visitor, "/occasions", http.Header{"X-Requested-With": {"fetch"}}); strings.Contains(frag.body, "Clio") {
				t.Error("the results fragment still shows the archived car")
			}
			if p := e.get(visitor, views.CarPath(zoe)); !strings.Contains(p.body, "Vendu") {
				t.Error("the car page does not say the car is sold")
			}
			if p := e.get(visitor, views.CarPath(clio)); p.StatusCode != http.StatusGone {
				t.Errorf("archived car page: %d, want 410", p.StatusCode)
			}

			// A review approved elsewhere appears on the home page at once; a pending one never does.
			e.get(visitor, "/") // in the cache before the review
			r := addReview(t, e, "Mireille Testavis", 5, garage.TestimonialPending)
			home := e.get(visitor, "/")
			if strings.Contains(home.body, "Mireille Testavis") {
				t.Fatal("a pending review is on the home page")
			}
			admin := other.loggedIn(adminEmail, adminPassword)
			if res := other.postForm(admin, "/admin/avis/"+itoa(int(r.ID))+"/approuver", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d %s", res.StatusCode, res.body)
			}
			if home = e.get(visitor, "/"); !strings.Contains(home.body, "Mireille Testavis") {
				t.Error("the approved review is not on the home page")
			}

			// New hours: closed on Wednesdays (the clock is a Wednesday, 10:00).
			if !strings.Contains(home.body, "Ouvert jusqu") {
				t.Fatalf("home page at 10:00 on a Wednesday does not say open")
			}
			week, err := e.store.OpeningHours(ctx)
			if err != nil {
				t.Fatal(err)
			}
			week[2].Ranges = nil
			if err := e.store.SaveOpeningHours(ctx, week, time.Time{}, garage.Actor{}); err != nil {
				t.Fatal(err)
			}
			if home = e.get(visitor, "/"); strings.Contains(home.body, "Ouvert jusqu") {
				t.Error("the home page still says open after the hours changed")
			}
		})
	}
}

// Time-dependent lines change at minute boundaries without any change in the database.
func TestPageCacheFollowsTheClock(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.clock.t = time.Date(2026, 3, 4, 11, 59, 30, 0, hours.Paris()) // a Wednesday, closing at 12:00
	visitor := e.client()
	if home := e.get(visitor, "/"); !strings.Contains(home.body, "à 12 h 00") || strings.Contains(home.body, "Fermé") {
		t.Fatalf("at 11:59:30: the page does not say open until 12 h 00")
	}
	e.clock.Advance(20 * time.Second)
	if home := e.get(visitor, "/"); strings.Contains(home.body, "Fermé") {
		t.Fatal("at 11:59:50 the page says closed")
	}
	e.clock.Advance(15 * time.Second) // 12:00:05
	if home := e.get(visitor, "/"); strings.Contains(home.body, "Ouvert jusqu") || !strings.Contains(home.body, "ouvre à 14 h 00") {
		t.Error("at 12:00:05 the page still says open")
	}
}

// Anti-spam render times are fresh for every visitor of a cached page, and they work.
func TestPageCacheFillsFreshFormStamps(t *testing.T) {
	e := newEnv(t, store.SQLite)
	visitor := e.client()
	first := e.contactToken(visitor)
	e.clock.Advance(5 * time.Second)
	second := e.contactToken(visitor)
	if first == second || strings.Contains(first+second, stampPlaceholder) {
		t.Fatalf("tokens %q and %q", first, second)
	}
	if e.cachedPages() == 0 {
		t.Fatal("the contact page was not cached")
	}
	for _, path := range []string{"/contact", "/avis"} {
		if res := e.get(visitor, path); strings.Contains(res.body, stampPlaceholder) {
			t.Errorf("%s shows the placeholder", path)
		}
	}
	// A bot posting the token of a cached page at once is still too fast.
	form := validContact()
	form.Set("jeton", e.contactToken(visitor))
	if res := e.postForm(visitor, "/contact", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("instant post: %d", res.StatusCode)
	}
	if got := e.messages(t); len(got) != 0 {
		t.Fatalf("an instant post was kept: %d messages", len(got))
	}
	// A person who takes their time gets through.
	if res := e.sendContact(visitor, validContact()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact: %d %s", res.StatusCode, res.body)
	}
	if got := e.messages(t); len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
}

// Staff (any session cookie) never get a cached page, nor fill the cache.
func TestPageCacheIsOnlyForAnonymousVisitors(t *testing.T) {
	e := newEnv(t, store.SQLite)
	emp := e.loggedIn(employeeEmail, employeePass)
	if res := e.get(emp, "/"); res.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", res.StatusCode)
	}
	if n := e.cachedPages(); n != 0 {
		t.Fatalf("a staff visit filled the cache: %d pages", n)
	}
	if res := e.get(emp, "/admin"); res.Header.Get("ETag") != "" {
		t.Error("a back-office page went through the page cache")
	}
}

// Visitors who ask for the same page at the same moment (the first visits after a change) wait for one
// render instead of each running the queries.
func TestPageCacheRendersAPageOnceForConcurrentVisitors(t *testing.T) {
	e := newEnv(t, store.SQLite)
	var renders atomic.Int32
	release := make(chan struct{})
	h := e.app.cached(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		<-release
		_, _ = w.Write([]byte("<p>page</p>"))
	})
	const visitors = 20
	var wg sync.WaitGroup
	bodies := make([]string, visitors)
	for i := range visitors {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/page", nil))
			bodies[i] = rec.Body.String()
		})
	}
	// Let the requests pile up behind the first render, then finish it. Whenever a request comes, it
	// either waits for that render or finds its result in the cache.
	for renders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, b := range bodies {
		if b != "<p>page</p>" {
			t.Fatalf("visitor %d got %q", i, b)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for %d simultaneous visitors", n, visitors)
	}
}

// Browsers that accept gzip get the cached page compressed, with a fresh stamp in each copy.
func TestPageCacheSendsGzipWithFreshStamps(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, e.clock.Now())
	visitor := e.client()
	for _, path := range []string{"/occasions", "/contact", views.CarPath(c)} {
		// (Go's client asks for gzip and decompresses by itself unless told otherwise.)
		plain := e.getWith(visitor, path, http.Header{"Accept-Encoding": {"identity"}})
		gz := e.getWith(visitor, path, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
		if gz.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(gz.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s: Content-Encoding %q, Vary %q", path, gz.Header.Get("Content-Encoding"), gz.Header.Values("Vary"))
		}
		if gz.Header.Get("Content-Length") != strconv.Itoa(len(gz.body)) || len(gz.body) >= len(plain.body)/2 {
			t.Errorf("%s: %d compressed bytes (Content-Length %s) for %d", path, len(gz.body), gz.Header.Get("Content-Length"), len(plain.body))
		}
		if gz.Header.Get("ETag") == plain.Header.Get("ETag") {
			t.Errorf("%s: the two encodings share an ETag", path)
		}
		zr, err := gzip.NewReader(strings.NewReader(gz.body))
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false) // one gzip member, as every decoder expects
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		unzipped := string(b)
		if jetonRe.ReplaceAllString(unzipped, "") != jetonRe.ReplaceAllString(plain.body, "") {
			t.Errorf("%s: the gzip body is not the page", path)
		}
		if strings.Contains(unzipped, stampPlaceholder) {
			t.Errorf("%s: placeholder in the gzip body", path)
		}
	}
	// The stamp of a compressed contact page is accepted.
	res := e.getWith(visitor, "/contact", http.Header{"Accept-Encoding": {"gzip"}})
	zr, err := gzip.NewReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	m := jetonRe.FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no token in the compressed contact page")
	}
	e.clock.Advance(8 * time.Second)
	form := validContact()
	form.Set("jeton", m[1])
	if res := e.postForm(visitor, "/contact", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact: %d", res.StatusCode)
	}
	if got := e.messages(t); len(got) != 1 {
		t.Fatalf("%d messages, want 1: the stamp was refused", len(got))
	}
}

func TestGzipPageWithStampsAnywhere(t *testing.T) {
	big := strings.Repeat("<p>Bonjour le garage</p>", 500)
	for _, body := range []string{
		stampPlaceholder + contactForm + big,
		big + stampPlaceholder + reviewForm,
		big + stampPlaceholder + contactForm + stampPlaceholder + contactForm + "<br>" + stampPlaceholder + reviewForm + big,
		"<a>" + stampPlaceholder + contactForm + "</a>",
	} {
		g, err := newGzipPageOf(splitStamps([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		stamp := func(p string) string { n++; return p + "-" + strings.Repeat("x", n*7) }
		out := g.body(nil, stamp)
		zr, err := gzip.NewReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("decompress: %v", err)
		}
		n = 0
		want := body
		for {
			i := strings.Index(want, stampPlaceholder)
			if i < 0 {
				break
			}
			p := stampPurposeAt([]byte(want[i+len(stampPlaceholder):]))
			want = want[:i] + stamp(p) + want[i+len(stampPlaceholder)+len(p):]
		}
		if string(got) != want {
			t.Errorf("decompressed %d bytes, want %d", len(got), len(want))
		}
	}
}

// The cache stays within its byte budget, serves a page until it expires, makes room by dropping expired
// pages, and forgets older content versions.
func TestPageCacheBoundsExpiryAndVersions(t *testing.T) {
	c := newPageCache(100)
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	page := func(n int, until time.Duration) *cachedPage {
		return &cachedPage{body: make([]byte, n), until: t0.Add(until)}
	}
	c.put(1, "/a", page(60, time.Hour), t0)
	c.put(1, "/b", page(60, time.Hour), t0) // over budget: not kept
	if c.get(1, "/a", t0) == nil || c.get(1, "/b", t0) != nil || c.size != 60 {
		t.Fatalf("budget: a %v, b %v, size %d", c.get(1, "/a", t0) != nil, c.get(1, "/b", t0) != nil, c.size)
	}
	if c.get(1, "/a", t0.Add(time.Hour-time.Nanosecond)) == nil || c.get(1, "/a", t0.Add(time.Hour)) != nil {
		t.Fatal("the page is not served exactly until it expires")
	}
	c.put(1, "/late", page(10, time.Minute), t0.Add(time.Minute)) // finished after it expired
	if c.get(1, "/late", t0) != nil {
		t.Fatal("a page that had already expired was stored")
	}
	later := t0.Add(2 * time.Hour)
	c.put(1, "/b", &cachedPage{body: make([]byte, 60), until: later.Add(time.Hour)}, later) // room made by dropping /a
	if c.get(1, "/b", later) == nil || c.size != 60 {
		t.Fatalf("the expired page did not make room: size %d", c.size)
	}
	c.put(1, "/b", &cachedPage{body: []byte("x"), until: later.Add(time.Hour)}, later) // a fresh page is kept
	if p := c.get(1, "/b", later); p == nil || len(p.body) != 60 {
		t.Fatal("a fresh page was replaced")
	}
	if c.get(2, "/b", later) != nil || c.size != 0 {
		t.Fatal("a new content version kept the old pages")
	}
	c.put(1, "/old", &cachedPage{body: []byte("x"), until: later.Add(time.Hour)}, later) // rendered for the older version
	if c.get(1, "/old", later) != nil || c.get(2, "/old", later) != nil {
		t.Fatal("a page of an older version was stored")
	}
}

// A HEAD request (link checkers, uptime probes) gets the cached page's headers and no body.
func TestPageCacheAnswersHead(t *testing.T) {
	e := newEnv(t, store.SQLite)
	visitor := e.client()
	get := e.getWith(visitor, "/occasions", http.Header{"Accept-Encoding": {"identity"}})
	req, err := http.NewRequest(http.MethodHead, e.server.URL+"/occasions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	head := e.do(visitor, req)
	if head.StatusCode != http.StatusOK || head.body != "" ||
		head.Header.Get("Content-Length") != strconv.Itoa(len(get.body)) || head.Header.Get("ETag") != get.Header.Get("ETag") {
		t.Fatalf("HEAD: %d, %d body bytes, Content-Length %s (page %d), ETag %q / %q", head.StatusCode, len(head.body),
			head.Header.Get("Content-Length"), len(get.body), head.Header.Get("ETag"), get.Header.Get("ETag"))
	}
}

// Pages with stamps are assembled in pooled buffers; the stored bytes of the pages without stamps, sent
// as they are, must never end up as one of those buffers.
func TestPageCachePooledBuffersLeaveStoredPagesIntact(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, e.clock.Now())
	visitor := e.client()
	encodings := []http.Header{{"Accept-Encoding": {"identity"}}, {"Accept-Encoding": {"gzip"}}}
	paths := []string{"/occasions", "/contact", "/", views.CarPath(c), "/avis"}
	first := map[string]string{}
	for round := range 20 {
		for _, path := range paths {
			for i, h := range encodings {
				res := e.getWith(visitor, path, h)
				body := res.body
				if i == 1 {
					zr, err := gzip.NewReader(strings.NewReader(body))
					if err != nil {
						t.Fatalf("round %d, %s: %v", round, path, err)
					}
					b, err := io.ReadAll(zr)
					if err != nil {
						t.Fatalf("round %d, %s: %v", round, path, err)
					}
					body = string(b)
				}
				// The stored header is shared with the responses: what a response adds stays in it.
				body = jetonRe.ReplaceAllString(body, "") + "\nVary: " + strings.Join(res.Header.Values("Vary"), ",")
				key := path + h.Get("Accept-Encoding")
				if want, ok := first[key]; ok && body != want {
					t.Fatalf("round %d: %s (%s) changed between two views", round, path, h.Get("Accept-Encoding"))
				}
				first[key] = body
			}
		}
	}
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// A cached page is served only while it is what a render at that instant would give. The test walks four
// days of a garage's life (openings and closings, midnight, a closure day, an announced maintenance that
// starts, sold cars leaving the 30-day list) and compares, at every stop, each page the cache serves with
// a fresh render at the same instant; it stops at regular steps and just before and at each moment a page
// said it expires. A time-dependent line that does not declare when it changes makes it fail.
func TestPageCacheMatchesAFreshRender(t *testing.T) {
	paris := hours.Paris()
	start := time.Date(2026, 3, 4, 10, 0, 0, 0, paris) // a Wednesday
	end := start.Add(4 * 24 * time.Hour)
	e := newEnv(t, store.SQLite, func(c *config.Config) {
		c.MaintenanceStart = time.Date(2026, 3, 5, 15, 30, 0, 0, paris)
	})
	ctx := context.Background()
	if err := e.store.CreateException(ctx, &hours.Exception{First: hours.NewDate(2026, 3, 6), Last: hours.NewDate(2026, 3, 6),
		Label: "Inventaire"}, start, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	shown := e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, start.Add(-50*24*time.Hour))
	e.addCar(car("Renault", "Clio", "TCe 90", 11990, 2019, 61000, "essence", "manuelle"), garage.CarSold,
		time.Date(2026, 2, 3, 11, 17, 23, 0, paris)) // leaves the list on 5 March at 11:17:24
	e.addCar(car("Dacia", "Sandero", "SCe 65", 8990, 2018, 83000, "essence", "manuelle"), garage.CarSold,
		time.Date(2026, 2, 5, 16, 0, 7, 0, paris)) // leaves on 7 March at 16:00:08
	e.addCar(car("Fiat", "Panda", "1.2", 5990, 2015, 120000, "essence", "manuelle"), garage.CarSold, start.Add(-60*24*time.Hour))

	// Without the one-hour safety net, so that an undeclared change would stay visible for days.
	e.app.pages.maxLife = 30 * 24 * time.Hour
	visitor := e.client()
	paths := []string{"/", "/occasions", "/contact", views.CarPath(shown), "/sitemap.xml"}
	fetch := func(path string) string {
		res := e.getWith(visitor, path, http.Header{"Accept-Encoding": {"identity"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s at %s: %d", path, e.clock.Now(), res.StatusCode)
		}
		return jetonRe.ReplaceAllString(res.body, "")
	}
	fresh := func(path string) string {
		kept := e.app.pages
		e.app.pages = newPageCache(pageCacheMaxBytes)
		defer func() { e.app.pages = kept }()
		return fetch(path)
	}
	stored := func(path string) *cachedPage {
		e.app.pages.mu.Lock()
		defer e.app.pages.mu.Unlock()
		return e.app.pages.entries[path]
	}

	var stops []time.Time // moments some page expires, and just before
	seen := map[string]bool{}
	var checked, expiries int
	for now := start; now.Before(end); {
		e.clock.set(now)
		for _, path := range paths {
			got, want := fetch(path), fresh(path)
			if got != want {
				t.Fatalf("%s at %s: the cached page differs from a fresh render:\n%s", path, now.In(paris), firstDiff(got, want))
			}
			checked++
			p := stored(path)
			if p == nil {
				t.Fatalf("%s at %s: not cached", path, now.In(paris))
			}
			if !seen[path+p.until.String()] {
				seen[path+p.until.String()] = true
				expiries++
				stops = append(stops, p.until.Add(-time.Nanosecond), p.until)
			}
		}
		next := now.Add(53 * time.Minute)
		for _, s := range stops {
			if s.After(now) && s.Before(next) {
				next = s
			}
		}
		now = next
	}
	// The walk met each kind of change: openings and closings, midnights, the maintenance, the two cars.
	if expiries < 20 {
		t.Errorf("only %d expiry moments met in the walk", expiries)
	}
	for _, want := range []time.Time{
		time.Date(2026, 3, 5, 15, 30, 0, 0, paris),  // the maintenance starts
		time.Date(2026, 3, 5, 11, 17, 24, 0, paris), // the Clio leaves the list
		time.Date(2026, 3, 7, 16, 0, 8, 0, paris),   // the Sandero too
		time.Date(2026, 3, 6, 0, 0, 0, 0, paris),    // midnight
		time.Date(2026, 3, 5, 8, 45, 0, 0, paris),   // an opening
	} {
		if !slices.ContainsFunc(stops, want.Equal) {
			t.Errorf("no page expired at %s", want)
		}
	}
	t.Logf("%d comparisons, %d expiry moments", checked, expiries)
}

// firstDiff shows where two pages part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return "cached: …" + a[from:min(len(a), i+120)] + "…\nfresh:  …" + b[from:min(len(b), i+120)] + "…"
}

// The key of a filtered page is made without decoding the query when it is plain: it must be the very key
// the decoding path gives, so that two URLs share a page exactly when they mean the same filters.
func TestPlainQueryKeysLikeTheDecodingPath(t *testing.T) {
	for _, raw := range []string{
		"prix_min=10000&prix_max=25000&km_max=100000&annee_min=2018&energie=diesel&tri=prix&page=2",
		"marque=Peugeot&boite=automatique", "tri=km&prix_max=12000", "page=2", "a=2&a=1&b=0", "b=1&a=2&b=0",
		"a-b=1&a=2", "a.b=1&a=2&a~=3&a_=4", "x=1&x=1",
	} {
		got, ok := plainQuery(raw)
		if !ok {
			t.Errorf("%q: not taken as plain", raw)
			continue
		}
		q, _ := url.ParseQuery(raw)
		if want := normalQuery(q); got != want {
			t.Errorf("%q: key %q, the decoding path gives %q", raw, got, want)
		}
	}
	// Anything that needs decoding, or an empty value that the key drops, takes the decoding path.
	for _, raw := range []string{
		"marque=", "marque", "marque=&tri=prix", "a=1&&b=2", "=1", "marque=Citro%C3%ABn", "marque=Alfa+Romeo",
		"m%61rque=Fiat", "a=1;b=2", "a=b=c", "q=é", strings.Repeat("a=1&", 17) + "a=1",
	} {
		if k, ok := plainQuery(raw); ok {
			t.Errorf("%q: taken as plain, key %q", raw, k)
		}
	}
	// Random queries over an alphabet that mixes plain and special characters.
	rng := rand.New(rand.NewPCG(1, 2))
	plain := 0
	const alphabet = "ab_-.~09Z=&%+;é"
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(string([]rune(alphabet)[rng.IntN(len([]rune(alphabet)))]))
		}
		raw := b.String()
		got, ok := plainQuery(raw)
		if !ok {
			continue
		}
		plain++
		q, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("%q: taken as plain, but does not parse: %v", raw, err)
		}
		if want := normalQuery(q); got != want {
			t.Fatalf("%q: key %q, the decoding path gives %q", raw, got, want)
		}
	}
	if plain < 1000 {
		t.Errorf("only %d random queries were plain: the comparison proves little", plain)
	}
}

// Two instances with their own connections to one database: a change made through an instance's forms
// shows on its own pages at once, whatever the lag, and on the other's (with the store's real lag:
// PostgreSQL a few milliseconds, SQLite none) once the lag has passed.
func TestPageCacheFollowsAnotherInstanceWithinTheLag(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			u := storetest.URL(t, engine)
			open := func() *store.Store {
				s, err := store.Open(ctx, u)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			sa := open()
			if err := sa.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := sa.InitRoles(ctx); err != nil {
				t.Fatal(err)
			}
			// A's own changes must show at once through its forms alone: its lag is made an hour long.
			sa.SetContentVersionLag(time.Hour)
			clock := &testClock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris())}
			a := newEnvOn(t, sa, clock)
			seed(t, sa)
			b := newEnvOn(t, open(), clock)
			clio := a.addCar(car("Renault", "Clio", "TCe 90", 13990, 2021, 31000, "essence", "manuelle"), garage.CarPublished, clock.Now())

			visitor := a.client()
			for _, e := range []*env{a, b} {
				if p := e.get(visitor, views.CarPath(clio)); p.StatusCode != http.StatusOK || strings.Contains(p.body, "Vendu") {
					t.Fatalf("before the sale: %d, sold %v", p.StatusCode, strings.Contains(p.body, "Vendu"))
				}
			}
			emp := a.loggedIn(employeeEmail, employeePass)
			if res := a.postForm(emp, "/admin/voitures/"+itoa(int(clio.ID))+"/statut", url.Values{"from": {"published"}, "to": {"sold"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sell: %d %s", res.StatusCode, res.body)
			}
			if p := a.get(visitor, views.CarPath(clio)); !strings.Contains(p.body, "Vendu") {
				t.Error("the instance that sold the car still shows it for sale")
			}
			time.Sleep(2 * store.PostgresVersionLag)
			if p := b.get(visitor, views.CarPath(clio)); !strings.Contains(p.body, "Vendu") {
				t.Error("the other instance still shows the car for sale once the lag has passed")
			}
		})
	}
}
