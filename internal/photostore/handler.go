package photostore

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// PathPrefix is where Handler expects to be mounted: the app registers it as "GET /photos/".
const PathPrefix = "/photos/"

// URL returns the path a stored key is served at: "/photos/" + key.
func URL(key string) string { return PathPrefix + key }

// Handler serves GET/HEAD /photos/{key...} (the app mounts it at "GET /photos/"): only valid keys, Content-Type
// from Info (image/jpeg), `Cache-Control: public, max-age=31536000, immutable` (keys never change content),
// `X-Content-Type-Options: nosniff`, ETag, Range via http.ServeContent; unknown → http.NotFound.
//
// The key is the {key...} wildcard when the route has one, else the request path after "/photos/".
func Handler(s Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		key := r.PathValue("key")
		if key == "" {
			var ok bool
			key, ok = strings.CutPrefix(r.URL.Path, PathPrefix)
			if !ok {
				http.NotFound(w, r)
				return
			}
		}
		if !ValidKey(key) {
			http.NotFound(w, r)
			return
		}
		f, info, err := s.Open(r.Context(), key)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				http.NotFound(w, r)
				return
			}
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		h := w.Header()
		ct := info.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		h.Set("Cache-Control", CacheControl)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", etag(info))
		http.ServeContent(w, r, "", info.ModTime, f)
	})
}

// etag is strong and cheap: modification time and size, like most static servers. Keys never change
// content, so this only has to tell apart a file replaced by hand.
func etag(info Info) string {
	return `"` + strconv.FormatInt(info.ModTime.UnixNano(), 36) + "-" + strconv.FormatInt(info.Size, 36) + `"`
}
