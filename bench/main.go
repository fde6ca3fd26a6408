// Command bench is the whole-site load test of garage: it seeds a fresh
// database with 10 000 cars, builds and starts the real `garage serve`,
// drives loopback load with wrk against each kind of page, and compares
// every page with two baselines measured in the same run and with the same
// settings: a minimal net/http server answering a fixed 40-byte page, and a
// server replaying from memory the exact bytes and headers garage returned
// for that page. Then a fixed-rate run of mixed public traffic and the cost
// of processing one 12-megapixel photo.
//
//	go run ./bench                      # SQLite
//	go run ./bench -engine postgres     # PostgreSQL (GARAGE_TEST_POSTGRES_URL or -postgres)
//	make bench                          # both
//
// Everything listens on 127.0.0.1 and stops by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vparrot/garage/internal/store"
)

type options struct {
	engine      string
	postgres    string
	duration    time.Duration
	connections int
	threads     int
	cars        int
	rate        int
	rateFor     time.Duration
	workers     int
	skipPhoto   bool
	keep        bool
	instances   string // "1,2,4": the multi-instance mode (scale.go)
	lb          string // auto, nginx or go
	poolMax     int    // pool_max_conns of each instance (0: the default)
}

func main() {
	// Hidden modes: the baseline servers run in a child process (this same
	// binary), so that the harness itself idles during the load.
	if len(os.Args) > 1 && os.Args[1] == "-replay-server" {
		replayServerMain(os.Args[2:])
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "-photo-child" {
		photoChildMain()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "-proxy-child" {
		proxyChildMain(os.Args[2:])
		return
	}
	var o options
	flag.StringVar(&o.engine, "engine", "sqlite", "database engine: sqlite or postgres")
	flag.StringVar(&o.postgres, "postgres", os.Getenv("GARAGE_TEST_POSTGRES_URL"), "PostgreSQL URL (a fresh schema is created in it and dropped at the end)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "wrk duration per page and per baseline")
	flag.IntVar(&o.connections, "connections", 32, "wrk connections")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.IntVar(&o.cars, "cars", 10000, "published cars to seed")
	flag.IntVar(&o.rate, "rate", 1000, "requests per second of the fixed-rate run (0: skip)")
	flag.DurationVar(&o.rateFor, "rate-duration", 30*time.Second, "duration of the fixed-rate run")
	flag.IntVar(&o.workers, "rate-workers", 64, "workers (and connections) of the fixed-rate client")
	flag.BoolVar(&o.skipPhoto, "skip-photo", false, "skip the 12-megapixel photo measure")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (database, logs)")
	flag.StringVar(&o.instances, "instances", "", "PostgreSQL only: run these counts of garage instances behind a load balancer, e.g. 1,2,4 "+
		"(one database, one DATA_DIR), instead of the single-instance comparison with the baselines")
	flag.IntVar(&o.poolMax, "pool-max-conns", 0, "with -instances: pool_max_conns of each instance's DATABASE_URL (0: the application's default)")
	flag.StringVar(&o.lb, "lb", "auto", "load balancer of -instances: nginx, go (httputil.ReverseProxy), or auto (nginx when found)")
	flag.Parse()
	if o.engine != "sqlite" && o.engine != "postgres" {
		fatalf("-engine: sqlite or postgres")
	}
	if o.engine == "postgres" && o.postgres == "" {
		fatalf("-engine postgres needs -postgres or GARAGE_TEST_POSTGRES_URL")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		fatalf("wrk not found: apt-get install -y wrk (or make bench, which installs it)")
	}
	var counts []int
	if o.instances != "" {
		var err error
		if counts, err = parseInstances(o.instances); err != nil {
			fatalf("%v", err)
		}
		if o.engine != "postgres" {
			fatalf("-instances needs -engine postgres: a SQLite file is not shared between machines")
		}
		if o.lb != "auto" && o.lb != "nginx" && o.lb != "go" {
			fatalf("-lb: auto, nginx or go")
		}
	}
	// A hard bound on the whole run, whatever happens.
	budget := 40*time.Second + 26*o.duration + o.rateFor + 3*time.Minute
	if counts != nil {
		// Counting the transactions of each page once: 11 waits of 11 s
		// for PostgreSQL's statistics, and the requests.
		budget += 11*11*time.Second + time.Minute
	}
	for range counts {
		// 10 wrk runs, the fixed-rate run, start and stop.
		budget += 10*(o.duration+5*time.Second) + o.rateFor + 2*time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if counts != nil {
		err = runScale(ctx, o, counts)
	} else {
		err = run(ctx, o)
	}
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, o options) error {
	// 1. The binary, in a temporary directory.
	tmp, dataDir, bin, cleanup, err := prepare(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()

	// 2. The database.
	dbURL := "sqlite:" + filepath.Join(dataDir, "garage.db")
	if o.engine == "postgres" {
		u, drop, err := createSchema(ctx, o.postgres)
		if err != nil {
			return err
		}
		defer drop()
		dbURL = u
	}
	sd, err := migrateAndSeed(ctx, dbURL, dataDir, o)
	if err != nil {
		return err
	}

	// 3. garage serve.
	g, err := startGarage(ctx, bin, filepath.Join(tmp, "garage.log"), dataDir, dbURL, "")
	if err != nil {
		return err
	}
	defer g.stop()
	addr := g.addr
	base := "http://" + addr
	startup := g.startup
	logf("garage ready in %s (pid %d)", startup.Round(time.Millisecond), g.pid())
	rssAfterStart := vmHWM(g.pid())

	// 4. Pages: log in, find the CSS, capture every response once.
	cookie, err := login(ctx, base)
	if err != nil {
		return err
	}
	pages, err := buildPages(ctx, base, sd, cookie)
	if err != nil {
		return err
	}
	// The login hashed a password with argon2id (64 MiB for one hash): a one-off peak, reported on its own;
	// the load runs are measured from here (writing 5 to clear_refs resets VmHWM to the current RSS).
	rssAfterLogin := vmHWM(g.pid())
	resetHWM(g.pid())

	// 5. Baseline servers (child process).
	replay, err := startReplay(ctx, tmp, pages)
	if err != nil {
		return err
	}
	defer replay.stop()

	w := wrkSettings{threads: o.threads, connections: o.connections, duration: o.duration}
	logf("40-byte baseline")
	fixed, err := w.run(ctx, replay.base+"/fixed", nil)
	if err != nil {
		return err
	}
	var results []pageResult
	for i, p := range pages {
		logf("page %s", p.name)
		g, err := w.run(ctx, base+p.path, p.reqHeaders)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		r, err := w.run(ctx, fmt.Sprintf("%s/p/%d", replay.base, i), p.reqHeaders)
		if err != nil {
			return fmt.Errorf("%s replay: %w", p.name, err)
		}
		results = append(results, pageResult{page: p, garage: g, replay: r})
	}
	rssLoad := vmHWM(g.pid())
	replay.stop()

	// 6. Fixed rate.
	var fr *rateResult
	if o.rate > 0 {
		logf("fixed rate: %d req/s for %s", o.rate, o.rateFor)
		fr, err = fixedRate(ctx, publicURLs(base, pages), o.rate, o.rateFor, o.workers)
		if err != nil {
			return err
		}
	}
	rssEnd := vmHWM(g.pid())
	g.stop()

	// 7. One 12-megapixel photo, in a child process of its own so that its
	// peak RSS is its own.
	var ph *photoResult
	if !o.skipPhoto {
		logf("12 MP photo")
		if ph, err = measurePhoto(ctx); err != nil {
			return err
		}
	}

	report(os.Stdout, o, startup, [4]int64{rssAfterStart, rssAfterLogin, rssLoad, rssEnd}, fixed, results, fr, ph)
	return nil
}

// prepare makes the temporary directory (tmp, and tmp/data for DATA_DIR)
// and builds the binary in it; cleanup removes it unless -keep.
func prepare(ctx context.Context, o options) (tmp, dataDir, bin string, cleanup func(), err error) {
	tmp, err = os.MkdirTemp("", "garage-bench-")
	if err != nil {
		return "", "", "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(tmp) }
	if o.keep {
		logf("temporary directory kept: %s", tmp)
		cleanup = func() {}
	}
	dataDir = filepath.Join(tmp, "data")
	if err = os.MkdirAll(dataDir, 0o700); err == nil {
		bin, err = buildGarage(ctx, tmp)
	}
	if err != nil {
		cleanup()
		return "", "", "", nil, err
	}
	return tmp, dataDir, bin, cleanup, nil
}

// buildGarage builds the real binary into dir.
func buildGarage(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "garage")
	logf("building ./cmd/garage")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/garage")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// migrateAndSeed migrates the database and fills it (see seed).
func migrateAndSeed(ctx context.Context, dbURL, dataDir string, o options) (*seeded, error) {
	logf("seeding %d cars (%s)", o.cars, o.engine)
	t0 := time.Now()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	sd, err := seed(ctx, s, dataDir, o.cars, logf)
	if err != nil {
		return nil, err
	}
	logf("seeded in %s", time.Since(t0).Round(time.Millisecond))
	return sd, nil
}

// garageProc is one running `garage serve`.
type garageProc struct {
	*child
	addr    string
	startup time.Duration // process start to the first 200 on /readyz
	logFile *os.File
}

// startGarage starts `garage serve` on a free loopback port and waits for
// /readyz. The "listening" log line is at info level, which LOG_LEVEL=warn
// hides: the harness picks the port itself. publicURL is the address
// visitors use (the load balancer's); empty means the instance's own.
func startGarage(ctx context.Context, bin, logPath, dataDir, dbURL, publicURL string) (*garageProc, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	if publicURL == "" {
		publicURL = "http://" + addr
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "ADDR="+addr, "DATA_DIR="+dataDir, "DATABASE_URL="+dbURL, "METRICS_ADDR=off",
		"LOG_LEVEL=warn", "LOG_FORMAT=json", "APP_ENV=development", "PUBLIC_URL="+publicURL, "MAIL_SERVER=")
	start := time.Now()
	c, err := startChild(ctx, logFile, 10*time.Second, env, bin, "serve")
	if err != nil {
		logFile.Close()
		return nil, err
	}
	g := &garageProc{child: c, addr: addr, logFile: logFile}
	ready, err := waitReady(ctx, "http://"+addr+"/readyz", 30*time.Second)
	if err != nil {
		g.stop()
		tail, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%w\n%s", err, tail)
	}
	g.startup = ready.Sub(start)
	return g, nil
}

// stop sends SIGTERM and waits for the process (at most 10 s, then kill).
func (g *garageProc) stop() {
	g.child.stop()
	g.logFile.Close()
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func waitReady(ctx context.Context, u string, limit time.Duration) (time.Time, error) {
	c := noRedirectClient()
	c.Timeout = time.Second
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		resp, err := c.Get(u)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Now(), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Time{}, errors.New("garage did not become ready")
}

// resetHWM resets the peak RSS of a process to its current RSS (Linux; ignored elsewhere).
func resetHWM(pid int) {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// vmHWM is the peak resident set size of a process, in bytes (0 if unknown).
func vmHWM(pid int) int64 { return procStatusKB(pid, "VmHWM:") }

// procStatusKB reads one "kB" line of /proc/<pid>/status, in bytes.
func procStatusKB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}

func withParam(raw, k, v string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func cpuInfo() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), load average %s, %s", runtime.NumCPU(), model, loadAvg(), runtime.Version())
}
