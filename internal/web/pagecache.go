package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/vparrot/garage/ui"
)

// The public pages are rendered once and then served from memory until what they show changes. A page
// depends on three things besides its URL:
//
//   - the content in the database (cars, photos, reviews, hours, services, the garage's details): the
//     store's content version, bumped by triggers in the same transaction as any such change, is read at
//     every request (see store.ContentVersion), so a page is never older than the last committed change
//     made through this instance, nor, on PostgreSQL, than one made on another instance more than
//     store.PostgresVersionLag ago (on SQLite, at all);
//   - the time: a page is rendered for one instant (renderNow), and the code that turns that instant into
//     words or into a query says when its output changes next (expires): the next opening or closing and
//     midnight for the hours in the layout, the start of an announced maintenance, the moment the oldest
//     sold car shown leaves the list. The page is served until the earliest of those moments, and at most
//     maxPageLife;
//   - the visitor: only anonymous requests (no session cookie at all) use the cache, and the anti-spam
//     form-render time of the contact and review forms is left as a placeholder in the stored page and
//     filled in fresh for every visitor.
//
// Everything else a handler reads is in the key: the path, the query (normalised) and the
// X-Requested-With header that selects the car list's results fragment. Only 200 answers are stored, and
// not those a handler marked "Cache-Control: no-store". Stored pages are also kept gzip-compressed, for
// the browsers that accept it (pagegzip.go).

// pageCacheMaxBytes bounds the memory of stored pages (a list page is about 20 kB, a car page 25 kB).
const pageCacheMaxBytes = 8 << 20

// pageCacheMaxKey is the longest key stored: longer URLs are served, never kept.
const pageCacheMaxKey = 512

// maxPageLife bounds how long a page is served without a change of version: a safety net, should a
// time-dependent line ever forget to say when it changes (TestPageCacheMatchesAFreshRender looks for them).
const maxPageLife = time.Hour

type cachedPage struct {
	status int
	owner  *http.Request // the request that rendered it
	header http.Header   // what the handler set (not the middleware's headers)
	body   []byte        // with stamp placeholders
	etag   string        // of the body as stored
	gzETag string        // of the compressed body, when gz is set
	text   stampedText   // the body cut at its form-stamp placeholders
	gz     *gzipPage     // the compressed body, nil when not worth it (pagegzip.go)
	until  time.Time     // the first instant at which the page may read differently
}

// freshAt says whether the page is still what a render at now would give (the content version aside).
func (p *cachedPage) freshAt(now time.Time) bool { return now.Before(p.until) }

// memSize is what the page holds in memory: its body and its compressed copy.
func (p *cachedPage) memSize() int {
	n := len(p.body)
	if p.gz != nil {
		n += len(p.gz.whole)
		for _, d := range p.gz.deflated {
			n += len(d)
		}
	}
	return n
}

// gzipMinBytes: smaller pages are sent as they are.
const gzipMinBytes = 1024

type pageCache struct {
	mu      sync.Mutex
	version int64 // the content version of the stored pages
	entries map[string]*cachedPage
	size    int
	max     int
	maxLife time.Duration // maxPageLife, longer in a test that looks for undeclared changes
	flight  singleflight.Group
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, max: maxBytes, maxLife: maxPageLife}
}

// get returns the page stored under key for the content version, if it is still fresh at now. A newer
// version empties the cache: the pages of older ones can never be asked for again.
func (c *pageCache) get(version int64, key string, now time.Time) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(version)
	if version != c.version {
		return nil
	}
	if p := c.entries[key]; p != nil && p.freshAt(now) {
		return p
	}
	return nil
}

// put stores p, rendered for the content version, unless it is no longer fresh at now, or the budget is
// spent even without the pages that have expired.
func (c *pageCache) put(version int64, key string, p *cachedPage, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(version)
	if version != c.version || !p.freshAt(now) {
		return
	}
	if old := c.entries[key]; old != nil {
		if old.freshAt(now) {
			return
		}
		c.remove(key, old)
	}
	if c.size+p.memSize() > c.max {
		for k, old := range c.entries {
			if !old.freshAt(now) {
				c.remove(k, old)
			}
		}
		if c.size+p.memSize() > c.max {
			return
		}
	}
	c.entries[key] = p
	c.size += p.memSize()
}

func (c *pageCache) remove(key string, p *cachedPage) {
	delete(c.entries, key)
	c.size -= p.memSize()
}

func (c *pageCache) advance(version int64) {
	if version > c.version {
		c.version = version
		clear(c.entries)
		c.size = 0
	}
}

// renderClock is the time of a page rendered for the cache: the instant it is rendered for, and the first
// instant at which it may read differently.
type renderClock struct {
	now, until time.Time
}

// renderNow is the time a handler renders for: the render's instant for the page cache, else the clock.
// Whatever a handler derives from it that can change while the content stays the same, it declares with
// expires.
func (a *app) renderNow(ctx context.Context) time.Time {
	if c := renderClockFrom(ctx); c != nil {
		return c.now
	}
	return a.now()
}

// expires says that what the page shows, derived from renderNow, changes at t.
func expires(ctx context.Context, t time.Time) {
	c := renderClockFrom(ctx)
	if c == nil {
		return
	}
	if !t.After(c.now) {
		t = c.now // already changing: the page is not kept
	}
	if t.Before(c.until) {
		c.until = t
	}
}

func renderClockFrom(ctx context.Context) *renderClock {
	c, _ := ctx.Value(keyPageCache).(*renderClock)
	return c
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

func renderingForCache(ctx context.Context) bool { return renderClockFrom(ctx) != nil }

// cached serves next's page from the page cache when the request allows it (see above).
func (a *app) cached(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := a.cacheKey(r)
		if !ok {
			next(w, r)
			return
		}
		version, err := a.store.ContentVersion(r.Context())
		if err != nil {
			next(w, r) // the handler meets the same error and answers it properly
			return
		}
		if p := a.pages.get(version, key, a.now()); p != nil {
			a.metrics.PageCache(true)
			a.serveCached(w, r, p)
			return
		}
		a.metrics.PageCache(false)
		// One render per page and version, however many visitors ask for it at the same moment (the first
		// request after a change or after a page expired): the others wait for it.
		v, _, _ := a.pages.flight.Do(strconv.FormatInt(version, 10)+"/"+key, func() (any, error) {
			// The page outlives the request that renders it: it does not stop when that visitor leaves.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestTimeout)
			defer cancel()
			clock := &renderClock{now: a.now()}
			clock.until = clock.now.Add(a.pages.maxLife)
			rec := &pageRecorder{header: http.Header{}}
			next(rec, r.WithContext(context.WithValue(ctx, keyPageCache, clock)))
			p := &cachedPage{header: rec.header, body: rec.body.Bytes(), status: rec.status, owner: r, until: clock.until}
			if p.status == 0 {
				p.status = http.StatusOK
			}
			if p.status == http.StatusOK {
				p.text = splitStamps(p.body)
				sum := sha256.Sum256(p.body)
				p.etag = `W/"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
				if len(p.body) >= gzipMinBytes {
					if gz, err := newGzipPageOf(p.text); err == nil {
						p.gz, p.gzETag = gz, strings.TrimSuffix(p.etag, `"`)+`-gz"`
					}
				}
				if !strings.Contains(p.header.Get("Cache-Control"), "no-store") {
					a.pages.put(version, key, p, a.now())
				}
			}
			return p, nil
		})
		p := v.(*cachedPage)
		if p.status == http.StatusOK && p.freshAt(a.now()) {
			a.serveCached(w, r, p)
			return
		}
		if p.owner != r || p.status == http.StatusOK {
			// Not a page to share (a redirect, an error page with its request reference), or a page that no
			// longer holds now (rendered for an instant before one of its lines changed): render it for this
			// request.
			next(w, r)
			return
		}
		copyHeader(w.Header(), p.header)
		w.WriteHeader(p.status)
		_, _ = w.Write(splitStamps(p.body).fill(nil, a.newStamp))
	})
}

// cacheKey is the key of r's page, and false when r may not use the cache.
func (a *app) cacheKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	if _, err := r.Cookie(a.sessions.cookieName); err == nil {
		return "", false // staff see their own name and links: never cached
	}
	xrw := r.Header.Get("X-Requested-With")
	if r.URL.RawQuery == "" && xrw == "" && len(r.URL.Path) <= pageCacheMaxKey {
		return r.URL.Path, true // most visits: nothing to normalise
	}
	query, ok := plainQuery(r.URL.RawQuery)
	if !ok {
		query = normalQuery(r.URL.Query())
	}
	var b strings.Builder
	b.Grow(len(r.URL.Path) + 1 + len(query) + len(xrw) + 5)
	b.WriteString(r.URL.Path)
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	if xrw != "" {
		b.WriteString("#xrw=")
		b.WriteString(url.QueryEscape(xrw))
	}
	if b.Len() > pageCacheMaxKey {
		return "", false
	}
	return b.String(), true
}

// normalQuery is the query of a page's key: sorted by key, without the parameters given once and empty
// ("?marque=" means the same as no marque).
func normalQuery(q url.Values) string {
	for k, vs := range q {
		if len(vs) == 1 && vs[0] == "" {
			delete(q, k)
		}
	}
	return q.Encode()
}

// plainQuery is normalQuery(url.ParseQuery(raw)) without decoding or a map, for the queries the site's own
// links and filter form produce: every parameter "key=value", both made only of the characters that
// escaping leaves alone, and no value empty. It reports false for anything else, which takes the slow
// path. (Parsing and encoding the query was a third of a cached filtered page's own work.)
func plainQuery(raw string) (string, bool) {
	var buf [16]string
	pairs := buf[:0]
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" || v == "" || !unescaped(k) || !unescaped(v) || len(pairs) == len(buf) {
			return "", false
		}
		pairs = append(pairs, pair)
	}
	// Encode sorts by key, and keeps the order of a key's values: a stable sort on the keys alone.
	slices.SortStableFunc(pairs, func(a, b string) int {
		ka, _, _ := strings.Cut(a, "=")
		kb, _, _ := strings.Cut(b, "=")
		return strings.Compare(ka, kb)
	})
	return strings.Join(pairs, "&"), true
}

// unescaped reports whether s is made only of the characters url.QueryEscape leaves as they are.
func unescaped(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

func (a *app) serveCached(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	copyHeader(h, p.header)
	etag := p.etag
	gzipped := p.gz != nil && ui.AcceptsGzip(r.Header.Values("Accept-Encoding"))
	if p.gz != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	if gzipped {
		etag = p.gzETag
	}
	h.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && ui.ETagMatches(match, etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// A page with stamps is assembled per visitor in a pooled buffer; one without is sent from the stored
	// bytes, which must never become a pooled buffer.
	assembled := len(p.text.purposes) > 0
	buf := bodyBuffers.Get().(*[]byte)
	var body []byte
	if gzipped {
		h.Set("Content-Encoding", "gzip")
		body = p.gz.body(*buf, a.newStamp)
	} else {
		body = p.text.fill(*buf, a.newStamp) // the stored bytes themselves when the page has no stamps
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // a Writer never keeps the slice it is given: the buffer can be reused
	if assembled && cap(body) <= maxPooledBody {
		*buf = body[:0]
	}
	bodyBuffers.Put(buf)
}

// bodyBuffers hold the pages whose form stamps are filled in per visitor: without them, every view of a
// car page allocated its 12 kB again, and the garbage collector took a fifth of the server's time.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBody: a larger page gets a buffer of its own, so the pool holds no outsized buffers.
const maxPooledBody = 256 << 10

func (a *app) newStamp(purpose string) string { return a.forms.Stamp(purpose, a.now()) }

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
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return p.body.Write(b)
}
