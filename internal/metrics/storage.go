package metrics

import "github.com/prometheus/client_golang/prometheus"

// Storages a full-disk refusal is counted under.
var storages = []string{"database", "disk"}

func newStorageFull(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "garage_storage_full_total",
		Help: "Writes refused for lack of space, by storage: database (SQLITE_FULL, PostgreSQL disk_full) or disk (ENOSPC: photos, temporary files).",
	}, []string{"storage"})
	for _, s := range storages {
		c.WithLabelValues(s)
	}
	reg.MustRegister(c)
	return c
}

// StorageFull counts one write refused because storage ("database" or
// "disk") is full.
func (m *Metrics) StorageFull(storage string) { m.storageFull.WithLabelValues(storage).Inc() }
