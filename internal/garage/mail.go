package garage

import "time"

// OutboxMail is an e-mail waiting in (or gone from) the outbox. Every e-mail
// the application sends is first stored as one, in the transaction of the
// change it tells about; a worker sends it later.
type OutboxMail struct {
	ID            int64
	Kind          string // "contact.notify", "account.invite", "account.reset", ...
	To            string
	ToName        string
	ReplyTo       string
	Subject       string
	Text          string
	HTML          string
	Headers       []MailHeader     // extra headers, from an allowed list (mail.Build checks it)
	Attachments   []MailAttachment // files sent with the mail, e.g. an .ics invitation
	Status        string           // "pending", "sent", "failed"
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// MailHeader is an extra header of an outbox mail.
type MailHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MailAttachment is a file sent with an outbox mail.
type MailAttachment struct {
	Name        string `json:"name"`         // file name shown to the recipient, e.g. "rendez-vous.ics"
	ContentType string `json:"content_type"` // e.g. "text/calendar; method=PUBLISH"
	Data        []byte `json:"data"`
}
