package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)} }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newWorker(t *testing.T, s *store.Store, addr string, c *clock) *mail.Worker {
	t.Helper()
	cfg := mailtest.MailConfig(t, addr)
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseSender(cfg.From)
	if err != nil {
		t.Fatal(err)
	}
	return &mail.Worker{Outbox: s, Transport: tr, From: from, Log: quiet, Now: c.Now}
}

func enqueue(t *testing.T, s *store.Store, m *garage.OutboxMail, now time.Time) *garage.OutboxMail {
	t.Helper()
	if m.Kind == "" {
		m.Kind = "test"
	}
	if err := s.EnqueueMail(context.Background(), m, now); err != nil {
		t.Fatal(err)
	}
	return m
}

func outbox(t *testing.T, s *store.Store) map[int64]*garage.OutboxMail {
	t.Helper()
	list, err := s.ListOutbox(context.Background(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]*garage.OutboxMail{}
	for _, m := range list {
		out[m.ID] = m
	}
	return out
}

func TestWorkerDeliversFrenchMultipartMail(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t, "127.0.0.1:0")
		c := newClock()
		m := enqueue(t, s, &garage.OutboxMail{
			Kind: "contact.notify", To: "atelier@garage-parrot.test", ToName: "Garage V. Parrot — Atelier",
			ReplyTo: "helene.dupre@exemple.fr", Subject: "Nouveau message : Révision d'une Peugeot 208 à Noël",
			Text: "Bonjour,\nHélène Dupré voudrait un rendez-vous.\n", HTML: "<p>Hélène Dupré voudrait un <strong>rendez-vous</strong>.</p>",
		}, c.Now())
		w := newWorker(t, s, srv.Addr(), c)
		sent, err := w.RunOnce(ctx)
		if err != nil || sent != 1 {
			t.Fatalf("RunOnce: %d %v", sent, err)
		}
		got := srv.Messages()
		if len(got) != 1 {
			t.Fatalf("%d messages received", len(got))
		}
		r := got[0]
		if strings.Join(r.To, ",") != "atelier@garage-parrot.test" || r.From != "ne-pas-repondre@garage-parrot.test" {
			t.Fatalf("envelope from %q to %v", r.From, r.To)
		}
		h := r.Header()
		if h.Get("Reply-To") != "<helene.dupre@exemple.fr>" {
			t.Errorf("Reply-To %q", h.Get("Reply-To"))
		}
		if r.Subject() != "Nouveau message : Révision d'une Peugeot 208 à Noël" {
			t.Errorf("subject %q (raw %q)", r.Subject(), h.Get("Subject"))
		}
		if strings.ContainsAny(h.Get("Subject"), "éà") {
			t.Errorf("subject not MIME-encoded: %q", h.Get("Subject"))
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Name != "Garage V. Parrot — Atelier" {
			t.Errorf("To %v %v", to, err)
		}
		if !strings.Contains(r.Part("text/plain"), "Hélène Dupré voudrait un rendez-vous.") {
			t.Errorf("text part %q", r.Part("text/plain"))
		}
		if !strings.Contains(r.Part("text/html"), "<strong>rendez-vous</strong>") {
			t.Errorf("html part %q", r.Part("text/html"))
		}
		if id := h.Get("Message-Id"); id != "<"+mail.MessageID(m, "garage-parrot.test")+">" {
			t.Errorf("Message-ID %q", id)
		}
		st := outbox(t, s)[m.ID]
		if st.Status != "sent" || st.SentAt == nil || st.Attempts != 1 {
			t.Errorf("row after send: %+v", st)
		}
		// Nothing is sent twice.
		if sent, err := w.RunOnce(ctx); err != nil || sent != 0 || len(srv.Messages()) != 1 {
			t.Fatalf("second run sent %d (%v)", sent, err)
		}
	})
}

func TestHeaderInjectionNeverAddsAHeaderOrRecipient(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		srv := mailtest.Start(t, "127.0.0.1:0")
		c := newClock()
		evil := "x\r\nBcc: a@b"
		ok1 := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test", ToName: evil, Subject: evil, Text: "corps"}, c.Now())
		ok2 := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test", Subject: "Objet\nBcc: a@b\r\nX-Evil: 1", Text: "corps"}, c.Now())
		bad1 := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test\r\nBcc: a@b", Subject: "s", Text: "corps"}, c.Now())
		bad2 := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test", ReplyTo: "v@exemple.fr\r\nBcc: a@b", Subject: "s", Text: "corps"}, c.Now())
		bad3 := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test, a@b", Subject: "s", Text: "corps"}, c.Now())
		if _, err := newWorker(t, s, srv.Addr(), c).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 2 {
			t.Fatalf("%d messages received, want the 2 with a valid address", len(got))
		}
		for _, r := range got {
			if strings.Join(r.To, ",") != "garage@garage-parrot.test" {
				t.Errorf("recipients %v", r.To)
			}
			h := r.Header()
			if h.Get("Bcc") != "" || h.Get("X-Evil") != "" || strings.Contains(strings.ToLower(string(r.Data)), "\nbcc:") {
				t.Errorf("injected header in:\n%s", r.Data)
			}
		}
		rows := outbox(t, s)
		for _, m := range []*garage.OutboxMail{ok1, ok2} {
			if rows[m.ID].Status != "sent" {
				t.Errorf("mail %d: %s", m.ID, rows[m.ID].Status)
			}
		}
		for _, m := range []*garage.OutboxMail{bad1, bad2, bad3} {
			if rows[m.ID].Status != "failed" || rows[m.ID].Attempts != 1 {
				t.Errorf("mail %d with a bad address: %s after %d attempts, want failed at once", m.ID, rows[m.ID].Status, rows[m.ID].Attempts)
			}
		}
	})
}

func TestSMTPDownNothingLostThenEachDeliveredOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newClock()
		addr := mailtest.FreeAddr(t) // nobody listens: the server is down
		for i := range 100 {
			enqueue(t, s, &garage.OutboxMail{To: fmt.Sprintf("client%d@exemple.fr", i), Subject: fmt.Sprintf("Message n° %d", i), Text: "corps"}, c.Now())
		}
		w := newWorker(t, s, addr, c)
		sent, err := w.RunOnce(ctx)
		if err != nil || sent != 0 {
			t.Fatalf("with SMTP down: sent %d, %v", sent, err)
		}
		rows := outbox(t, s)
		if len(rows) != 100 {
			t.Fatalf("%d mails stored, want 100", len(rows))
		}
		tried := 0
		for _, m := range rows {
			if m.Status != "pending" || m.SentAt != nil {
				t.Fatalf("with SMTP down: %+v", m)
			}
			if m.Attempts == 1 {
				// Tried once; the rest of the queue waits for the next poll.
				tried++
				if m.LastError == "" || !m.NextAttemptAt.Equal(c.Now().Add(time.Minute)) {
					t.Fatalf("after a failed try: %+v", m)
				}
			}
		}
		if tried == 0 || tried == 100 {
			t.Fatalf("%d mails tried against a dead server, want one batch", tried)
		}
		srv := mailtest.Start(t, addr)
		// The mails never tried go at once, and the tried ones (one batch) need not wait for their
		// back-off: the server answers again.
		if sent, err := w.RunOnce(ctx); err != nil || sent != 100 {
			t.Fatalf("with SMTP back: sent %d, %v; want 100", sent, err)
		}
		c.Advance(time.Hour)
		if sent, _ := w.RunOnce(ctx); sent != 0 {
			t.Fatalf("sent %d more", sent)
		}
		checkEachOnce(t, srv.Messages(), 100)
	})
}

// checkEachOnce checks that n distinct mails arrived, each exactly once.
func checkEachOnce(t *testing.T, got []mailtest.Received, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range got {
		seen[r.Header().Get("Message-Id")]++
	}
	if len(got) != n || len(seen) != n {
		t.Fatalf("%d messages received, %d distinct, want %d each once", len(got), len(seen), n)
	}
}

func TestRetriesBackOffThenGiveUp(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newClock()
		m := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test", Subject: "s", Text: "t"}, c.Now())
		w := newWorker(t, s, mailtest.FreeAddr(t), c)
		w.MaxAttempts = 4
		var waits []time.Duration
		for range 4 {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			row := outbox(t, s)[m.ID]
			waits = append(waits, row.NextAttemptAt.Sub(c.Now()))
			c.Advance(row.NextAttemptAt.Sub(c.Now()))
		}
		row := outbox(t, s)[m.ID]
		if row.Status != "failed" || row.Attempts != 4 {
			t.Fatalf("after 4 attempts: %s, %d", row.Status, row.Attempts)
		}
		want := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute}
		for i, d := range want {
			if waits[i] != d {
				t.Errorf("wait after attempt %d: %v, want %v", i+1, waits[i], d)
			}
		}
		if mail.RetryDelay(100) != 6*time.Hour {
			t.Errorf("back-off not capped: %v", mail.RetryDelay(100))
		}
		// A failed mail is never picked up again.
		c.Advance(24 * time.Hour)
		srv := mailtest.Start(t, "127.0.0.1:0")
		w2 := newWorker(t, s, srv.Addr(), c)
		if sent, _ := w2.RunOnce(ctx); sent != 0 {
			t.Fatal("a failed mail was sent")
		}
	})
}

func TestTwoWorkersOnOneDatabaseSendEachMailOnce(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, engine)
			var stores []*store.Store
			for range 2 {
				s, err := store.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				stores = append(stores, s)
			}
			c := newClock()
			const n = 120
			for i := range n {
				enqueue(t, stores[0], &garage.OutboxMail{To: fmt.Sprintf("c%d@exemple.fr", i), Subject: "s", Text: "t"}, c.Now())
			}
			srv := mailtest.Start(t, "127.0.0.1:0")
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for i := range 4 { // two workers per instance, two instances
				w := newWorker(t, stores[i%2], srv.Addr(), c)
				w.Batch = 3
				wg.Go(func() {
					sent, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total += sent
					mu.Unlock()
				})
			}
			wg.Wait()
			if total != n {
				t.Fatalf("workers report %d sent, want %d", total, n)
			}
			checkEachOnce(t, srv.Messages(), n)
		})
	}
}

func TestDevTransportWritesEmlFiles(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	c := newClock()
	dir := filepath.Join(t.TempDir(), "mail-dev")
	var logs strings.Builder
	from, _ := mail.ParseSender("ne-pas-repondre@garage-parrot.test")
	w := &mail.Worker{Outbox: s, Transport: &mail.Dev{Dir: dir, Log: slog.New(slog.NewTextHandler(&logs, nil))}, From: from, Log: quiet, Now: c.Now}
	enqueue(t, s, &garage.OutboxMail{To: "lea@garage-parrot.test", Subject: "Réinitialisation", Text: "lien secret https://x/reinitialiser/TOKEN123"}, c.Now())
	if sent, err := w.RunOnce(context.Background()); err != nil || sent != 1 {
		t.Fatalf("%d %v", sent, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "TOKEN123") {
		t.Error("the .eml file lacks the body")
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if strings.Contains(logs.String(), "TOKEN123") || !strings.Contains(logs.String(), "lea@garage-parrot.test") {
		t.Errorf("log: %s", logs.String())
	}
}

func TestBacklogGauge(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	c := newClock()
	for range 3 {
		enqueue(t, s, &garage.OutboxMail{To: "a@exemple.fr", Subject: "s", Text: "t"}, c.Now())
	}
	enqueue(t, s, &garage.OutboxMail{To: "invalide", Subject: "s", Text: "t"}, c.Now())
	w := newWorker(t, s, mailtest.FreeAddr(t), c)
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(mail.NewBacklogCollector(s))
	want := `# HELP garage_mail_outbox_failed E-mails the outbox gave up sending.
# TYPE garage_mail_outbox_failed gauge
garage_mail_outbox_failed 1
# HELP garage_mail_outbox_pending E-mails waiting in the outbox.
# TYPE garage_mail_outbox_pending gauge
garage_mail_outbox_pending 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

// MAIL_USE_TLS means STARTTLS or nothing: a server that does not offer it
// gets no mail in clear text.
func TestStartTLSIsRequiredWhenAsked(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	c := newClock()
	srv := mailtest.Start(t, "127.0.0.1:0") // offers no STARTTLS
	cfg := mailtest.MailConfig(t, srv.Addr())
	cfg.UseTLS = true
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseSender(cfg.From)
	w := &mail.Worker{Outbox: s, Transport: tr, From: from, Log: quiet, Now: c.Now}
	m := enqueue(t, s, &garage.OutboxMail{To: "garage@garage-parrot.test", Subject: "s", Text: "secret"}, c.Now())
	if sent, err := w.RunOnce(context.Background()); err != nil || sent != 0 {
		t.Fatalf("sent %d, %v", sent, err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d mails sent without TLS", n)
	}
	row := outbox(t, s)[m.ID]
	if row.Status != "pending" || !strings.Contains(row.LastError, "STARTTLS") {
		t.Fatalf("row %+v", row)
	}
}

func TestWorkerSendsAllowedHeadersAndAttachments(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		srv := mailtest.Start(t, "127.0.0.1:0")
		c := newClock()
		ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Révision — Garage\r\nEND:VCALENDAR\r\n")
		pdf := []byte("%PDF-1.4\n\x00\x01\x02 binaire\n%%EOF")
		good := enqueue(t, s, &garage.OutboxMail{
			To: "client@exemple.fr", Subject: "Votre rendez-vous", Text: "Bonjour",
			Headers: []garage.MailHeader{
				{Name: "List-Unsubscribe", Value: "<https://garage.test/alertes/x/desinscription>"},
				{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click\r\nBcc: a@b"},
			},
			Attachments: []garage.MailAttachment{
				{Name: "rendez-vous.ics", ContentType: "text/calendar; method=REQUEST", Data: ics},
				{Name: "devis D-2026-0001.pdf", ContentType: "application/pdf", Data: pdf},
			},
		}, c.Now())
		bad := enqueue(t, s, &garage.OutboxMail{To: "client@exemple.fr", Subject: "s", Text: "t",
			Headers: []garage.MailHeader{{Name: "Bcc", Value: "a@b"}}}, c.Now())
		stored := outbox(t, s)[good.ID]
		if len(stored.Headers) != 2 || len(stored.Attachments) != 2 || string(stored.Attachments[1].Data) != string(pdf) {
			t.Fatalf("stored row lost its extras: %+v", stored)
		}
		if _, err := newWorker(t, s, srv.Addr(), c).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 {
			t.Fatalf("%d messages received, want 1 (the one with a forbidden header fails)", len(got))
		}
		h := got[0].Header()
		if h.Get("List-Unsubscribe") != "<https://garage.test/alertes/x/desinscription>" ||
			h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click  Bcc: a@b" || h.Get("Bcc") != "" {
			t.Errorf("headers: %v", h)
		}
		if !strings.Contains(got[0].Part("text/plain"), "Bonjour") {
			t.Errorf("text part lost: %q", got[0].Part("text/plain"))
		}
		att := got[0].Attachments()
		if len(att) != 2 {
			t.Fatalf("attachments: %+v", att)
		}
		if att[0].Name != "rendez-vous.ics" || att[0].ContentType != "text/calendar" || string(att[0].Data) != string(ics) {
			t.Errorf("ics attachment: %q %q %q", att[0].Name, att[0].ContentType, att[0].Data)
		}
		if att[1].Name != "devis D-2026-0001.pdf" || att[1].ContentType != "application/pdf" || string(att[1].Data) != string(pdf) {
			t.Errorf("pdf attachment: %q %q %q", att[1].Name, att[1].ContentType, att[1].Data)
		}
		if st := outbox(t, s)[bad.ID]; st.Status != "failed" {
			t.Errorf("mail with a Bcc header: %s, want failed", st.Status)
		}
	})
}

// Issue 21: after an SMTP outage, the mails that failed during it waited their full back-off (up to
// 6 hours) although the server was back. Once a send succeeds after failures, they are retried at once,
// at most a batch per poll.
func TestOutageRecoveryRetriesWaitingMailsSoon(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newClock()
		addr := mailtest.FreeAddr(t)
		const waiting, batch = 25, 10
		var ids []int64
		for i := range waiting {
			m := enqueue(t, s, &garage.OutboxMail{To: fmt.Sprintf("client%d@exemple.fr", i), Subject: "s", Text: "t"}, c.Now())
			ids = append(ids, m.ID)
		}
		// Failed several times during a long outage: their next try is four hours away.
		for _, id := range ids {
			if err := s.MarkMailAttemptFailed(ctx, id, c.Now().Add(4*time.Hour), false, "dial tcp: connection refused"); err != nil {
				t.Fatal(err)
			}
		}
		fresh := enqueue(t, s, &garage.OutboxMail{To: "nouveau@exemple.fr", Subject: "s", Text: "t"}, c.Now())
		w := newWorker(t, s, addr, c)
		w.Batch = batch
		if sent, err := w.RunOnce(ctx); err != nil || sent != 0 { // the worker sees the outage
			t.Fatalf("server down: sent %d, %v", sent, err)
		}
		srv := mailtest.Start(t, addr)
		c.Advance(time.Minute) // the fresh mail's first back-off
		total := 0
		for poll := 1; total < waiting+1; poll++ {
			if poll > 5 {
				t.Fatalf("after %d polls in one minute, %d of %d mails sent", poll-1, total, waiting+1)
			}
			sent, err := w.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if sent > batch+1 {
				t.Fatalf("poll %d sent %d mails: more than a batch brought forward", poll, sent)
			}
			total += sent
		}
		if row := outbox(t, s)[fresh.ID]; row.Status != "sent" {
			t.Fatalf("fresh mail %s", row.Status)
		}
		checkEachOnce(t, srv.Messages(), waiting+1)
	})
}

// Issue 21: a lease that never expired went unnoticed. A worker killed mid-send leaves its mails leased;
// they stay invisible to other workers until the lease ends, then another worker sends them, once.
func TestLeaseOfACrashedWorkerExpires(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newClock()
		for i := range 3 {
			enqueue(t, s, &garage.OutboxMail{To: fmt.Sprintf("client%d@exemple.fr", i), Subject: "s", Text: "t"}, c.Now())
		}
		// The crashed worker claimed them and died before sending or recording anything.
		claimed, err := s.ClaimMail(ctx, c.Now(), mail.DefaultLease, 10)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		srv := mailtest.Start(t, "127.0.0.1:0")
		w := newWorker(t, s, srv.Addr(), c)
		c.Advance(mail.DefaultLease - time.Second)
		if sent, err := w.RunOnce(ctx); err != nil || sent != 0 {
			t.Fatalf("leased mails sent before the lease ended: %d, %v", sent, err)
		}
		c.Advance(time.Second)
		if sent, err := w.RunOnce(ctx); err != nil || sent != 3 {
			t.Fatalf("after the lease: sent %d, %v; want 3", sent, err)
		}
		for _, m := range outbox(t, s) {
			if m.Status != "sent" {
				t.Fatalf("mail %d: %s", m.ID, m.Status)
			}
		}
		checkEachOnce(t, srv.Messages(), 3)
	})
}
