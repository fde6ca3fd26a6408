package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/vparrot/garage/internal/garage"
	gomail "github.com/wneessen/go-mail"
)

// Outbox is the part of the store the worker uses.
type Outbox interface {
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*garage.OutboxMail, error)
	MarkMailSent(ctx context.Context, id int64, now time.Time) error
	MarkMailAttemptFailed(ctx context.Context, id int64, next time.Time, giveUp bool, reason string) error
	HastenMailRetries(ctx context.Context, now time.Time, limit int) (int64, error)
}

// Defaults of a Worker.
const (
	DefaultInterval    = 10 * time.Second
	DefaultBatch       = 20
	DefaultLease       = 5 * time.Minute
	DefaultMaxAttempts = 10
)

// retryDelays is the back-off after the 1st, 2nd, ... failed attempt; the
// last one repeats. Ten attempts span about 31 hours.
var retryDelays = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour,
}

// RetryDelay is the wait before the next try after attempts failed ones.
func RetryDelay(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	if attempts > len(retryDelays) {
		return retryDelays[len(retryDelays)-1]
	}
	return retryDelays[attempts-1]
}

// Worker sends the outbox. Several workers (one per instance) may run on
// one database: a mail is leased by exactly one of them at a time.
type Worker struct {
	Outbox      Outbox
	Transport   Transport
	From        Sender
	Log         *slog.Logger
	Now         func() time.Time // time.Now when nil
	Interval    time.Duration    // between polls; DefaultInterval when zero
	Batch       int              // mails per poll; DefaultBatch when zero
	Lease       time.Duration    // DefaultLease when zero; longer than a batch can take
	MaxAttempts int              // DefaultMaxAttempts when zero

	// outage is set when a poll could deliver nothing (the server is down);
	// recovering, once a delivery succeeds after it, until the mails that
	// failed meanwhile have all been brought forward. Only the goroutine
	// running the worker touches them.
	outage, recovering bool
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run polls the outbox until ctx ends. A batch in progress is finished
// with its own deadline, so a shutdown never leaves a mail sent but not
// marked as sent.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(context.WithoutCancel(ctx)); err != nil {
			w.Log.Warn("mail worker", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims the due mails (in batches, until none is left) and tries
// to send them. It returns how many were sent. After an outage, the first
// delivery also brings forward up to a batch of the mails that failed
// meanwhile. RunOnce is not safe for concurrent use on one Worker.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	batch := w.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	lease := w.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	hastened := false
	if w.recovering {
		hastened = true
		if err := w.hasten(ctx, batch); err != nil {
			return 0, err
		}
	}
	for {
		mails, err := w.Outbox.ClaimMail(ctx, w.now(), lease, batch)
		if err != nil || len(mails) == 0 {
			return sent, err
		}
		n, delivered, err := w.sendBatch(ctx, mails)
		sent += n
		if err != nil {
			return sent, err
		}
		if !delivered {
			w.outage = true
			return sent, nil // the server is down: wait for the next poll
		}
		if w.outage {
			// The server answers again: the mails that failed during the outage need not sit out
			// their back-off (up to 6 hours).
			w.outage, w.recovering = false, true
		}
		if w.recovering && !hastened {
			hastened = true
			if err := w.hasten(ctx, batch); err != nil {
				return sent, err
			}
		}
	}
}

// hasten brings forward a batch of the mails that failed during an outage:
// one batch per poll, so a long queue goes at a bounded rate, until none is
// left, once per outage, so a mail refused for itself keeps its back-off.
func (w *Worker) hasten(ctx context.Context, batch int) error {
	n, err := w.Outbox.HastenMailRetries(ctx, w.now(), batch)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Log.Info("mail server back: retrying mails that failed during the outage", "mails", n)
	}
	if n < int64(batch) {
		w.recovering = false
	}
	return nil
}

// sendBatch sends claimed mails and records each outcome. delivered is
// false when nothing at all could be sent (the server is unreachable).
func (w *Worker) sendBatch(ctx context.Context, mails []*garage.OutboxMail) (sent int, delivered bool, err error) {
	var msgs []*gomail.Msg
	var rows []*garage.OutboxMail
	for _, m := range mails {
		msg, err := Build(m, w.From)
		if err != nil {
			if rerr := w.fail(ctx, m, err); rerr != nil {
				return sent, false, rerr
			}
			continue
		}
		msgs, rows = append(msgs, msg), append(rows, m)
	}
	if len(msgs) == 0 {
		return 0, true, nil
	}
	errs := w.Transport.Send(ctx, msgs)
	for i, m := range rows {
		if errs[i] != nil {
			if rerr := w.fail(ctx, m, errs[i]); rerr != nil {
				return sent, delivered, rerr
			}
			continue
		}
		delivered = true
		if err := w.Outbox.MarkMailSent(ctx, m.ID, w.now()); err != nil {
			return sent, delivered, err
		}
		sent++
		w.Log.Info("mail sent", "id", m.ID, "kind", m.Kind)
	}
	return sent, delivered, nil
}

// fail records a failed attempt: retried later with back-off, or failed
// for good after MaxAttempts or when the mail itself is invalid.
func (w *Worker) fail(ctx context.Context, m *garage.OutboxMail, cause error) error {
	maxAttempts := w.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	attempts := m.Attempts + 1
	giveUp := attempts >= maxAttempts || errors.Is(cause, errPermanent)
	next := w.now().Add(RetryDelay(attempts))
	if giveUp {
		w.Log.Error("mail failed for good", "id", m.ID, "kind", m.Kind, "attempts", attempts, "error", cause.Error())
	} else {
		w.Log.Warn("mail not sent, will retry", "id", m.ID, "kind", m.Kind, "attempts", attempts,
			"retry_at", next.UTC().Format(time.RFC3339), "error", cause.Error())
	}
	return w.Outbox.MarkMailAttemptFailed(ctx, m.ID, next, giveUp, cause.Error())
}
