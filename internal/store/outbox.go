package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// querier is what both *sql.DB and *sql.Tx offer, so that a write can join
// a caller's transaction (e.g. a message and its notification e-mail are
// stored together or not at all).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// EnqueueMail stores m in the outbox, due now; a mail worker sends it.
func (s *Store) EnqueueMail(ctx context.Context, m *garage.OutboxMail, now time.Time) (err error) {
	defer wrap(&err, "enqueue mail")
	return enqueueMail(ctx, s.db, m, now)
}

func enqueueMail(ctx context.Context, q querier, m *garage.OutboxMail, now time.Time) error {
	now = now.UTC()
	headers, err := jsonOrEmpty(m.Headers)
	if err != nil {
		return err
	}
	attachments, err := jsonOrEmpty(m.Attachments)
	if err != nil {
		return err
	}
	err = q.QueryRowContext(ctx,
		`INSERT INTO mail_outbox (kind, to_addr, to_name, reply_to, subject, body_text, body_html, headers, attachments,
		                          next_attempt_at, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		m.Kind, m.To, m.ToName, m.ReplyTo, m.Subject, m.Text, m.HTML, headers, attachments, now.Unix(), now).Scan(&m.ID)
	if err != nil {
		return err
	}
	m.Status, m.CreatedAt, m.NextAttemptAt = "pending", now, time.Unix(now.Unix(), 0)
	return nil
}

// ListOutbox returns the outbox, newest first (for tests and the back office).
func (s *Store) ListOutbox(ctx context.Context, limit int) (_ []*garage.OutboxMail, err error) {
	defer wrap(&err, "list outbox")
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*garage.OutboxMail
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// DeleteFinishedMailBefore deletes sent or abandoned mails created before
// t: their copy of the visitor's message is not needed any more.
func (s *Store) DeleteFinishedMailBefore(ctx context.Context, t time.Time) (_ int64, err error) {
	defer wrap(&err, "delete old mail")
	res, err := s.db.ExecContext(ctx, `DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < $1`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// jsonOrEmpty encodes a list as JSON, or as "" when it is empty.
func jsonOrEmpty[T any](list []T) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("store: encode mail extras: %w", err)
	}
	return string(b), nil
}

// decodeJSONList reads what jsonOrEmpty wrote.
func decodeJSONList[T any](s string) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	var list []T
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("store: decode mail extras: %w", err)
	}
	return list, nil
}
