package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/metrics"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// TestFullDatabaseAnswers503 fills a real SQLite database to its size limit:
// a visitor's form gets the French 503 page with Retry-After (not the 500),
// the log says what is full, the metric counts it, and pages still read.
func TestFullDatabaseAnswers503(t *testing.T) {
	e := newEnv(t, store.SQLite)
	m := metrics.New(nil)
	e.app.metrics = m
	c := e.client()
	storetest.FillSQLite(t, e.store)
	form := url.Values{"nom": {"Durand"}, "prenom": {"Paul"}, "email": {"paul@example.fr"}, "telephone": {"0612345678"},
		"message": {strings.Repeat("Bonjour, je voudrais faire réviser ma voiture. ", 100)}}
	res := e.sendContact(c, form)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("contact on a full disk: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.body, "Le site ne peut pas enregistrer pour le moment, rien n&#39;a été perdu, réessayez") {
		t.Fatalf("page: %s", res.body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "storage full") || !strings.Contains(logs, "storage=database") || !strings.Contains(logs, e.store.Path()) {
		t.Fatalf("log: %s", logs)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if !strings.Contains(string(body), `garage_storage_full_total{storage="database"} 1`) {
		t.Fatalf("metric not counted:\n%s", grepLines(string(body), "garage_storage_full"))
	}
	if n := len(e.messages(t)); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	for _, path := range []string{"/", "/contact", "/avis", "/readyz"} {
		if res := e.get(e.client(), path); res.StatusCode != http.StatusOK {
			t.Fatalf("read %s on a full disk: %d", path, res.StatusCode)
		}
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
