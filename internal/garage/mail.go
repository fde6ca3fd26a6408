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
	Status        string // "pending", "sent", "failed"
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}
