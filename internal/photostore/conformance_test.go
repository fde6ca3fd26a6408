package photostore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/photostore/s3test"
)

// forEachStore runs f on a fresh Disk store and on a fresh S3 store (versitygw, see s3test).
func forEachStore(t *testing.T, f func(t *testing.T, s photostore.Store)) {
	t.Run("disk", func(t *testing.T) {
		d, err := photostore.NewDisk(filepath.Join(t.TempDir(), "photos"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		f(t, d)
	})
	t.Run("s3", func(t *testing.T) {
		f(t, s3test.Store(t))
	})
}

func readAll(t *testing.T, s photostore.Store, key string) ([]byte, photostore.Info) {
	t.Helper()
	f, info, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b, info
}

func TestStoreConformance(t *testing.T) {
	forEachStore(t, func(t *testing.T, s photostore.Store) {
		ctx := context.Background()
		key := photostore.NewKey("cars")
		thumb, large := photostore.VariantKey(key, "thumb"), photostore.VariantKey(key, "large")
		other := "other/ab/abcdef-thumb.jpg"
		data := []byte("\xff\xd8\xff not really a JPEG, the store does not care")

		if _, _, err := s.Open(ctx, thumb); !errors.Is(err, photostore.ErrNotFound) {
			t.Fatalf("open before put: err = %v", err)
		}
		if err := s.Put(ctx, thumb, data, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, large, []byte("large"), ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, other, []byte("x"), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		got, info := readAll(t, s, thumb)
		if !bytes.Equal(got, data) {
			t.Errorf("read back %q", got)
		}
		if info.Size != int64(len(data)) || info.ContentType != "image/jpeg" || info.ModTime.IsZero() ||
			time.Since(info.ModTime) > time.Hour {
			t.Errorf("info = %+v", info)
		}

		t.Run("list", func(t *testing.T) {
			for _, tc := range []struct {
				prefix string
				want   []string
			}{
				{"", []string{large, thumb, other}},
				{"cars", []string{large, thumb}},
				{"cars/", []string{large, thumb}},
				{key[:len("cars/3f")] + "/", []string{large, thumb}},
				{key, []string{large, thumb}},
				{thumb, []string{thumb}},
				{"other/ab/abc", []string{other}},
				{"car", []string{large, thumb}},
				{"nothing/", nil},
				{"nothing/at/all", nil},
			} {
				keys, err := s.List(ctx, tc.prefix)
				if err != nil {
					t.Fatalf("List(%q): %v", tc.prefix, err)
				}
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(keys, want) {
					t.Errorf("List(%q) = %q, want %q", tc.prefix, keys, want)
				}
			}
		})

		t.Run("overwrite", func(t *testing.T) {
			if err := s.Put(ctx, large, []byte("second version"), "image/jpeg"); err != nil {
				t.Fatal(err)
			}
			if got, info := readAll(t, s, large); string(got) != "second version" || info.Size != 14 {
				t.Errorf("after overwrite: %q, %+v", got, info)
			}
		})

		t.Run("delete", func(t *testing.T) {
			if err := s.Delete(ctx, other); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Open(ctx, other); !errors.Is(err, photostore.ErrNotFound) {
				t.Errorf("open after delete: err = %v", err)
			}
			if err := s.Delete(ctx, other); err != nil {
				t.Errorf("deleting an absent key: %v", err)
			}
			if keys, _ := s.List(ctx, "other/"); len(keys) != 0 {
				t.Errorf("after delete, List = %q", keys)
			}
		})

		t.Run("seek", func(t *testing.T) {
			f, _, err := s.Open(ctx, thumb)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if n, err := f.Seek(4, io.SeekStart); n != 4 || err != nil {
				t.Fatalf("Seek: %d %v", n, err)
			}
			b := make([]byte, 3)
			if _, err := io.ReadFull(f, b); err != nil || string(b) != "not" {
				t.Errorf("read after seek: %q %v", b, err)
			}
			if n, err := f.Seek(0, io.SeekEnd); n != int64(len(data)) || err != nil {
				t.Errorf("Seek end: %d %v", n, err)
			}
		})
	})
}

func TestStoreRefusesBadKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, s photostore.Store) {
		ctx := context.Background()
		for _, k := range []string{
			"../secret.jpg", "cars/../../secret.jpg", "/secret.jpg", `..\secret.jpg`, `cars\..\..\secret.jpg`,
			"secret.jpg\x00.png", "cars/.tmp-1", "", "CARS/x.jpg", "cars//x.jpg", "cars/x y.jpg", "cars/é.jpg",
			strings.Repeat("a", photostore.MaxKeyLen+1),
		} {
			if err := s.Put(ctx, k, []byte("x"), ""); !errors.Is(err, photostore.ErrInvalidKey) {
				t.Errorf("Put(%q): err = %v, want ErrInvalidKey", k, err)
			}
			if _, _, err := s.Open(ctx, k); !errors.Is(err, photostore.ErrNotFound) {
				t.Errorf("Open(%q): err = %v, want ErrNotFound", k, err)
			}
			if err := s.Delete(ctx, k); !errors.Is(err, photostore.ErrInvalidKey) {
				t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", k, err)
			}
		}
		for _, p := range []string{"../", "/", "..", "cars/../", `cars\`, "cars//"} {
			if _, err := s.List(ctx, p); !errors.Is(err, photostore.ErrInvalidKey) {
				t.Errorf("List(%q): err = %v, want ErrInvalidKey", p, err)
			}
		}
		if keys, err := s.List(ctx, ""); err != nil || len(keys) != 0 {
			t.Errorf("something was written: %q %v", keys, err)
		}
	})
}

func TestStoreContentTypes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s photostore.Store) {
		ctx := context.Background()
		for key, want := range map[string]string{
			"a/x.jpg": "image/jpeg", "a/x.jpeg": "image/jpeg", "a/x.png": "image/png", "a/x.webp": "image/webp",
			"a/x": "application/octet-stream",
		} {
			if err := s.Put(ctx, key, []byte("x"), ""); err != nil {
				t.Fatal(err)
			}
			if _, info := readAll(t, s, key); info.ContentType != want {
				t.Errorf("%s: content type %q, want %q", key, info.ContentType, want)
			}
		}
		if err := s.Put(ctx, "a/y.jpg", []byte("x"), "text/html"); err == nil {
			t.Error("put a .jpg declared text/html")
		}
		if _, _, err := s.Open(ctx, "a/y.jpg"); !errors.Is(err, photostore.ErrNotFound) {
			t.Errorf("the refused file is there: %v", err)
		}
	})
}

func TestStoreCancelledContext(t *testing.T) {
	forEachStore(t, func(t *testing.T, s photostore.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Put(ctx, "a/b.jpg", []byte("x"), ""); !errors.Is(err, context.Canceled) {
			t.Errorf("Put: %v", err)
		}
		if _, _, err := s.Open(ctx, "a/b.jpg"); !errors.Is(err, context.Canceled) {
			t.Errorf("Open: %v", err)
		}
		if err := s.Delete(ctx, "a/b.jpg"); !errors.Is(err, context.Canceled) {
			t.Errorf("Delete: %v", err)
		}
		if _, err := s.List(ctx, ""); !errors.Is(err, context.Canceled) {
			t.Errorf("List: %v", err)
		}
	})
}

// TestStoreThroughHandler: what a browser gets from /photos/ is the same whatever the store.
func TestStoreThroughHandler(t *testing.T) {
	forEachStore(t, func(t *testing.T, s photostore.Store) {
		key := photostore.VariantKey(photostore.NewKey("cars"), "card")
		body := "0123456789abcdefghij"
		if err := s.Put(context.Background(), key, []byte(body), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /photos/", photostore.Handler(s))
		get := func(method string, header map[string]string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(method, photostore.URL(key), nil)
			for k, v := range header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			return w
		}
		w := get("GET", nil)
		if w.Code != 200 || w.Body.String() != body {
			t.Fatalf("GET: %d %q", w.Code, w.Body.String())
		}
		for k, want := range map[string]string{
			"Content-Type": "image/jpeg", "Cache-Control": photostore.CacheControl, "Content-Length": "20",
			"X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes",
		} {
			if got := w.Header().Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		etag := w.Header().Get("ETag")
		if etag == "" || w.Header().Get("Last-Modified") == "" {
			t.Errorf("ETag %q, Last-Modified %q", etag, w.Header().Get("Last-Modified"))
		}
		if again := get("GET", nil).Header().Get("ETag"); again != etag {
			t.Errorf("the ETag changed between two requests: %q, %q", etag, again)
		}
		if w := get("HEAD", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "20" {
			t.Errorf("HEAD: %d, %d bytes, length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
		}
		if w := get("GET", map[string]string{"Range": "bytes=5-9"}); w.Code != http.StatusPartialContent ||
			w.Body.String() != "56789" || w.Header().Get("Content-Range") != "bytes 5-9/20" {
			t.Errorf("Range: %d %q %q", w.Code, w.Body.String(), w.Header().Get("Content-Range"))
		}
		if w := get("GET", map[string]string{"Range": "bytes=15-"}); w.Code != http.StatusPartialContent || w.Body.String() != "fghij" {
			t.Errorf("open Range: %d %q", w.Code, w.Body.String())
		}
		if w := get("GET", map[string]string{"Range": "bytes=50-60"}); w.Code != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("unsatisfiable Range: %d", w.Code)
		}
		if w := get("GET", map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", w.Code)
		}
		r := httptest.NewRequest("GET", "/photos/cars/00/0000000000000000-card.jpg", nil)
		w = httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound || w.Header().Get("Cache-Control") == photostore.CacheControl {
			t.Errorf("absent photo: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
		}
	})
}

// TestS3ObjectMetadata: the objects themselves carry the content type and the caching headers, for a
// bucket served publicly or through a CDN.
func TestS3ObjectMetadata(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s := srv.Store(t, bucket)
	ctx := context.Background()
	if err := s.Put(ctx, "cars/ab/abcd-large.jpg", []byte("jpeg"), ""); err != nil {
		t.Fatal(err)
	}
	st, err := srv.Client().StatObject(ctx, bucket, "cars/ab/abcd-large.jpg", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.ContentType != "image/jpeg" || st.Metadata.Get("Cache-Control") != photostore.CacheControl {
		t.Errorf("content type %q, Cache-Control %q", st.ContentType, st.Metadata.Get("Cache-Control"))
	}
	// An object put there by hand under a name that is not a key is not listed.
	if _, err := srv.Client().PutObject(ctx, bucket, "Notes.TXT", strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if keys, err := s.List(ctx, ""); err != nil || !slices.Equal(keys, []string{"cars/ab/abcd-large.jpg"}) {
		t.Errorf("List = %q, %v", keys, err)
	}
}

// TestS3ListPaginates: more keys than one listing page (1000) all come back.
func TestS3ListPaginates(t *testing.T) {
	if testing.Short() {
		t.Skip("1 100 uploads")
	}
	s := s3test.Store(t)
	ctx := context.Background()
	const n = 1100
	want := make([]string, 0, n)
	for i := range n {
		k := photostore.VariantKey(photostore.NewKey("cars"), "thumb")
		if err := s.Put(ctx, k, []byte{byte(i)}, ""); err != nil {
			t.Fatal(err)
		}
		want = append(want, k)
	}
	slices.Sort(want)
	got, err := s.List(ctx, "cars/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List returned %d keys, want %d", len(got), n)
	}
}

func TestS3Config(t *testing.T) {
	for _, ep := range []string{"", "127.0.0.1:7070", "ftp://h", "http://", "http://h/path", "http://u:p@h", "http://h?x=1"} {
		if _, err := photostore.NewS3(photostore.S3Config{Endpoint: ep, Bucket: "b"}); err == nil {
			t.Errorf("NewS3 accepted endpoint %q", ep)
		}
	}
	if _, err := photostore.NewS3(photostore.S3Config{Endpoint: "https://s3.fr-par.scw.cloud"}); err == nil {
		t.Error("NewS3 accepted an empty bucket")
	}

	srv := s3test.Start(t)
	cfg := srv.Config("no-such-bucket")
	s, err := photostore.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Check on a missing bucket: %v", err)
	}
	cfg.Bucket = srv.NewBucket(t)
	cfg.SecretAccessKey = "wrong-secret"
	s, _ = photostore.NewS3(cfg)
	if err := s.Check(context.Background()); err == nil {
		t.Error("Check passed with a wrong secret")
	} else if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("the error shows the secret: %v", err)
	}
	// Nothing listens there.
	cfg = srv.Config("b")
	cfg.Endpoint = "http://127.0.0.1:1"
	s, _ = photostore.NewS3(cfg)
	if err := s.Check(context.Background()); err == nil {
		t.Error("Check passed with nothing listening")
	}
}
