package photostore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// mounted is the handler as the app mounts it.
func mounted(s Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /photos/", Handler(s))
	return mux
}

func serve(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandler(t *testing.T) {
	ctx := context.Background()
	d, _ := newDisk(t)
	key := VariantKey(NewKey("cars"), "thumb")
	body := "0123456789abcdefghij"
	if err := d.Put(ctx, key, []byte(body), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	h := mounted(d)
	if got := URL(key); got != "/photos/"+key {
		t.Fatalf("URL = %q", got)
	}

	w := serve(h, "GET", URL(key), nil)
	if w.Code != 200 || w.Body.String() != body {
		t.Fatalf("GET: %d %q", w.Code, w.Body.String())
	}
	for k, want := range map[string]string{
		"Content-Type":           "image/jpeg",
		"Cache-Control":          "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff",
		"Content-Length":         "20",
		"Accept-Ranges":          "bytes",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	etag := w.Header().Get("ETag")
	if len(etag) < 4 || etag[0] != '"' || etag[len(etag)-1] != '"' {
		t.Errorf("ETag %q is not a strong entity tag", etag)
	}
	if w.Header().Get("Last-Modified") == "" {
		t.Error("no Last-Modified")
	}

	t.Run("HEAD", func(t *testing.T) {
		w := serve(h, "HEAD", URL(key), nil)
		if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "20" ||
			w.Header().Get("Content-Type") != "image/jpeg" || w.Header().Get("ETag") != etag {
			t.Errorf("HEAD: %d, body %d bytes, headers %v", w.Code, w.Body.Len(), w.Header())
		}
	})
	t.Run("Range", func(t *testing.T) {
		w := serve(h, "GET", URL(key), map[string]string{"Range": "bytes=5-9"})
		if w.Code != http.StatusPartialContent || w.Body.String() != "56789" ||
			w.Header().Get("Content-Range") != "bytes 5-9/20" {
			t.Errorf("Range: %d %q %q", w.Code, w.Body.String(), w.Header().Get("Content-Range"))
		}
		w = serve(h, "GET", URL(key), map[string]string{"Range": "bytes=50-60"})
		if w.Code != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("unsatisfiable Range: %d", w.Code)
		}
	})
	t.Run("conditional", func(t *testing.T) {
		w := serve(h, "GET", URL(key), map[string]string{"If-None-Match": etag})
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("If-None-Match: %d", w.Code)
		}
		w = serve(h, "GET", URL(key), map[string]string{"If-None-Match": `"other"`})
		if w.Code != 200 {
			t.Errorf("If-None-Match with another tag: %d", w.Code)
		}
	})
	t.Run("not found", func(t *testing.T) {
		for _, target := range []string{
			"/photos/cars/00/0000000000000000-thumb.jpg", // valid, absent
			"/photos/",
			"/photos/cars",            // a directory
			"/photos/cars/%2e%2e/x",   // decoded to "..": invalid
			"/photos/..%2fsecret.jpg", // likewise
			"/photos/cars%5cx.jpg",    // backslash
			"/photos/cars/x%00.jpg",   // NUL
			"/photos/CARS/x.jpg",
			"/photos/cars/.tmp-123",
		} {
			w := serve(h, "GET", target, nil)
			if w.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", target, w.Code)
			}
			if w.Header().Get("Cache-Control") == "public, max-age=31536000, immutable" {
				t.Errorf("GET %s: a 404 must not be cached for a year", target)
			}
		}
	})
	t.Run("other methods", func(t *testing.T) {
		w := serve(Handler(d), "POST", URL(key), nil)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: %d, Allow %q", w.Code, w.Header().Get("Allow"))
		}
		w = serve(h, "DELETE", URL(key), nil) // the mux refuses it first
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("DELETE through the mux: %d", w.Code)
		}
	})
	t.Run("wildcard route", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.Handle("GET /media/{key...}", Handler(d))
		w := serve(mux, "GET", "/media/"+key, nil)
		if w.Code != 200 || w.Body.String() != body {
			t.Errorf("GET /media/{key...}: %d", w.Code)
		}
	})
}

// failingStore fails every Open with an error that is not ErrNotFound.
type failingStore struct{ Store }

func (failingStore) Open(context.Context, string) (io.ReadSeekCloser, Info, error) {
	return nil, Info{}, errors.New("disk on fire")
}

func TestHandlerStoreError(t *testing.T) {
	w := serve(Handler(failingStore{}), "GET", "/photos/cars/ab/abcd-thumb.jpg", nil)
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	if w.Header().Get("Cache-Control") != "" {
		t.Errorf("an error is cached: %q", w.Header().Get("Cache-Control"))
	}
}

func TestETagChangesWithContent(t *testing.T) {
	now := time.Now()
	a := etag(Info{Size: 10, ModTime: now})
	if a == etag(Info{Size: 11, ModTime: now}) || a == etag(Info{Size: 10, ModTime: now.Add(time.Nanosecond)}) {
		t.Error("the ETag does not follow size and modification time")
	}
}
