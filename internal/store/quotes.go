package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// Quotes (garage/quotes.go): drafts, numbering without gaps when sent, the
// customer's answer through the quote's link. Every change writes its audit
// row, and its e-mail, in its own transaction.

const quoteColumns = `id, year, seq, number, previous_id, message_id, status, name, email, phone, plate, vehicle, notes,
	lines, vat_bp, total_ht, total_vat, total_ttc, valid_until, created_at, updated_at, sent_at, answered_at,
	accepted_name, answer_ip, answer_agent, content_hash, refusal_reason`

func scanQuote(row scanner) (*garage.Quote, error) {
	var q garage.Quote
	var year, seq sql.NullInt64
	var number sql.NullString
	var prev, msg sql.NullInt64
	var status, lines, until string
	var sent, answered sql.NullTime
	if err := row.Scan(&q.ID, &year, &seq, &number, &prev, &msg, &status, &q.Name, &q.Email, &q.Phone, &q.Plate,
		&q.Vehicle, &q.Notes, &lines, &q.VAT, &q.Totals.HT, &q.Totals.VAT, &q.Totals.TTC, &until, &q.CreatedAt,
		&q.UpdatedAt, &sent, &answered, &q.AcceptedName, &q.AnswerIP, &q.AnswerAgent, &q.ContentHash,
		&q.RefusalReason); err != nil {
		return nil, err
	}
	q.Year, q.Seq, q.Number, q.Status = int(year.Int64), int(seq.Int64), number.String, garage.QuoteStatus(status)
	if prev.Valid {
		q.PreviousID = &prev.Int64
	}
	if msg.Valid {
		q.MessageID = &msg.Int64
	}
	if sent.Valid {
		t := sent.Time.UTC()
		q.SentAt = &t
	}
	if answered.Valid {
		t := answered.Time.UTC()
		q.AnsweredAt = &t
	}
	q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(lines), &q.Lines); err != nil {
		return nil, fmt.Errorf("lines of quote %d: %w", q.ID, err)
	}
	v, err := time.Parse("2006-01-02", until)
	if err != nil {
		return nil, fmt.Errorf("validity of quote %d: %w", q.ID, err)
	}
	q.ValidUntil = v
	return &q, nil
}

func nullInt64(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// QuoteByID returns quote id.
func (s *Store) QuoteByID(ctx context.Context, id int64) (q *garage.Quote, err error) {
	defer wrap(&err, "read quote %d", id)
	return scanQuote(s.db.QueryRowContext(ctx, `SELECT `+quoteColumns+` FROM quotes WHERE id = $1`, id))
}

// QuoteByToken returns the sent quote of a customer's link.
func (s *Store) QuoteByToken(ctx context.Context, tokenHash string) (q *garage.Quote, err error) {
	defer wrap(&err, "read quote by link")
	return scanQuote(s.db.QueryRowContext(ctx, `SELECT `+quoteColumns+` FROM quotes WHERE token_hash = $1`, tokenHash))
}

// ListQuotes returns the quotes of status (garage.QuoteExpired: the sent
// ones past their validity at now; "" for all), newest first.
func (s *Store) ListQuotes(ctx context.Context, status garage.QuoteStatus, now time.Time, limit int) (list []*garage.Quote, err error) {
	defer wrap(&err, "list quotes")
	today := garage.DateOnlyParis(now).Format("2006-01-02")
	return queryAll(ctx, s.db, scanQuote,
		`SELECT `+quoteColumns+` FROM quotes
		  WHERE $1 = ''
		     OR ($1 = 'expire' AND status = 'envoye' AND valid_until < $2)
		     OR ($1 = 'envoye' AND status = 'envoye' AND valid_until >= $2)
		     OR ($1 NOT IN ('expire', 'envoye') AND status = $1)
		  ORDER BY id DESC LIMIT $3`, string(status), today, limit)
}

// QuotesOfMessage returns the quotes answering quote request id.
func (s *Store) QuotesOfMessage(ctx context.Context, id int64) (list []*garage.Quote, err error) {
	defer wrap(&err, "list quotes of message %d", id)
	return queryAll(ctx, s.db, scanQuote, `SELECT `+quoteColumns+` FROM quotes WHERE message_id = $1 ORDER BY id`, id)
}

// CreateQuote stores q as a draft, its totals recomputed.
func (s *Store) CreateQuote(ctx context.Context, q *garage.Quote, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "create quote")
	q.Reprice()
	lines, err := json.Marshal(q.Lines)
	if err != nil {
		return err
	}
	now = now.UTC()
	q.Status, q.CreatedAt, q.UpdatedAt = garage.QuoteDraft, now, now
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO quotes (previous_id, message_id, status, name, email, phone, plate, vehicle, notes, lines, vat_bp,
			   total_ht, total_vat, total_ttc, valid_until, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			nullInt64(q.PreviousID), nullInt64(q.MessageID), string(q.Status), q.Name, q.Email, q.Phone, q.Plate,
			q.Vehicle, q.Notes, string(lines), q.VAT, q.Totals.HT, q.Totals.VAT, q.Totals.TTC,
			q.ValidUntil.Format("2006-01-02"), now).Scan(&q.ID); err != nil {
			return err
		}
		details := map[string]string{"name": q.Name, "total_ttc": strconv.FormatInt(q.Totals.TTC, 10)}
		if q.PreviousID != nil {
			details["previous"] = strconv.FormatInt(*q.PreviousID, 10)
		}
		return audit(ctx, tx, by, now, "quote.create", garage.Target("quote", q.ID), details)
	})
}

// lockQuote reads quote id in tx, its row locked on PostgreSQL.
func (s *Store) lockQuote(ctx context.Context, tx *sql.Tx, where string, arg any) (*garage.Quote, error) {
	return scanQuote(tx.QueryRowContext(ctx, `SELECT `+quoteColumns+` FROM quotes WHERE `+where+` = $1`+s.forUpdate(), arg))
}

// UpdateQuote replaces a draft's customer, lines, notes and validity, its
// totals recomputed; a quote no longer a draft is refused with
// garage.ErrQuoteNotEditable.
func (s *Store) UpdateQuote(ctx context.Context, q *garage.Quote, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "update quote %d", q.ID)
	q.Reprice()
	lines, err := json.Marshal(q.Lines)
	if err != nil {
		return err
	}
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.lockQuote(ctx, tx, "id", q.ID)
		if err != nil {
			return err
		}
		if !before.Editable() {
			return garage.ErrQuoteNotEditable
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE quotes SET name = $1, email = $2, phone = $3, plate = $4, vehicle = $5, notes = $6, lines = $7,
			   vat_bp = $8, total_ht = $9, total_vat = $10, total_ttc = $11, valid_until = $12, updated_at = $13
			 WHERE id = $14`,
			q.Name, q.Email, q.Phone, q.Plate, q.Vehicle, q.Notes, string(lines), q.VAT, q.Totals.HT, q.Totals.VAT,
			q.Totals.TTC, q.ValidUntil.Format("2006-01-02"), now, q.ID); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "quote.update", garage.Target("quote", q.ID), map[string]string{
			"before_ttc": strconv.FormatInt(before.Totals.TTC, 10), "after_ttc": strconv.FormatInt(q.Totals.TTC, 10),
		})
	})
}

// SendQuote numbers draft id (the next number of the year, Europe/Paris, in
// the same transaction as the year's counter: no gap, no duplicate), keeps
// the SHA-256 of its link's token and queues the e-mail mail builds from
// the numbered quote. A quote no longer a draft is refused with
// garage.ErrQuoteNotEditable.
func (s *Store) SendQuote(ctx context.Context, id int64, tokenHash string, mail func(*garage.Quote) (*garage.OutboxMail, error), now time.Time, by garage.Actor) (q *garage.Quote, err error) {
	defer wrap(&err, "send quote %d", id)
	now = now.UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if q, err = s.lockQuote(ctx, tx, "id", id); err != nil {
			return err
		}
		if !q.Status.CanBecome(garage.QuoteSent) {
			return garage.ErrQuoteNotEditable
		}
		year := now.In(hours.Paris()).Year()
		var seq int
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO quote_counters (year, last) VALUES ($1, 1)
			 ON CONFLICT (year) DO UPDATE SET last = quote_counters.last + 1 RETURNING last`, year).Scan(&seq); err != nil {
			return err
		}
		q.Year, q.Seq, q.Number = year, seq, garage.QuoteNumber(year, seq)
		q.Status, q.SentAt, q.UpdatedAt = garage.QuoteSent, &now, now
		if _, err := tx.ExecContext(ctx,
			`UPDATE quotes SET year = $1, seq = $2, number = $3, status = $4, sent_at = $5, updated_at = $5, token_hash = $6
			 WHERE id = $7`, year, seq, q.Number, string(q.Status), now, tokenHash, id); err != nil {
			return err
		}
		if mail != nil {
			out, err := mail(q)
			if err != nil {
				return err
			}
			if err := enqueueMail(ctx, tx, out, now); err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, now, "quote.send", garage.Target("quote", id), map[string]string{
			"number": q.Number, "to": q.Email, "total_ttc": strconv.FormatInt(q.Totals.TTC, 10),
		})
	})
	return q, err
}

// AnswerQuote records the customer's answer through the link whose token
// hashes to tokenHash: accepted (the typed name, time, address, browser and
// the SHA-256 of the exact content accepted) or refused (the reason), and
// queues the garage's notification, all in one transaction. A wrong link is
// ErrNotFound; a quote already answered garage.ErrQuoteAnswered; past its
// validity garage.ErrQuoteExpired.
func (s *Store) AnswerQuote(ctx context.Context, tokenHash string, a garage.QuoteAnswer, mail func(*garage.Quote) (*garage.OutboxMail, error), now time.Time) (q *garage.Quote, err error) {
	defer wrap(&err, "answer quote")
	now = now.UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if q, err = s.lockQuote(ctx, tx, "token_hash", tokenHash); err != nil {
			return err
		}
		switch {
		case q.Status != garage.QuoteSent:
			return garage.ErrQuoteAnswered
		case q.Expired(now):
			return garage.ErrQuoteExpired
		}
		action := "quote.refuse"
		q.Status, q.AnsweredAt, q.AnswerIP, q.AnswerAgent = garage.QuoteRefused, &now, a.IP, a.Agent
		if a.Accept {
			action = "quote.accept"
			q.Status, q.AcceptedName, q.ContentHash = garage.QuoteAccepted, a.Name, q.ContentSHA256()
		} else {
			q.RefusalReason = a.Reason
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE quotes SET status = $1, answered_at = $2, updated_at = $2, accepted_name = $3, answer_ip = $4,
			   answer_agent = $5, content_hash = $6, refusal_reason = $7 WHERE id = $8 AND status = 'envoye'`,
			string(q.Status), now, q.AcceptedName, q.AnswerIP, q.AnswerAgent, q.ContentHash, q.RefusalReason, q.ID); err != nil {
			return err
		}
		if mail != nil {
			out, err := mail(q)
			if err != nil {
				return err
			}
			if out != nil {
				if err := enqueueMail(ctx, tx, out, now); err != nil {
					return err
				}
			}
		}
		details := map[string]string{"number": q.Number}
		if a.Accept {
			details["name"], details["sha256"] = a.Name, q.ContentHash
		} else if a.Reason != "" {
			details["reason"] = a.Reason
		}
		return audit(ctx, tx, garage.Actor{Email: q.Email, IP: a.IP}, now, action, garage.Target("quote", q.ID), details)
	})
	return q, err
}

// NewQuoteVersion copies quote id (sent, accepted, refused or expired) into
// a new draft that points back to it; the draft gets its own number when
// sent. The original is left as it is.
func (s *Store) NewQuoteVersion(ctx context.Context, id int64, validUntil time.Time, now time.Time, by garage.Actor) (q *garage.Quote, err error) {
	defer wrap(&err, "new version of quote %d", id)
	old, err := s.QuoteByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.Status == garage.QuoteDraft {
		return nil, garage.ErrQuoteNotEditable
	}
	q = &garage.Quote{PreviousID: &old.ID, MessageID: old.MessageID, Name: old.Name, Email: old.Email, Phone: old.Phone,
		Plate: old.Plate, Vehicle: old.Vehicle, Notes: old.Notes, Lines: old.Lines, VAT: old.VAT, ValidUntil: validUntil}
	return q, s.CreateQuote(ctx, q, now, by)
}
