package mail

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BacklogCounter reports the outbox's waiting and failed mails.
type BacklogCounter interface {
	OutboxCounts(ctx context.Context) (pending, failed int, err error)
}

// BacklogCollector exposes the outbox backlog as Prometheus gauges, read
// from the database at each scrape (so every instance reports the shared
// queue).
type BacklogCollector struct {
	Counter BacklogCounter
	pending *prometheus.Desc
	failed  *prometheus.Desc
}

// NewBacklogCollector returns the collector for metrics.Register.
func NewBacklogCollector(c BacklogCounter) *BacklogCollector {
	return &BacklogCollector{
		Counter: c,
		pending: prometheus.NewDesc("garage_mail_outbox_pending", "E-mails waiting in the outbox.", nil, nil),
		failed:  prometheus.NewDesc("garage_mail_outbox_failed", "E-mails the outbox gave up sending.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *BacklogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.failed
}

// Collect implements prometheus.Collector.
func (c *BacklogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pending, failed, err := c.Counter.OutboxCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(pending))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(failed))
}
