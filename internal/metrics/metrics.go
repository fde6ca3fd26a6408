// Package metrics exposes the application's Prometheus metrics on their own
// registry (no global state), served on a separate, internal listener.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors the application updates.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	panics   prometheus.Counter
	logins   *prometheus.CounterVec
	backup   prometheus.Gauge
	backupIv prometheus.Gauge   // garage_backup_interval_seconds
	backupKO prometheus.Gauge   // garage_backup_last_failure_timestamp_seconds
	pageHit  prometheus.Counter // garage_page_cache_requests_total{result="hit"}, resolved once
	pageMiss prometheus.Counter

	storageFull *prometheus.CounterVec // garage_storage_full_total{storage}: see storage.go
}

// New registers the HTTP, runtime, process and database pool collectors.
func New(db *sql.DB) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "garage_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "garage_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "garage_http_panics_total",
			Help: "Handler panics recovered.",
		}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "garage_login_attempts_total",
			Help: "Staff login attempts by result: success, failure, throttled.",
		}, []string{"result"}),
		backup: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "garage_backup_last_success_timestamp_seconds",
			Help: "Unix time of the newest backup in BACKUP_DIR, read at start then set by each scheduled backup (0: none).",
		}),
		backupIv: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "garage_backup_interval_seconds",
			Help: "BACKUP_INTERVAL of the backup schedule this instance runs (0: no schedule).",
		}),
		backupKO: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "garage_backup_last_failure_timestamp_seconds",
			Help: "Unix time of the last failed scheduled backup (0: none since start).",
		}),
	}
	pages := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "garage_page_cache_requests_total",
		Help: "Public pages asked of the page cache, by result: hit (served from memory) or miss (rendered).",
	}, []string{"result"})
	m.pageHit, m.pageMiss = pages.WithLabelValues("hit"), pages.WithLabelValues("miss")
	for _, r := range []string{"success", "failure", "throttled"} {
		m.logins.WithLabelValues(r)
	}
	reg.MustRegister(m.requests, m.duration, m.panics, m.logins, m.backup, m.backupIv, m.backupKO, pages,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if db != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(db, "garage"))
	}
	m.storageFull = newStorageFull(reg)
	return m
}

// Register adds an application collector (e.g. the outbox backlog).
func (m *Metrics) Register(c prometheus.Collector) error { return m.registry.Register(c) }

// ObserveRequest records one finished request. route is the ServeMux
// pattern ("GET /occasions/{id}"), never the raw path, so that the number of
// series stays bounded.
func (m *Metrics) ObserveRequest(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// LoginAttempt counts a login attempt: "success", "failure" or "throttled".
func (m *Metrics) LoginAttempt(result string) { m.logins.WithLabelValues(result).Inc() }

// BackupSucceeded records the time of a successful scheduled backup (or,
// at start, of the newest backup found on disk).
func (m *Metrics) BackupSucceeded(t time.Time) { m.backup.Set(float64(t.Unix())) }

// BackupScheduled records the interval of the backup schedule (0: none).
func (m *Metrics) BackupScheduled(every time.Duration) { m.backupIv.Set(every.Seconds()) }

// BackupFailed records the time of a failed scheduled backup.
func (m *Metrics) BackupFailed(t time.Time) { m.backupKO.Set(float64(t.Unix())) }

// Names lists the metric families currently registered (for checking that
// alert rules only use metrics that exist).
func (m *Metrics) Names() ([]string, error) {
	families, err := m.registry.Gather()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(families))
	for _, f := range families {
		names = append(names, f.GetName())
	}
	return names, nil
}

// PageCache counts a public page served from the page cache (hit) or rendered (miss). A nil Metrics
// counts nothing.
func (m *Metrics) PageCache(hit bool) {
	if m == nil {
		return
	}
	if hit {
		m.pageHit.Inc()
	} else {
		m.pageMiss.Inc()
	}
}

// Panic counts a recovered panic.
func (m *Metrics) Panic() { m.panics.Inc() }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
