package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store"
)

// TestServeSendsTheOutbox: "garage serve" runs the mail worker, which sends
// a mail queued before start-up through MAIL_SERVER, and /metrics shows
// the outbox backlog.
func TestServeSendsTheOutbox(t *testing.T) {
	t.Parallel()
	u := migratedURL(t, store.SQLite)
	s := openStore(t, u)
	if err := s.EnqueueMail(context.Background(), &garage.OutboxMail{Kind: "test", To: "garage@garage-parrot.test",
		Subject: "Démarrage", Text: "corps"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	smtp := mailtest.Start(t, "127.0.0.1:0")
	cfg := mailtest.MailConfig(t, smtp.Addr())
	env := serveEnv(u)
	env["MAIL_SERVER"], env["MAIL_PORT"], env["MAIL_FROM"] = cfg.Server, strconv.Itoa(cfg.Port), cfg.From
	srv := start(t, env, "serve")
	metricsAddr := srv.addr(t, "metrics listening")
	deadline := time.Now().Add(20 * time.Second)
	for len(smtp.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := smtp.Messages()
	if len(got) != 1 || got[0].Subject() != "Démarrage" {
		t.Fatalf("received %d messages", len(got))
	}
	// The SMTP server has the mail a moment before the worker records it
	// as sent: wait for the gauge to come down.
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body = get(t, "http://"+metricsAddr+"/metrics")
		if strings.Contains(body, "garage_mail_outbox_pending 0") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(body, "garage_mail_outbox_pending 0") {
		t.Errorf("no outbox gauge in /metrics:\n%.3000s", body)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
