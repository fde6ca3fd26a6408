package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

func TestSendAccountLinkQueuesAWorkingSingleUseLink(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, employeeEmail)
	if err != nil {
		t.Fatal(err)
	}
	e.sendAccountLink(t, u, garage.TokenInvite)
	mails, err := e.store.ListOutbox(ctx, 10)
	if err != nil || len(mails) != 1 {
		t.Fatalf("outbox %v %v", mails, err)
	}
	m := mails[0]
	if m.To != employeeEmail || m.Kind != "account.invite" || !strings.Contains(m.Subject, "espace du personnel") {
		t.Fatalf("mail %+v", m)
	}
	i := strings.Index(m.Text, e.app.cfg.PublicURL+"/invitation/")
	if i < 0 {
		t.Fatalf("no link in %q", m.Text)
	}
	sent, err := url.Parse(strings.Fields(m.Text[i:])[0])
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(sent.Path, "/invitation/")
	got, err := e.store.AccountTokenUser(ctx, hashToken(token), garage.TokenInvite, e.clock.Now().Add(71*time.Hour))
	if err != nil || got.ID != u.ID {
		t.Fatalf("token from the mail: %v %v", got, err)
	}
	if strings.Contains(m.Text, hashToken(token)) {
		t.Fatal("the stored hash leaked into the mail")
	}
}
