package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestBackupAndRestoreCommands moves a garage from SQLite to the other
// engine with the two commands, photos included, as the operations guide
// says.
func TestBackupAndRestoreCommands(t *testing.T) {
	for _, target := range engines {
		t.Run(string(target), func(t *testing.T) {
			src := migratedURL(t, store.SQLite)
			srcData := t.TempDir()
			env := dbEnv(src)
			env["DATA_DIR"] = srcData
			mustRun(t, env, "Un-Mot-De-Passe-Solide-42\n", "create-admin", "--email", "vincent@example.test")
			photo := filepath.Join(srcData, "photos", "cars", "ab", "ab12-card.jpg")
			if err := os.MkdirAll(filepath.Dir(photo), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(photo, []byte("jpeg"), 0o600); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "sauvegarde.tar.gz")
			r := mustRun(t, env, "", "db", "backup", "--out", file)
			if !strings.Contains(r.stdout, "Sauvegarde écrite") || !strings.Contains(r.stdout, "1 fichiers photo") {
				t.Fatalf("backup output: %v", r)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm()&0o077 != 0 {
				t.Fatalf("backup file %v %v", fi, err)
			}

			dst := storetest.URL(t, target)
			dstData := t.TempDir()
			denv := dbEnv(dst)
			denv["DATA_DIR"] = dstData
			r = mustRun(t, denv, "", "db", "restore", file)
			if !strings.Contains(r.stdout, "Sauvegarde restaurée") {
				t.Fatalf("restore output: %v", r)
			}
			s := openStore(t, dst)
			u, err := s.UserByEmail(context.Background(), "vincent@example.test")
			if err != nil || u.Role != garage.RoleAdmin {
				t.Fatalf("restored admin: %v %v", u, err)
			}
			if got, err := os.ReadFile(filepath.Join(dstData, "photos", "cars", "ab", "ab12-card.jpg")); err != nil || string(got) != "jpeg" {
				t.Fatalf("restored photo: %q %v", got, err)
			}

			// A second restore is refused: the database is no longer empty.
			r = run(t, denv, "", "db", "restore", file)
			if r.code != 1 || !strings.Contains(r.stderr, "--force") {
				t.Fatalf("restore into a non-empty database: %v", r)
			}
			mustRun(t, denv, "", "db", "restore", "--force", file)

			for _, args := range [][]string{{"db", "restore"}, {"db", "restore", "a", "b"}, {"db", "backup", "x"}} {
				if r := run(t, denv, "", args...); r.code != 2 {
					t.Errorf("garage %v: %v", args, r)
				}
			}
			if r := run(t, denv, "", "db", "restore", filepath.Join(t.TempDir(), "absent.tar.gz")); r.code != 1 {
				t.Errorf("missing file: %v", r)
			}
		})
	}
}

// A restore whose photo store cannot be reached stops before it touches the database: not even migrated.
func TestRestoreChecksThePhotoStoreFirst(t *testing.T) {
	dst := storetest.URL(t, store.SQLite)
	env := dbEnv(dst)
	env["DATA_DIR"] = t.TempDir()
	env["PHOTO_STORAGE"] = "s3"
	env["S3_ENDPOINT"] = "http://127.0.0.1:1" // nothing listens there
	env["S3_BUCKET"] = "garage-photos"
	file := filepath.Join(t.TempDir(), "sauvegarde.tar.gz")
	if err := os.WriteFile(file, []byte("not read"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, env, "", "db", "restore", file)
	if r.code != 1 || !strings.Contains(r.stderr, "stockage S3 des photos inaccessible") {
		t.Fatalf("restore with an unreachable bucket: %v", r)
	}
	if cur, _, err := openStore(t, dst).MigrationStatus(context.Background()); err != nil || cur != 0 {
		t.Errorf("the database was touched: schema version %d, %v", cur, err)
	}
}

func TestBackupIntervalIsValidated(t *testing.T) {
	u := migratedURL(t, store.SQLite)
	for _, v := range []string{"10s", "demain", "-1h"} {
		r := run(t, map[string]string{"DATABASE_URL": u, "BACKUP_INTERVAL": v}, "", "check")
		if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "BACKUP_INTERVAL") {
			t.Errorf("BACKUP_INTERVAL=%s: %v", v, r)
		}
	}
}

func TestAssetsExport(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, map[string]string{}, "", "assets", "export", dir)
	if !strings.Contains(r.stdout, "fichiers statiques exportés") {
		t.Fatalf("%v", r)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "css", "site.*.css"))
	gz, _ := filepath.Glob(filepath.Join(dir, "css", "site.*.css.gz"))
	if len(matches) != 1 || len(gz) != 1 {
		t.Fatalf("exported css: %v %v", matches, gz)
	}
	if r := run(t, map[string]string{}, "", "assets", "export"); r.code != 2 {
		t.Fatalf("no directory: %v", r)
	}
}
