package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The -instances mode: N copies of `garage serve` on one PostgreSQL
// database and one DATA_DIR (the shared photo directory stands in for
// shared object storage), behind a load balancer on loopback. For each
// instance count it runs wrk against every page through the balancer, then
// the fixed-rate run, and reports throughput, latency, errors, the
// PostgreSQL connections of the instances (pg_stat_activity), their total
// RSS, and the CPU and PostgreSQL transactions each request costs.

// queryProbe is how many requests per page count its transactions.
const queryProbe = 200

// parseInstances reads "1,2,4".
func parseInstances(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 16 {
			return nil, fmt.Errorf("-instances: %q is not a count between 1 and 16", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// cpuOf is the user+system CPU time a process has used so far (0 if gone).
func cpuOf(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces): state is
	// field 3, utime and stime fields 14 and 15, in clock ticks (100/s).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// vmRSS is the current resident set size of a process, in bytes.
func vmRSS(pid int) int64 { return procStatusKB(pid, "VmRSS:") }

// pgMonitor watches the instances' PostgreSQL sessions, recognised by the
// application_name the harness puts in their DATABASE_URL. It connects
// to the base URL, never to the benchmark database.
type pgMonitor struct {
	db      *sql.DB
	appName string
	dbName  string // the dedicated database, or "" (then no transaction counts)
}

// backends returns the instances' server processes and how many are
// running a statement.
func (m *pgMonitor) backends(ctx context.Context) (pids []int, active int, err error) {
	rows, err := m.db.QueryContext(ctx, `SELECT pid, coalesce(state, '') FROM pg_stat_activity WHERE application_name = $1`, m.appName)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		var state string
		if err := rows.Scan(&pid, &state); err != nil {
			return nil, 0, err
		}
		pids = append(pids, pid)
		if state == "active" {
			active++
		}
	}
	return pids, active, rows.Err()
}

// backendCPU maps each backend to the CPU it has used (PostgreSQL runs on
// this machine: /proc tells).
func (m *pgMonitor) backendCPU(ctx context.Context) map[int]time.Duration {
	pids, _, _ := m.backends(ctx)
	out := make(map[int]time.Duration, len(pids))
	for _, p := range pids {
		out[p] = cpuOf(p)
	}
	return out
}

// transactions is xact_commit + xact_rollback of the benchmark database,
// read once the counter has settled: a backend publishes its statistics at
// most once a second, and when it goes idle less than a second after its
// last report it waits PGSTAT_IDLE_INTERVAL (10 s in PostgreSQL 15) before
// publishing; so read 11 s after the last request. -1 when unknown.
func (m *pgMonitor) transactions(ctx context.Context) int64 {
	if m.dbName == "" {
		return -1
	}
	select {
	case <-ctx.Done():
		return -1
	case <-time.After(11 * time.Second):
	}
	var n int64
	if err := m.db.QueryRowContext(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1`, m.dbName).Scan(&n); err != nil {
		return -1
	}
	return n
}

// cost is what a run of requests cost the machine.
type cost struct {
	requests  int64
	garageCPU time.Duration // all instances
	pgCPU     time.Duration // the instances' PostgreSQL backends
	lbCPU     time.Duration
}

func (c cost) perReq(d time.Duration) string {
	if c.requests == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(d)/1e6/float64(c.requests))
}

// transactionsPerRequest counts the PostgreSQL transactions of n
// requests to u sent one after the other, on a quiet system: with one
// client the instances use one or two backends, whose statistics settle a
// second after the last request. Outside explicit transactions every
// statement is a transaction of its own, so this is the number of
// statements a page runs, explicit transactions counting once. x0 is the
// counter before; it returns the ratio (-1 when unknown) and the counter
// after.
func transactionsPerRequest(ctx context.Context, m *pgMonitor, u string, headers map[string]string, n int, x0 int64) (float64, int64) {
	if x0 < 0 {
		return -1, -1
	}
	c := noRedirectClient()
	for range n {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return -1, -1
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			return -1, -1
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return -1, -1 // not the page (an expired session's redirect, an error): its count would mislead
		}
	}
	x1 := m.transactions(ctx)
	if x1 < 0 {
		return -1, -1
	}
	return float64(x1-x0) / float64(n), x1
}

// meter measures the cost of one run: start before, finish after.
type meter struct {
	m       *pgMonitor
	pids    []int // instances
	lbPid   int
	garage  time.Duration
	lb      time.Duration
	backend map[int]time.Duration
}

func (mt *meter) sumCPU() time.Duration {
	var t time.Duration
	for _, p := range mt.pids {
		t += cpuOf(p)
	}
	return t
}

func (mt *meter) start(ctx context.Context) {
	mt.garage, mt.lb = mt.sumCPU(), cpuOf(mt.lbPid)
	mt.backend = mt.m.backendCPU(ctx)
}

func (mt *meter) finish(ctx context.Context, requests int64) cost {
	c := cost{requests: requests, garageCPU: mt.sumCPU() - mt.garage, lbCPU: cpuOf(mt.lbPid) - mt.lb}
	for pid, t := range mt.m.backendCPU(ctx) {
		// A new backend started at 0; one that exited between the two reads of a sample reads 0 here.
		if t >= mt.backend[pid] {
			c.pgCPU += t - mt.backend[pid]
		}
	}
	return c
}

// peaks samples, every 200 ms while a count of instances runs, the
// PostgreSQL sessions of the instances and the RSS of the instances plus the
// balancer.
type peaks struct {
	mu            sync.Mutex
	conns, active int
	rss           int64
	stopc         chan struct{}
	once          sync.Once
	done          chan struct{}
	pgErr         error
}

func startPeaks(ctx context.Context, m *pgMonitor, pids []int) *peaks {
	p := &peaks{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			bs, active, err := m.backends(ctx)
			var rss int64
			for _, pid := range pids {
				rss += vmRSS(pid)
			}
			p.mu.Lock()
			if err != nil && p.pgErr == nil {
				p.pgErr = err
			}
			p.conns, p.active, p.rss = max(p.conns, len(bs)), max(p.active, active), max(p.rss, rss)
			p.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-p.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peaks) stop() {
	p.once.Do(func() { close(p.stopc) })
	<-p.done
}

// scalePage is one page's wrk run through the balancer.
type scalePage struct {
	page *page
	wrk  *wrkResult
	cost cost
}

// scaleResult is one instance count.
type scaleResult struct {
	n             int
	load          string // load average when the count started
	startups      []time.Duration
	sessionShared bool // the session made through the balancer works on every instance
	pages         []scalePage
	xactPerReq    []float64 // per page, measured at the first count only
	rate          *rateResult
	rateCost      cost
	peakConns     int
	peakActive    int
	peakRSS       int64 // instances + balancer, sampled
	hwmSum        int64 // sum of each instance's VmHWM
	lbHWM         int64
}

// createDatabase makes a fresh database (so that pg_stat_database counts
// only the benchmark's transactions) and returns its URL, its name and a
// function dropping it. Without the right to create databases it falls
// back to a fresh schema, without transaction counts.
func createDatabase(ctx context.Context, base string) (string, string, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", nil, err
	}
	defer db.Close()
	name := fmt.Sprintf("garage_bench_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		logf("CREATE DATABASE refused (%v): a fresh schema instead, without transaction counts", err)
		u, drop, err := createSchema(ctx, base)
		return u, "", drop, err
	}
	drop := execLater(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", "", nil, err
	}
	u.Path = "/" + name
	return u.String(), name, drop, nil
}

func runScale(ctx context.Context, o options, counts []int) error {
	tmp, dataDir, bin, cleanup, err := prepare(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	dbURL, dbName, drop, err := createDatabase(ctx, o.postgres)
	if err != nil {
		return err
	}
	defer drop()
	sd, err := migrateAndSeed(ctx, dbURL, dataDir, o)
	if err != nil {
		return err
	}
	appName := fmt.Sprintf("garage-bench-%d", os.Getpid())
	instURL, err := withParam(dbURL, "application_name", appName)
	if err != nil {
		return err
	}
	if o.poolMax > 0 {
		if instURL, err = withParam(instURL, "pool_max_conns", strconv.Itoa(o.poolMax)); err != nil {
			return err
		}
	}
	monDB, err := sql.Open("pgx", o.postgres)
	if err != nil {
		return err
	}
	defer monDB.Close()
	monDB.SetMaxOpenConns(1)
	mon := &pgMonitor{db: monDB, appName: appName, dbName: dbName}
	var maxConns int
	_ = monDB.QueryRowContext(ctx, "SELECT current_setting('max_connections')::int").Scan(&maxConns)

	nginx := ""
	if o.lb != "go" {
		nginx = findNginx(ctx)
		if nginx == "" && o.lb == "nginx" {
			return fmt.Errorf("-lb nginx: nginx not found (GARAGE_TEST_NGINX, PATH, or Debian's package)")
		}
		if nginx == "" {
			logf("nginx not found: falling back to a Go httputil.ReverseProxy")
		}
	}
	var results []*scaleResult
	lbKind := ""
	for i, n := range counts {
		r, kind, err := runInstances(ctx, o, n, bin, tmp, dataDir, instURL, nginx, mon, sd, i == 0)
		if err != nil {
			return fmt.Errorf("%d instances: %w", n, err)
		}
		results = append(results, r)
		lbKind = kind
	}
	reportScale(os.Stdout, o, lbKind, maxConns, dbName != "", results)
	if o.poolMax > 0 {
		fmt.Fprintf(os.Stdout, "Each instance ran with pool_max_conns=%d.\n\n", o.poolMax)
	}
	return nil
}

// runInstances measures one instance count.
func runInstances(ctx context.Context, o options, n int, bin, tmp, dataDir, dbURL, nginx string, mon *pgMonitor,
	sd *seeded, countQueries bool) (*scaleResult, string, error) {
	r := &scaleResult{n: n, load: loadAvg()}
	logf("== %d instance(s), load average %s", n, r.load)
	// The balancer's address must be known before the instances start
	// (PUBLIC_URL, trusted for the Origin check of the login form): the
	// instances take theirs first, the balancer is configured with them.
	addrs := make([]string, 0, n)
	var procs []*garageProc
	defer func() {
		for _, g := range procs {
			g.stop()
		}
	}()
	lbAddr, err := freePort()
	if err != nil {
		return nil, "", err
	}
	for i := range n {
		g, err := startGarage(ctx, bin, filepath.Join(tmp, fmt.Sprintf("garage-%d-%d.log", n, i)), dataDir, dbURL, "http://"+lbAddr)
		if err != nil {
			return nil, "", err
		}
		procs = append(procs, g)
		addrs = append(addrs, g.addr)
		r.startups = append(r.startups, g.startup)
	}
	var lb *balancer
	if nginx != "" {
		lb, err = startNginxAt(ctx, nginx, tmp, lbAddr, addrs)
	} else {
		lb, err = startGoProxyAt(ctx, lbAddr, addrs)
	}
	if err != nil {
		return nil, "", err
	}
	defer lb.stop()
	pids := []int{}
	for _, g := range procs {
		pids = append(pids, g.pid())
	}
	// Log in through the balancer, then check that the session cookie
	// opens the back office on every instance directly: no sticky sessions.
	cookie, err := login(ctx, lb.base)
	if err != nil {
		return nil, "", err
	}
	r.sessionShared = true
	for _, a := range addrs {
		if code := getStatus(ctx, "http://"+a+"/admin/voitures", cookie); code != http.StatusOK {
			logf("instance %s answered %d to the session made through the balancer", a, code)
			r.sessionShared = false
		}
	}
	pages, err := buildPages(ctx, lb.base, sd, cookie)
	if err != nil {
		return nil, "", err
	}
	// As in the single-instance run, the login's argon2id peak is not the load's: peaks are measured from
	// here.
	all := append(slices.Clone(pids), lb.pid())
	for _, p := range all {
		resetHWM(p)
	}
	pk := startPeaks(ctx, mon, all)
	defer pk.stop()
	if countQueries {
		logf("PostgreSQL transactions per request, %d sequential requests per page", queryProbe)
		x := mon.transactions(ctx)
		for _, p := range pages {
			var ratio float64
			ratio, x = transactionsPerRequest(ctx, mon, lb.base+p.path, p.reqHeaders, queryProbe, x)
			r.xactPerReq = append(r.xactPerReq, ratio)
		}
	}
	mt := &meter{m: mon, pids: pids, lbPid: lb.pid()}
	w := wrkSettings{threads: o.threads, connections: o.connections, duration: o.duration}
	for _, p := range pages {
		logf("page %s", p.name)
		mt.start(ctx)
		res, err := w.run(ctx, lb.base+p.path, p.reqHeaders)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", p.name, err)
		}
		r.pages = append(r.pages, scalePage{page: p, wrk: res, cost: mt.finish(ctx, res.requests)})
	}
	if o.rate > 0 {
		logf("fixed rate: %d req/s for %s", o.rate, o.rateFor)
		mt.start(ctx)
		r.rate, err = fixedRate(ctx, publicURLs(lb.base, pages), o.rate, o.rateFor, o.workers)
		if err != nil {
			return nil, "", err
		}
		r.rateCost = mt.finish(ctx, r.rate.ok+r.rate.errors)
	}
	pk.stop()
	r.peakConns, r.peakActive, r.peakRSS = pk.conns, pk.active, pk.rss
	if pk.pgErr != nil {
		logf("pg_stat_activity: %v", pk.pgErr)
	}
	for _, p := range pids {
		r.hwmSum += vmHWM(p)
	}
	r.lbHWM = vmHWM(lb.pid())
	return r, lb.kind, nil
}

func getStatus(ctx context.Context, u, cookie string) int {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Cookie", cookie)
	resp, err := noRedirectClient().Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// reportScale prints the multi-instance results as Markdown.
func reportScale(w io.Writer, o options, lbKind string, maxConns int, xacts bool, rs []*scaleResult) {
	var ns []string
	for _, r := range rs {
		ns = append(ns, strconv.Itoa(r.n))
	}
	fmt.Fprintf(w, "\n### PostgreSQL, %s instances behind %s, %s\n\n", strings.Join(ns, ", "), lbKind, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "Machine: %s. wrk %d threads, %d connections, %s per page, through the balancer; %d published cars; "+
		"one database and one DATA_DIR for every instance; PostgreSQL max_connections %d.\n\n",
		cpuInfo(), o.threads, o.connections, o.duration, o.cars, maxConns)
	head := "| page |"
	rule := "|---|"
	for _, r := range rs {
		head += fmt.Sprintf(" %d× req/s | %d× p50 / p90 / p99 ms |", r.n, r.n)
		rule += "---:|---:|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	var errs []string
	for i, p := range rs[0].pages {
		line := "| " + p.page.name + " |"
		for _, r := range rs {
			x := r.pages[i].wrk
			line += fmt.Sprintf(" %.0f | %s / %s / %s |", x.rps, ms(x.p50), ms(x.p90), ms(x.p99))
			if x.errors > 0 {
				errs = append(errs, fmt.Sprintf("%s at %d×: %d (%s)", p.page.name, r.n, x.errors, x.errorsText))
			}
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	if len(errs) == 0 {
		fmt.Fprintln(w, "Errors (socket errors and non-2xx/3xx answers): none.")
	} else {
		fmt.Fprintf(w, "Errors: %s.\n", strings.Join(errs, "; "))
	}
	fmt.Fprintln(w)
	across := func(f func(r *scaleResult) string) string {
		var parts []string
		for _, r := range rs {
			parts = append(parts, f(r))
		}
		return strings.Join(parts, " / ")
	}
	fmt.Fprintf(w, "What one request costs, at %s instances: CPU time of the processes (read from /proc) divided by the requests "+
		"of the wrk run; PostgreSQL transactions (pg_stat_database of the benchmark database%s) over %d requests sent one "+
		"after the other, apart from the load:\n\n", strings.Join(ns, " / "),
		map[bool]string{true: "", false: ", not available: no database of its own"}[xacts], queryProbe)
	fmt.Fprintln(w, "| page | PostgreSQL transactions / request | garage CPU ms / request | PostgreSQL CPU ms / request | balancer CPU ms / request |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for i, p := range rs[0].pages {
		c := func(r *scaleResult) cost { return r.pages[i].cost }
		xpr := "–"
		if i < len(rs[0].xactPerReq) && rs[0].xactPerReq[i] >= 0 {
			xpr = fmt.Sprintf("%.1f", rs[0].xactPerReq[i])
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", p.page.name, xpr,
			across(func(r *scaleResult) string { return c(r).perReq(c(r).garageCPU) }),
			across(func(r *scaleResult) string { return c(r).perReq(c(r).pgCPU) }),
			across(func(r *scaleResult) string { return c(r).perReq(c(r).lbCPU) }))
	}
	if rs[0].rate != nil {
		c := func(r *scaleResult) cost { return r.rateCost }
		fmt.Fprintf(w, "| fixed-rate mix | | %s | %s | %s |\n",
			across(func(r *scaleResult) string { return c(r).perReq(c(r).garageCPU) }),
			across(func(r *scaleResult) string { return c(r).perReq(c(r).pgCPU) }),
			across(func(r *scaleResult) string { return c(r).perReq(c(r).lbCPU) }))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| instances | load average at start | start-up to ready | login session valid on every instance | "+
		"fixed rate: achieved req/s, p50 / p90 / p99 ms, errors, not sent | PostgreSQL sessions of the instances: peak open / peak active | "+
		"peak RSS, instances + balancer (sampled) | Σ peak RSS of the instances (VmHWM) |")
	fmt.Fprintln(w, "|---:|---|---|---|---|---|---:|---:|")
	for _, r := range rs {
		var st []string
		for _, d := range r.startups {
			st = append(st, d.Round(time.Millisecond).String())
		}
		fr := "not run"
		if f := r.rate; f != nil {
			fr = fmt.Sprintf("%.0f of %d, %s / %s / %s, %d errors, %d not sent", f.achieved, f.target, ms(f.p50), ms(f.p90), ms(f.p99),
				f.errors, f.dropped)
			if f.firstError != "" {
				fr += " (first: " + f.firstError + ")"
			}
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %d / %d | %s | %s (+ balancer %s) |\n", r.n, r.load, strings.Join(st, ", "),
			map[bool]string{true: "yes", false: "**no**"}[r.sessionShared], fr, r.peakConns, r.peakActive, mb(r.peakRSS), mb(r.hwmSum), mb(r.lbHWM))
	}
	fmt.Fprintln(w)
}
