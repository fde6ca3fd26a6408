package app_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// nginxBinary finds nginx: GARAGE_TEST_NGINX (scripts/test.sh unpacks
// Debian's package there in CI, without installing a service), or PATH.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("GARAGE_TEST_NGINX"); p != "" {
		return p
	}
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx not found: CI must provide it (scripts/test.sh sets GARAGE_TEST_NGINX)")
	}
	t.Skip("nginx not installed")
	return ""
}

// TestNginxServesExportedAssets exports the static files with
// "garage assets export", then serves them with the nginx block of
// docs/deployment.md, as a deployment would.
func TestNginxServesExportedAssets(t *testing.T) {
	bin := nginxBinary(t)
	_, here, _, _ := runtime.Caller(0) // TestMain works in a temporary directory
	docs, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "docs", "deployment.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(location /static/ \\{.*?\n\\})\n```").FindSubmatch(docs)
	if m == nil {
		t.Fatal("docs/deployment.md has no nginx location /static/ block")
	}
	static := filepath.Join(t.TempDir(), "static")
	mustRun(t, map[string]string{}, "", "assets", "export", static)
	block := strings.Replace(string(m[1]), "/var/www/garage-static/", static+"/", 1)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	prefix := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    types {
        text/css css;
        text/javascript js;
        font/woff2 woff2;
        image/svg+xml svg;
        image/png png;
        image/x-icon ico;
        application/manifest+json webmanifest;
    }
    server {
        listen %[2]s;
        %[3]s
    }
}
`, prefix, addr, block)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	css, _ := filepath.Glob(filepath.Join(static, "css", "site.*.css"))
	if len(css) != 1 {
		t.Fatalf("exported css: %v", css)
	}
	want, _ := os.ReadFile(css[0])
	url := "http://" + addr + "/static/css/" + filepath.Base(css[0])
	tr := &http.Transport{DisableCompression: true}
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	var res *http.Response
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err = c.Do(req)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not answer: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("gzip request: %d %v", res.StatusCode, res.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, want) {
		t.Fatal("the precompressed file does not match the exported one")
	}
	// Without gzip: the file itself.
	res, err = c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
		t.Fatalf("identity request: %d %v", res.StatusCode, res.Header)
	}
	// A name that was not exported is not there.
	if res, err := c.Get("http://" + addr + "/static/css/site.css"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("unhashed name: %v %v", res, err)
	}
}
