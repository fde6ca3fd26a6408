package web

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
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
			e.get(visitor, "/") // cached before the review arrives
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
	if home := e.get(visitor, "/"); !strings.Contains(home.body, "à 12\u00a0h\u00a000") || strings.Contains(home.body, "Fermé") {
		t.Fatalf("at 11:59:30: the page does not say open until 12\u00a0h\u00a000")
	}
	e.clock.Advance(20 * time.Second)
	if home := e.get(visitor, "/"); strings.Contains(home.body, "Fermé") {
		t.Fatal("at 11:59:50 the page says closed")
	}
	e.clock.Advance(15 * time.Second) // 12:00:05
	if home := e.get(visitor, "/"); strings.Contains(home.body, "Ouvert jusqu") || !strings.Contains(home.body, "ouvre à 14\u00a0h\u00a000") {
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

// The cache stays within its byte budget, serves a page until it expires, makes room by dropping expired
// pages first, then the pages visited least, and forgets older content versions.
func TestPageCacheBoundsExpiryAndVersions(t *testing.T) {
	c := newPageCache(200) // a page of n bytes counts for 2n
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	page := func(n int, until time.Time) *cachedPage { return &cachedPage{body: make([]byte, n), until: until} }
	kept := func(key string, at time.Time) bool { return c.get(1, key, at) != nil }
	c.put(1, "/a", page(60, t0.Add(time.Hour)), t0)
	c.put(1, "/b", page(30, t0.Add(time.Hour)), t0)
	if !kept("/a", t0) || !kept("/b", t0) || c.size != 180 {
		t.Fatalf("a %v, b %v, size %d", kept("/a", t0), kept("/b", t0), c.size)
	}
	if !kept("/a", t0.Add(time.Hour-time.Nanosecond)) || kept("/a", t0.Add(time.Hour)) {
		t.Fatal("the page is not served exactly until it expires")
	}
	c.put(1, "/late", page(10, t0.Add(time.Minute)), t0.Add(time.Minute)) // finished after it expired
	if kept("/late", t0) {
		t.Fatal("a page that had already expired was stored")
	}
	c.put(1, "/huge", page(101, t0.Add(time.Hour)), t0)
	if kept("/huge", t0) || !kept("/a", t0) {
		t.Fatal("a page over the whole budget was stored, or made room")
	}
	// /a was visited more than /b: /c takes the place of /b.
	c.put(1, "/c", page(40, t0.Add(time.Hour)), t0)
	if !kept("/a", t0) || kept("/b", t0) || !kept("/c", t0) || c.size != 200 {
		t.Fatalf("visited least: a %v, b %v, c %v, size %d", kept("/a", t0), kept("/b", t0), kept("/c", t0), c.size)
	}
	// An expired page makes room before any fresh one, however often visited.
	c.put(1, "/d", page(20, t0.Add(2*time.Hour)), t0.Add(time.Hour+time.Minute))
	later := t0.Add(time.Hour + time.Minute)
	c.put(1, "/c", page(40, later.Add(time.Hour)), later) // /c expired with /a: replaced
	if kept("/a", later) || !kept("/c", later) || !kept("/d", later) {
		t.Fatal("the expired pages did not make room")
	}
	c.put(1, "/c", &cachedPage{body: []byte("x"), until: later.Add(time.Hour)}, later) // a fresh page is kept
	if p := c.get(1, "/c", later); p == nil || len(p.body) != 40 {
		t.Fatal("a fresh page was replaced")
	}
	if c.get(2, "/c", later) != nil || c.size != 0 {
		t.Fatal("a new content version kept the old pages")
	}
	c.put(1, "/old", &cachedPage{body: []byte("x"), until: later.Add(time.Hour)}, later) // rendered for the older version
	if c.get(1, "/old", later) != nil || c.get(2, "/old", later) != nil {
		t.Fatal("a page of an older version was stored")
	}
}

// Parameters a page does not read stay out of its key, so that made-up URLs share one page; the filters
// of the car list are in it whatever their order, without the empty ones.
func TestPageCacheKeysOnTheParametersTheHandlerReads(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, e.clock.Now())
	visitor := e.client()
	for _, tc := range []struct{ urls []string }{
		{[]string{"/occasions", "/occasions?junk=1", "/occasions?utm_source=x&marque=", "/occasions?Marque=Peugeot"}},
		{[]string{"/occasions?marque=Peugeot&tri=prix", "/occasions?tri=prix&junk=2&marque=Peugeot&page="}},
		{[]string{"/", "/?prix_min=1000", "/?page=2&x=%zz"}},
		{[]string{"/avis?page=1", "/avis?page=1&junk=3"}},
	} {
		before := e.cachedPages()
		first := e.get(visitor, tc.urls[0])
		for _, u := range tc.urls[1:] {
			if res := e.get(visitor, u); res.StatusCode != first.StatusCode || jetonRe.ReplaceAllString(res.body, "") != jetonRe.ReplaceAllString(first.body, "") {
				t.Errorf("%s: another page than %s", u, tc.urls[0])
			}
		}
		if n := e.cachedPages() - before; n != 1 {
			t.Errorf("%v: %d pages stored, want 1", tc.urls, n)
		}
	}
	// The filters and the fragment are in the key.
	all := e.get(visitor, "/occasions")
	if diesel := e.get(visitor, "/occasions?energie=essence"); diesel.body == all.body {
		t.Error("a filter shares the page of the whole list")
	}
	for _, h := range []string{"fetch", "other"} {
		frag := e.getWith(visitor, "/occasions", http.Header{"X-Requested-With": {h}})
		if isPage := strings.Contains(frag.body, "<html"); isPage != (h != "fetch") {
			t.Errorf("X-Requested-With %q: full page %v", h, isPage)
		}
	}
}

// Issue 21: a flood of URLs that nobody asks for twice (made-up parameters, then real filters with
// made-up values) neither fills the cache for good nor pushes out the pages visitors ask for.
func TestPageCacheKeepsVisitedPagesUnderAFlood(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, e.clock.Now())
	visitor := e.client()
	popular := "/occasions?energie=diesel&tri=prix"
	for range 3 {
		e.get(visitor, popular)
	}
	stored := func(key string) *cachedPage {
		e.app.pages.mu.Lock()
		defer e.app.pages.mu.Unlock()
		return e.app.pages.entries[key]
	}
	e.app.pages.max = 20 * stored(popular).memSize() // twenty list pages
	for i := range 600 {
		e.get(visitor, "/occasions?junk="+strconv.Itoa(i))
	}
	if n := e.cachedPages(); n != 2 {
		t.Errorf("%d pages after 600 made-up parameters, want 2 (the list and the popular filter)", n)
	}
	for i := range 600 {
		e.get(visitor, "/occasions?prix_min="+strconv.Itoa(1000+i))
	}
	if stored(popular) == nil {
		t.Error("the flood pushed out the page visitors ask for")
	}
	// A new real filter is still stored and served from the cache after the flood.
	fresh := "/occasions?boite=manuelle"
	e.get(visitor, fresh)
	if stored(fresh) == nil {
		t.Error("after the flood, a new filter is not stored")
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

// Many visitors at once, in both encodings, while the clock moves: every one gets the page whole, with a
// stamp of its second (under -race, this holds the per-second copies), and what a response adds to the
// stored header never shows in the next.
func TestPageCacheServesConcurrentVisitors(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.addCar(car("Peugeot", "308", "BlueHDi 130", 17990, 2020, 52000, "diesel", "manuelle"), garage.CarPublished, e.clock.Now())
	visitor := e.client()
	paths := []string{"/occasions", "/contact", "/", views.CarPath(c), "/avis"}
	want, vary := map[string]string{}, map[string]string{}
	for _, path := range paths {
		res := e.getWith(visitor, path, http.Header{"Accept-Encoding": {"identity"}})
		want[path], vary[path] = jetonRe.ReplaceAllString(res.body, ""), strings.Join(res.Header.Values("Vary"), ",")
	}
	var wg sync.WaitGroup
	fails := make(chan string, 1)
	fail := func(msg string) {
		select {
		case fails <- msg:
		default:
		}
	}
	for i := range 8 {
		wg.Go(func() {
			for round := range 30 {
				path := paths[(i+round)%len(paths)]
				enc := []string{"identity", "gzip"}[i%2]
				if i == 0 {
					e.clock.Advance(300 * time.Millisecond)
				}
				res := e.getWith(visitor, path, http.Header{"Accept-Encoding": {enc}})
				body := res.body
				if enc == "gzip" {
					zr, err := gzip.NewReader(strings.NewReader(body))
					if err != nil {
						fail(path + ": " + err.Error())
						return
					}
					b, err := io.ReadAll(zr)
					if err != nil {
						fail(path + ": " + err.Error())
						return
					}
					body = string(b)
				}
				if strings.Contains(body, stampPlaceholder) || jetonRe.ReplaceAllString(body, "") != want[path] {
					fail(path + " (" + enc + "): not the page")
					return
				}
				if v := strings.Join(res.Header.Values("Vary"), ","); v != vary[path] {
					fail(path + ": Vary " + v + ", first " + vary[path])
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case msg := <-fails:
		t.Fatal(msg)
	default:
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

// Two instances with their own connections to one database. A change made through an instance's forms
// shows on its own pages at once, however long its store's lag (here an hour); the other instance, whose
// store reads the version at every request here, shows it at its next request. (How far behind the
// database the version may be with the real lag, store.ContentVersionLag, is tested in the store.)
func TestPageCacheShowsAnInstancesOwnChangesAtOnce(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			u := storetest.URL(t, engine)
			open := func(lag time.Duration) *store.Store {
				s, err := store.Open(ctx, u)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				s.SetContentVersionLag(lag)
				return s
			}
			sa := open(time.Hour)
			if err := sa.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := sa.InitRoles(ctx); err != nil {
				t.Fatal(err)
			}
			clock := &testClock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, hours.Paris())}
			a := newEnvOn(t, sa, clock)
			seed(t, sa)
			b := newEnvOn(t, open(0), clock)
			clio := a.addCar(car("Renault", "Clio", "TCe 90", 13990, 2021, 31000, "essence", "manuelle"), garage.CarPublished, clock.Now())
			sa.ContentChanged() // added behind the web layer's back

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
			for name, e := range map[string]*env{"the instance that sold the car": a, "the other instance": b} {
				if p := e.get(visitor, views.CarPath(clio)); !strings.Contains(p.body, "Vendu") {
					t.Errorf("%s still shows it for sale", name)
				}
			}
		})
	}
}
