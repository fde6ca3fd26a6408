package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vparrot/garage/internal/backup"
	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
)

func runDBBackup(ctx context.Context, e *env) error {
	fs := newFlags(e, "db backup", "db backup [--out FICHIER]\n\n"+
		"Écrit une sauvegarde cohérente (base et photos), lisible par les deux moteurs, même pendant que le site tourne.\n"+
		"Par défaut dans BACKUP_DIR ; « --out - » écrit sur la sortie standard.")
	out := fs.String("out", "", "fichier de sauvegarde (.tar.gz) ; défaut : BACKUP_DIR/garage-AAAAMMJJ-HHMMSS.tar.gz")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	cfg, s, err := openCurrent(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	photos, closePhotos, err := openPhotos(ctx, cfg)
	if err != nil {
		return err
	}
	defer closePhotos()
	if *out == "-" {
		_, err := backup.Write(ctx, e.stdout, s, photos, time.Now())
		return err
	}
	path := *out
	if path == "" {
		path = filepath.Join(cfg.BackupDir, backupName(time.Now()))
	}
	sum, err := writeBackupFile(ctx, s, photos, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Sauvegarde écrite : %s (%d tables, %d lignes, %d fichiers photo)\n", path, sum.Tables, sum.Rows, sum.Photos)
	return nil
}

func backupName(t time.Time) string {
	return "garage-" + t.UTC().Format("20060102-150405.000") + ".tar.gz"
}

// writeBackupFile writes a backup next to path then renames it into place,
// so that a backup file is either complete or absent.
func writeBackupFile(ctx context.Context, s *store.Store, photos photostore.Store, path string) (backup.Summary, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return backup.Summary{}, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".garage-backup-*.tmp")
	if err != nil {
		return backup.Summary{}, err
	}
	defer os.Remove(f.Name())
	sum, err := backup.Write(ctx, f, s, photos, time.Now())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return backup.Summary{}, err
	}
	return sum, os.Rename(f.Name(), path)
}

func runDBRestore(ctx context.Context, e *env) error {
	fs := newFlags(e, "db restore", "db restore [--force] FICHIER\n\n"+
		"Restaure une sauvegarde dans une base vide, SQLite ou PostgreSQL selon DATABASE_URL (la base est d'abord migrée).\n"+
		"C'est aussi la façon de passer de SQLite à PostgreSQL. « - » lit l'entrée standard.")
	force := fs.Bool("force", false, "remplace les données d'une base qui n'est pas vide")
	if err := fs.Parse(e.args); err != nil {
		return flagError(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "garage db restore : indiquez un fichier de sauvegarde (voir --help)")
		return errUsage
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	var in io.Reader = e.stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("fichier de sauvegarde illisible : %w", err)
		}
		defer f.Close()
		in = f
	}
	// The photo store first: a wrong bucket or endpoint stops the restore before the database is touched.
	photos, closePhotos, err := openPhotos(ctx, cfg)
	if err != nil {
		return err
	}
	defer closePhotos()
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	sum, err := backup.Read(ctx, in, s, photos, *force)
	if errors.Is(err, store.ErrNotEmpty) {
		return errors.New("la base (ou le stockage des photos) contient déjà des données : restauration refusée ; relancez avec --force pour les remplacer")
	}
	if err != nil {
		return fmt.Errorf("restauration impossible, rien n'a été modifié dans la base : %w", err)
	}
	fmt.Fprintf(e.stdout, "Sauvegarde restaurée dans la base %s : %d tables, %d lignes, %d fichiers photo.\n", s.Engine(), sum.Tables, sum.Rows, sum.Photos)
	return nil
}

// The backup schedule survives restarts: it is anchored on the newest
// backup in BACKUP_DIR (scheduled or manual), so a service restarted more
// often than BACKUP_INTERVAL still takes its backups, and an overdue one is
// taken shortly after start. With several instances on one database, a
// lease in the database lets one of them take it; the others see the new
// file and wait for the next one.
const (
	backupStartDelay = 30 * time.Second // an overdue backup waits this long after start (at most the interval)
	backupRetry      = 10 * time.Minute // after a failure, or while another instance holds the lease
	backupLeaseTTL   = 6 * time.Hour    // a holder that dies mid-backup frees the lease after this
	backupLeaseName  = "scheduled-backup"
)

// scheduledBackups runs the backup schedule (SQLite only) until ctx ends,
// keeping the newest BACKUP_KEEP scheduled backups.
func scheduledBackups(ctx context.Context, cfg *config.Config, s *store.Store, photos photostore.Store, log *slog.Logger, m *metrics.Metrics) {
	b := newBackupScheduler(cfg, s, photos, log, m)
	if b == nil {
		return
	}
	next := b.start(time.Now())
	for {
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		next = b.tick(ctx, time.Now())
	}
}

type backupScheduler struct {
	cfg        *config.Config
	s          *store.Store
	photos     photostore.Store
	log        *slog.Logger
	m          *metrics.Metrics
	holder     string        // this instance, in the lease
	startDelay time.Duration // min(BACKUP_INTERVAL, backupStartDelay)
	retry      time.Duration // min(BACKUP_INTERVAL, backupRetry)
}

// newBackupScheduler returns nil when no schedule runs (no BACKUP_INTERVAL,
// or PostgreSQL).
func newBackupScheduler(cfg *config.Config, s *store.Store, photos photostore.Store, log *slog.Logger, m *metrics.Metrics) *backupScheduler {
	if cfg.BackupInterval <= 0 {
		return nil
	}
	if s.Engine() != store.SQLite {
		log.Warn("BACKUP_INTERVAL ignored on PostgreSQL: schedule pg_dump or garage db backup instead")
		return nil
	}
	host, _ := os.Hostname()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	return &backupScheduler{
		cfg: cfg, s: s, photos: photos, log: log, m: m,
		holder:     fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(rnd[:])),
		startDelay: min(cfg.BackupInterval, backupStartDelay),
		retry:      min(cfg.BackupInterval, backupRetry),
	}
}

// start sets the metrics from the newest backup on disk and returns when
// the first backup is due: one interval after the newest, and no sooner
// than startDelay from now (so an overdue backup does not slow the start).
func (b *backupScheduler) start(now time.Time) time.Time {
	newest, err := newestBackup(b.cfg.BackupDir)
	if err != nil {
		b.log.Error("scheduled backups: reading BACKUP_DIR", "dir", b.cfg.BackupDir, "error", err.Error())
	}
	if b.m != nil {
		b.m.BackupScheduled(b.cfg.BackupInterval)
		if !newest.IsZero() {
			b.m.BackupSucceeded(newest)
		}
	}
	due := now.Add(b.startDelay)
	if !newest.IsZero() && newest.Add(b.cfg.BackupInterval).After(due) {
		due = newest.Add(b.cfg.BackupInterval)
	}
	b.log.Info("backup schedule", "every", b.cfg.BackupInterval.String(), "newest", newest, "next", due)
	return due
}

// tick takes the backup if it is due and no other instance is taking it,
// and returns when to look again.
func (b *backupScheduler) tick(ctx context.Context, now time.Time) time.Time {
	if due, ok := b.dueAfter(now); ok {
		return due
	}
	taken, err := b.s.TakeLease(ctx, backupLeaseName, b.holder, now, backupLeaseTTL)
	if err != nil {
		b.failed(now, err)
		return now.Add(b.retry)
	}
	if !taken {
		return now.Add(b.retry) // another instance is at it; its file will move the schedule on
	}
	defer func() {
		if err := b.s.ReleaseLease(context.WithoutCancel(ctx), backupLeaseName, b.holder); err != nil {
			b.log.Warn("scheduled backup: releasing the lease", "error", err.Error())
		}
	}()
	// Another instance may have finished one between the look and the lease.
	if due, ok := b.dueAfter(now); ok {
		return due
	}
	at := time.Now()
	path := filepath.Join(b.cfg.BackupDir, "auto-"+backupName(at))
	sum, err := writeBackupFile(ctx, b.s, b.photos, path)
	if err != nil {
		b.failed(now, err)
		return now.Add(b.retry)
	}
	b.log.Info("scheduled backup written", "path", path, "rows", sum.Rows, "photos", sum.Photos)
	if b.m != nil {
		b.m.BackupSucceeded(at)
	}
	if err := pruneBackups(b.cfg.BackupDir, "auto-", b.cfg.BackupKeep); err != nil {
		b.log.Warn("pruning old backups", "error", err.Error())
	}
	return at.Add(b.cfg.BackupInterval)
}

// dueAfter says whether the newest backup on disk is recent enough that
// none is due at now, and when the next one is.
func (b *backupScheduler) dueAfter(now time.Time) (time.Time, bool) {
	newest, err := newestBackup(b.cfg.BackupDir)
	if err != nil || newest.IsZero() {
		return time.Time{}, false
	}
	due := newest.Add(b.cfg.BackupInterval)
	return due, due.After(now)
}

func (b *backupScheduler) failed(now time.Time, err error) {
	b.log.Error("scheduled backup failed", "dir", b.cfg.BackupDir, "error", err.Error(), "retry_in", b.retry.String())
	if b.m != nil {
		b.m.BackupFailed(now)
	}
}

// newestBackup returns the time of the newest backup in dir, scheduled
// (auto-garage-…) or manual (garage-…), read from its name (its
// modification time when the name holds none); zero when there is none or
// dir does not exist yet.
func newestBackup(dir string) (time.Time, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, err
	}
	var newest time.Time
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".tar.gz") || !strings.HasPrefix(strings.TrimPrefix(name, "auto-"), "garage-") {
			continue
		}
		t, ok := backupTime(name)
		if !ok {
			info, err := e.Info()
			if err != nil {
				continue
			}
			t = info.ModTime()
		}
		if t.After(newest) {
			newest = t
		}
	}
	return newest, nil
}

// backupTime reads the UTC time in a name written by backupName.
func backupTime(name string) (time.Time, bool) {
	stamp := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(name, "auto-"), "garage-"), ".tar.gz")
	for _, layout := range []string{"20060102-150405.000", "20060102-150405"} {
		if t, err := time.Parse(layout, stamp); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// backupScheduleProblems is garage check's look at the backup schedule: a
// BACKUP_DIR that cannot be written, and a newest backup older than
// 1.5 × BACKUP_INTERVAL (the schedule fails, or the service does not run).
func backupScheduleProblems(cfg *config.Config, now time.Time) []config.Problem {
	if cfg.BackupInterval <= 0 || store.IsPostgresURL(cfg.DatabaseURL) {
		return nil
	}
	dir := cfg.BackupDir
	fatal := func(format string, args ...any) []config.Problem {
		return []config.Problem{{Fatal: true, Message: fmt.Sprintf(format, args...)}}
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		// Created by the first backup, if its nearest existing parent is a folder.
		for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
			if pi, err := os.Stat(p); err == nil {
				if !pi.IsDir() {
					return fatal("BACKUP_DIR : « %s » ne peut pas être créé : « %s » est un fichier ; les sauvegardes programmées échoueraient", dir, p)
				}
				break
			}
			if p == filepath.Dir(p) {
				break
			}
		}
		return []config.Problem{{Message: fmt.Sprintf("BACKUP_INTERVAL=%s : aucune sauvegarde dans « %s » pour l'instant ; la première sera faite peu après le démarrage de « garage serve »", cfg.BackupInterval, dir)}}
	case err != nil:
		return fatal("BACKUP_DIR : « %s » illisible : %v", dir, err)
	case !info.IsDir():
		return fatal("BACKUP_DIR : « %s » n'est pas un dossier ; les sauvegardes programmées échouent", dir)
	}
	f, err := os.CreateTemp(dir, ".garage-check-*.tmp")
	if err != nil {
		return fatal("BACKUP_DIR : impossible d'écrire dans « %s » (%v) ; les sauvegardes programmées échouent", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	newest, err := newestBackup(dir)
	if err != nil {
		return fatal("BACKUP_DIR : « %s » illisible : %v", dir, err)
	}
	if newest.IsZero() {
		return []config.Problem{{Message: fmt.Sprintf("BACKUP_INTERVAL=%s : aucune sauvegarde dans « %s » pour l'instant ; la première sera faite peu après le démarrage de « garage serve »", cfg.BackupInterval, dir)}}
	}
	if late := cfg.BackupInterval * 3 / 2; now.Sub(newest) > late {
		return fatal("BACKUP_INTERVAL=%s : la sauvegarde la plus récente de « %s » date du %s UTC, il y a plus de %s : les sauvegardes programmées échouent ou « garage serve » ne tourne pas (voir les journaux « scheduled backup failed »)",
			cfg.BackupInterval, dir, newest.UTC().Format("02/01/2006 à 15:04"), late)
	}
	return nil
}

// pruneBackups deletes the oldest files named prefix* in dir beyond keep.
func pruneBackups(dir, prefix string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".tar.gz") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names) // the names embed a sortable UTC timestamp
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}
