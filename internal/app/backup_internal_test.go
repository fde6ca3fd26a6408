package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestScheduledBackupsKeepTheNewest(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	data := t.TempDir()
	cfg := &config.Config{DataDir: data, BackupDir: filepath.Join(data, "backups"), BackupInterval: 20 * time.Millisecond, BackupKeep: 2}
	if err := os.MkdirAll(cfg.BackupDir, 0o700); err != nil {
		t.Fatal(err)
	}
	// An old scheduled backup (pruned) and a manual one (never touched).
	for _, n := range []string{"auto-garage-20200101-000000.tar.gz", "garage-20200101-000000.tar.gz"} {
		if err := os.WriteFile(filepath.Join(cfg.BackupDir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		scheduledBackups(ctx, cfg, s, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		close(done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		names := listDir(t, cfg.BackupDir)
		fresh := 0
		for _, n := range names {
			if strings.HasPrefix(n, "auto-") && n != "auto-garage-20200101-000000.tar.gz" {
				fresh++
			}
		}
		if fresh >= 2 && !slices.Contains(names, "auto-garage-20200101-000000.tar.gz") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backups: %v", names)
		}
		time.Sleep(30 * time.Millisecond)
	}
	cancel()
	<-done
	names := listDir(t, cfg.BackupDir)
	if !slices.Contains(names, "garage-20200101-000000.tar.gz") {
		t.Fatalf("a manual backup was pruned: %v", names)
	}
	auto := 0
	for _, n := range names {
		if strings.HasPrefix(n, "auto-") {
			auto++
		}
		if strings.HasSuffix(n, ".tmp") {
			t.Fatalf("temporary file left: %v", names)
		}
	}
	if auto > 2 {
		t.Fatalf("%d scheduled backups kept, want at most 2: %v", auto, names)
	}
}
