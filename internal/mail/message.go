// Package mail delivers the e-mail outbox: a worker claims due mails from the
// database, builds French text+HTML messages and sends them through SMTP
// (or, in development without MAIL_SERVER, writes them to files), retrying
// with a growing back-off. It has no HTTP in it.
package mail

import (
	"bytes"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	gomail "github.com/wneessen/go-mail"
)

// errPermanent marks a mail that can never be sent as stored (an invalid
// address): it is marked failed at once instead of being retried.
var errPermanent = errors.New("permanent")

// headerText makes a value safe for a header: CR, LF and other control
// characters become spaces, so user text can never start a new header.
// go-mail encodes non-ASCII text (RFC 2047) itself.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// parseAddress accepts a single bare address ("a@b.fr"), nothing more: a
// stored address with a display name, a second address or a line break is
// refused, so it can never add a recipient.
func parseAddress(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n,;<>") {
		return "", fmt.Errorf("%w: invalid address", errPermanent)
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", fmt.Errorf("%w: invalid address", errPermanent)
	}
	return a.Address, nil
}

// MessageID is the stable Message-ID of an outbox row: a retry of the same
// row carries the same ID, so a receiving server can spot a duplicate.
func MessageID(m *garage.OutboxMail, domain string) string {
	return "outbox-" + strconv.FormatInt(m.ID, 10) + "." + strconv.FormatInt(m.CreatedAt.Unix(), 10) + "@" + domain
}

// Sender is who the mails come from.
type Sender struct {
	Name    string // display name, e.g. "Garage V. Parrot"
	Address string // bare address
}

// ParseSender reads MAIL_FROM ("Garage V. Parrot <contact@garage.fr>" or a
// bare address).
func ParseSender(from string) (Sender, error) {
	a, err := netmail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return Sender{}, fmt.Errorf("MAIL_FROM: %q is not an e-mail address", from)
	}
	return Sender{Name: headerText(a.Name), Address: a.Address}, nil
}

func (s Sender) domain() string {
	if _, d, ok := strings.Cut(s.Address, "@"); ok && d != "" {
		return d
	}
	return "localhost"
}

// Build turns an outbox row into a message: UTF-8 headers, a plain-text
// part and, when the row has one, an HTML alternative.
func Build(m *garage.OutboxMail, from Sender) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.FromFormat(from.Name, from.Address); err != nil {
		return nil, fmt.Errorf("%w: sender: %v", errPermanent, err)
	}
	to, err := parseAddress(m.To)
	if err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(headerText(m.ToName), to); err != nil {
		return nil, fmt.Errorf("%w: recipient: %v", errPermanent, err)
	}
	if m.ReplyTo != "" {
		rt, err := parseAddress(m.ReplyTo)
		if err != nil {
			return nil, err
		}
		if err := msg.ReplyTo(rt); err != nil {
			return nil, fmt.Errorf("%w: reply-to: %v", errPermanent, err)
		}
	}
	msg.Subject(headerText(m.Subject))
	msg.SetMessageIDWithValue(MessageID(m, from.domain()))
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, h := range m.Headers {
		if !allowedHeaders[h.Name] {
			return nil, fmt.Errorf("%w: header %q is not allowed", errPermanent, h.Name)
		}
		msg.SetGenHeader(gomail.Header(h.Name), headerText(h.Value))
	}
	for _, a := range m.Attachments {
		name := headerText(a.Name)
		if name == "" || strings.ContainsAny(name, `/\"`) {
			return nil, fmt.Errorf("%w: attachment name %q", errPermanent, a.Name)
		}
		ct := headerText(a.ContentType)
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := msg.AttachReader(name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("%w: attachment %q: %v", errPermanent, name, err)
		}
	}
	return msg, nil
}

// allowedHeaders are the extra headers an outbox mail may carry: the
// one-click unsubscribe pair of RFC 8058 and the marker of automatic mail.
var allowedHeaders = map[string]bool{
	"List-Unsubscribe":      true,
	"List-Unsubscribe-Post": true,
	"Auto-Submitted":        true,
}
