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

	"github.com/vparrot/garage/internal/backup"
	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/photostore"
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

// A scheduled backup holds the photos too, byte for byte: restored into a new database and photo store,
// it gives them back.
func TestScheduledBackupsHoldThePhotos(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	data := t.TempDir()
	photos, err := photostore.NewDisk(filepath.Join(data, "photos"))
	if err != nil {
		t.Fatal(err)
	}
	defer photos.Close()
	const key = "cars/ab/ab12cd34ef56ab78-card.jpg"
	want := []byte("\xff\xd8 a JPEG, as far as the backup knows")
	if err := photos.Put(ctx, key, want, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{DataDir: data, BackupDir: filepath.Join(data, "backups"), BackupInterval: 20 * time.Millisecond, BackupKeep: 5}
	run, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		scheduledBackups(run, cfg, s, photos, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		close(done)
	}()
	var file string
	for deadline := time.Now().Add(20 * time.Second); file == ""; time.Sleep(30 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled backup written")
		}
		if _, err := os.Stat(cfg.BackupDir); err != nil {
			continue
		}
		for _, n := range listDir(t, cfg.BackupDir) {
			if strings.HasPrefix(n, "auto-") && strings.HasSuffix(n, ".tar.gz") {
				file = filepath.Join(cfg.BackupDir, n)
			}
		}
	}
	cancel()
	<-done

	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dst := storetest.OpenEmpty(t, store.SQLite)
	if err := dst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	restored, err := photostore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	sum, err := backup.Read(ctx, f, dst, restored, false)
	if err != nil || sum.Photos != 1 {
		t.Fatalf("restore of the scheduled backup: %+v, %v", sum, err)
	}
	if got, err := photostore.ReadFile(ctx, restored, key); err != nil || string(got) != string(want) {
		t.Fatalf("restored photo: %q, %v", got, err)
	}
}
