package photostore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func newDisk(t *testing.T) (*Disk, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "photos")
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

func TestNewKey(t *testing.T) {
	re := regexp.MustCompile(`^cars/([0-9a-f]{2})/([0-9a-f]{16})$`)
	seen := map[string]bool{}
	for range 1000 {
		k := NewKey("cars")
		m := re.FindStringSubmatch(k)
		if m == nil {
			t.Fatalf("NewKey = %q", k)
		}
		if !strings.HasPrefix(m[2], m[1]) {
			t.Errorf("%q: fan-out dir is not the first two characters", k)
		}
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
		if !ValidKey(k) || !ValidKey(VariantKey(k, "thumb")) {
			t.Errorf("%q is not valid", k)
		}
	}
	if k := NewKey("cars/"); !re.MatchString(k) {
		t.Errorf(`NewKey("cars/") = %q`, k)
	}
	if k := NewKey(""); !regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{16}$`).MatchString(k) {
		t.Errorf(`NewKey("") = %q`, k)
	}
	if got := VariantKey("cars/3f/3fa9c1e2b7d04c55", "thumb"); got != "cars/3f/3fa9c1e2b7d04c55-thumb.jpg" {
		t.Errorf("VariantKey = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewKey with a bad prefix did not panic")
		}
	}()
	NewKey("../etc")
}

func TestValidKey(t *testing.T) {
	for _, k := range []string{
		"cars/3f/3fa9c1e2b7d04c55", "cars/3f/3fa9c1e2b7d04c55-thumb.jpg", "a", "a_b.c-d/e",
		strings.Repeat("a", MaxKeyLen),
	} {
		if !ValidKey(k) {
			t.Errorf("ValidKey(%q) = false", k)
		}
	}
	for _, k := range []string{
		"", "../etc/passwd", "cars/../../etc/passwd", "cars/..", "..", "a..b", "/etc/passwd", "/cars/x",
		`cars\..\x`, `cars\x`, "cars/x\x00.jpg", "cars/X.jpg", "cars/x y.jpg", "cars/x%2e.jpg", "cars/é.jpg",
		"cars//x", "cars/", "./cars", "cars/./x", "cars/.tmp-123", ".hidden", "c:x", "cars/x?.jpg",
		strings.Repeat("a", MaxKeyLen+1),
	} {
		if ValidKey(k) {
			t.Errorf("ValidKey(%q) = true", k)
		}
	}
}

func TestDiskPutOpenDeleteList(t *testing.T) {
	ctx := context.Background()
	d, dir := newDisk(t)
	key := NewKey("cars")
	thumb, large := VariantKey(key, "thumb"), VariantKey(key, "large")
	data := []byte("\xff\xd8\xff not really a JPEG, the store does not care")

	if _, _, err := d.Open(ctx, thumb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open before put: err = %v", err)
	}
	if err := d.Put(ctx, thumb, data, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, large, []byte("large"), ""); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "other/ab/abcdef-thumb.jpg", []byte("x"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}

	f, info, err := d.Open(ctx, thumb)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("read back %q", got)
	}
	if info.Size != int64(len(data)) || info.ContentType != "image/jpeg" || time.Since(info.ModTime) > time.Hour {
		t.Errorf("info = %+v", info)
	}

	// Permissions: the files are for the application only.
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(thumb)))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o037 != 0 {
		t.Errorf("file mode %v", st.Mode().Perm())
	}
	for _, p := range []string{dir, filepath.Join(dir, "cars"), filepath.Dir(filepath.Join(dir, filepath.FromSlash(thumb)))} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, want 0700", p, st.Mode().Perm())
		}
	}

	// Replacing is atomic and leaves no temporary file.
	if err := d.Put(ctx, thumb, []byte("second"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	assertNoTempFiles(t, dir)

	// Listing, by prefix: see TestStoreConformance, which runs on Disk and S3.
	if keys, err := d.List(ctx, ""); err != nil || !slices.Equal(keys, []string{large, thumb, "other/ab/abcdef-thumb.jpg"}) {
		t.Errorf("List = %q, %v", keys, err)
	}

	if err := d.Delete(ctx, thumb); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, thumb); !errors.Is(err, ErrNotFound) {
		t.Errorf("open after delete: err = %v", err)
	}
	if err := d.Delete(ctx, thumb); err != nil {
		t.Errorf("deleting an absent key: %v", err)
	}
	if keys, _ := d.List(ctx, "cars/"); !slices.Equal(keys, []string{large}) {
		t.Errorf("after delete, List = %q", keys)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDiskRefusesBadKeys(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	dir := filepath.Join(parent, "photos")
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// A file just outside the store, that no key may reach.
	secret := filepath.Join(parent, "secret.jpg")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{
		"../secret.jpg", "cars/../../secret.jpg", secret, "/secret.jpg", `..\secret.jpg`, `cars\..\..\secret.jpg`,
		"secret.jpg\x00.png", "cars/.tmp-1", "", "CARS/x.jpg",
	} {
		if err := d.Put(ctx, k, []byte("overwritten"), ""); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q): err = %v, want ErrInvalidKey", k, err)
		}
		if _, _, err := d.Open(ctx, k); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): err = %v, want ErrNotFound", k, err)
		}
		if err := d.Delete(ctx, k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", k, err)
		}
	}
	for _, p := range []string{"../", "/", "..", "cars/../", `cars\`} {
		if _, err := d.List(ctx, p); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("List(%q): err = %v, want ErrInvalidKey", p, err)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "secret" {
		t.Errorf("the file outside the store was changed: %q", b)
	}

	// A symbolic link inside the store that points outside: os.Root refuses to follow it.
	if err := os.Symlink(parent, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, "escape/secret.jpg"); err == nil {
		t.Error("opened a file through a symbolic link out of the store")
	}
	if err := d.Put(ctx, "escape/secret.jpg", []byte("overwritten"), ""); err == nil {
		t.Error("wrote through a symbolic link out of the store")
	}
	if b, _ := os.ReadFile(secret); string(b) != "secret" {
		t.Errorf("the file outside the store was changed: %q", b)
	}
}

func TestDiskContentType(t *testing.T) {
	ctx := context.Background()
	d, _ := newDisk(t)
	for key, want := range map[string]string{
		"a/x.jpg": "image/jpeg", "a/x.jpeg": "image/jpeg", "a/x.png": "image/png", "a/x.webp": "image/webp",
		"a/x": "application/octet-stream",
	} {
		if err := d.Put(ctx, key, []byte("x"), ""); err != nil {
			t.Fatal(err)
		}
		_, info, err := d.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if info.ContentType != want {
			t.Errorf("%s: content type %q, want %q", key, info.ContentType, want)
		}
	}
	if err := d.Put(ctx, "a/y.jpg", []byte("x"), "text/html"); err == nil {
		t.Error("put a .jpg declared text/html")
	}
}

func TestDiskOpenDirectoryIsNotFound(t *testing.T) {
	ctx := context.Background()
	d, _ := newDisk(t)
	if err := d.Put(ctx, "cars/ab/abcd-thumb.jpg", []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cars", "cars/ab", "cars/ab/abcd-thumb.jpg/x"} {
		if _, _, err := d.Open(ctx, k); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): err = %v, want ErrNotFound", k, err)
		}
	}
	if err := d.Delete(ctx, "cars/ab"); err == nil {
		t.Error("deleted a directory")
	}
}

func TestDiskStaleTemp(t *testing.T) {
	ctx := context.Background()
	d, dir := newDisk(t)
	if err := d.Put(ctx, "cars/ab/abcd-thumb.jpg", []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	// What a crash between the write and the rename leaves.
	old := filepath.Join(dir, "cars", "ab", tmpPrefix+"0123")
	fresh := filepath.Join(dir, "cars", "ab", tmpPrefix+"4567")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if keys, _ := d.List(ctx, ""); !slices.Equal(keys, []string{"cars/ab/abcd-thumb.jpg"}) {
		t.Errorf("List shows temporary files: %q", keys)
	}
	n, err := d.RemoveStaleTemp(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("RemoveStaleTemp = %d, %v", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the stale temporary file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a recent temporary file (perhaps a write in progress) was removed")
	}
}

func TestDiskCancelledContext(t *testing.T) {
	d, _ := newDisk(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Put(ctx, "a/b.jpg", []byte("x"), ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Put: %v", err)
	}
	if _, err := d.List(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("List: %v", err)
	}
}

func TestNewDiskMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "photos")
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", st.Mode().Perm())
	}
	if _, err := NewDisk(""); err == nil {
		t.Error(`NewDisk("") worked`)
	}
}

// TestDiskPutIsAtomic: while one goroutine replaces a file again and again, readers only ever see one
// whole version or the other.
func TestDiskPutIsAtomic(t *testing.T) {
	ctx := context.Background()
	d, dir := newDisk(t)
	const key = "cars/ab/abcd-large.jpg"
	versions := [][]byte{bytes.Repeat([]byte("a"), 100_000), bytes.Repeat([]byte("b"), 200_000)}
	if err := d.Put(ctx, key, versions[0], "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	writeErr := make(chan error, 1)
	go func() {
		defer close(writeErr)
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if err := d.Put(ctx, key, versions[i%2], "image/jpeg"); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	for range 300 {
		f, info, err := d.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, versions[0]) && !bytes.Equal(b, versions[1]) {
			t.Fatalf("read %d bytes that are neither version", len(b))
		}
		if info.Size != int64(len(b)) {
			t.Fatalf("Info.Size %d for %d bytes", info.Size, len(b))
		}
	}
	close(done)
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	assertNoTempFiles(t, dir)
}
