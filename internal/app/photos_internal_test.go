package app

import (
	"context"
	"testing"

	"github.com/vparrot/garage/internal/photostore"
)

// vanishingStore lists its keys, then loses one of them before it is read: a photo deleted while the
// migration runs.
type vanishingStore struct {
	photostore.Store
	gone string
}

func (v vanishingStore) List(ctx context.Context, prefix string) ([]string, error) {
	keys, err := v.Store.List(ctx, prefix)
	if err == nil {
		err = v.Store.Delete(ctx, v.gone)
	}
	return keys, err
}

// A photo deleted from the source during a migration is counted apart: there is nothing to copy, and the
// run does not fail for it (it used to, with exit code 1 and "run again", which found nothing to do).
func TestMigratePhotosCountsPhotosDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	src, err := photostore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := photostore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	keys := []string{"cars/ab/ab12cd34ef56ab78-card.jpg", "cars/cd/cd12cd34ef56ab78-card.jpg", "cars/ef/ef12cd34ef56ab78-card.jpg"}
	for _, k := range keys {
		if err := src.Put(ctx, k, []byte("jpeg "+k), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	var failed []string
	sum, err := migratePhotos(ctx, vanishingStore{Store: src, gone: keys[1]}, dst, func(key string, err error) {
		failed = append(failed, key+": "+err.Error())
	})
	if err != nil || sum != (migrateSummary{Copied: 2, Vanished: 1}) || len(failed) != 0 {
		t.Fatalf("got %+v, %v, failures %v; want 2 copied, 1 vanished, no failure", sum, err, failed)
	}
	if _, err := photostore.ReadFile(ctx, dst, keys[1]); err == nil {
		t.Error("the deleted photo appeared in the destination")
	}
}
