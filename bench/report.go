package main

import (
	"fmt"
	"io"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/1e6) }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func size(n int) string {
	if n >= 1024 {
		return fmt.Sprintf("%.1f kB", float64(n)/1024)
	}
	return fmt.Sprintf("%d B", n)
}

// report prints the results as Markdown, ready for docs/performance.md.
func report(w io.Writer, o options, startup time.Duration, rss [4]int64, fixed *wrkResult,
	results []pageResult, fr *rateResult, ph *photoResult) {
	fmt.Fprintf(w, "\n### %s, %s\n\n", o.engine, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "Machine: %s. wrk %d threads, %d connections, %s per measure; %d published cars.\n\n",
		cpuInfo(), o.threads, o.connections, o.duration, o.cars)
	fmt.Fprintf(w, "40-byte baseline: %.0f req/s, p50 %s ms, p90 %s ms, p99 %s ms.\n\n", fixed.rps, ms(fixed.p50), ms(fixed.p90), ms(fixed.p99))
	fmt.Fprintln(w, "| page | size | garage req/s | p50 / p90 / p99 ms | replay req/s | replay p99 ms | garage / replay | garage / 40 B | errors |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	var misses []string
	for _, r := range results {
		ratio := r.garage.rps / r.replay.rps
		errs := fmt.Sprint(r.garage.errors)
		if r.garage.errors > 0 {
			errs += " (" + r.garage.errorsText + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %s / %s / %s | %.0f | %s | **%.0f %%** | %.1f %% | %s |\n", r.page.name, size(len(r.page.Body)),
			r.garage.rps, ms(r.garage.p50), ms(r.garage.p90), ms(r.garage.p99), r.replay.rps, ms(r.replay.p99),
			100*ratio, 100*r.garage.rps/fixed.rps, errs)
		if r.page.html && ratio < 0.60 {
			misses = append(misses, r.page.name)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Start-up (process start to the first 200 on /readyz): **%s**. Peak RSS of garage (VmHWM): %s after start-up, "+
		"%s after the admin login (one argon2id hash, 64 MiB) and the first request of every page; then, measured from there: "+
		"**%s** at the end of the wrk runs, %s at the end of the fixed-rate run.\n\n",
		startup.Round(time.Millisecond), mb(rss[0]), mb(rss[1]), mb(rss[2]), mb(rss[3]))
	if len(misses) == 0 {
		fmt.Fprintln(w, "Every public HTML page reached 60 % of its replay.")
	} else {
		fmt.Fprintf(w, "Public HTML pages under 60 %% of their replay: %d of %d (%v).\n", len(misses), countHTML(results), misses)
	}
	fmt.Fprintln(w)
	if fr != nil {
		fmt.Fprintf(w, "Fixed rate, mixed public traffic (round robin over the public pages above): target %d req/s for %s, "+
			"achieved **%.0f req/s**, %d ok, **%d errors**, %d not sent (every worker busy); latency from the scheduled time: "+
			"p50 %s ms, p90 %s ms, **p99 %s ms**, max %s ms.", fr.target, fr.duration, fr.achieved, fr.ok, fr.errors, fr.dropped,
			ms(fr.p50), ms(fr.p90), ms(fr.p99), ms(fr.max))
		if fr.firstError != "" {
			fmt.Fprintf(w, " First error: %s.", fr.firstError)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w)
	}
	if ph != nil {
		fmt.Fprintf(w, "One 12-megapixel photo (4000×3000 JPEG, %s) through photo.Processor: **%s**, peak RSS %s → %s "+
			"(+%s), %s allocated, heap %s; variants: %s.\n", size(ph.inputBytes), ph.wall.Round(time.Millisecond),
			mb(ph.hwmBefore), mb(ph.hwmAfter), mb(ph.hwmAfter-ph.hwmBefore), mb(int64(ph.totalAlloc)), mb(int64(ph.heapSysAfter)), ph.variants)
	}
}

func countHTML(rs []pageResult) int {
	n := 0
	for _, r := range rs {
		if r.page.html {
			n++
		}
	}
	return n
}
