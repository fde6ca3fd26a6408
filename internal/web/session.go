package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
)

// sessionManager keeps staff sessions in the database, so that every
// instance shares them and disabling an account ends its sessions at once.
// Anonymous visitors never get a cookie.
type sessionManager struct {
	store      *store.Store
	now        func() time.Time
	cookieName string
	secure     bool
	idle       time.Duration
	absolute   time.Duration
}

func newSessionManager(s *store.Store, now func() time.Time, production bool) *sessionManager {
	m := &sessionManager{store: s, now: now, cookieName: "garage_session", idle: SessionIdleTimeout, absolute: sessionAbsoluteTimeout}
	if production {
		// __Host- cookies must be Secure, host-only and for Path=/.
		m.cookieName, m.secure = "__Host-garage_session", true
	}
	return m
}

// newToken returns a fresh unguessable token for a link or a cookie (32
// random bytes, URL-safe) and the hash to store instead of it.
func newToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type sessionCtx struct {
	session *garage.Session
	user    *garage.User
}

func sessionFrom(ctx context.Context) *garage.Session {
	if sc, ok := ctx.Value(keySession).(*sessionCtx); ok {
		return sc.session
	}
	return nil
}

func currentUser(ctx context.Context) *garage.User {
	if sc, ok := ctx.Value(keySession).(*sessionCtx); ok {
		return sc.user
	}
	return nil
}

// loadSession attaches the logged-in user, if any, to the request. A
// request without a session cookie costs no database query.
func (a *app) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(a.sessions.cookieName)
		if err != nil || c.Value == "" || len(c.Value) > 128 {
			next.ServeHTTP(w, r)
			return
		}
		sess, user, err := a.sessions.lookup(r.Context(), c.Value)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				a.log.Error("session lookup", "request_id", requestID(r.Context()), "error", err.Error())
			}
			a.sessions.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(withValue(r.Context(), keySession, &sessionCtx{session: sess, user: user})))
	})
}

func (m *sessionManager) lookup(ctx context.Context, token string) (*garage.Session, *garage.User, error) {
	now := m.now()
	h := hashToken(token)
	sess, user, err := m.store.SessionUser(ctx, h, now, now.Add(-m.idle))
	if err != nil {
		return nil, nil, err
	}
	// Record activity at most once a minute, not on every request.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := m.store.TouchSession(ctx, h, now); err != nil {
			return nil, nil, err
		}
	}
	return sess, user, nil
}

// start creates a new session for user (a fresh token at every login),
// with a flash message for its first page if any, and sets its cookie. With
// an actor, the store audits it as a login.
func (m *sessionManager) start(ctx context.Context, w http.ResponseWriter, userID int64, flash string, by garage.Actor) error {
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	now := m.now()
	err = m.store.CreateSession(ctx, &garage.Session{
		TokenHash: hash, UserID: userID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(m.absolute), Flash: flash,
	}, by)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: m.cookieName, Value: token, Path: "/",
		MaxAge:   int(m.absolute / time.Second),
		HttpOnly: true, Secure: m.secure, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

func (m *sessionManager) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: m.cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: m.secure, SameSite: http.SameSiteLaxMode,
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// flash stores a one-time message shown on the next page of the session.
func (a *app) flash(r *http.Request, msg string) {
	if s := sessionFrom(r.Context()); s != nil {
		if err := a.store.SetSessionFlash(r.Context(), s.TokenHash, msg); err != nil {
			a.log.Warn("flash", "request_id", requestID(r.Context()), "error", err.Error())
		}
	}
}
