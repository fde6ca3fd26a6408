// Package web is the HTTP side of the application: the route table, the
// middleware, and one small handler per page or action.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/spam"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/throttle"
	"github.com/vparrot/garage/internal/web/views"
	"github.com/vparrot/garage/ui"
)

// Deps is everything the web layer needs, built once by the caller.
type Deps struct {
	Config  *config.Config
	Store   *store.Store
	Assets  *ui.Assets
	Hasher  *password.Hasher
	Logger  *slog.Logger
	Metrics *metrics.Metrics // optional
	Now     func() time.Time // optional; time.Now by default
	// Draining, when set and true, makes /readyz answer 503 (the instance is stopping: SHUTDOWN_DRAIN).
	Draining *atomic.Bool

	// Car photos: where the files go and what checks and resizes them.
	// Optional: without them, uploads answer 503 and /photos/ 404.
	Photos         photostore.Store
	PhotoProcessor *photo.Processor
}

// Session lifetimes: SessionIdleTimeout without activity, and at most
// sessionAbsoluteTimeout after login.
const (
	SessionIdleTimeout     = 2 * time.Hour
	sessionAbsoluteTimeout = 12 * time.Hour
)

// requestTimeout bounds the work of one request (database calls included),
// below the server's write timeout.
const requestTimeout = 45 * time.Second

// Request body limits.
const (
	maxFormBytes = 64 << 10
)

type app struct {
	cfg      *config.Config
	store    *store.Store
	assets   *ui.Assets
	hasher   *password.Hasher
	log      *slog.Logger
	metrics  *metrics.Metrics
	now      func() time.Time
	guard    *throttle.LoginGuard
	limiter  *throttle.Limiter // public forms (contact, password reset)
	forms    *spam.Signer      // signed form-render times
	sessions *sessionManager
	mux      *http.ServeMux
	access   map[string]access // each route pattern's rule, for mayOpen
	photos   photostore.Store
	photoPro *photo.Processor
	pages    *pageCache // public pages, see pagecache.go
	draining *atomic.Bool
	csp      string // Content-Security-Policy, with PHOTO_PUBLIC_BASE_URL's origin in img-src when set

	// Work done after an answer has left (answerThen): tests wait for it,
	// and may hold it (beforeDeferredWork) to see the answer come first.
	deferredWork       sync.WaitGroup
	beforeDeferredWork func()
}

// New builds the application's HTTP handler.
func New(d Deps) (http.Handler, error) {
	_, h, err := newApp(d)
	return h, err
}

func newApp(d Deps) (*app, http.Handler, error) {
	if d.Config == nil || d.Store == nil || d.Assets == nil || d.Hasher == nil || d.Logger == nil {
		return nil, nil, errors.New("web: missing dependency")
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	a := &app{
		cfg:     d.Config,
		store:   d.Store,
		assets:  d.Assets,
		hasher:  d.Hasher,
		log:     d.Logger,
		metrics: d.Metrics,
		now:     now,
		guard:   throttle.NewLoginGuard(d.Store, now),
	}
	a.photos, a.photoPro = d.Photos, d.PhotoProcessor
	a.pages = newPageCache(pageCacheMaxBytes)
	a.draining = d.Draining
	a.csp = contentSecurityPolicy(d.Config.Photos.PublicOrigin())
	a.sessions = newSessionManager(d.Store, now, d.Config.Production)
	a.limiter = &throttle.Limiter{Counters: d.Store, Now: now}
	formKey := []byte(d.Config.SecretKey)
	if len(formKey) == 0 {
		// Development without SECRET_KEY: a random key per process (forms
		// rendered before a restart are then refused, silently).
		formKey = make([]byte, 32)
		if _, err := rand.Read(formKey); err != nil {
			return nil, nil, err
		}
	}
	a.forms = spam.NewSigner(formKey)
	mux := http.NewServeMux()
	a.access = map[string]access{}
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern, a.guardRoute(rt))
		a.access[rt.pattern] = rt.access
	}
	a.mux = mux

	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(d.Config.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		// Behind a proxy the Host header may differ from the public name.
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, nil, err
		}
	}
	// The one exemption: RFC 8058 one-click unsubscribe, posted by mail clients (see alerts_public.go).
	cop.AddInsecureBypassPattern(alertUnsubscribePattern)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, http.StatusForbidden)
	}))

	var h http.Handler = http.HandlerFunc(a.dispatch)
	h = a.maintenanceMode(h)
	h = a.loadSession(h)
	h = cop.Handler(h)
	h = a.securityHeaders(h)
	h = a.recoverPanics(h)
	h = a.observe(h)
	return a, h, nil
}

// dispatch sends matched requests to the mux and renders the French 404
// and 405 pages for the rest (the mux's own are plain text).
func (a *app) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := a.mux.Handler(r)
	if pattern != "" {
		a.mux.ServeHTTP(w, r)
		return
	}
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	status := probe.status
	if status != http.StatusMethodNotAllowed {
		status = http.StatusNotFound
	}
	a.errorPage(w, r, status)
}

// statusProbe records what the mux's fallback handler would answer.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *statusProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render renders c fully into memory first, so that a failure half-way
// becomes a clean 500 page instead of a truncated one.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := c.Render(views.WithPhotoBase(r.Context(), a.cfg.Photos.PublicBaseURL), buf); err != nil {
		a.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// page builds the layout data shared by every page. The garage's details
// and hours are read per request: they are tiny, and the open/closed line
// must never go stale.
func (a *app) page(r *http.Request, nav, title, description string) (*views.Page, error) {
	ctx := r.Context()
	p := &views.Page{
		Title:       title,
		Description: description,
		Nav:         nav,
		Asset:       a.assets.Path,
		RequestID:   requestID(ctx),
		User:        currentUser(ctx),
		MayOpen:     func(path string) bool { return a.mayOpen(currentUser(ctx), path) },
		Maintenance: a.maintenanceBanner(ctx),
	}
	if r.URL.Path != "" && nav != "" && !isAdminPath(r.URL.Path) {
		p.Canonical = a.cfg.PublicURL + r.URL.Path
	}
	g, err := a.store.GarageDetails(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		g = &garage.Details{Name: garage.DefaultName}
	case err != nil:
		return nil, err
	}
	p.Garage = g
	week, err := a.store.OpeningHours(ctx)
	if err != nil {
		return nil, err
	}
	p.Week = week
	now := a.now().In(hours.Paris())
	// Today's line, the exceptions to come and the days in the status line change at midnight; the status
	// line at the next opening or closing.
	y, m, d := now.Date()
	expires(ctx, time.Date(y, m, d+1, 0, 0, 0, 0, hours.Paris()))
	p.TodayIndex = hours.MondayIndex(now.Weekday())
	// Dated exceptions (holidays, closures) override the weekly hours.
	exceptions, err := a.store.ListExceptions(ctx, hours.DateOf(now))
	if err != nil {
		return nil, err
	}
	schedule := hours.Schedule{Week: week, Exceptions: exceptions}
	p.Exceptions = schedule.Upcoming(hours.DateOf(now), comingExceptionDays)
	st := schedule.StatusAt(now)
	for _, t := range []time.Time{st.Until, st.Next} {
		if !t.IsZero() {
			expires(ctx, t)
		}
	}
	p.IsOpen = st.Open
	p.OpenStatus = st.French(now)
	if p.User != nil && isAdminPath(r.URL.Path) {
		// The lead desk's badge: the leads waiting past the response target.
		late, err := a.store.CountLateLeads(ctx, a.now())
		if err != nil {
			return nil, err
		}
		pending, err := a.store.CountPendingTestimonials(ctx)
		if err != nil {
			return nil, err
		}
		p.Counters = map[string]int{"messages": late, "avis": pending}
		// Workshop (issue 17): online requests waiting for the staff's confirmation.
		if p.Counters["atelier"], err = a.store.CountAppointmentsToConfirm(ctx, a.now()); err != nil {
			return nil, err
		}
	}
	// The session row was read with its flash: most pages have none and need no write transaction (on
	// SQLite every transaction takes the write lock, so one per page serialised all back-office pages).
	if s := sessionFrom(ctx); s != nil && s.Flash != "" {
		if f, err := a.store.TakeSessionFlash(ctx, s.TokenHash); err == nil {
			p.Flash = f
		}
	}
	return p, nil
}

func isAdminPath(p string) bool { return p == "/admin" || len(p) > 7 && p[:7] == "/admin/" }

// maintenanceBanner announces MAINTENANCE_START_DATE on public pages.
func (a *app) maintenanceBanner(ctx context.Context) string {
	start := a.cfg.MaintenanceStart
	if start.IsZero() {
		return ""
	}
	now := a.now()
	if now.Before(start) {
		expires(ctx, start) // "prévue le …" becomes "en cours depuis le …"
	}
	return maintenanceText(start, now)
}

type ctxKey int

const (
	keyRequestInfo ctxKey = iota
	keySession
	keyPageCache // the *pageLife of a page rendered for the page cache
)

func withValue(ctx context.Context, k ctxKey, v any) context.Context {
	return context.WithValue(ctx, k, v)
}
