package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/backup"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

var t0 = time.Date(2026, 6, 1, 8, 30, 0, 123456000, time.UTC)

// collector keeps a whole dump in memory, as JSON text per row.
type collector struct {
	tables map[string][]string
	order  []string
	cur    string
}

func (c *collector) Begin(int64) error { c.tables = map[string][]string{}; return nil }
func (c *collector) Table(t store.TableDump) error {
	c.cur = t.Name
	c.order = append(c.order, t.Name)
	c.tables[t.Name] = []string{}
	return nil
}
func (c *collector) Row(v []json.RawMessage) error {
	b, _ := json.Marshal(v)
	c.tables[c.cur] = append(c.tables[c.cur], string(b))
	return nil
}

func contents(t *testing.T, s *store.Store) *collector {
	t.Helper()
	c := &collector{}
	if _, err := s.Dump(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func seed(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	u := &garage.User{Email: "vincent@example.fr", PasswordHash: "$argon2id$x", FirstName: "Vincent", LastName: "Parrot", Role: garage.RoleAdmin, Active: true}
	if err := s.CreateUser(ctx, u, t0, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	off := &garage.User{Email: "ancien@example.fr", FirstName: "Éric", LastName: "Ancien", Role: garage.RoleEmployee, Active: false}
	if err := s.CreateUser(ctx, off, t0, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, &garage.Session{TokenHash: "h", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), Flash: "Enregistré ✓"}, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveGarageDetails(ctx, &garage.Details{Name: "Garage V. Parrot", City: "Toulouse", Phone: "05 61 00 00 00"}, t0, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOpeningHours(ctx, hours.DefaultWeek(), t0, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	price := 89
	for _, sv := range []*garage.Service{{Title: "Freinage", Visible: true, PriceFrom: &price}, {Title: "Caché « ici »", Visible: false}} {
		if err := s.CreateService(ctx, sv, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	id := u.ID
	if err := s.AddAudit(ctx, &garage.AuditEntry{At: t0, ActorID: &id, ActorEmail: u.Email, Action: "login.success", Details: `{"a":"é"}`}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueMail(ctx, &garage.OutboxMail{Kind: "account.invite", To: "x@example.fr", Subject: "Accès", Text: "Bonjour"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SendAccountLink(ctx, off.ID, garage.AccountLink{TokenHash: "tok", Purpose: garage.TokenInvite}, t0, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HitRate(ctx, "login:ip:192.0.2.1", t0); err != nil {
		t.Fatal(err)
	}
}

func writePhotos(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{"cars/ab/ab12-card.jpg": "jpeg bytes 1", "cars/cd/cd34-thumb.jpg": "jpeg bytes 2"}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// disk is the disk photo store on dir.
func disk(t *testing.T, dir string) photostore.Store {
	t.Helper()
	d, err := photostore.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func restoreInto(t *testing.T, engine store.Engine, archive []byte, photosDir string) *store.Store {
	t.Helper()
	s := storetest.OpenEmpty(t, engine)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Read(context.Background(), bytes.NewReader(archive), s, disk(t, photosDir), false); err != nil {
		t.Fatalf("restore into %s: %v", engine, err)
	}
	return s
}

// TestRoundTripAcrossEngines: SQLite → backup (taken while writes happen) →
// PostgreSQL → backup → SQLite gives the same content, tables and photos.
func TestRoundTripAcrossEngines(t *testing.T) {
	ctx := context.Background()
	other := store.SQLite
	if len(storetest.Engines()) > 1 {
		other = store.Postgres
	}
	src := storetest.Open(t, store.SQLite)
	seed(t, src)
	srcPhotos := t.TempDir()
	files := writePhotos(t, srcPhotos)

	// Writers keep going during the backup: each writes a service and its
	// audit row in one transaction; the snapshot must hold both or neither.
	var stop atomic.Bool
	var wg sync.WaitGroup
	var written atomic.Int64
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			tx, err := src.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Error(err)
				return
			}
			marker := fmt.Sprintf("pair-%d", i)
			if _, err := tx.Exec(`INSERT INTO services (title, created_at, updated_at) VALUES ($1, $2, $2)`, marker, time.Now().UTC()); err != nil {
				t.Error(err)
				tx.Rollback()
				return
			}
			if _, err := tx.Exec(`INSERT INTO audit_log (at, action, target) VALUES ($1, 'service.create', $2)`, time.Now().UTC(), marker); err != nil {
				t.Error(err)
				tx.Rollback()
				return
			}
			if err := tx.Commit(); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	})
	for written.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	var first bytes.Buffer
	sum, err := backup.Write(ctx, &first, src, disk(t, srcPhotos), t0)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Photos != 2 || sum.Tables < 10 || sum.Rows < 20 {
		t.Fatalf("summary %+v", sum)
	}

	midPhotos := t.TempDir()
	mid := restoreInto(t, other, first.Bytes(), midPhotos)
	m := contents(t, mid)
	pairs := 0
	for _, row := range m.tables["services"] {
		if strings.Contains(row, `"pair-`) {
			pairs++
		}
	}
	audits := 0
	for _, row := range m.tables["audit_log"] {
		if strings.Contains(row, `"pair-`) {
			audits++
		}
	}
	if pairs == 0 || pairs != audits {
		t.Fatalf("inconsistent snapshot: %d services, %d audit rows", pairs, audits)
	}

	var second bytes.Buffer
	if _, err := backup.Write(ctx, &second, mid, disk(t, midPhotos), t0); err != nil {
		t.Fatal(err)
	}
	endPhotos := t.TempDir()
	end := restoreInto(t, store.SQLite, second.Bytes(), endPhotos)
	e := contents(t, end)
	if !reflect.DeepEqual(m.order, e.order) {
		t.Fatalf("table order %v vs %v", m.order, e.order)
	}
	for _, name := range m.order {
		if !reflect.DeepEqual(m.tables[name], e.tables[name]) {
			t.Errorf("table %s differs:\n%v\n%v", name, m.tables[name], e.tables[name])
		}
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(endPhotos, filepath.FromSlash(name)))
		if err != nil || string(got) != data {
			t.Errorf("photo %s: %q %v", name, got, err)
		}
	}

	// The restored database works: users log in by e-mail, IDs continue,
	// the audit log is still append-only.
	for _, s := range []*store.Store{mid, end} {
		u, err := s.UserByEmail(ctx, "VINCENT@example.fr")
		if err != nil || u.FirstName != "Vincent" || !u.Active {
			t.Fatalf("%s: user %+v %v", s.Engine(), u, err)
		}
		nu := &garage.User{Email: "nouveau@example.fr", FirstName: "N", LastName: "U", Role: garage.RoleEmployee, Active: true}
		if err := s.CreateUser(ctx, nu, t0, garage.Actor{}); err != nil || nu.ID <= u.ID {
			t.Fatalf("%s: new user after restore: id %d, %v", s.Engine(), nu.ID, err)
		}
		if _, err := s.DB().Exec(`DELETE FROM audit_log`); err == nil {
			t.Fatalf("%s: audit log deletable after restore", s.Engine())
		}
		if w, _ := s.OpeningHours(ctx); hours.FormatDay(w[0]) != "8\u00a0h\u00a045 – 12\u00a0h\u00a000 et 14\u00a0h\u00a000 – 18\u00a0h\u00a000" {
			t.Fatalf("%s: hours %v", s.Engine(), w)
		}
	}
}

func TestRestoreRefusesNonEmptyUnlessForced(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed(t, s)
		var archive bytes.Buffer
		if _, err := backup.Write(ctx, &archive, s, nil, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveGarageDetails(ctx, &garage.Details{Name: "Modifié"}, t0, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Read(ctx, bytes.NewReader(archive.Bytes()), s, nil, false); !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("restore into a non-empty database: %v", err)
		}
		if g, _ := s.GarageDetails(ctx); g.Name != "Modifié" {
			t.Fatal("refused restore changed data")
		}
		if _, err := backup.Read(ctx, bytes.NewReader(archive.Bytes()), s, nil, true); err != nil {
			t.Fatalf("forced restore: %v", err)
		}
		if g, _ := s.GarageDetails(ctx); g.Name != "Garage V. Parrot" {
			t.Fatalf("forced restore did not restore: %q", g.Name)
		}
		if n, _ := s.ListAudit(ctx, "", 100, 0); len(n) != 1 {
			t.Fatalf("audit rows after forced restore: %d", len(n))
		}
	})
}

func TestRestoreRejectsGarbageAndRollsBack(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.SQLite)
	for _, in := range [][]byte{nil, []byte("pas une sauvegarde"), {0x1f, 0x8b, 0, 0}} {
		if _, err := backup.Read(ctx, bytes.NewReader(in), s, nil, false); err == nil {
			t.Errorf("garbage %q accepted", in)
		}
	}
	// A backup whose last table is corrupt restores nothing at all.
	src := storetest.Open(t, store.SQLite)
	seed(t, src)
	var archive bytes.Buffer
	if _, err := backup.Write(ctx, &archive, src, nil, t0); err != nil {
		t.Fatal(err)
	}
	broken := corruptLastTable(t, archive.Bytes())
	if _, err := backup.Read(ctx, bytes.NewReader(broken), s, nil, false); err == nil {
		t.Fatal("corrupt backup accepted")
	}
	if empty, err := s.IsEmpty(ctx); err != nil || !empty {
		t.Fatalf("failed restore left data behind (empty=%v, %v)", empty, err)
	}
}

// A photo entry larger than the store accepts is refused, not cut short into a broken photo.
func TestRestoreRefusesAnOversizedPhoto(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	seed(t, src)
	var archive bytes.Buffer
	if _, err := backup.Write(ctx, &archive, src, nil, t0); err != nil {
		t.Fatal(err)
	}
	big := rewriteArchive(t, archive.Bytes(), func(entries []tarEntry) []tarEntry {
		data := make([]byte, photostore.MaxFileSize+1)
		hdr := &tar.Header{Name: "photos/cars/ab/abcdef0123456789-large.jpg", Mode: 0o600, Size: int64(len(data)), Typeflag: tar.TypeReg}
		return append(entries, tarEntry{hdr, data})
	})
	dst := storetest.Open(t, store.SQLite)
	photos, err := photostore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer photos.Close()
	if _, err := backup.Read(ctx, bytes.NewReader(big), dst, photos, false); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized photo: %v", err)
	}
	if keys, _ := photos.List(ctx, ""); len(keys) != 0 {
		t.Errorf("photos written: %v", keys)
	}
	if empty, err := dst.IsEmpty(ctx); err != nil || !empty {
		t.Fatalf("failed restore left data behind (empty=%v, %v)", empty, err)
	}
}
