package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// ErrTooManyAlerts is returned by CreateAlert when the address has reached
// garage.MaxAlertsPerEmail alerts or garage.MaxPendingAlertsPerEmail
// unconfirmed ones: nothing is stored and no e-mail goes out.
var ErrTooManyAlerts = errors.New("too many alerts for this address")

const alertColumns = `a.id, a.email, a.query, a.created_at, a.confirmed_at, a.last_sent_at, a.seen_until`

func scanAlert(sc scanner) (*garage.SearchAlert, error) {
	var a garage.SearchAlert
	var created, confirmed, sent, seen int64
	if err := sc.Scan(&a.ID, &a.Email, &a.Query, &created, &confirmed, &sent, &seen); err != nil {
		return nil, err
	}
	a.CreatedAt, a.ConfirmedAt, a.LastSentAt, a.SeenUntil = unixOrZero(created), unixOrZero(confirmed), unixOrZero(sent), unixOrZero(seen)
	return &a, nil
}

// CreateAlert stores an unconfirmed alert with its first link (tokenHash)
// and, in the same transaction, the confirmation e-mail that confirm makes
// from the stored alert. It returns ErrTooManyAlerts past the per-address
// limits, counted under a lock on the address so that simultaneous requests
// cannot pass them together.
func (s *Store) CreateAlert(ctx context.Context, a *garage.SearchAlert, tokenHash string,
	confirm func(*garage.SearchAlert) (*garage.OutboxMail, error), now time.Time) (err error) {
	defer wrap(&err, "create alert")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('alert:' || lower($1)))`, a.Email); err != nil {
				return err
			}
		}
		var all, pending int
		err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN confirmed_at = 0 THEN 1 ELSE 0 END), 0)
			FROM search_alerts WHERE lower(email) = lower($1)`, a.Email).Scan(&all, &pending)
		if err != nil {
			return err
		}
		if all >= garage.MaxAlertsPerEmail || pending >= garage.MaxPendingAlertsPerEmail {
			return ErrTooManyAlerts
		}
		a.CreatedAt = time.Unix(now.Unix(), 0).UTC()
		a.ConfirmedAt, a.LastSentAt, a.SeenUntil = time.Time{}, time.Time{}, time.Time{}
		if err := tx.QueryRowContext(ctx, `INSERT INTO search_alerts (email, query, created_at) VALUES ($1, $2, $3) RETURNING id`,
			a.Email, a.Query, now.Unix()).Scan(&a.ID); err != nil {
			return err
		}
		if err := addAlertLink(ctx, tx, a.ID, tokenHash, now); err != nil {
			return err
		}
		if confirm == nil {
			return nil
		}
		m, err := confirm(a)
		if err != nil {
			return err
		}
		return enqueueMail(ctx, tx, m, now)
	})
}

func addAlertLink(ctx context.Context, q querier, alertID int64, tokenHash string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO search_alert_links (token_hash, alert_id, created_at) VALUES ($1, $2, $3)`,
		tokenHash, alertID, now.Unix())
	return err
}

// AlertByToken returns the alert a personal link opens.
func (s *Store) AlertByToken(ctx context.Context, tokenHash string) (a *garage.SearchAlert, err error) {
	defer wrap(&err, "read alert by link")
	return scanAlert(s.db.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM search_alerts a
		JOIN search_alert_links l ON l.alert_id = a.id WHERE l.token_hash = $1`, tokenHash))
}

// ConfirmAlert confirms the alert of a personal link (once: a second call
// changes nothing); cars published from now on are news for it.
func (s *Store) ConfirmAlert(ctx context.Context, tokenHash string, now time.Time) (a *garage.SearchAlert, err error) {
	defer wrap(&err, "confirm alert")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE search_alerts SET confirmed_at = $1, seen_until = $1
			WHERE confirmed_at = 0 AND id = (SELECT alert_id FROM search_alert_links WHERE token_hash = $2)`, now.Unix(), tokenHash)
		if err != nil {
			return err
		}
		a, err = scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM search_alerts a
			JOIN search_alert_links l ON l.alert_id = a.id WHERE l.token_hash = $1`, tokenHash))
		return err
	})
	return a, err
}

// AlertsOfEmail lists the alerts of an address (any case), oldest first.
func (s *Store) AlertsOfEmail(ctx context.Context, email string) (_ []*garage.SearchAlert, err error) {
	defer wrap(&err, "list alerts of address")
	return queryAll(ctx, s.db, scanAlert, `SELECT `+alertColumns+` FROM search_alerts a WHERE lower(a.email) = lower($1) ORDER BY a.id`, email)
}

// DeleteAlertByToken deletes the alert of a personal link, its links with
// it (the one-click unsubscribe). ErrNotFound when the link is unknown.
func (s *Store) DeleteAlertByToken(ctx context.Context, tokenHash string) (err error) {
	defer wrap(&err, "delete alert by link")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT alert_id FROM search_alert_links WHERE token_hash = $1`, tokenHash).Scan(&id); err != nil {
			return err
		}
		return deleteAlert(ctx, tx, id)
	})
}

// DeleteAlertOfOwner deletes alert id if it belongs to the address of the
// personal link tokenHash (the management page lists all of an address's
// alerts). ErrNotFound otherwise.
func (s *Store) DeleteAlertOfOwner(ctx context.Context, tokenHash string, id int64) (err error) {
	defer wrap(&err, "delete alert %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM search_alerts a, search_alerts o
			JOIN search_alert_links l ON l.alert_id = o.id
			WHERE l.token_hash = $1 AND a.id = $2 AND lower(a.email) = lower(o.email)`, tokenHash, id).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return deleteAlert(ctx, tx, id)
	})
}

func deleteAlert(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_alert_links WHERE alert_id = $1`, id); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM search_alerts WHERE id = $1`, id)
	return affectedOne(res, err)
}

// DeleteUnconfirmedAlertsBefore deletes the alerts still unconfirmed that
// were made before t, with their links (the janitor, after
// garage.AlertConfirmDays).
func (s *Store) DeleteUnconfirmedAlertsBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete unconfirmed alerts")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_alert_links WHERE alert_id IN
			(SELECT id FROM search_alerts WHERE confirmed_at = 0 AND created_at < $1)`, t.Unix()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM search_alerts WHERE confirmed_at = 0 AND created_at < $1`, t.Unix())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// DeletePriceDropsBefore forgets the price drops older than t: every alert
// has had its digest by then.
func (s *Store) DeletePriceDropsBefore(ctx context.Context, t time.Time) (_ int64, err error) {
	defer wrap(&err, "delete old price drops")
	res, err := s.db.ExecContext(ctx, `DELETE FROM car_price_drops WHERE at < $1`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DueAlerts lists the confirmed alerts whose next digest may go out at now:
// never sent, or sent garage.AlertDigestEvery ago or more.
func (s *Store) DueAlerts(ctx context.Context, now time.Time) (_ []*garage.SearchAlert, err error) {
	defer wrap(&err, "list due alerts")
	return queryAll(ctx, s.db, scanAlert, `SELECT `+alertColumns+` FROM search_alerts a
		WHERE a.confirmed_at > 0 AND a.last_sent_at <= $1 ORDER BY a.id`, now.Add(-garage.AlertDigestEvery).Unix())
}

// PriceDropsSince returns the published cars whose price dropped after
// since, by car: the price before the first drop and the current one.
func (s *Store) PriceDropsSince(ctx context.Context, since time.Time) (_ map[int64]garage.PriceDrop, err error) {
	defer wrap(&err, "list price drops")
	rows, err := s.db.QueryContext(ctx, `SELECT d.car_id, d.old_price, c.price FROM car_price_drops d JOIN cars c ON c.id = d.car_id
		WHERE d.at > $1 AND c.status = 'published' ORDER BY d.at, d.id`, since.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]garage.PriceDrop{}
	for rows.Next() {
		var d garage.PriceDrop
		if err := rows.Scan(&d.CarID, &d.OldPrice, &d.NewPrice); err != nil {
			return nil, err
		}
		if first, ok := out[d.CarID]; ok {
			d.OldPrice = first.OldPrice
		}
		out[d.CarID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, d := range out {
		if d.NewPrice >= d.OldPrice { // up again since: no news
			delete(out, id)
		}
	}
	return out, nil
}

// RecordAlertDigest queues the digest m of alert a with its fresh link
// (tokenHash) and moves the alert's marks to now, all in one transaction,
// if nobody did since a was read (a.LastSentAt unchanged): two instances
// running the job at once send one digest. It reports whether it did.
func (s *Store) RecordAlertDigest(ctx context.Context, a *garage.SearchAlert, tokenHash string, m *garage.OutboxMail, now time.Time) (sent bool, err error) {
	defer wrap(&err, "record digest of alert %d", a.ID)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE search_alerts SET last_sent_at = $1, seen_until = $1
			WHERE id = $2 AND last_sent_at = $3 AND confirmed_at > 0`, now.Unix(), a.ID, unixOf(a.LastSentAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if err := addAlertLink(ctx, tx, a.ID, tokenHash, now); err != nil {
			return err
		}
		if err := enqueueMail(ctx, tx, m, now); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent && err == nil, err
}
