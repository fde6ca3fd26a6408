package backup_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/vparrot/garage/internal/backup"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/photostore/s3test"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestPhotosInS3: a backup holds the photos of an S3 store, and restores them into another bucket (or onto
// disk), refusing a bucket that already holds photos unless forced.
func TestPhotosInS3(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	srcPhotos := srv.Store(t, srv.NewBucket(t))
	files := map[string]string{"cars/ab/ab12-card.jpg": "jpeg bytes 1", "cars/cd/cd34-thumb.jpg": "jpeg bytes 2"}
	for k, v := range files {
		if err := srcPhotos.Put(ctx, k, []byte(v), ""); err != nil {
			t.Fatal(err)
		}
	}
	src := storetest.Open(t, store.SQLite)
	seed(t, src)
	var archive bytes.Buffer
	sum, err := backup.Write(ctx, &archive, src, srcPhotos, t0)
	if err != nil || sum.Photos != 2 {
		t.Fatalf("Write: %+v %v", sum, err)
	}

	for name, dst := range map[string]photostore.Store{
		"s3":   srv.Store(t, srv.NewBucket(t)),
		"disk": disk(t, t.TempDir()),
	} {
		t.Run(name, func(t *testing.T) {
			s := storetest.OpenEmpty(t, store.SQLite)
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := dst.Put(ctx, "cars/ef/ef56-card.jpg", []byte("already there"), ""); err != nil {
				t.Fatal(err)
			}
			if _, err := backup.Read(ctx, bytes.NewReader(archive.Bytes()), s, dst, false); !errors.Is(err, store.ErrNotEmpty) {
				t.Fatalf("restore over photos without force: %v", err)
			}
			if _, err := backup.Read(ctx, bytes.NewReader(archive.Bytes()), s, dst, true); err != nil {
				t.Fatal(err)
			}
			for k, v := range files {
				if got, err := photostore.ReadFile(ctx, dst, k); err != nil || string(got) != v {
					t.Errorf("%s: %q %v", k, got, err)
				}
			}
		})
	}
}
