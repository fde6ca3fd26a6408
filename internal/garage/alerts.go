package garage

import "time"

// SearchAlert is a visitor's standing search: an e-mail address and a car
// list query. It is kept unconfirmed until the visitor opens the link of the
// confirmation e-mail (double opt-in); an unconfirmed alert is deleted after
// AlertConfirmDays, an unsubscribed one at once.
type SearchAlert struct {
	ID          int64
	Email       string
	Query       string    // the car list's normalised query ("marque=Peugeot&prix_max=15000")
	CreatedAt   time.Time //
	ConfirmedAt time.Time // zero until confirmed
	LastSentAt  time.Time // the last digest, zero when none
	SeenUntil   time.Time // cars published or cheaper after this are news
}

// Confirmed reports whether the visitor confirmed the alert.
func (a *SearchAlert) Confirmed() bool { return !a.ConfirmedAt.IsZero() }

// Search alert rules.
const (
	// AlertConfirmDays is how long an unconfirmed alert waits for its confirmation.
	AlertConfirmDays = 7
	// AlertDigestEvery is the least time between two digests of one alert.
	AlertDigestEvery = 24 * time.Hour
	// AlertDigestMaxCars bounds the cars one digest lists.
	AlertDigestMaxCars = 20
	// MaxAlertsPerEmail bounds the alerts of one address (confirmed or not).
	MaxAlertsPerEmail = 10
	// MaxPendingAlertsPerEmail bounds the unconfirmed alerts of one address: past it, no more confirmation
	// e-mails go to that address (nobody can flood a stranger's mailbox through the form).
	MaxPendingAlertsPerEmail = 3
)

// PriceDrop is a published car that became cheaper.
type PriceDrop struct {
	CarID    int64
	OldPrice int // the price before the first drop in the period
	NewPrice int // the price after the last one
}
