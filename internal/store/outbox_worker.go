package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// skipLockedClause is the one place where claiming mail differs between the
// engines. PostgreSQL skips rows another instance's transaction holds, so
// two workers never pick the same row. SQLite has no row locks: every
// transaction takes the write lock up front (_txlock=immediate), which
// serializes claimers on its own.
func (s *Store) skipLockedClause() string {
	if s.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// ClaimMail leases up to limit due, pending mails until now+lease and
// returns them, oldest first. A leased mail is invisible to other workers
// until its lease ends, so a worker that dies mid-send only delays it.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []*garage.OutboxMail, err error) {
	defer wrap(&err, "claim mail")
	var list []*garage.OutboxMail
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT id FROM mail_outbox
			  WHERE status = 'pending' AND next_attempt_at <= $1 AND locked_until <= $1
			  ORDER BY next_attempt_at, id LIMIT $2`+s.skipLockedClause(), now.Unix(), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := now.Add(lease).Unix()
		for _, id := range ids {
			m, err := scanOutbox(tx.QueryRowContext(ctx,
				`UPDATE mail_outbox SET locked_until = $1 WHERE id = $2 RETURNING `+outboxColumns, until, id))
			if err != nil {
				return err
			}
			list = append(list, m)
		}
		return nil
	})
	return list, err
}

// MarkMailSent records a delivered mail and releases its lease.
func (s *Store) MarkMailSent(ctx context.Context, id int64, now time.Time) (err error) {
	defer wrap(&err, "mark mail %d sent", id)
	return affectedOne(s.db.ExecContext(ctx,
		`UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, sent_at = $1, locked_until = 0, last_error = ''
		  WHERE id = $2`, now.UTC(), id))
}

// MarkMailAttemptFailed records a failed delivery. The mail is tried again
// at next, or, when giveUp is set, it is marked failed for good.
func (s *Store) MarkMailAttemptFailed(ctx context.Context, id int64, next time.Time, giveUp bool, reason string) (err error) {
	defer wrap(&err, "mark mail %d failed", id)
	status := "pending"
	if giveUp {
		status = "failed"
	}
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	return affectedOne(s.db.ExecContext(ctx,
		`UPDATE mail_outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2, locked_until = 0, last_error = $3
		  WHERE id = $4`, status, next.Unix(), reason, id))
}

// HastenMailRetries makes up to limit pending mails that already failed
// (and wait for their back-off) due at now, the longest-waiting first, and
// returns how many. The worker calls it when the mail server answers again
// after an outage, so that the back-off does not outlast the outage by hours.
func (s *Store) HastenMailRetries(ctx context.Context, now time.Time, limit int) (n int64, err error) {
	defer wrap(&err, "hasten mail retries")
	return rowsAffected(s.db.ExecContext(ctx,
		`UPDATE mail_outbox SET next_attempt_at = $1
		  WHERE id IN (SELECT id FROM mail_outbox
		                WHERE status = 'pending' AND attempts > 0 AND next_attempt_at > $1
		                ORDER BY next_attempt_at, id LIMIT $2)`, now.Unix(), limit))
}

// OutboxCounts returns how many mails are waiting and how many failed for good.
func (s *Store) OutboxCounts(ctx context.Context) (pending, failed int, err error) {
	defer wrap(&err, "count outbox")
	err = s.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0)
		   FROM mail_outbox WHERE status <> 'sent'`).Scan(&pending, &failed)
	return pending, failed, err
}

const outboxColumns = `id, kind, to_addr, to_name, reply_to, subject, body_text, body_html, headers, attachments,
	status, attempts, next_attempt_at, last_error, created_at, sent_at`

func scanOutbox(row scanner) (*garage.OutboxMail, error) {
	var m garage.OutboxMail
	var next int64
	var sent sql.NullTime
	var headers, attachments string
	if err := row.Scan(&m.ID, &m.Kind, &m.To, &m.ToName, &m.ReplyTo, &m.Subject, &m.Text, &m.HTML, &headers, &attachments,
		&m.Status, &m.Attempts, &next, &m.LastError, &m.CreatedAt, &sent); err != nil {
		return nil, err
	}
	var err error
	if m.Headers, err = decodeJSONList[garage.MailHeader](headers); err != nil {
		return nil, err
	}
	if m.Attachments, err = decodeJSONList[garage.MailAttachment](attachments); err != nil {
		return nil, err
	}
	m.NextAttemptAt = time.Unix(next, 0)
	if sent.Valid {
		t := sent.Time
		m.SentAt = &t
	}
	return &m, nil
}
