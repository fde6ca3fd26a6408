package photostore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"
)

// Disk is a Store rooted in a directory, through os.Root so that no key can escape it (not even through a
// symbolic link). Files are written 0600 in directories 0700; the content type is derived from the key's
// extension (".jpg" → image/jpeg).
type Disk struct {
	root *os.Root
	dir  string
}

var _ Store = (*Disk)(nil)

// tmpPrefix starts the names of files being written; ValidKey refuses any segment starting with ".", so a
// temporary file can be neither opened through the store nor listed.
const tmpPrefix = ".tmp-"

// NewDisk opens (creating it 0700 if needed) the directory dir as a store.
func NewDisk(dir string) (*Disk, error) {
	if dir == "" {
		return nil, errors.New("photostore: empty directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("photostore: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("photostore: %w", err)
	}
	return &Disk{root: root, dir: dir}, nil
}

// Dir returns the directory the store was opened on.
func (d *Disk) Dir() string { return d.dir }

// Close releases the directory handle.
func (d *Disk) Close() error { return d.root.Close() }

// Put writes data under key atomically: into a temporary file in the same directory, synced, then renamed
// over the key, so a reader sees the old file or the whole new one and a crash leaves no partial photo.
// contentType, if not empty, must be the one the key's extension implies (it is not stored).
func (d *Disk) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	if want := contentTypeFor(key); contentType != "" && !strings.EqualFold(contentType, want) {
		return fmt.Errorf("photostore: put %s: content type %q, but the key implies %q", key, contentType, want)
	}
	dir := path.Dir(key)
	if dir != "." {
		if err := d.root.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("photostore: put %s: %w", key, err)
		}
	}
	tmp := path.Join(dir, tmpPrefix+randomHex(8))
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("photostore: put %s: %w", key, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.root.Rename(tmp, key)
	}
	if err != nil {
		_ = d.root.Remove(tmp)
		return fmt.Errorf("photostore: put %s: %w", key, err)
	}
	// Make the rename durable. A failure here is not worth failing the upload for: the file is in place.
	if df, err := d.root.Open(dir); err == nil {
		_ = df.Sync()
		_ = df.Close()
	}
	return nil
}

// Open opens the file under key. ErrNotFound when there is none, or when key is not a valid key.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	if !ValidKey(key) {
		return nil, Info{}, ErrNotFound
	}
	f, err := d.root.Open(key)
	if err != nil {
		if isNotFound(err) {
			return nil, Info{}, ErrNotFound
		}
		return nil, Info{}, fmt.Errorf("photostore: open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, Info{}, fmt.Errorf("photostore: open %s: %w", key, err)
	}
	if !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, Info{}, ErrNotFound
	}
	return f, Info{Size: st.Size(), ModTime: st.ModTime(), ContentType: contentTypeFor(key)}, nil
}

// Delete removes the file under key; an absent file is not an error. Emptied directories are left in place
// (there are at most 256 per prefix).
func (d *Disk) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	st, err := d.root.Lstat(key)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return fmt.Errorf("photostore: delete %s: %w", key, err)
	}
	if st.IsDir() {
		return fmt.Errorf("photostore: delete %s: is a directory", key)
	}
	if err := d.root.Remove(key); err != nil && !isNotFound(err) {
		return fmt.Errorf("photostore: delete %s: %w", key, err)
	}
	return nil
}

// List returns, sorted, the keys that start with prefix ("" for all, "cars/" for one prefix): every valid
// key of a regular file; temporary files and anything else that is not a valid key are left out.
func (d *Disk) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validPrefix(prefix) {
		return nil, fmt.Errorf("%w: prefix %q", ErrInvalidKey, prefix)
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i > 0 {
		start = prefix[:i]
	}
	var keys []string
	err := fs.WalkDir(d.root.FS(), start, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == start && isNotFound(err) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			if p == start {
				return nil
			}
			// Only go down directories that can hold keys with the prefix.
			if strings.HasPrefix(path.Base(p), ".") ||
				!(strings.HasPrefix(p+"/", prefix) || strings.HasPrefix(prefix, p+"/")) {
				return fs.SkipDir
			}
			return nil
		}
		if e.Type().IsRegular() && strings.HasPrefix(p, prefix) && ValidKey(p) {
			keys = append(keys, p)
		}
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("photostore: list %q: %w", prefix, err)
	}
	return keys, nil
}

// RemoveStaleTemp deletes the temporary files that a crash in the middle of a Put may have left, when they
// are older than age, and returns how many it removed. Run it from time to time (with the orphan clean-up).
func (d *Disk) RemoveStaleTemp(ctx context.Context, age time.Duration) (int, error) {
	cutoff := time.Now().Add(-age)
	n := 0
	err := fs.WalkDir(d.root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() || !strings.HasPrefix(e.Name(), tmpPrefix) || !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			if isNotFound(err) {
				return nil
			}
			return err
		}
		if info.ModTime().Before(cutoff) {
			if err := d.root.Remove(p); err != nil && !isNotFound(err) {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("photostore: remove stale temporary files: %w", err)
	}
	return n, nil
}

// isNotFound: no such file, or a path component that is a file ("a/b" where "a" is a file).
func isNotFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("photostore: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
