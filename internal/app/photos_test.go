package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/photostore/s3test"
	"github.com/vparrot/garage/internal/store"
)

// checksums reads every file of s: key → SHA-256.
func checksums(t *testing.T, s photostore.Store) map[string][32]byte {
	t.Helper()
	ctx := context.Background()
	keys, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string][32]byte{}
	for _, k := range keys {
		b, err := photostore.ReadFile(ctx, s, k)
		if err != nil {
			t.Fatal(err)
		}
		sums[k] = sha256.Sum256(b)
	}
	return sums
}

func diskStore(t *testing.T, dataDir string) *photostore.Disk {
	t.Helper()
	d, err := photostore.NewDisk(filepath.Join(dataDir, "photos"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestPhotosMigrate: disk → S3 → disk with the command, checksums equal at each step; an interrupted run
// (some files already in the bucket, one of them truncated) is finished by the next; the source is never
// touched; a file that cannot be written is reported and makes the command fail.
func TestPhotosMigrate(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s3 := srv.Store(t, bucket)

	diskData := t.TempDir()
	src := diskStore(t, diskData)
	var keys []string
	for i := range 4 {
		key := photostore.NewKey("cars")
		for _, size := range []string{"thumb", "card", "gallery", "large"} {
			k := photostore.VariantKey(key, size)
			data := []byte(strings.Repeat(fmt.Sprintf("photo %d %s ", i, size), 100*(i+1)))
			if err := src.Put(ctx, k, data, ""); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	want := checksums(t, src)

	// What an interrupted run leaves: one file copied, one truncated.
	good, _ := photostore.ReadFile(ctx, src, keys[0])
	if err := s3.Put(ctx, keys[0], good, ""); err != nil {
		t.Fatal(err)
	}
	half, _ := photostore.ReadFile(ctx, src, keys[1])
	if err := s3.Put(ctx, keys[1], half[:len(half)/2], ""); err != nil {
		t.Fatal(err)
	}

	env := srv.Env(bucket)
	env["PHOTO_STORAGE"] = "disk"
	env["DATA_DIR"] = diskData
	r := mustRun(t, env, "", "photos", "migrate", "--to", "s3")
	if !strings.Contains(r.stdout, fmt.Sprintf("Photos copiées : %d, déjà présentes : 1, en échec : 0", len(keys)-1)) ||
		!strings.Contains(r.stdout, "PHOTO_STORAGE=s3") || !strings.Contains(r.stdout, "relancez cette commande juste avant le redémarrage") {
		t.Fatalf("first run: %v", r)
	}
	if got := checksums(t, s3); !maps.Equal(got, want) {
		t.Fatalf("the bucket holds %d files, not the same as the %d on disk", len(got), len(want))
	}
	// Run again: nothing to do.
	r = mustRun(t, env, "", "photos", "migrate", "--to", "s3")
	if !strings.Contains(r.stdout, fmt.Sprintf("Photos copiées : 0, déjà présentes : %d, en échec : 0", len(keys))) {
		t.Fatalf("second run: %v", r)
	}
	if got := checksums(t, src); !maps.Equal(got, want) {
		t.Fatal("the source changed")
	}

	// And back, into another data directory, where one file cannot be written (a directory is in its way).
	backData := t.TempDir()
	if err := os.MkdirAll(filepath.Join(backData, "photos", filepath.FromSlash(keys[2])), 0o700); err != nil {
		t.Fatal(err)
	}
	env["PHOTO_STORAGE"] = "s3"
	env["DATA_DIR"] = backData
	r = run(t, env, "", "photos", "migrate", "--to", "disk")
	if r.code != 1 || !strings.Contains(r.stdout, fmt.Sprintf("Photos copiées : %d, déjà présentes : 0, en échec : 1", len(keys)-1)) ||
		!strings.Contains(r.stderr, "ÉCHEC "+keys[2]) || !strings.Contains(r.stderr, "relancez") {
		t.Fatalf("run with a failure: %v", r)
	}
	if err := os.Remove(filepath.Join(backData, "photos", filepath.FromSlash(keys[2]))); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, env, "", "photos", "migrate", "--to", "disk")
	if !strings.Contains(r.stdout, fmt.Sprintf("Photos copiées : 1, déjà présentes : %d, en échec : 0", len(keys)-1)) {
		t.Fatalf("resumed run: %v", r)
	}
	if got := checksums(t, diskStore(t, backData)); !maps.Equal(got, want) {
		t.Fatal("disk → S3 → disk changed the photos")
	}
}

func TestPhotosMigrateUsage(t *testing.T) {
	if r := run(t, map[string]string{}, "", "photos", "migrate"); r.code != 2 || !strings.Contains(r.stderr, "--to s3") {
		t.Errorf("without --to: %v", r)
	}
	if r := run(t, map[string]string{}, "", "photos", "migrate", "--to", "ftp"); r.code != 2 {
		t.Errorf("--to ftp: %v", r)
	}
	if r := run(t, map[string]string{"DATA_DIR": t.TempDir()}, "", "photos", "migrate", "--to", "disk"); r.code != 1 || !strings.Contains(r.stderr, "déjà") {
		t.Errorf("--to the current storage: %v", r)
	}
	// S3 not configured.
	if r := run(t, map[string]string{"DATA_DIR": t.TempDir()}, "", "photos", "migrate", "--to", "s3"); r.code != 1 || !strings.Contains(r.stderr, "S3_ENDPOINT") {
		t.Errorf("--to s3 without S3_*: %v", r)
	}
}

// TestS3BucketChecked: serve refuses to start, and check reports, a bucket that does not exist or a wrong
// secret, without showing the secret.
func TestS3BucketChecked(t *testing.T) {
	srv := s3test.Start(t)
	u := migratedURL(t, store.SQLite)
	for name, set := range map[string]map[string]string{
		"missing bucket": {"S3_BUCKET": "no-such-bucket"},
		"wrong secret":   {"S3_BUCKET": srv.NewBucket(t), "S3_SECRET_ACCESS_KEY": "wrong-secret-value"},
	} {
		t.Run(name, func(t *testing.T) {
			env := srv.Env("")
			maps.Copy(env, set)
			env["DATABASE_URL"] = u
			env["DATA_DIR"] = t.TempDir()
			env["ADDR"] = "127.0.0.1:0"
			env["METRICS_ADDR"] = "off"
			r := run(t, env, "", "check")
			if r.code != 1 || !strings.Contains(r.stdout, "PHOTO_STORAGE=s3") || strings.Contains(r.stdout, "wrong-secret-value") {
				t.Errorf("check: %v", r)
			}
			r = run(t, env, "", "serve")
			if r.code != 1 || !strings.Contains(r.stderr, "stockage S3 des photos inaccessible") || strings.Contains(r.stderr+r.stdout, "wrong-secret-value") {
				t.Errorf("serve: %v", r)
			}
		})
	}
	env := srv.Env(srv.NewBucket(t))
	env["DATABASE_URL"] = u
	env["DATA_DIR"] = t.TempDir()
	if r := mustRun(t, env, "", "check"); !strings.Contains(r.stdout, "aucun problème") {
		t.Errorf("check with a good bucket: %v", r)
	}
}
