package metrics

import (
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vparrot/garage/internal/mail"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

func TestMetricsExposition(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	m := New(s.DB())
	m.ObserveRequest("GET /occasions/{ref}", "GET", 200, 3*time.Millisecond)
	m.ObserveRequest("", "GET", 404, time.Millisecond)
	m.LoginAttempt("failure")
	m.Panic()
	m.PageCache(true)
	m.PageCache(true)
	m.PageCache(false)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`garage_http_requests_total{code="200",method="GET",route="GET /occasions/{ref}"} 1`,
		`garage_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`garage_http_request_duration_seconds_bucket{route="GET /occasions/{ref}",le="0.005"} 1`,
		`garage_login_attempts_total{result="failure"} 1`,
		`garage_login_attempts_total{result="throttled"} 0`,
		`garage_http_panics_total 1`,
		`go_sql_max_open_connections{db_name="garage"}`,
		`garage_backup_last_success_timestamp_seconds 0`,
		`garage_backup_interval_seconds 0`,
		`garage_backup_last_failure_timestamp_seconds 0`,
		`garage_page_cache_requests_total{result="hit"} 2`,
		`garage_page_cache_requests_total{result="miss"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestAlertRules checks deploy/prometheus/alerts.yml: valid YAML in the
// rule-file shape, every alert with a severity and a summary, and every
// metric of ours it names actually exported.
func TestAlertRules(t *testing.T) {
	b, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f ruleFile
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	s := storetest.Open(t, store.SQLite)
	m := New(s.DB())
	m.ObserveRequest("GET /{$}", "GET", 200, time.Millisecond)
	if err := m.Register(mail.NewBacklogCollector(s)); err != nil { // as serve does
		t.Fatal(err)
	}
	names, err := m.Names()
	if err != nil {
		t.Fatal(err)
	}
	metricRef := regexp.MustCompile(`\b(garage_[a-z_]+|go_sql_[a-z_]+)`)
	alerts := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			alerts++
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("incomplete rule %+v", r)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("%s: for %q", r.Alert, r.For)
				}
			}
			if strings.Count(r.Expr, "(") != strings.Count(r.Expr, ")") {
				t.Errorf("%s: unbalanced parentheses", r.Alert)
			}
			for _, ref := range metricRef.FindAllString(r.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(ref, "_bucket"), "_sum"), "_count")
				if !slices.Contains(names, base) && !slices.Contains(names, ref) {
					t.Errorf("%s uses %s, which the application does not export", r.Alert, ref)
				}
			}
		}
	}
	if alerts < 5 {
		t.Fatalf("only %d alerts", alerts)
	}
}

// TestBackupAlertRules pins what the backup alerts must catch: a newest
// backup older than 1.5 × BACKUP_INTERVAL, no backup at all while a
// schedule is set (the last-success gauge is then 0, so no rule may require
// it to be above 0), and a failing schedule.
func TestBackupAlertRules(t *testing.T) {
	b, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f ruleFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	exprs := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			exprs[r.Alert] = strings.Join(strings.Fields(r.Expr), " ")
		}
	}
	tooOld := exprs["GarageBackupTooOld"]
	for _, want := range []string{
		"garage_backup_interval_seconds > 0 and (",                                                     // only where a schedule runs
		"garage_backup_last_success_timestamp_seconds == 0 or",                                         // none at all
		"time() - garage_backup_last_success_timestamp_seconds > 1.5 * garage_backup_interval_seconds", // too old
	} {
		if !strings.Contains(tooOld, want) {
			t.Errorf("GarageBackupTooOld lacks %q: %s", want, tooOld)
		}
	}
	if strings.Contains(tooOld, "garage_backup_last_success_timestamp_seconds > 0") {
		t.Errorf("GarageBackupTooOld cannot fire when no backup exists: %s", tooOld)
	}
	if got := exprs["GarageBackupFailing"]; got != "garage_backup_last_failure_timestamp_seconds > garage_backup_last_success_timestamp_seconds" {
		t.Errorf("GarageBackupFailing: %q", got)
	}
}
