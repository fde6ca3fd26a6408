package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// balancer is the load balancer in front of the instances: a real nginx
// when one can be found, else a round-robin httputil.ReverseProxy in a
// child process of the harness.
type balancer struct {
	*child
	kind string // "nginx 1.22.1" or "Go httputil.ReverseProxy"
	base string // http://127.0.0.1:port
}

// findNginx looks for nginx the way internal/app/nginx_test.go and
// scripts/test.sh do: GARAGE_TEST_NGINX, nginx on the PATH, /usr/sbin/nginx,
// then the copy scripts/test.sh unpacks into the cache directory. When none
// is there, it unpacks Debian's package into that cache
// directory itself (apt-get download + dpkg -x: nothing is installed and no
// service is started).
func findNginx(ctx context.Context) string {
	if p := os.Getenv("GARAGE_TEST_NGINX"); p != "" {
		return p
	}
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	dir := filepath.Join(cache, "garage-test", "nginx")
	bin := filepath.Join(dir, "usr", "sbin", "nginx")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	tmp, err := os.MkdirTemp("", "garage-bench-nginx-")
	if err != nil {
		return ""
	}
	defer os.RemoveAll(tmp)
	logf("unpacking Debian's nginx package into %s", dir)
	c, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(c, "sh", "-c", `apt-get download -qq nginx && mkdir -p "$1" && dpkg -x nginx_*.deb "$1"`, "sh", dir)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		logf("nginx unpack failed: %v\n%s", err, out)
		return ""
	}
	if _, err := os.Stat(bin); err != nil {
		return ""
	}
	return bin
}

func nginxVersion(bin string) string {
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	v := strings.TrimSpace(string(out))
	if _, after, ok := strings.Cut(v, "nginx/"); ok {
		return "nginx " + after
	}
	return "nginx"
}

// startNginxAt runs nginx in the foreground (one process, no master, no
// daemon) with a configuration in a temporary prefix, on a free loopback
// port, round robin over upstreams with keep-alive connections: the shape
// of the reverse-proxy block of docs/deployment.md with an upstream group.
func startNginxAt(ctx context.Context, bin, tmp, addr string, upstreams []string) (*balancer, error) {
	prefix, err := os.MkdirTemp(tmp, "nginx-")
	if err != nil {
		return nil, err
	}
	var servers, temps strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&servers, "        server %s max_fails=3 fail_timeout=5s;\n", u)
	}
	// Every temporary directory inside the prefix: nothing outside it is
	// written.
	for _, t := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&temps, "    %s_temp_path %s/%s;\n", t, prefix, t)
	}
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
%[4]s    upstream garage {
%[3]s        keepalive 64;
    }
    server {
        listen %[2]s;
        location / {
            proxy_pass http://garage;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffers 32 8k;
        }
    }
}
`, prefix, addr, servers.String(), temps.String())
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	errLog := filepath.Join(prefix, "error.log")
	return startBalancer(ctx, nginxVersion(bin), addr, errLog, bin, "-p", prefix, "-c", confPath, "-e", errLog)
}

// startGoProxyAt is the fallback: this binary in -proxy-child mode.
func startGoProxyAt(ctx context.Context, addr string, upstreams []string) (*balancer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startBalancer(ctx, "Go httputil.ReverseProxy (round robin)", addr, "", self, "-proxy-child", addr, strings.Join(upstreams, ","))
}

func startBalancer(ctx context.Context, kind, addr, errLog, name string, args ...string) (*balancer, error) {
	c, err := startChild(ctx, os.Stderr, 5*time.Second, nil, name, args...)
	if err != nil {
		return nil, err
	}
	b := &balancer{child: c, kind: kind, base: "http://" + addr}
	if _, err := waitReady(ctx, b.base+"/readyz", 10*time.Second); err != nil {
		b.stop()
		tail, _ := os.ReadFile(errLog)
		return nil, fmt.Errorf("load balancer: %w\n%s", err, tail)
	}
	return b, nil
}

// proxyChildMain is the fallback load balancer: round robin over the
// upstreams given as host:port,host:port, until SIGTERM.
func proxyChildMain(args []string) {
	if len(args) != 2 {
		fatalf("-proxy-child ADDR UPSTREAM,UPSTREAM...")
	}
	var targets []*url.URL
	for u := range strings.SplitSeq(args[1], ",") {
		targets = append(targets, &url.URL{Scheme: "http", Host: u})
	}
	var next atomic.Uint64
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(targets[next.Add(1)%uint64(len(targets))])
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
	}
	serveUntilSignal(args[0], rp)
}
