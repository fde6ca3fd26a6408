package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vparrot/garage/ui"
)

// The public pages are rendered once and then served from memory until what they show changes. Besides
// its key (the path, the query parameters its handler reads, and whether cars.js asks for the results
// fragment), a page depends on:
//
//   - the content in the database: the store's content version, which triggers bump with every change a
//     public page shows, is asked for at every request (see store.ContentVersion), and a newer one empties
//     the cache;
//   - the time: what a handler derives from the clock, it says when it changes next (expires): the next
//     opening or closing and midnight for the hours in the layout, the start of an announced maintenance,
//     the moment the oldest sold car shown leaves the list. A page is served until the earliest of those
//     moments, and at most maxPageLife;
//   - the visitor: only anonymous requests (no session cookie) use the cache, and the anti-spam stamps of
//     the forms are placeholders in the stored page, filled in with the stamp of the current second.
//
// Only 200 answers are stored, and not those a handler marked "Cache-Control: no-store".

// pageCacheMaxBytes bounds the memory of stored pages (a list page is about 20 kB, a car page 13 kB).
const pageCacheMaxBytes = 8 << 20

// pageCacheMaxKey is the longest key stored: longer URLs are served, never kept.
const pageCacheMaxKey = 512

// maxPageLife bounds how long a page is served without a change of version: a safety net, should a
// time-dependent line ever forget to say when it changes (TestPageCacheMatchesAFreshRender looks for them).
const maxPageLife = time.Hour

// gzipMinBytes: smaller pages are sent as they are.
const gzipMinBytes = 1024

type cachedPage struct {
	header       http.Header // what the handler set (not the middleware's headers)
	body         []byte      // as rendered, with a placeholder for each form stamp
	stamped      bool        // whether body has placeholders
	etag, gzETag string      // of body, and of its compressed form
	until        time.Time   // the first instant at which the page may read differently
	hits         int         // visits served from the cache; guarded by pageCache.mu

	mu     sync.Mutex
	second int64  // the second whose stamps plain holds
	plain  []byte // body with that second's stamps (body itself when it has none)
	gz     []byte // plain compressed, made when first asked for
}

func newCachedPage(header http.Header, body []byte, until time.Time) *cachedPage {
	sum := sha256.Sum256(body)
	tag := `W/"` + base64.RawURLEncoding.EncodeToString(sum[:18])
	return &cachedPage{header: header, body: body, until: until, etag: tag + `"`, gzETag: tag + `-gz"`,
		stamped: bytes.Contains(body, []byte(stampPlaceholder))}
}

// freshAt says whether the page is still what a render at now would give (the content version aside).
func (p *cachedPage) freshAt(now time.Time) bool { return now.Before(p.until) }

// memSize is what the page is counted for: its body, and about as much for its copy with stamps and its
// compressed copy.
func (p *cachedPage) memSize() int { return 2 * len(p.body) }

type pageCache struct {
	mu      sync.Mutex
	version int64 // the content version of the stored pages
	entries map[string]*cachedPage
	size    int
	max     int
	maxLife time.Duration // maxPageLife, longer in a test that looks for undeclared changes
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, max: maxBytes, maxLife: maxPageLife}
}

// get returns the page stored under key for the content version, if it is still fresh at now, and counts
// the visit. A newer version empties the cache: the pages of older ones can never be asked for again.
func (c *pageCache) get(version int64, key string, now time.Time) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(version)
	p := c.entries[key]
	if version != c.version || p == nil || !p.freshAt(now) {
		return nil
	}
	p.hits++
	return p
}

// put stores p, rendered for the content version, unless it is no longer fresh at now or a fresh page is
// there already. To make room it drops expired pages first, then those visited least: a flood of URLs
// that nobody asks for twice only ever replaces its own pages.
func (c *pageCache) put(version int64, key string, p *cachedPage, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(version)
	if version != c.version || !p.freshAt(now) || p.memSize() > c.max {
		return
	}
	if old := c.entries[key]; old != nil {
		if old.freshAt(now) {
			return
		}
		c.remove(key)
	}
	for c.size+p.memSize() > c.max {
		c.remove(c.victim(now))
	}
	c.entries[key] = p
	c.size += p.memSize()
}

// victim is the key of an expired page, or else of the page visited least.
func (c *pageCache) victim(now time.Time) string {
	var key string
	for k, p := range c.entries {
		if !p.freshAt(now) {
			return k
		}
		if key == "" || p.hits < c.entries[key].hits {
			key = k
		}
	}
	return key
}

func (c *pageCache) remove(key string) {
	c.size -= c.entries[key].memSize()
	delete(c.entries, key)
}

func (c *pageCache) advance(version int64) {
	if version > c.version {
		c.version = version
		clear(c.entries)
		c.size = 0
	}
}

// pageLife is carried by the context of a page rendered for the cache.
type pageLife struct{ until time.Time }

// expires says that what the page being rendered shows changes at t. Outside the page cache it does nothing.
func expires(ctx context.Context, t time.Time) {
	if l, ok := ctx.Value(keyPageCache).(*pageLife); ok && t.Before(l.until) {
		l.until = t
	}
}

func renderingForCache(ctx context.Context) bool {
	_, ok := ctx.Value(keyPageCache).(*pageLife)
	return ok
}

// stampPlaceholder stands for a form-render time in a stored page; it survives HTML escaping unchanged.
const stampPlaceholder = "cache-form-stamp-"

// formStamp is the signed render time of a purpose form for this request: a placeholder when the page is
// being rendered for the cache.
func (a *app) formStamp(r *http.Request, purpose string) string {
	if renderingForCache(r.Context()) {
		return stampPlaceholder + purpose
	}
	return a.forms.Stamp(purpose, a.now())
}

// withStamps returns body with the stamps of now in place of its placeholders (body itself when it has
// none).
func (a *app) withStamps(body []byte, now time.Time) []byte {
	for _, purpose := range []string{contactForm, reviewForm} {
		if placeholder := []byte(stampPlaceholder + purpose); bytes.Contains(body, placeholder) {
			body = bytes.ReplaceAll(body, placeholder, []byte(a.forms.Stamp(purpose, now)))
		}
	}
	return body
}

// cached serves next's page from the page cache when the request allows it (see above). The query
// parameters that next reads are params: the others are left out of the key, and out of the request next
// renders, so that URLs with made-up parameters share one page.
func (a *app) cached(next http.HandlerFunc, params ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, query, ok := a.cacheKey(r, params)
		if !ok {
			next(w, r)
			return
		}
		version, err := a.store.ContentVersion(r.Context())
		if err != nil {
			next(w, r) // the handler meets the same error and answers it properly
			return
		}
		now := a.now()
		if p := a.pages.get(version, key, now); p != nil {
			a.metrics.PageCache(true)
			a.serveCached(w, r, p)
			return
		}
		a.metrics.PageCache(false)
		life := &pageLife{until: now.Add(a.pages.maxLife)}
		render := r.WithContext(context.WithValue(r.Context(), keyPageCache, life))
		u := *r.URL
		u.RawQuery = query
		render.URL = &u
		rec := &pageRecorder{header: http.Header{}}
		next(rec, render)
		rec.WriteHeader(http.StatusOK) // what net/http answers for a handler that wrote nothing
		if rec.status != http.StatusOK {
			// A redirect or an error page (with its request reference): answered, never kept.
			copyHeader(w.Header(), rec.header)
			w.WriteHeader(rec.status)
			_, _ = w.Write(a.withStamps(rec.body.Bytes(), a.now()))
			return
		}
		p := newCachedPage(rec.header, rec.body.Bytes(), life.until)
		if !strings.Contains(p.header.Get("Cache-Control"), "no-store") {
			a.pages.put(version, key, p, a.now())
		}
		a.serveCached(w, r, p)
	})
}

// cacheKey is the key of r's page: its path, those of params it has, sorted by name (without the empty
// ones: "?marque=" means no make), and whether cars.js asks for the results fragment. It also returns
// those parameters as a query, and false when r may not use the cache. The parameters are kept as they
// came, without decoding: the page is rendered with exactly what its key holds.
func (a *app) cacheKey(r *http.Request, params []string) (key, query string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", "", false
	}
	if _, err := r.Cookie(a.sessions.cookieName); err == nil {
		return "", "", false // staff see their own name and links: never cached
	}
	key = r.URL.Path
	if r.URL.RawQuery != "" && len(params) > 0 {
		var buf [16]string
		kept := buf[:0]
		for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
			if name, value, _ := strings.Cut(pair, "="); value != "" && slices.Contains(params, name) && len(kept) < len(buf) {
				kept = append(kept, pair)
			}
		}
		slices.SortStableFunc(kept, func(a, b string) int { // the values of one name keep their order
			na, _, _ := strings.Cut(a, "=")
			nb, _, _ := strings.Cut(b, "=")
			return strings.Compare(na, nb)
		})
		if query = strings.Join(kept, "&"); query != "" {
			key += "?" + query
		}
	}
	if r.Header.Get("X-Requested-With") == "fetch" { // see wantsFragment
		key += "#fragment"
	}
	return key, query, len(key) <= pageCacheMaxKey
}

// serveCached answers r with p: 304 when the browser has it already, else p with the stamps of the current
// second, compressed when the browser accepts gzip.
func (a *app) serveCached(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	copyHeader(h, p.header)
	etag, gz := p.etag, false
	if len(p.body) >= gzipMinBytes {
		h.Add("Vary", "Accept-Encoding")
		if gz = ui.AcceptsGzip(r.Header.Values("Accept-Encoding")); gz {
			etag = p.gzETag
		}
	}
	h.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && ui.ETagMatches(match, etag) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.cachedBody(p, gz)
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// cachedBody is p as sent now, compressed or not. A stamp changes once a second, so each copy is made once
// per second at most and shared by the visitors of that second.
func (a *app) cachedBody(p *cachedPage, gz bool) []byte {
	now := a.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.plain == nil || p.stamped && p.second != now.Unix() {
		p.second, p.plain, p.gz = now.Unix(), a.withStamps(p.body, now), nil
	}
	if !gz {
		return p.plain
	}
	if p.gz == nil {
		p.gz = ui.Gzip(p.plain)
	}
	return p.gz
}

// copyHeader puts a stored page's header fields into a response. The value slices are shared, with their
// capacity cut to their length: an Add on the response appends to a new array, a Set replaces the slice,
// and nothing writes into a value slice in place, so the stored header never changes.
func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = vs[:len(vs):len(vs)]
	}
}

// pageRecorder keeps what a handler writes, to store it before sending it.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header { return p.header }
func (p *pageRecorder) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *pageRecorder) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return p.body.Write(b)
}
