package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vparrot/garage/internal/backup"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// countingReader counts the bytes read from the archive.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// putSpy notes how much of the archive had been read when the first photo reached the store.
type putSpy struct {
	photostore.Store
	in      *countingReader
	firstAt int64
	puts    int
}

func (s *putSpy) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if s.puts == 0 {
		s.firstAt = s.in.n
	}
	s.puts++
	return s.Store.Put(ctx, key, data, contentType)
}

// backupWithPhotos is the archive of a seeded database and n incompressible photos of 256 kB.
func backupWithPhotos(t *testing.T, n int) ([]byte, []string) {
	t.Helper()
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	seed(t, src)
	photos := disk(t, t.TempDir())
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []string
	for i := range n {
		data := make([]byte, 256<<10)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		k := fmt.Sprintf("cars/a%d/a%d-card.jpg", i, i)
		if err := photos.Put(ctx, k, data, ""); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	var archive bytes.Buffer
	if sum, err := backup.Write(ctx, &archive, src, photos, t0); err != nil || sum.Photos != n {
		t.Fatalf("Write: %+v %v", sum, err)
	}
	return archive.Bytes(), keys
}

// A restore writes each photo to the store as it reads it: it never holds the archive's photos in memory
// (a garage's photos may not fit there).
func TestRestoreStreamsPhotos(t *testing.T) {
	ctx := context.Background()
	archive, keys := backupWithPhotos(t, 8)
	in := &countingReader{r: bytes.NewReader(archive)}
	spy := &putSpy{Store: disk(t, t.TempDir()), in: in}
	sum, err := backup.Read(ctx, in, storetest.Open(t, store.SQLite), spy, false)
	if err != nil || sum.Photos != len(keys) || spy.puts != len(keys) {
		t.Fatalf("Read: %+v, %v; %d puts", sum, err, spy.puts)
	}
	if spy.firstAt > int64(len(archive))/4 {
		t.Fatalf("the first photo was stored after reading %d of the archive's %d bytes", spy.firstAt, len(archive))
	}
}

// A restore that fails after some photos deletes the photos it added and leaves the database as it was.
// The files the store held before keep their names; one the backup also holds has been overwritten with
// the backup's copy (a forced restore writes over files of the same name), and stays.
func TestFailedRestoreTakesBackItsPhotos(t *testing.T) {
	ctx := context.Background()
	archive, keys := backupWithPhotos(t, 4)
	broken := rewriteArchive(t, archive, func(entries []tarEntry) []tarEntry {
		hdr := &tar.Header{Name: "photos/../../etc/passwd", Mode: 0o600, Size: 1, Typeflag: tar.TypeReg}
		return append(entries, tarEntry{hdr, []byte("x")})
	})
	dst := storetest.Open(t, store.SQLite)
	photos := disk(t, t.TempDir())
	before := []string{"cars/ff/ff00-card.jpg", keys[1]} // one of its own, one that the backup also holds
	for _, k := range before {
		if err := photos.Put(ctx, k, []byte("déjà là"), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := backup.Read(ctx, bytes.NewReader(broken), dst, photos, true); err == nil {
		t.Fatal("a backup with an unsafe path was restored")
	}
	left, err := photos.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(left)
	slices.Sort(before)
	if !slices.Equal(left, before) {
		t.Fatalf("photos after the failed restore: %v, want %v", left, before)
	}
	if got, err := photostore.ReadFile(ctx, photos, "cars/ff/ff00-card.jpg"); err != nil || string(got) != "déjà là" {
		t.Fatalf("the store's own photo: %q, %v", got, err)
	}
	if got, err := photostore.ReadFile(ctx, photos, keys[1]); err != nil || len(got) != 256<<10 {
		t.Fatalf("the photo the backup also holds: %d bytes, %v (want the backup's 256 kB)", len(got), err)
	}
	if empty, err := dst.IsEmpty(ctx); err != nil || !empty {
		t.Fatalf("failed restore left data behind (empty=%v, %v)", empty, err)
	}
}
