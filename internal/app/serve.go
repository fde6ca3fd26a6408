package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail"
	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web"
	"github.com/vparrot/garage/ui"
)

// Server timeouts and limits.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 30 * time.Second
	janitorInterval   = 10 * time.Minute
)

func runServe(ctx context.Context, e *env) error {
	fs := newFlags(e, "serve", "serve")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	out := e.stdout
	if cfg.LogFile != "" {
		lf, err := openLogFile(cfg.LogFile)
		if err != nil {
			return fmt.Errorf("LOG_FILE : %w", err)
		}
		defer lf.Close()
		out = lf
		// logrotate moves the file away, then sends SIGHUP.
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for range hup {
				_ = lf.Reopen()
			}
		}()
	}
	log := newLogger(cfg, out)
	log.Info("memory limit", "bytes", applyDefaultMemoryLimit(e.getenv))
	problems := append(config.CommentedValues(e.getenv), cfg.Validate()...)
	for _, p := range problems {
		if p.Fatal {
			log.Error("configuration", "problem", p.Message)
		} else {
			log.Warn("configuration", "problem", p.Message)
		}
	}
	if cfg.Production && config.HasFatal(problems) {
		return errors.New("configuration de production refusée (voir « garage check »)")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := requireSchema(ctx, s); err != nil {
		return err
	}
	return serve(ctx, cfg, s, log, e)
}

// serve runs the web server (and the internal metrics listener) until ctx
// ends, then shuts down gracefully, letting requests in flight finish.
func serve(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger, e *env) error {
	assets, err := ui.New()
	if err != nil {
		return err
	}
	m := metrics.New(s.DB())
	if err := m.Register(mail.NewBacklogCollector(s)); err != nil {
		return err
	}
	mailer, err := newMailWorker(cfg, s, log)
	if err != nil {
		return err
	}
	photos, closePhotos, err := openPhotos(ctx, cfg)
	if err != nil {
		return err
	}
	defer closePhotos()
	draining := new(atomic.Bool)
	h, err := web.New(web.Deps{
		Config:   cfg,
		Store:    s,
		Assets:   assets,
		Hasher:   password.NewHasher(password.DefaultParams(), max(1, runtime.NumCPU())),
		Logger:   log,
		Metrics:  m,
		Draining: draining,

		Photos:         photos,
		PhotoProcessor: photo.NewProcessor(photo.DefaultLimits(), max(1, runtime.NumCPU()/2)),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s impossible : %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	servers := []*http.Server{srv}
	errc := make(chan error, 3)
	if cfg.TLSCertFile != "" {
		srv.TLSConfig = serverTLSConfig()
		go func() { errc <- srv.ServeTLS(ln, cfg.TLSCertFile, cfg.TLSKeyFile) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	log.Info("listening", "addr", ln.Addr().String(), "tls", cfg.TLSCertFile != "", "env", cfg.Env, "database", string(s.Engine()), "photos", cfg.Photos.Storage)

	if cfg.TLSRedirectAddr != "" {
		rln, err := net.Listen("tcp", cfg.TLSRedirectAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("écoute de la redirection HTTPS sur %s impossible : %w", cfg.TLSRedirectAddr, err)
		}
		rsrv := &http.Server{Handler: httpsRedirect(cfg), ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout}
		servers = append(servers, rsrv)
		go func() { errc <- rsrv.Serve(rln) }()
		log.Info("https redirect listening", "addr", rln.Addr().String())
	}

	if cfg.MetricsEnabled() {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("écoute des métriques sur %s impossible : %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: writeTimeout}
		servers = append(servers, msrv)
		go func() { errc <- msrv.Serve(mln) }()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}

	jctx, stopJanitor := context.WithCancel(context.Background())
	defer stopJanitor()
	go janitor(jctx, s, log)
	go scheduledBackups(jctx, cfg, s, photos, log, m)
	go alertDigests(jctx, cfg, s, log)
	go appointmentReminders(jctx, cfg, s, log) // workshop (issue 17)
	mailDone := make(chan struct{})
	go func() {
		defer close(mailDone)
		if mailer != nil {
			mailer.Run(jctx)
		}
	}()

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	if cfg.ShutdownDrain > 0 && ctx.Err() != nil {
		// Behind a load balancer: fail the readiness probe first, keep serving until it has noticed.
		draining.Store(true)
		log.Info("draining", "for", cfg.ShutdownDrain.String())
		select {
		case <-time.After(cfg.ShutdownDrain):
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				log.Error("server stopped while draining", "error", err.Error())
			}
		}
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var firstErr error
	for _, s := range servers {
		if err := s.Shutdown(sctx); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	stopJanitor()
	<-mailDone // a batch in progress is recorded before exit
	log.Info("stopped")
	return firstErr
}

// serverTLSConfig is direct TLS mode's configuration: TLS 1.2 and 1.3,
// and in TLS 1.2 only forward-secret AEAD suites (no CBC, no RSA key
// exchange); TLS 1.3's suites are all AEAD and not configurable.
func serverTLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}
}

// httpsRedirect sends plain-HTTP visitors to the same page over HTTPS: to
// PUBLIC_URL when it is set, otherwise to the host they asked for.
func httpsRedirect(cfg *config.Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := cfg.PublicURL
		if !strings.HasPrefix(target, "https://") {
			host := r.Host
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			target = "https://" + host
		}
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
}

// janitor removes expired sessions, old rate-limit counters and login
// failures, and account links expired for a week.
func janitor(ctx context.Context, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(janitorInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		janitorPass(ctx, s, log, time.Now())
	}
}

// Retention, as the privacy page (views/legal_public.templ) announces it.
const (
	rateCounterRetention    = 24 * time.Hour // "des compteurs effacés au bout de 24 heures"
	messageRetentionYears   = 3              // "trois ans après notre dernier échange"
	sentMailRetentionMonths = 1              // "un mois après son envoi"
)

// janitorPass does one round of the janitor's deletions as of now.
func janitorPass(ctx context.Context, s *store.Store, log *slog.Logger, now time.Time) {
	if _, err := s.DeleteStaleSessions(ctx, now, now.Add(-web.SessionIdleTimeout)); err != nil {
		log.Warn("janitor: sessions", "error", err.Error())
	}
	if _, err := s.DeleteRateCountersBefore(ctx, now.Add(-rateCounterRetention)); err != nil {
		log.Warn("janitor: rate counters", "error", err.Error())
	}
	if _, err := s.DeleteLoginFailuresBefore(ctx, now.Add(-rateCounterRetention)); err != nil {
		log.Warn("janitor: login failures", "error", err.Error())
	}
	// Keys of stored public form submissions (retries refused): a form's
	// stamp expires after a day, so two days is plenty.
	if _, err := s.DeleteFormSubmissionsBefore(ctx, now.Add(-48*time.Hour)); err != nil {
		log.Warn("janitor: form submissions", "error", err.Error())
	}
	if _, err := s.DeleteExpiredAccountTokens(ctx, now.Add(-7*24*time.Hour)); err != nil {
		log.Warn("janitor: account tokens", "error", err.Error())
	}
	// Retention announced on the privacy page: contact messages three
	// years after the last exchange; sent mails (copies of them) a month.
	if _, err := s.DeleteMessagesUpdatedBefore(ctx, now.AddDate(-messageRetentionYears, 0, 0)); err != nil {
		log.Warn("janitor: old messages", "error", err.Error())
	}
	if _, err := s.DeleteFinishedMailBefore(ctx, now.AddDate(0, -sentMailRetentionMonths, 0)); err != nil {
		log.Warn("janitor: sent mails", "error", err.Error())
	}
	// Search alerts: an alert unconfirmed after 7 days keeps no address;
	// price drops are news for a day, kept a month.
	if _, err := s.DeleteUnconfirmedAlertsBefore(ctx, now.AddDate(0, 0, -garage.AlertConfirmDays)); err != nil {
		log.Warn("janitor: unconfirmed alerts", "error", err.Error())
	}
	if _, err := s.DeletePriceDropsBefore(ctx, now.AddDate(0, -1, 0)); err != nil {
		log.Warn("janitor: price drops", "error", err.Error())
	}
	// Workshop (issue 17): appointments past the retention the owner set, anonymised.
	if _, err := web.AnonymiseOldAppointments(ctx, s, now); err != nil {
		log.Warn("janitor: old appointments", "error", err.Error())
	}
}

// alertDigestInterval is how often serve looks for search alerts due a digest (each gets one a day at most).
const alertDigestInterval = 5 * time.Minute

// alertDigests queues the search alerts' daily digests (web.SendAlertDigests) every alertDigestInterval.
func alertDigests(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(alertDigestInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := web.SendAlertDigests(ctx, s, cfg.PublicURL, time.Now())
		if err != nil {
			log.Warn("alert digests", "error", err.Error())
		}
		if n > 0 {
			log.Info("alert digests queued", "count", n)
		}
	}
}

// appointmentReminders queues the workshop's day-before reminders
// (web.SendAppointmentReminders, once each) every janitorInterval.
func appointmentReminders(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(janitorInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := web.SendAppointmentReminders(ctx, s, cfg.PublicURL, time.Now())
		if err != nil {
			log.Warn("appointment reminders", "error", err.Error())
		}
		if n > 0 {
			log.Info("appointment reminders queued", "count", n)
		}
	}
}
