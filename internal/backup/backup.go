// Package backup writes and reads the garage's backups: one gzip-compressed
// tar file holding a manifest, every table of the database in an
// engine-neutral JSON form, and the photo files. A backup of SQLite
// restores into PostgreSQL and the other way round.
package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
)

// Format identifies the archive format; Version changes when it does.
const (
	Format  = "garage-backup"
	Version = 1
)

// Manifest is the first entry of a backup.
type Manifest struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	Engine        string    `json:"engine"`
	SchemaVersion int64     `json:"schema_version"`
}

// Summary says what a backup or a restore contained.
type Summary struct {
	Tables int
	Rows   int
	Photos int
}

type tableHeader struct {
	Table   string             `json:"table"`
	Columns []string           `json:"columns"`
	Kinds   []store.ColumnKind `json:"kinds"`
}

// writer turns a store dump into tar entries, one per table.
type writer struct {
	tw      *tar.Writer
	now     time.Time
	engine  store.Engine
	buf     bytes.Buffer
	current string
	index   int
	sum     Summary
}

func (w *writer) Begin(schemaVersion int64) error {
	m := Manifest{Format: Format, Version: Version, CreatedAt: w.now.UTC(), Engine: string(w.engine), SchemaVersion: schemaVersion}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return w.entry("manifest.json", b)
}

func (w *writer) Table(t store.TableDump) error {
	if err := w.flush(); err != nil {
		return err
	}
	w.index++
	w.sum.Tables++
	w.current = fmt.Sprintf("tables/%03d_%s.jsonl", w.index, t.Name)
	return w.line(tableHeader{Table: t.Name, Columns: t.Columns, Kinds: t.Kinds})
}

func (w *writer) Row(values []json.RawMessage) error {
	w.sum.Rows++
	return w.line(values)
}

func (w *writer) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.buf.Write(b)
	w.buf.WriteByte('\n')
	return nil
}

func (w *writer) flush() error {
	if w.current == "" {
		return nil
	}
	err := w.entry(w.current, w.buf.Bytes())
	w.buf.Reset()
	w.current = ""
	return err
}

func (w *writer) entry(name string, data []byte) error {
	if err := w.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: w.now, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := w.tw.Write(data)
	return err
}

// Write writes a consistent backup of s, and of every file of the photo
// store photos (disk or S3; nil for none), to out.
func Write(ctx context.Context, out io.Writer, s *store.Store, photos photostore.Store, now time.Time) (Summary, error) {
	gz, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return Summary{}, err
	}
	w := &writer{tw: tar.NewWriter(gz), now: now, engine: s.Engine()}
	if _, err := s.Dump(ctx, w); err != nil {
		return Summary{}, err
	}
	if err := w.flush(); err != nil {
		return Summary{}, err
	}
	if err := w.addPhotos(ctx, photos); err != nil {
		return Summary{}, fmt.Errorf("photos: %w", err)
	}
	if err := w.tw.Close(); err != nil {
		return Summary{}, err
	}
	return w.sum, gz.Close()
}

func (w *writer) addPhotos(ctx context.Context, photos photostore.Store) error {
	if photos == nil {
		return nil
	}
	keys, err := photos.List(ctx, "")
	if err != nil {
		return err
	}
	for _, key := range keys {
		data, err := photostore.ReadFile(ctx, photos, key)
		if errors.Is(err, photostore.ErrNotFound) {
			continue // deleted since the listing (orphan clean-up)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		w.sum.Photos++
		if err := w.entry("photos/"+key, data); err != nil {
			return err
		}
	}
	return nil
}

// Read restores a backup into s (which must be migrated to the binary's
// schema), and its photos into the photo store photos. Without force both
// must be empty.
// Everything in the database is restored in one transaction: on error,
// nothing is. Photos are written to the store as they are read, one at a
// time (a garage's photos may not fit in memory); on error, those this
// restore added are deleted again.
func Read(ctx context.Context, in io.Reader, s *store.Store, photos photostore.Store, force bool) (Summary, error) {
	gz, err := gzip.NewReader(in)
	if err != nil {
		return Summary{}, fmt.Errorf("not a garage backup (gzip): %w", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != "manifest.json" {
		return Summary{}, errors.New("not a garage backup: the manifest is missing")
	}
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil || m.Format != Format {
		return Summary{}, errors.New("not a garage backup: unreadable manifest")
	}
	if m.Version != Version {
		return Summary{}, fmt.Errorf("backup format version %d is not supported by this binary (version %d)", m.Version, Version)
	}
	_, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		return Summary{}, err
	}
	if m.SchemaVersion > latest {
		return Summary{}, fmt.Errorf("the backup comes from a newer schema (%d) than this binary knows (%d): restore with a newer garage", m.SchemaVersion, latest)
	}
	pw := &photoWriter{ctx: ctx, store: photos, before: map[string]bool{}}
	if photos != nil {
		keys, err := photos.List(ctx, "")
		if err != nil {
			return Summary{}, fmt.Errorf("photos: %w", err)
		}
		if len(keys) > 0 && !force {
			return Summary{}, store.ErrNotEmpty
		}
		for _, k := range keys {
			pw.before[k] = true
		}
	}
	r, err := s.BeginRestore(ctx, force)
	if err != nil {
		return Summary{}, err
	}
	fail := func(err error) (Summary, error) {
		r.Rollback()
		return Summary{}, pw.undo(err)
	}
	var sum Summary
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch {
		case strings.HasPrefix(hdr.Name, "tables/"):
			n, err := readTable(tr, r)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", hdr.Name, err))
			}
			sum.Tables++
			sum.Rows += n
		case strings.HasPrefix(hdr.Name, "photos/"):
			if err := pw.write(hdr, tr); err != nil {
				return fail(err)
			}
			sum.Photos++
		}
	}
	if _, err := r.Commit(); err != nil {
		return Summary{}, pw.undo(err)
	}
	return sum, nil
}

// photoWriter puts a backup's photos into the store as they are read, and remembers the ones it added.
type photoWriter struct {
	ctx    context.Context
	store  photostore.Store
	before map[string]bool // the keys the store held before the restore
	added  []string
}

func (w *photoWriter) write(hdr *tar.Header, r io.Reader) error {
	name := strings.TrimPrefix(hdr.Name, "photos/")
	if !photostore.ValidKey(name) || hdr.Typeflag != tar.TypeReg {
		return fmt.Errorf("unsafe photo path %q in the backup", hdr.Name)
	}
	if hdr.Size > photostore.MaxFileSize {
		// Cutting it to the limit would restore a broken photo without a word.
		return fmt.Errorf("photo %q of the backup is larger than %d MiB", hdr.Name, photostore.MaxFileSize>>20)
	}
	if w.store == nil {
		return errors.New("photos: the backup holds photos but no photo store is configured")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := w.store.Put(w.ctx, name, data, ""); err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	if !w.before[name] {
		w.added = append(w.added, name)
	}
	return nil
}

// undo deletes the photos the failed restore added, and returns its error with any that remain.
func (w *photoWriter) undo(err error) error {
	// The restore's own context may be the reason it failed.
	ctx := context.WithoutCancel(w.ctx)
	var left int
	for _, k := range w.added {
		if w.store.Delete(ctx, k) != nil {
			left++
		}
	}
	if left > 0 {
		return fmt.Errorf("%w (and %d photos written by this restore could not be deleted again)", err, left)
	}
	return err
}

func readTable(r io.Reader, rs *store.Restorer) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if !sc.Scan() {
		return 0, errors.New("empty table entry")
	}
	var h tableHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Table == "" || len(h.Columns) != len(h.Kinds) {
		return 0, errors.New("bad table header")
	}
	if err := rs.Table(store.TableDump{Name: h.Table, Columns: h.Columns, Kinds: h.Kinds}); err != nil {
		return 0, err
	}
	n := 0
	for sc.Scan() {
		var vals []json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &vals); err != nil {
			return n, fmt.Errorf("row %d: %w", n+1, err)
		}
		if err := rs.Row(vals); err != nil {
			return n, err
		}
		n++
	}
	return n, sc.Err()
}
