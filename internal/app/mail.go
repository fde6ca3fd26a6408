package app

import (
	"log/slog"
	"net/url"
	"path/filepath"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail"
	"github.com/vparrot/garage/internal/store"
)

// newMailWorker builds the outbox worker: SMTP when MAIL_SERVER is set,
// otherwise .eml files in DATA_DIR/mail-dev in development. In production
// without MAIL_SERVER there is no worker (nil): mails wait in the outbox
// until a server is configured.
func newMailWorker(cfg *config.Config, s *store.Store, log *slog.Logger) (*mail.Worker, error) {
	from, err := mail.ParseSender(senderAddress(cfg))
	if err != nil {
		return nil, err
	}
	w := &mail.Worker{Outbox: s, From: from, Log: log}
	if cfg.Mail.Server == "" && cfg.Production {
		log.Warn("mail: MAIL_SERVER is empty, e-mails wait in the outbox until it is set")
		return nil, nil
	}
	if cfg.Mail.Server == "" {
		dir := filepath.Join(cfg.DataDir, "mail-dev")
		w.Transport = &mail.Dev{Dir: dir, Log: log}
		log.Info("mail: no MAIL_SERVER, e-mails are written to files", "dir", dir)
		return w, nil
	}
	if w.Transport, err = mail.NewSMTP(cfg.Mail); err != nil {
		return nil, err
	}
	return w, nil
}

// senderAddress is MAIL_FROM, or a no-reply address at the public host.
func senderAddress(cfg *config.Config) string {
	if cfg.Mail.From != "" {
		return cfg.Mail.From
	}
	host := "localhost"
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return garage.DefaultName + " <ne-pas-repondre@" + host + ">"
}
