package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// scheduledBackups writes a backup every BACKUP_INTERVAL (SQLite only) and
// keeps the newest BACKUP_KEEP of them.
func scheduledBackups(ctx context.Context, cfg *config.Config, s *store.Store, photos photostore.Store, log *slog.Logger, m *metrics.Metrics) {
	if cfg.BackupInterval <= 0 {
		return
	}
	if s.Engine() != store.SQLite {
		log.Warn("BACKUP_INTERVAL ignored on PostgreSQL: schedule pg_dump or garage db backup instead")
		return
	}
	t := time.NewTicker(cfg.BackupInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		path := filepath.Join(cfg.BackupDir, "auto-"+backupName(time.Now()))
		sum, err := writeBackupFile(ctx, s, photos, path)
		if err != nil {
			log.Error("scheduled backup failed", "error", err.Error())
			continue
		}
		log.Info("scheduled backup written", "path", path, "rows", sum.Rows, "photos", sum.Photos)
		if m != nil {
			m.BackupSucceeded(time.Now())
		}
		if err := pruneBackups(cfg.BackupDir, "auto-", cfg.BackupKeep); err != nil {
			log.Warn("pruning old backups", "error", err.Error())
		}
	}
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
