package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
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
	log := newLogger(cfg, e.stdout)
	problems := cfg.Validate()
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
	photos, err := photostore.NewDisk(filepath.Join(cfg.DataDir, "photos"))
	if err != nil {
		return err
	}
	defer photos.Close()
	h, err := web.New(web.Deps{
		Config:  cfg,
		Store:   s,
		Assets:  assets,
		Hasher:  password.NewHasher(password.DefaultParams(), max(1, runtime.NumCPU())),
		Logger:  log,
		Metrics: m,

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
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "env", cfg.Env, "database", string(s.Engine()))

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

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
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
	log.Info("stopped")
	return firstErr
}

// janitor removes expired sessions and old rate-limit counters.
func janitor(ctx context.Context, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(janitorInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		if _, err := s.DeleteStaleSessions(ctx, now, now.Add(-web.SessionIdleTimeout)); err != nil {
			log.Warn("janitor: sessions", "error", err.Error())
		}
		if _, err := s.DeleteRateCountersBefore(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("janitor: rate counters", "error", err.Error())
		}
		if _, err := s.DeleteLoginFailuresBefore(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("janitor: login failures", "error", err.Error())
		}
	}
}
