// Package ui embeds the site's static assets (stylesheet, script, fonts,
// icons, web manifest) and serves them under content-hashed names so that
// browsers and CDNs may cache them forever.
//
// Every file under static/ is known by its logical name, its path relative to
// static/ ("css/site.css"). Its public URL inserts the first 10 hex digits of
// the SHA-256 of its final content before the extension:
// "/static/css/site.1a2b3c4d5e.css". Relative url(...) references in CSS and
// icon src entries in the web manifest are rewritten to those URLs when the
// assets are loaded, so a change in a font or icon changes the hash of the
// files that reference it too.
package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// Prefix is the URL path under which Handler must be mounted.
const Prefix = "/static/"

const (
	hashLen = 10

	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRootFile  = "public, max-age=86400"
)

// Assets holds the embedded static files, indexed by their content-hashed names.
type Assets struct {
	byName   map[string]*asset // logical name ("css/site.css")
	byHashed map[string]*asset // hashed name ("css/site.1a2b3c4d5e.css")
	names    []string          // sorted logical names
}

type asset struct {
	name        string // logical name, relative to static/
	hashed      string // fingerprinted name, relative to static/
	hash        string // hashLen hex digits
	contentType string
	body        []byte
	gz          []byte // gzip-encoded body, nil when not worth it
}

// New loads and fingerprints everything under static/.
func New() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	return newFromFS(sub)
}

// newFromFS loads every regular file of fsys. Files that reference other
// assets (CSS, web manifest) are processed after their dependencies.
func newFromFS(fsys fs.FS) (*Assets, error) {
	raw := make(map[string][]byte)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		raw[name] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ui: reading static files: %w", err)
	}

	l := &loader{
		raw: raw,
		// A comment (left alone) or url(...) with an optionally quoted argument.
		cssURL:   regexp.MustCompile(`/\*[\s\S]*?\*/|url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s]*))\s*\)`),
		loading:  make(map[string]bool),
		byName:   make(map[string]*asset, len(raw)),
		byHashed: make(map[string]*asset, len(raw)),
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, err := l.load(name); err != nil {
			return nil, err
		}
	}
	return &Assets{byName: l.byName, byHashed: l.byHashed, names: names}, nil
}

type loader struct {
	raw      map[string][]byte
	cssURL   *regexp.Regexp
	loading  map[string]bool // cycle detection
	byName   map[string]*asset
	byHashed map[string]*asset
}

// load returns the processed asset name, processing its dependencies first.
func (l *loader) load(name string) (*asset, error) {
	if a, ok := l.byName[name]; ok {
		return a, nil
	}
	body, ok := l.raw[name]
	if !ok {
		return nil, fmt.Errorf("ui: unknown asset %q", name)
	}
	if l.loading[name] {
		return nil, fmt.Errorf("ui: reference cycle through %q", name)
	}
	l.loading[name] = true
	defer delete(l.loading, name)

	var err error
	switch path.Ext(name) {
	case ".css":
		body, err = l.rewriteCSS(name, body)
	case ".webmanifest":
		body, err = l.rewriteManifest(name, body)
	}
	if err != nil {
		return nil, err
	}

	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])[:hashLen]
	a := &asset{
		name:        name,
		hashed:      hashedName(name, hash),
		hash:        hash,
		contentType: contentType(name),
		body:        body,
	}
	if compressible(name) {
		if gz := Gzip(body); len(gz)*10 <= len(body)*9 { // saves at least 10%
			a.gz = gz
		}
	}
	if other, dup := l.byHashed[a.hashed]; dup {
		return nil, fmt.Errorf("ui: %q and %q share the hashed name %q", other.name, name, a.hashed)
	}
	l.byName[name] = a
	l.byHashed[a.hashed] = a
	return a, nil
}

// rewriteCSS replaces relative url(...) references with fingerprinted
// absolute paths; comments are left untouched. A relative reference to a
// missing file is an error.
func (l *loader) rewriteCSS(name string, body []byte) ([]byte, error) {
	var firstErr error
	out := l.cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		if bytes.HasPrefix(m, []byte("/*")) {
			return m
		}
		sub := l.cssURL.FindSubmatch(m)
		ref := string(sub[1]) + string(sub[2]) + string(sub[3])
		if !isRelativeRef(ref) {
			return m
		}
		resolved, err := l.resolve(name, ref)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return m
		}
		return []byte(`url(` + resolved + `)`)
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// rewriteManifest replaces relative "src" entries of "icons", "screenshots"
// and shortcut icons with fingerprinted absolute paths.
func (l *loader) rewriteManifest(name string, body []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("ui: decoding %q: %w", name, err)
	}
	rewriteList := func(v any) error {
		list, _ := v.([]any)
		for _, item := range list {
			obj, _ := item.(map[string]any)
			src, ok := obj["src"].(string)
			if !ok || !isRelativeRef(src) {
				continue
			}
			resolved, err := l.resolve(name, src)
			if err != nil {
				return err
			}
			obj["src"] = resolved
		}
		return nil
	}
	for _, key := range []string{"icons", "screenshots"} {
		if err := rewriteList(m[key]); err != nil {
			return nil, err
		}
	}
	if shortcuts, ok := m["shortcuts"].([]any); ok {
		for _, s := range shortcuts {
			if obj, ok := s.(map[string]any); ok {
				if err := rewriteList(obj["icons"]); err != nil {
					return nil, err
				}
			}
		}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("ui: encoding %q: %w", name, err)
	}
	return buf.Bytes(), nil
}

// resolve turns ref, relative to the asset from, into the fingerprinted
// URL path of the referenced asset. A query or fragment is kept.
func (l *loader) resolve(from, ref string) (string, error) {
	target, suffix := ref, ""
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		target, suffix = ref[:i], ref[i:]
	}
	target = path.Join(path.Dir(from), target)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", fmt.Errorf("ui: %q references %q outside static/", from, ref)
	}
	if _, ok := l.raw[target]; !ok {
		return "", fmt.Errorf("ui: %q references missing asset %q", from, ref)
	}
	dep, err := l.load(target)
	if err != nil {
		return "", err
	}
	return Prefix + dep.hashed + suffix, nil
}

// isRelativeRef reports whether ref is a relative path reference (not a
// scheme URL such as data: or https:, not absolute, not a bare fragment).
func isRelativeRef(ref string) bool {
	if ref == "" || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") {
		return false
	}
	if i := strings.IndexAny(ref, ":/?#"); i >= 0 && ref[i] == ':' {
		return false
	}
	return true
}

// hashedName inserts hash before the extension of name.
func hashedName(name, hash string) string {
	dir, file := path.Split(name)
	ext := path.Ext(file)
	if ext == file { // dotfile without extension, e.g. ".well-known"
		ext = ""
	}
	return dir + strings.TrimSuffix(file, ext) + "." + hash + ext
}

// contentType returns the Content-Type of name, explicit for the types the
// site ships so that it never depends on the host's MIME tables.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

func compressible(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".css", ".js", ".svg", ".webmanifest", ".ico", ".txt", ".json":
		return true
	}
	return false
}

// Gzip returns b gzip-compressed at the best compression (what the static files and the cached pages
// are sent as to browsers that accept it).
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(b)                                       // into memory: no error
	_ = zw.Close()
	return buf.Bytes()
}

// Path returns the public URL path of the asset with the given logical name,
// e.g. "css/site.css" -> "/static/css/site.1a2b3c4d5e.css". A leading slash
// is ignored. An unknown name yields "/static/" + name (which will 404), so
// that a typo in a template never panics; tests check the names in use.
func (a *Assets) Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if as, ok := a.byName[name]; ok {
		return Prefix + as.hashed
	}
	return Prefix + name
}

// Names returns the logical names of all assets, sorted.
func (a *Assets) Names() []string {
	return slices.Clone(a.names)
}

// Handler serves the fingerprinted assets. It expects the full request path,
// including the "/static/" prefix, and must be mounted at "GET /static/".
// Only fingerprinted names are served; anything else is a plain 404.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hashed, ok := strings.CutPrefix(r.URL.Path, Prefix)
		var as *asset
		if ok {
			as = a.byHashed[hashed]
		}
		if as == nil {
			http.NotFound(w, r)
			return
		}
		serve(w, r, as, cacheImmutable)
	})
}

// ServeRootFile serves the asset with the given logical name at a fixed URL
// (e.g. "/favicon.ico", "/site.webmanifest") with a one-day cache lifetime.
// An unknown name yields a handler that always answers 404.
func (a *Assets) ServeRootFile(name string) http.Handler {
	as := a.byName[strings.TrimPrefix(name, "/")]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if as == nil {
			http.NotFound(w, r)
			return
		}
		serve(w, r, as, cacheRootFile)
	})
}

// serve writes one asset, choosing the gzip twin when the client accepts it.
// The ETag is the content hash; the gzip representation has its own ETag
// ("<hash>-gz"), and If-None-Match accepts either since both carry the hash.
func serve(w http.ResponseWriter, r *http.Request, as *asset, cacheControl string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	h := w.Header()
	body, etag := as.body, `"`+as.hash+`"`
	if as.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = as.gz, `"`+as.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Type", as.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", etag)

	if inm := r.Header.Get("If-None-Match"); inm != "" && ETagMatches(inm, `"`+as.hash+`"`, `"`+as.hash+`-gz"`) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Header.Get("Range") != "" || r.Header.Get("If-Match") != "" || r.Header.Get("If-Unmodified-Since") != "" {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return
	}
	// The common case in one write: ServeContent sent the first 512 bytes, flushed, then copied the rest
	// straight to the socket through a 32 kB buffer, three system calls for the stylesheet instead of two.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// ETagMatches reports whether an If-None-Match header value names one of
// etags, or is "*", with If-None-Match's weak comparison (a W/ prefix on
// either side does not matter). The assets and the application's cached
// pages answer 304 through it.
func ETagMatches(header string, etags ...string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" {
			return true
		}
		for _, etag := range etags {
			if part == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
	}
	return false
}

// AcceptsGzip reports whether Accept-Encoding header values accept a gzip
// body (for the application's own compressed responses).
func AcceptsGzip(values []string) bool { return acceptsGzip(values) }

func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					} else {
						q = 0
					}
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// Export writes every fingerprinted file, and its .gz twin when there is one,
// into dir with the layout of /static/ (dir/css/site.1a2b3c4d5e.css), so that
// a web server or CDN can serve dir at /static/. Directories are created with
// mode 0755 and files with mode 0644.
func (a *Assets) Export(dir string) error {
	if dir == "" {
		return errors.New("ui: export: empty directory")
	}
	madeDirs := make(map[string]bool)
	for _, name := range a.names {
		as := a.byName[name]
		dst := filepath.Join(dir, filepath.FromSlash(as.hashed))
		if err := mkdirs(dir, path.Dir(as.hashed), madeDirs); err != nil {
			return err
		}
		if err := writeFile(dst, as.body); err != nil {
			return err
		}
		if as.gz != nil {
			if err := writeFile(dst+".gz", as.gz); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkdirs creates root/rel (slash-separated) and its parents with mode 0755,
// whatever the umask (root itself keeps its mode if it exists), remembering
// what it already did in done.
func mkdirs(root, rel string, done map[string]bool) error {
	for d := rel; ; d = path.Dir(d) {
		if !done[d] {
			p := filepath.Join(root, filepath.FromSlash(d))
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("ui: export: %w", err)
			}
			if d != "." {
				if err := os.Chmod(p, 0o755); err != nil {
					return fmt.Errorf("ui: export: %w", err)
				}
			}
			done[d] = true
		}
		if d == "." {
			return nil
		}
	}
}

func writeFile(name string, b []byte) error {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return fmt.Errorf("ui: export: %w", err)
	}
	// WriteFile keeps the mode of an existing file and applies the umask.
	if err := os.Chmod(name, 0o644); err != nil {
		return fmt.Errorf("ui: export: %w", err)
	}
	return nil
}
