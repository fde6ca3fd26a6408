package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func signalNotify(ch chan os.Signal) { signal.Notify(ch, syscall.SIGTERM, os.Interrupt) }

type wrkSettings struct {
	threads, connections int
	duration             time.Duration
}

// wrkResult is what the harness reads from wrk --latency.
type wrkResult struct {
	rps           float64
	p50, p90, p99 time.Duration
	requests      int64
	errors        int64 // socket errors + non-2xx/3xx
	errorsText    string
}

func (w wrkSettings) run(ctx context.Context, u string, headers map[string]string) (*wrkResult, error) {
	args := []string{"-t", strconv.Itoa(w.threads), "-c", strconv.Itoa(w.connections),
		"-d", fmt.Sprintf("%ds", int(w.duration.Seconds())), "--timeout", "5s", "--latency"}
	for k, v := range headers {
		args = append(args, "-H", k+": "+v)
	}
	args = append(args, u)
	c, cancel := context.WithTimeout(ctx, w.duration+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(c, "wrk", args...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	return parseWrk(string(out))
}

var (
	reqSecRe = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	latRe    = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	totalRe  = regexp.MustCompile(`(\d+) requests in`)
	sockRe   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	non2xxRe = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func parseWrk(out string) (*wrkResult, error) {
	r := &wrkResult{}
	m := reqSecRe.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("unreadable wrk output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range latRe.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]float64{"us": 1e3, "ms": 1e6, "s": 1e9}[m[3]]
		d := time.Duration(v * unit)
		switch m[1] {
		case "50":
			r.p50 = d
		case "90":
			r.p90 = d
		case "99":
			r.p99 = d
		}
	}
	if m := totalRe.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := sockRe.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.errors += n
		}
		r.errorsText = m[0]
	}
	if m := non2xxRe.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.errors += n
		r.errorsText = strings.TrimSpace(r.errorsText + " " + m[0])
	}
	return r, nil
}

type pageResult struct {
	page           *page
	garage, replay *wrkResult
}

// rateResult is the outcome of the fixed-rate run.
type rateResult struct {
	target             int
	duration           time.Duration
	sent, ok, errors   int64
	dropped            int64 // ticks with every worker busy
	achieved           float64
	p50, p90, p99, max time.Duration
	firstError         string
}

// fixedRate sends rate requests per second, round-robin over urls, for d:
// a ticker feeds a bounded queue read by a fixed number of workers (each
// with its own keep-alive connection). A tick finding the queue full is
// counted as dropped rather than queued, so that the run never lasts
// longer than d plus the last requests' timeout. Latency is measured from
// the scheduled time of each request, not from when a worker picked it up
// (no coordinated omission while the queue is short).
func fixedRate(ctx context.Context, urls []string, rate int, d time.Duration, workers int) (*rateResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	type job struct {
		url string
		at  time.Time
	}
	jobs := make(chan job, workers*4)
	lats := make([][]time.Duration, workers)
	var okN, errN atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := range jobs {
				resp, err := client.Get(j.url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("%s: status %d", j.url, resp.StatusCode)
					}
				}
				lat := time.Since(j.at)
				if err != nil {
					errN.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				okN.Add(1)
				lats[w] = append(lats[w], lat)
			}
		})
	}
	// The ticker fires every millisecond and releases the requests due.
	res := &rateResult{target: rate, duration: d}
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	var sent int64
	i := 0
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case now := <-tick.C:
			el := now.Sub(start)
			if el >= d {
				break loop
			}
			due := int64(el.Seconds() * float64(rate))
			for ; sent < due; sent++ {
				at := start.Add(time.Duration(float64(sent) / float64(rate) * float64(time.Second)))
				select {
				case jobs <- job{url: urls[i%len(urls)], at: at}:
					i++
				default:
					res.dropped++
				}
			}
		}
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	res.sent, res.ok, res.errors = sent-res.dropped, okN.Load(), errN.Load()
	res.achieved = float64(res.ok) / el.Seconds()
	if n := len(all); n > 0 {
		res.p50, res.p90, res.p99, res.max = all[n*50/100], all[n*90/100], all[min(n-1, n*99/100)], all[n-1]
	}
	if v, ok := firstErr.Load().(string); ok {
		res.firstError = v
	}
	return res, ctx.Err()
}

// readLines is a small helper for the child's output.
func readLines(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

// photoResult is the cost of processing one 12-megapixel JPEG.
type photoResult struct {
	inputBytes   int
	wall         time.Duration
	hwmBefore    int64 // VmHWM of the child once the file is read
	hwmAfter     int64
	totalAlloc   uint64 // bytes allocated by Process
	heapSysAfter uint64
	variants     string
}

// measurePhoto writes a 4000×3000 JPEG and runs photo.Processor once on it
// in a child process (this binary), whose peak RSS is only that.
func measurePhoto(ctx context.Context) (*photoResult, error) {
	f, err := os.CreateTemp("", "garage-bench-12mp-*.jpg")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if err := jpegEncode(f, picture(4000, 3000)); err != nil {
		f.Close()
		return nil, err
	}
	st, _ := f.Stat()
	f.Close()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(c, self, "-photo-child", f.Name()).Output()
	if err != nil {
		return nil, fmt.Errorf("photo child: %w", err)
	}
	kv := readLines(out)
	num := func(k string) int64 { n, _ := strconv.ParseInt(kv[k], 10, 64); return n }
	return &photoResult{inputBytes: int(st.Size()), wall: time.Duration(num("wall_ns")), hwmBefore: num("hwm_before"),
		hwmAfter: num("hwm_after"), totalAlloc: uint64(num("total_alloc")), heapSysAfter: uint64(num("heap_sys")),
		variants: kv["variants"]}, nil
}
