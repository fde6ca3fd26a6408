package mail

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/vparrot/garage/internal/config"
)

// Transport delivers built messages. Send returns one error per message
// (nil when delivered); a connection failure fails them all.
type Transport interface {
	Send(ctx context.Context, msgs []*gomail.Msg) []error
}

// smtpTimeout bounds a connection and each SMTP command.
const smtpTimeout = 30 * time.Second

// SMTP sends through an SMTP server, one connection per batch.
type SMTP struct {
	client *gomail.Client
}

// NewSMTP configures the SMTP client from the MAIL_* settings: MAIL_USE_SSL
// is implicit TLS from the first byte, MAIL_USE_TLS requires STARTTLS (a
// server without it is an error, never a silent fallback to plain text),
// neither is a plain connection (a local relay or Mailpit).
func NewSMTP(c config.MailConfig) (*SMTP, error) {
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(smtpTimeout)}
	switch {
	case c.UseSSL:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case c.UseTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	client, err := gomail.NewClient(c.Server, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail client: %w", err)
	}
	return &SMTP{client: client}, nil
}

// Send implements Transport.
func (t *SMTP) Send(ctx context.Context, msgs []*gomail.Msg) []error {
	errs := make([]error, len(msgs))
	sc, err := t.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	defer func() { _ = t.client.CloseWithSMTPClient(sc) }()
	for i, m := range msgs {
		errs[i] = t.client.SendWithSMTPClient(sc, m)
	}
	return errs
}

// Dev is the development transport used when MAIL_SERVER is empty: each
// message is written as an .eml file in Dir (open it with any mail
// program), and only its subject and recipient are logged.
type Dev struct {
	Dir string
	Log *slog.Logger
}

// Send implements Transport.
func (t *Dev) Send(_ context.Context, msgs []*gomail.Msg) []error {
	errs := make([]error, len(msgs))
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i, m := range msgs {
		name := filepath.Join(t.Dir, time.Now().UTC().Format("20060102T150405")+"-"+strconv.Itoa(i)+"-"+fileSafe(m)+".eml")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err == nil {
			_, err = m.WriteTo(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		errs[i] = err
		if err == nil {
			subject := m.GetGenHeader(gomail.HeaderSubject)
			to, _ := m.GetRecipients()
			t.Log.Info("mail (development): written, not sent", "subject", subject, "to", to, "file", name)
		}
	}
	return errs
}

// fileSafe derives a file name part from the message's ID.
func fileSafe(m *gomail.Msg) string {
	ids := m.GetGenHeader(gomail.HeaderMessageID)
	if len(ids) == 0 {
		return "mail"
	}
	out := make([]rune, 0, len(ids[0]))
	for _, r := range ids[0] {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			out = append(out, r)
		}
	}
	return string(out)
}
