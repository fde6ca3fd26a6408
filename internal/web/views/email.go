package views

import (
	"context"
	"strings"

	"github.com/a-h/templ"

	"github.com/vparrot/garage/internal/garage"
)

// Email is an e-mail of the site, kept in one email_*.templ file: its
// data, its plain-text body and its HTML body made from the same data.
// RenderMail turns one into the outbox row that a worker sends.
type Email interface {
	// envelope is the outbox row without its bodies: kind, recipient,
	// Reply-To and subject.
	envelope() garage.OutboxMail
	text() string
	html() templ.Component
}

// RenderMail renders e into an outbox mail, text and HTML.
func RenderMail(ctx context.Context, e Email) (*garage.OutboxMail, error) {
	m := e.envelope()
	m.Text = e.text()
	var b strings.Builder
	if err := e.html().Render(ctx, &b); err != nil {
		return nil, err
	}
	m.HTML = b.String()
	return &m, nil
}

// lines joins the lines of a plain-text body, each ended by a line break.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
