package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"
)

// requestInfo travels with a request so that the outermost middleware can
// log and measure what the inner layers learnt (the route pattern).
type requestInfo struct {
	id       string
	clientIP string
	route    string
}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(keyRequestInfo).(*requestInfo)
	return info
}

func requestID(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

func clientIPFrom(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.clientIP
	}
	return ""
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	// beforeAnswer, when set, runs before the first byte of the answer: what the handler committed is in
	// the database by then.
	beforeAnswer func()
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.answering()
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.answering()
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) answering() {
	if s.beforeAnswer != nil {
		s.beforeAnswer()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe gives every request an ID and the client's IP, then logs one line
// and updates the metrics when it is done. Query strings, forms and cookies
// are never logged.
func (a *app) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // real elapsed time, whatever the injected clock says
		info := &requestInfo{id: newRequestID(), clientIP: clientIP(r, a.cfg.TrustedProxies)}
		w.Header().Set("X-Request-Id", info.id)
		rec := &statusRecorder{ResponseWriter: w}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// A form may have changed what the public pages show: the next public page of this instance
			// reads the content version again, before this answer reaches the browser (store.ContentChanged).
			rec.beforeAnswer = a.store.ContentChanged
		}
		// No request waits for ever on a database that stopped answering, the session's read included.
		ctx, cancel := context.WithTimeout(withValue(r.Context(), keyRequestInfo, info), requestTimeout)
		defer cancel()
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == 0 {
			rec.answering() // net/http answers 200 for a handler that wrote nothing
			rec.status = http.StatusOK
		}
		d := time.Since(start)
		if a.metrics != nil {
			a.metrics.ObserveRequest(info.route, r.Method, rec.status, d)
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		a.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", info.id),
			slog.String("method", r.Method),
			slog.String("route", info.route),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", d),
		)
	})
}

// recoverPanics turns a panicking handler into a 500 for that request only.
func (a *app) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			if a.metrics != nil {
				a.metrics.Panic()
			}
			a.log.Error("panic", "request_id", requestID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			w.Header().Set("Connection", "close")
			a.errorPage(w, r, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing but the site's own files: no inline
// script or style, no third party, no framing. photoOrigin, when not empty,
// is the origin of PHOTO_PUBLIC_BASE_URL (a public bucket or a CDN): images,
// and only images, may come from there too.
func contentSecurityPolicy(photoOrigin string) string {
	img := "img-src 'self' data:"
	if photoOrigin != "" {
		img += " " + photoOrigin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; " + img + "; " +
		"font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
		"base-uri 'none'; object-src 'none'"
}

// securityHeaders sets the security headers on every response, error
// pages and static files included.
func (a *app) securityHeaders(next http.Handler) http.Handler {
	// The values are made once and shared by every response; each slice's capacity is its length (see
	// copyHeader), so a handler that adds to one of these fields gets a slice of its own.
	shared := http.Header{}
	shared.Set("Content-Security-Policy", a.csp)
	shared.Set("X-Content-Type-Options", "nosniff")
	shared.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	shared.Set("X-Frame-Options", "DENY")
	shared.Set("Cross-Origin-Opener-Policy", "same-origin")
	shared.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if a.cfg.Production {
		shared.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		copyHeader(w.Header(), shared)
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address of the visitor: the connection's peer, or, when
// that peer is a trusted proxy, the right-most address of X-Forwarded-For
// that is not itself a trusted proxy.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = addr.Unmap()
		if !isTrusted(addr, trusted) {
			return addr.String()
		}
	}
	return peer.String()
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
