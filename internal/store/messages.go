package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// messageColumns are read FROM messageFrom: the message, its lead fields
// and the name of the staff member who handles it.
const messageColumns = `m.id, m.last_name, m.first_name, m.email, m.phone, m.subject, m.body, m.car_id, m.status, m.note,
 m.read_at, m.created_at, m.updated_at, m.kind, m.details, m.assignee_id, m.due_at, m.first_answer_at,
 COALESCE(u.first_name || ' ' || u.last_name, '')`

const messageFrom = ` FROM messages m LEFT JOIN users u ON u.id = m.assignee_id`

func scanMessage(row scanner) (*garage.Message, error) {
	var m garage.Message
	var car, assignee sql.NullInt64
	var read, due, answered sql.NullTime
	var details string
	if err := row.Scan(&m.ID, &m.LastName, &m.FirstName, &m.Email, &m.Phone, &m.Subject, &m.Body, &car,
		&m.Status, &m.Note, &read, &m.CreatedAt, &m.UpdatedAt, &m.Kind, &details, &assignee, &due, &answered,
		&m.AssigneeName); err != nil {
		return nil, err
	}
	m.CarID, m.AssigneeID = idPtr(car), idPtr(assignee)
	m.ReadAt, m.DueAt, m.FirstAnswerAt = timePtr(read), timePtr(due), timePtr(answered)
	if details != "" {
		if err := json.Unmarshal([]byte(details), &m.Details); err != nil {
			return nil, fmt.Errorf("message %d details: %w", m.ID, err)
		}
	}
	return &m, nil
}

func idPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	id := n.Int64
	return &id
}

func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// CreateMessage stores m and, in the same transaction, the notification
// e-mail that notify builds from the stored message (it may return nil for
// no mail). Either both are stored or neither: a message is never lost
// and never announced without being kept.
func (s *Store) CreateMessage(ctx context.Context, m *garage.Message, notify func(*garage.Message) (*garage.OutboxMail, error), now time.Time) (err error) {
	return s.CreateMessageOnce(ctx, "", m, notify, now)
}

// CreateMessageOnce is CreateMessage for a visitor's form: key
// (garage.SubmissionKey) is claimed in the same transaction, and a second
// submission with the same key stores nothing and returns
// ErrAlreadySubmitted.
func (s *Store) CreateMessageOnce(ctx context.Context, key string, m *garage.Message, notify func(*garage.Message) (*garage.OutboxMail, error), now time.Time) (err error) {
	return s.CreateLeadOnce(ctx, key, m, func(m *garage.Message) ([]*garage.OutboxMail, error) {
		if notify == nil {
			return nil, nil
		}
		mail, err := notify(m)
		if err != nil || mail == nil {
			return nil, err
		}
		return []*garage.OutboxMail{mail}, nil
	}, now)
}

// CreateLead stores lead m (a message of any kind) with its deadline, and
// in the same transaction the e-mails that mails builds from it (the
// garage's notification, the visitor's acknowledgement).
func (s *Store) CreateLead(ctx context.Context, m *garage.Message, mails func(*garage.Message) ([]*garage.OutboxMail, error), now time.Time) (err error) {
	return s.CreateLeadOnce(ctx, "", m, mails, now)
}

// CreateLeadOnce is CreateLead for a visitor's form, claiming key
// (garage.SubmissionKey) in the same transaction: a retried submission
// stores nothing and returns ErrAlreadySubmitted.
func (s *Store) CreateLeadOnce(ctx context.Context, key string, m *garage.Message, mails func(*garage.Message) ([]*garage.OutboxMail, error), now time.Time) (err error) {
	defer wrap(&err, "create message")
	now = now.UTC()
	if m.Status == "" {
		m.Status = garage.MessageNew
	}
	if m.Kind == "" {
		m.Kind = garage.LeadMessage
	}
	if m.DueAt == nil && m.Status != garage.MessageSpam {
		if m.DueAt, err = s.responseDue(ctx, now); err != nil {
			return err
		}
	}
	details, err := marshalDetails(m.Details)
	if err != nil {
		return err
	}
	return s.inTxOnce(ctx, key, now, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO messages (last_name, first_name, email, phone, subject, body, car_id, status, created_at, updated_at,
			   kind, details, assignee_id, due_at, first_answer_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14) RETURNING id`,
			m.LastName, m.FirstName, m.Email, m.Phone, m.Subject, m.Body, nullID(m.CarID), string(m.Status), now,
			string(m.Kind), details, nullID(m.AssigneeID), nullTime(m.DueAt), nullTime(m.FirstAnswerAt)).Scan(&m.ID)
		if err != nil {
			return err
		}
		m.CreatedAt, m.UpdatedAt = now, now
		if mails == nil {
			return nil
		}
		list, err := mails(m)
		if err != nil {
			return err
		}
		for _, mail := range list {
			if err := enqueueMail(ctx, tx, mail, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// enqueueNotification queues the mail notify builds from v, if any, in the
// transaction of the change it tells about.
func enqueueNotification[T any](ctx context.Context, tx *sql.Tx, notify func(T) (*garage.OutboxMail, error), v T, now time.Time) error {
	if notify == nil {
		return nil
	}
	mail, err := notify(v)
	if err != nil || mail == nil {
		return err
	}
	return enqueueMail(ctx, tx, mail, now)
}

// MessageByID returns one message.
func (s *Store) MessageByID(ctx context.Context, id int64) (m *garage.Message, err error) {
	defer wrap(&err, "read message %d", id)
	return scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageColumns+messageFrom+` WHERE m.id = $1`, id))
}

// ListMessages returns messages newest first: of one status, of the open
// ones (garage.MessagesOpen), or all when status is empty.
func (s *Store) ListMessages(ctx context.Context, status garage.MessageStatus, limit, offset int) (list []*garage.Message, err error) {
	defer wrap(&err, "list messages")
	return queryAll(ctx, s.db, scanMessage,
		`SELECT `+messageColumns+messageFrom+` WHERE $1 = '' OR m.status = $1 OR ($1 = 'open' AND m.status IN ('new', 'in_progress'))
		  ORDER BY m.id DESC LIMIT $2 OFFSET $3`,
		string(status), limit, offset)
}

// CountMessagesByStatus returns the number of messages of each status.
func (s *Store) CountMessagesByStatus(ctx context.Context) (counts map[garage.MessageStatus]int, err error) {
	defer wrap(&err, "count messages")
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM messages GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts = map[garage.MessageStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		counts[garage.MessageStatus(st)] = n
	}
	return counts, rows.Err()
}

// CountUnreadMessages counts the new messages nobody has opened yet (the
// back office's badge).
func (s *Store) CountUnreadMessages(ctx context.Context) (n int, err error) {
	defer wrap(&err, "count unread messages")
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE status = 'new' AND read_at IS NULL`).Scan(&n)
	return n, err
}

// MarkMessageRead records the first time a member of staff opened it: a
// new message opened is no longer new but in progress.
func (s *Store) MarkMessageRead(ctx context.Context, id int64, now time.Time) (err error) {
	defer wrap(&err, "mark message %d read", id)
	_, err = s.db.ExecContext(ctx, `UPDATE messages SET read_at = $1,
		status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END
		WHERE id = $2 AND read_at IS NULL`, now.UTC(), id)
	return err
}

// UpdateMessage sets a message's status and internal note and returns the
// message as it was before.
func (s *Store) UpdateMessage(ctx context.Context, id int64, status garage.MessageStatus, note string, now time.Time, by garage.Actor) (before *garage.Message, err error) {
	defer wrap(&err, "update message %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err = s.lockMessage(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE messages SET status = $1, note = $2, updated_at = $3 WHERE id = $4`,
			string(status), note, now.UTC(), id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "message.update", garage.Target("message", id), map[string]string{
			"status_before": string(before.Status), "status_after": string(status),
			"note_before": before.Note, "note_after": note,
		})
	})
	return before, err
}

// DeleteMessagesUpdatedBefore deletes the messages last touched before t
// (the retention period the privacy page announces).
func (s *Store) DeleteMessagesUpdatedBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "delete old messages")
	return rowsAffected(s.db.ExecContext(ctx, `DELETE FROM messages WHERE updated_at < $1`, t.UTC()))
}
