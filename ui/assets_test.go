package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func newAssets(t *testing.T) *Assets {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func do(t *testing.T, h http.Handler, method, target string, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func get(t *testing.T, h http.Handler, target string) response {
	t.Helper()
	return do(t, h, http.MethodGet, target, nil)
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip reader: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// The names that templates and the app reference.
var referencedNames = []string{
	"css/site.css",
	"js/site.js",
	"favicon.ico",
	"site.webmanifest",
	"icons/icon.svg",
	"icons/apple-touch-icon.png",
	"icons/icon-192.png",
	"icons/icon-512.png",
	"fonts/rajdhani-latin-600-normal.woff2",
	"fonts/rajdhani-latin-700-normal.woff2",
	"fonts/barlow-latin-400-normal.woff2",
	"fonts/barlow-latin-400-italic.woff2",
	"fonts/barlow-latin-600-normal.woff2",
	"fonts/LICENSE-OFL.txt",
}

func TestReferencedNamesExist(t *testing.T) {
	a := newAssets(t)
	names := a.Names()
	if !slices.IsSorted(names) {
		t.Errorf("Names() not sorted: %v", names)
	}
	for _, name := range referencedNames {
		if !slices.Contains(names, name) {
			t.Errorf("asset %q missing; have %v", name, names)
		}
	}
	// Names returns a copy.
	names[0] = "mutated"
	if a.Names()[0] == "mutated" {
		t.Error("Names() exposes internal slice")
	}
}

func TestEveryFileHasStableHashedPath(t *testing.T) {
	a, b := newAssets(t), newAssets(t)
	h := a.Handler()
	for _, name := range a.Names() {
		t.Run(name, func(t *testing.T) {
			p := a.Path(name)
			if p != b.Path(name) {
				t.Fatalf("hashed path not stable: %q vs %q", p, b.Path(name))
			}
			dir, file := path.Split(name)
			ext := path.Ext(file)
			want := regexp.MustCompile(`^/static/` + regexp.QuoteMeta(dir+strings.TrimSuffix(file, ext)) +
				`\.([0-9a-f]{10})` + regexp.QuoteMeta(ext) + `$`)
			m := want.FindStringSubmatch(p)
			if m == nil {
				t.Fatalf("Path(%q) = %q, want match %s", name, p, want)
			}
			r := get(t, h, p)
			if r.code != http.StatusOK {
				t.Fatalf("GET %s: status %d", p, r.code)
			}
			sum := sha256.Sum256(r.body)
			if got := hex.EncodeToString(sum[:])[:10]; got != m[1] {
				t.Errorf("hash in path %s, hash of served content %s", m[1], got)
			}
			if etag := r.header.Get("ETag"); etag != `"`+m[1]+`"` {
				t.Errorf("ETag = %q, want %q", etag, `"`+m[1]+`"`)
			}
		})
	}
}

func TestPath(t *testing.T) {
	a := newAssets(t)
	tests := []struct{ in, want string }{
		{"nope.css", "/static/nope.css"},
		{"css/missing.css", "/static/css/missing.css"},
		{"/css/site.css", a.Path("css/site.css")},
	}
	for _, tt := range tests {
		if got := a.Path(tt.in); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if a.Path("css/site.css") == "/static/css/site.css" {
		t.Error("Path(css/site.css) is not fingerprinted")
	}
}

func TestHeadersAndContentTypes(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	tests := []struct {
		name, contentType string
	}{
		{"css/site.css", "text/css; charset=utf-8"},
		{"js/site.js", "text/javascript; charset=utf-8"},
		{"fonts/barlow-latin-400-normal.woff2", "font/woff2"},
		{"site.webmanifest", "application/manifest+json"},
		{"icons/icon.svg", "image/svg+xml"},
		{"favicon.ico", "image/x-icon"},
		{"icons/icon-192.png", "image/png"},
		{"fonts/LICENSE-OFL.txt", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, h, a.Path(tt.name))
			if r.code != http.StatusOK {
				t.Fatalf("status %d", r.code)
			}
			for k, want := range map[string]string{
				"Content-Type":           tt.contentType,
				"Cache-Control":          "public, max-age=31536000, immutable",
				"X-Content-Type-Options": "nosniff",
				"Content-Encoding":       "",
			} {
				if got := r.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if got, want := r.header.Get("Content-Length"), strconv.Itoa(len(r.body)); got != want {
				t.Errorf("Content-Length = %q, want %q", got, want)
			}
		})
	}
}

func TestCSSFontURLsRewritten(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	css := get(t, h, a.Path("css/site.css"))
	if css.code != http.StatusOK {
		t.Fatalf("GET css: %d", css.code)
	}
	css.body = regexp.MustCompile(`/\*[\s\S]*?\*/`).ReplaceAll(css.body, nil) // drop comments
	if bytes.Contains(css.body, []byte("../fonts")) {
		t.Error("CSS still contains relative ../fonts references")
	}
	urls := regexp.MustCompile(`url\(([^)]*)\)`).FindAllSubmatch(css.body, -1)
	var fonts []string
	for _, m := range urls {
		u := string(m[1])
		if !strings.HasPrefix(u, "/static/") {
			t.Errorf("CSS url(%s) is not an absolute /static/ path", u)
			continue
		}
		if strings.HasSuffix(u, ".woff2") {
			fonts = append(fonts, u)
		}
	}
	if len(fonts) != 5 {
		t.Fatalf("found %d font urls in CSS, want 5: %v", len(fonts), fonts)
	}
	for _, u := range fonts {
		r := get(t, h, u)
		if r.code != http.StatusOK || r.header.Get("Content-Type") != "font/woff2" {
			t.Errorf("GET %s: %d %q", u, r.code, r.header.Get("Content-Type"))
		}
		if !bytes.HasPrefix(r.body, []byte("wOF2")) {
			t.Errorf("%s is not a woff2 file", u)
		}
	}
	for _, name := range []string{
		"fonts/rajdhani-latin-600-normal.woff2",
		"fonts/rajdhani-latin-700-normal.woff2",
		"fonts/barlow-latin-400-normal.woff2",
		"fonts/barlow-latin-400-italic.woff2",
		"fonts/barlow-latin-600-normal.woff2",
	} {
		if !slices.Contains(fonts, a.Path(name)) {
			t.Errorf("CSS does not reference %s (%s)", name, a.Path(name))
		}
	}
}

func TestGzip(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	plain := get(t, h, a.Path("css/site.css")).body
	tests := []struct {
		acceptEncoding string
		gzipped        bool
	}{
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP;Q=0.5", true},
		{"x-gzip", true},
		{"*", true},
		{"", false},
		{"identity", false},
		{"br", false},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"gzip;q=0, *", false},
	}
	for _, tt := range tests {
		t.Run(tt.acceptEncoding, func(t *testing.T) {
			r := do(t, h, http.MethodGet, a.Path("css/site.css"), map[string]string{"Accept-Encoding": tt.acceptEncoding})
			if r.code != http.StatusOK {
				t.Fatalf("status %d", r.code)
			}
			if got := r.header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q", got)
			}
			if r.header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
			}
			if !tt.gzipped {
				if r.header.Get("Content-Encoding") != "" || !bytes.Equal(r.body, plain) {
					t.Fatalf("expected identity response, got Content-Encoding %q", r.header.Get("Content-Encoding"))
				}
				return
			}
			if r.header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", r.header.Get("Content-Encoding"))
			}
			if len(r.body) >= len(plain) {
				t.Errorf("gzip body (%d) not smaller than plain (%d)", len(r.body), len(plain))
			}
			if got := gunzip(t, r.body); !bytes.Equal(got, plain) {
				t.Error("gzip body does not decode to the plain content")
			}
			if etag := r.header.Get("ETag"); !strings.HasSuffix(etag, `-gz"`) {
				t.Errorf("gzip ETag = %q, want a distinct -gz tag", etag)
			}
		})
	}
}

func TestGzipOnlyForCompressibleTypes(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	tests := []struct {
		name    string
		gzipped bool
	}{
		{"css/site.css", true},
		{"js/site.js", true},
		{"site.webmanifest", true},
		{"icons/icon.svg", true},
		{"favicon.ico", true},
		{"fonts/LICENSE-OFL.txt", true},
		{"fonts/barlow-latin-400-normal.woff2", false},
		{"icons/icon-512.png", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, h, http.MethodGet, a.Path(tt.name), map[string]string{"Accept-Encoding": "gzip"})
			got := r.header.Get("Content-Encoding") == "gzip"
			if got != tt.gzipped {
				t.Fatalf("gzipped = %v, want %v", got, tt.gzipped)
			}
			if hasVary := r.header.Get("Vary") != ""; hasVary != tt.gzipped {
				t.Errorf("Vary present = %v, want %v", hasVary, tt.gzipped)
			}
		})
	}
}

func TestNotModified(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	p := a.Path("css/site.css")
	plainTag := get(t, h, p).header.Get("ETag")
	gzTag := do(t, h, http.MethodGet, p, map[string]string{"Accept-Encoding": "gzip"}).header.Get("ETag")
	tests := []struct {
		name        string
		ifNoneMatch string
		gzip        bool
		want        int
	}{
		{"identity etag", plainTag, false, http.StatusNotModified},
		{"gzip etag", gzTag, true, http.StatusNotModified},
		{"weak etag", "W/" + plainTag, false, http.StatusNotModified},
		{"list", `"0000000000", ` + plainTag, false, http.StatusNotModified},
		{"star", "*", false, http.StatusNotModified},
		{"identity etag, gzip request", plainTag, true, http.StatusNotModified},
		{"other etag", `"0123456789"`, false, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{"If-None-Match": tt.ifNoneMatch}
			if tt.gzip {
				hdr["Accept-Encoding"] = "gzip"
			}
			r := do(t, h, http.MethodGet, p, hdr)
			if r.code != tt.want {
				t.Fatalf("status %d, want %d", r.code, tt.want)
			}
			if tt.want == http.StatusNotModified {
				if len(r.body) != 0 {
					t.Error("304 with a body")
				}
				if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") == "" {
					t.Errorf("304 lacks ETag or Cache-Control: %v", r.header)
				}
				if r.header.Get("Content-Encoding") != "" {
					t.Error("304 carries Content-Encoding")
				}
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	hashedCSS := a.Path("css/site.css")
	for _, target := range []string{
		"/static/css/site.css",            // logical, not hashed
		"/static/css/site.0000000000.css", // wrong hash
		"/static/nope.0123456789.css",
		"/static/",
		"/static",
		"/favicon.ico", // outside /static/
		strings.TrimPrefix(hashedCSS, "/static"),
		"/static/css/../css/site.css",
		hashedCSS + ".gz",
	} {
		t.Run(target, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path = target // keep dot segments unprocessed
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("GET %s: status %d, want 404", target, rec.Code)
			}
			if rec.Header().Get("Cache-Control") != "" {
				t.Errorf("404 is cacheable: %q", rec.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestHeadRangeAndMethods(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	p := a.Path("js/site.js")
	full := get(t, h, p).body

	head := do(t, h, http.MethodHead, p, nil)
	if head.code != http.StatusOK || len(head.body) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", head.code, len(head.body))
	}
	if got := head.header.Get("Content-Length"); got != strconv.Itoa(len(full)) {
		t.Errorf("HEAD Content-Length = %q, want %d", got, len(full))
	}
	if head.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("HEAD Cache-Control = %q", head.header.Get("Cache-Control"))
	}

	rng := do(t, h, http.MethodGet, p, map[string]string{"Range": "bytes=0-9"})
	if rng.code != http.StatusPartialContent || !bytes.Equal(rng.body, full[:10]) {
		t.Errorf("Range: status %d, body %q", rng.code, rng.body)
	}

	if m := do(t, h, http.MethodGet, p, map[string]string{"If-Match": `"another"`}); m.code != http.StatusPreconditionFailed {
		t.Errorf("If-Match another version: status %d, want 412", m.code)
	}
	if g := do(t, h, http.MethodGet, p, nil); g.header.Get("Content-Length") != strconv.Itoa(len(full)) || !bytes.Equal(g.body, full) {
		t.Errorf("GET: Content-Length %q for %d bytes", g.header.Get("Content-Length"), len(g.body))
	}

	post := do(t, h, http.MethodPost, p, nil)
	if post.code != http.StatusMethodNotAllowed || post.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", post.code, post.header.Get("Allow"))
	}
}

func TestServeRootFile(t *testing.T) {
	a := newAssets(t)
	tests := []struct {
		name, url, contentType string
	}{
		{"favicon.ico", "/favicon.ico", "image/x-icon"},
		{"site.webmanifest", "/site.webmanifest", "application/manifest+json"},
		{"icons/apple-touch-icon.png", "/apple-touch-icon.png", "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := a.ServeRootFile(tt.name)
			r := get(t, h, tt.url)
			if r.code != http.StatusOK {
				t.Fatalf("status %d", r.code)
			}
			if got := r.header.Get("Cache-Control"); got != "public, max-age=86400" {
				t.Errorf("Cache-Control = %q", got)
			}
			if got := r.header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing nosniff")
			}
			hashed := get(t, a.Handler(), a.Path(tt.name))
			if !bytes.Equal(r.body, hashed.body) {
				t.Error("root file differs from its fingerprinted twin")
			}
			if head := do(t, h, http.MethodHead, tt.url, nil); head.code != http.StatusOK || len(head.body) != 0 {
				t.Errorf("HEAD: %d, %d bytes", head.code, len(head.body))
			}
		})
	}
	if r := get(t, a.ServeRootFile("nope.txt"), "/nope.txt"); r.code != http.StatusNotFound {
		t.Errorf("unknown root file: status %d, want 404", r.code)
	}
}

func TestManifest(t *testing.T) {
	a := newAssets(t)
	h := a.Handler()
	r := get(t, h, a.Path("site.webmanifest"))
	var m struct {
		Name            string `json:"name"`
		ShortName       string `json:"short_name"`
		Lang            string `json:"lang"`
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
		Display         string `json:"display"`
		Icons           []struct {
			Src   string `json:"src"`
			Sizes string `json:"sizes"`
			Type  string `json:"type"`
		} `json:"icons"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("manifest is not JSON: %v\n%s", err, r.body)
	}
	if m.Name != "Garage V. Parrot" || m.ShortName != "V. Parrot" || m.Lang != "fr" ||
		m.ThemeColor != "#D92332" || m.BackgroundColor != "#F2F2F2" || m.Display != "standalone" {
		t.Errorf("unexpected manifest fields: %+v", m)
	}
	if len(m.Icons) < 2 {
		t.Fatalf("manifest has %d icons", len(m.Icons))
	}
	for _, icon := range m.Icons {
		if !strings.HasPrefix(icon.Src, "/static/icons/") {
			t.Errorf("icon src %q not rewritten", icon.Src)
			continue
		}
		ir := get(t, h, icon.Src)
		if ir.code != http.StatusOK {
			t.Errorf("GET %s: %d", icon.Src, ir.code)
		}
		if got := ir.header.Get("Content-Type"); got != icon.Type {
			t.Errorf("%s served as %q, manifest says %q", icon.Src, got, icon.Type)
		}
	}
	for _, want := range []string{"icons/icon-192.png", "icons/icon-512.png"} {
		found := slices.ContainsFunc(m.Icons, func(i struct {
			Src   string `json:"src"`
			Sizes string `json:"sizes"`
			Type  string `json:"type"`
		}) bool {
			return i.Src == a.Path(want)
		})
		if !found {
			t.Errorf("manifest does not list %s", a.Path(want))
		}
	}
}

func TestExport(t *testing.T) {
	a := newAssets(t)
	dir := filepath.Join(t.TempDir(), "out")
	if err := a.Export(dir); err != nil {
		t.Fatalf("Export: %v", err)
	}
	h := a.Handler()
	for _, name := range a.Names() {
		hashed := strings.TrimPrefix(a.Path(name), "/static/")
		file := filepath.Join(dir, filepath.FromSlash(hashed))
		b, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if want := get(t, h, a.Path(name)).body; !bytes.Equal(b, want) {
			t.Errorf("%s: exported content differs from served content", name)
		}
		if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", file, fi.Mode().Perm())
		}
		gz := do(t, h, http.MethodGet, a.Path(name), map[string]string{"Accept-Encoding": "gzip"})
		gzb, err := os.ReadFile(file + ".gz")
		switch {
		case gz.header.Get("Content-Encoding") == "gzip":
			if err != nil {
				t.Errorf("%s: missing .gz twin: %v", name, err)
			} else if !bytes.Equal(gunzip(t, gzb), b) {
				t.Errorf("%s: .gz twin does not decode to the file", name)
			}
		case err == nil:
			t.Errorf("%s: unexpected .gz twin", name)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			if fi.Mode().Perm() != 0o755 {
				t.Errorf("%s: mode %v, want 0755", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Exporting twice is fine.
	if err := a.Export(dir); err != nil {
		t.Fatalf("second Export: %v", err)
	}
	if err := a.Export(""); err == nil {
		t.Error("Export(\"\") succeeded")
	}
}

func TestRewriting(t *testing.T) {
	fsys := fstest.MapFS{
		"fonts/a.woff2":   {Data: []byte("wOF2 font a")},
		"img/x.svg":       {Data: []byte("<svg/>")},
		"img/icon.png":    {Data: []byte("png")},
		"css/one.css":     {Data: []byte(`/* url(../not/here.png) */ @font-face{src:url(../fonts/a.woff2) format("woff2")} .a{background:url( "../img/x.svg#frag" )} .b{background:url('../img/x.svg?v=1')} .c{background:url(data:image/png;base64,AAAA)} .d{background:url(/abs.png)} .e{background:url(https://example.invalid/x.png)} .f{behavior:url(#id)}`)},
		"app.webmanifest": {Data: []byte(`{"name":"Test & <co>","icons":[{"src":"img/icon.png","type":"image/png"},{"src":"/keep.png"}],"shortcuts":[{"name":"s","icons":[{"src":"img/x.svg"}]}]}`)},
	}
	a, err := newFromFS(fsys)
	if err != nil {
		t.Fatalf("newFromFS: %v", err)
	}
	h := a.Handler()
	css := string(get(t, h, a.Path("css/one.css")).body)
	for _, want := range []string{
		"url(" + a.Path("fonts/a.woff2") + ")",
		"url(" + a.Path("img/x.svg") + "#frag)",
		"url(" + a.Path("img/x.svg") + "?v=1)",
		"url(data:image/png;base64,AAAA)",
		"url(/abs.png)",
		"url(https://example.invalid/x.png)",
		"url(#id)",
		"/* url(../not/here.png) */",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("rewritten CSS lacks %q:\n%s", want, css)
		}
	}
	man := string(get(t, h, a.Path("app.webmanifest")).body)
	for _, want := range []string{
		`"src": "` + a.Path("img/icon.png") + `"`,
		`"src": "/keep.png"`,
		`"src": "` + a.Path("img/x.svg") + `"`,
		`"Test & <co>"`,
	} {
		if !strings.Contains(man, want) {
			t.Errorf("rewritten manifest lacks %q:\n%s", want, man)
		}
	}

	// Changing a dependency changes the hash of the CSS that references it.
	fsys["fonts/a.woff2"] = &fstest.MapFile{Data: []byte("wOF2 font a, v2")}
	b, err := newFromFS(fsys)
	if err != nil {
		t.Fatalf("newFromFS: %v", err)
	}
	if a.Path("css/one.css") == b.Path("css/one.css") {
		t.Error("CSS hash did not change when a referenced font changed")
	}
	if a.Path("img/x.svg") != b.Path("img/x.svg") {
		t.Error("unrelated asset hash changed")
	}
}

func TestRewritingErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"missing font", fstest.MapFS{"css/a.css": {Data: []byte(`x{src:url(../fonts/missing.woff2)}`)}}},
		{"outside static", fstest.MapFS{"css/a.css": {Data: []byte(`x{src:url(../../secret.txt)}`)}}},
		{"cycle", fstest.MapFS{
			"a.css": {Data: []byte(`@import url(b.css);`)},
			"b.css": {Data: []byte(`@import url(a.css);`)},
		}},
		{"bad manifest", fstest.MapFS{"m.webmanifest": {Data: []byte(`{not json`)}}},
		{"manifest missing icon", fstest.MapFS{"m.webmanifest": {Data: []byte(`{"icons":[{"src":"nope.png"}]}`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newFromFS(tt.fsys); err == nil {
				t.Fatal("newFromFS succeeded, want an error")
			}
		})
	}
}

func TestHashedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"css/site.css", "css/site.0123456789.css"},
		{"favicon.ico", "favicon.0123456789.ico"},
		{"site.webmanifest", "site.0123456789.webmanifest"},
		{"a/b/c.min.js", "a/b/c.min.0123456789.js"},
		{"README", "README.0123456789"},
		{".hidden", ".hidden.0123456789"},
	}
	for _, tt := range tests {
		if got := hashedName(tt.in, "0123456789"); got != tt.want {
			t.Errorf("hashedName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEmbeddedSize(t *testing.T) {
	a := newAssets(t)
	total := 0
	for _, name := range a.Names() {
		n := len(a.byName[name].body)
		total += n
		if strings.HasSuffix(name, ".woff2") && n > 30*1024 {
			t.Errorf("%s is %d bytes; latin subsets should stay under 30 KB", name, n)
		}
	}
	if total > 500*1024 {
		t.Errorf("embedded assets total %d bytes, want < 500 KB", total)
	}
	t.Logf("embedded assets: %d files, %d bytes", len(a.Names()), total)
}

// The class vocabulary that templates rely on must be styled.
func TestCSSVocabulary(t *testing.T) {
	b, err := fs.ReadFile(staticFS, "static/css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	for _, class := range []string{
		"skip-link", "site-header", "brand", "brand-name", "brand-tagline", "main-nav", "nav-toggle",
		"container", "site-footer", "footer-grid", "hours-table", "is-today", "maintenance-banner",
		"hero", "hero-lead", "hero-actions", "btn", "btn-primary", "btn-secondary", "btn-danger",
		"btn-small", "section", "section-title", "services-grid", "service-card", "service-price",
		"card", "flash", "flash-success", "flash-error", "flash-info", "form", "field", "field-hint",
		"field-error", "form-actions", "error-page", "error-code", "request-id", "visually-hidden",
		"admin-layout", "admin-nav", "admin-main", "badge", "admin-header", "logout-form", "table",
		"table-wrap", "stats", "stat", "stat-value", "stat-label", "login-box", "is-open",
	} {
		re := regexp.MustCompile(`\.` + regexp.QuoteMeta(class) + `[\s,{:.\[>)]`)
		if !re.MatchString(css) {
			t.Errorf("class .%s is not styled", class)
		}
	}
	for _, want := range []string{
		":focus-visible", "prefers-reduced-motion", "font-display: swap", "@media (scripting: enabled)", `[aria-invalid="true"]`,
		`[aria-current="page"]`, "#D92332", "#262526", "#F2F2F2",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q", want)
		}
	}
	if strings.Contains(css, "data:") {
		t.Error("CSS uses a data: URL (blocked by the CSP)")
	}
}

func TestJSIsCSPSafe(t *testing.T) {
	b, err := fs.ReadFile(staticFS, "static/js/site.js")
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, banned := range []string{"eval(", "new Function", "innerHTML", "setAttribute(\"on", ".style."} {
		if strings.Contains(js, banned) {
			t.Errorf("site.js uses %q", banned)
		}
	}
	for _, want := range []string{`classList.add("js")`, "aria-expanded", "aria-controls"} {
		if !strings.Contains(js, want) {
			t.Errorf("site.js lacks %q", want)
		}
	}
}

// WCAG 2.1 contrast of the colour pairs the stylesheet uses for text.
func TestPaletteContrast(t *testing.T) {
	b, err := fs.ReadFile(staticFS, "static/css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	css := strings.ToUpper(string(b))
	tests := []struct {
		what   string
		fg, bg string
		min    float64
	}{
		{"body text", "#262526", "#F2F2F2", 4.5},
		{"white on brand red (buttons, badges)", "#FFFFFF", "#D92332", 4.5},
		{"red text on light grey", "#B81D2A", "#F2F2F2", 4.5},
		{"red text on white", "#B81D2A", "#FFFFFF", 4.5},
		{"white on hover red", "#FFFFFF", "#9E1823", 4.5},
		{"footer text", "#F2F2F2", "#262526", 4.5},
		{"footer muted", "#C9C7C9", "#262526", 4.5},
		{"footer accent", "#D9777F", "#262526", 4.5},
		{"muted on light grey", "#5B595B", "#F2F2F2", 4.5},
		{"muted on zebra row", "#5B595B", "#F7F7F7", 4.5},
		{"red text on red tint", "#B81D2A", "#FBE9EA", 4.5},
		{"flash error", "#8A1620", "#FBE9EA", 4.5},
		{"flash success", "#1E5631", "#E8F5EC", 4.5},
		{"flash info", "#1D3F66", "#E8F0F8", 4.5},
		{"field border (non-text)", "#767476", "#FFFFFF", 3},
		{"error code (large text)", "#D92332", "#F2F2F2", 3},
	}
	for _, tt := range tests {
		for _, c := range []string{tt.fg, tt.bg} {
			if !strings.Contains(css, c) {
				t.Errorf("%s: colour %s not in the stylesheet", tt.what, c)
			}
		}
		if got := contrast(tt.fg, tt.bg); got < tt.min {
			t.Errorf("%s: %s on %s = %.2f:1, want >= %.1f:1", tt.what, tt.fg, tt.bg, got, tt.min)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hexColour string) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hexColour, "#"), 16, 32)
	ch := func(shift uint) float64 {
		c := float64((v>>shift)&0xFF) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(16) + 0.7152*ch(8) + 0.0722*ch(0)
}
