package app

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func writeFakeBackup(t *testing.T, dir string, at time.Time) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	name := "auto-" + backupName(at)
	if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func autoBackups(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, "auto-") {
			names = append(names, n)
		}
	}
	return names
}

// metricValue reads one unlabelled gauge from the exposition.
func metricValue(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// A service restarted more often than BACKUP_INTERVAL still takes its
// backups: the schedule is anchored on the newest backup on disk, an
// overdue one is taken shortly after start, and the last-success metric
// comes from the disk at start (so the alert can fire after a restart).
func TestBackupScheduleSurvivesRestarts(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	dir := filepath.Join(t.TempDir(), "backups")
	cfg := &config.Config{BackupDir: dir, BackupInterval: time.Hour, BackupKeep: 5}
	now := time.Now()

	// No backup at all: the first is taken shortly after start.
	m := metrics.New(nil)
	b := newBackupScheduler(cfg, s, nil, quietLog(), m)
	if due := b.start(now); due.After(now.Add(backupStartDelay)) {
		t.Fatalf("first backup due at %v, want within %v of start", due.Sub(now), backupStartDelay)
	}
	if v := metricValue(t, m, "garage_backup_interval_seconds"); v != 3600 {
		t.Fatalf("interval metric %v", v)
	}

	// The newest backup is recent: the next one is due an interval after it, however often the service restarts.
	recent := now.Add(-10 * time.Minute)
	writeFakeBackup(t, dir, recent)
	for restart := range 3 {
		m := metrics.New(nil)
		b := newBackupScheduler(cfg, s, nil, quietLog(), m)
		at := now.Add(time.Duration(restart) * 50 * time.Second)
		if due := b.start(at); !due.Equal(recent.Truncate(time.Millisecond).Add(time.Hour)) {
			t.Fatalf("restart %d: due at %v, want an hour after the newest backup", restart, due)
		}
		if got := b.tick(context.Background(), at); !got.After(at) || len(autoBackups(t, dir)) != 1 {
			t.Fatalf("a backup was taken before it was due: %v", autoBackups(t, dir))
		}
		if v := metricValue(t, m, "garage_backup_last_success_timestamp_seconds"); v != float64(recent.Unix()) {
			t.Fatalf("last-success metric %v after start, want the newest backup's time %d", v, recent.Unix())
		}
	}

	// Overdue (the newest is two hours old): taken at the first tick after start.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	writeFakeBackup(t, dir, now.Add(-2*time.Hour))
	m = metrics.New(nil)
	b = newBackupScheduler(cfg, s, nil, quietLog(), m)
	due := b.start(now)
	if due.After(now.Add(backupStartDelay)) {
		t.Fatalf("overdue backup due %v after start", due.Sub(now))
	}
	next := b.tick(context.Background(), due)
	if got := autoBackups(t, dir); len(got) != 2 {
		t.Fatalf("overdue backup not taken: %v", got)
	}
	if !next.After(now.Add(50 * time.Minute)) {
		t.Fatalf("after a backup the next is due at %v", next)
	}
	if v := metricValue(t, m, "garage_backup_last_success_timestamp_seconds"); v < float64(now.Unix()) {
		t.Fatalf("last-success metric %v after a backup", v)
	}
}

// With several instances on one database, one of them takes an overdue
// backup; the others see it and wait for the next.
func TestBackupScheduleOneInstanceTakesIt(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	dir := filepath.Join(t.TempDir(), "backups")
	cfg := &config.Config{BackupDir: dir, BackupInterval: time.Hour, BackupKeep: 5}
	writeFakeBackup(t, dir, time.Now().Add(-3*time.Hour))
	const instances = 4
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range instances {
		b := newBackupScheduler(cfg, s, nil, quietLog(), nil)
		wg.Go(func() {
			<-start
			b.tick(context.Background(), time.Now())
		})
	}
	close(start)
	wg.Wait()
	if got := autoBackups(t, dir); len(got) != 2 {
		t.Fatalf("%d instances took the overdue backup, want 1: %v", len(got)-1, got)
	}
}

// A failing schedule (BACKUP_DIR under a regular file) is recorded in the
// failure metric and reported by garage check, as is an overdue backup.
func TestBackupScheduleFailureIsReported(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	root := t.TempDir()
	file := filepath.Join(root, "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{DatabaseURL: "sqlite:" + filepath.Join(root, "garage.db"), BackupDir: filepath.Join(file, "backups"), BackupInterval: time.Hour, BackupKeep: 5}
	m := metrics.New(nil)
	b := newBackupScheduler(cfg, s, nil, quietLog(), m)
	now := time.Now()
	b.tick(context.Background(), b.start(now))
	if v := metricValue(t, m, "garage_backup_last_failure_timestamp_seconds"); v < float64(now.Unix()) {
		t.Fatalf("failure metric %v after a failed backup", v)
	}
	if v := metricValue(t, m, "garage_backup_last_success_timestamp_seconds"); v != 0 {
		t.Fatalf("success metric %v with no backup", v)
	}
	if p := backupScheduleProblems(cfg, now); len(p) != 1 || !p[0].Fatal || !strings.Contains(p[0].Message, "est un fichier") {
		t.Fatalf("check on a BACKUP_DIR under a file: %+v", p)
	}

	cfg.BackupDir = filepath.Join(root, "backups")
	if p := backupScheduleProblems(cfg, now); len(p) != 1 || p[0].Fatal {
		t.Fatalf("check with no backup yet should warn only: %+v", p)
	}
	writeFakeBackup(t, cfg.BackupDir, now.Add(-80*time.Minute))
	if p := backupScheduleProblems(cfg, now); len(p) != 0 {
		t.Fatalf("check with a backup 80 min old, every hour: %+v", p)
	}
	if p := backupScheduleProblems(cfg, now.Add(20*time.Minute)); len(p) != 1 || !p[0].Fatal || !strings.Contains(p[0].Message, "échouent") {
		t.Fatalf("check with an overdue backup: %+v", p)
	}
	cfg.DatabaseURL = "postgres://x@127.0.0.1/garage"
	if p := backupScheduleProblems(cfg, now.Add(20*time.Minute)); len(p) != 0 {
		t.Fatalf("no schedule on PostgreSQL, nothing to report: %+v", p)
	}
}
