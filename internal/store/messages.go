package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

const messageColumns = `id, last_name, first_name, email, phone, subject, body, car_id, status, note, read_at, created_at, updated_at`

func scanMessage(row interface{ Scan(...any) error }) (*garage.Message, error) {
	var m garage.Message
	var car sql.NullInt64
	var read sql.NullTime
	if err := row.Scan(&m.ID, &m.LastName, &m.FirstName, &m.Email, &m.Phone, &m.Subject, &m.Body, &car,
		&m.Status, &m.Note, &read, &m.CreatedAt, &m.UpdatedAt); err != nil {
		return nil, translate(err)
	}
	if car.Valid {
		id := car.Int64
		m.CarID = &id
	}
	if read.Valid {
		t := read.Time
		m.ReadAt = &t
	}
	return &m, nil
}

// CreateMessage stores m and, in the same transaction, the notification
// e-mail that notify builds from the stored message (it may return nil for
// no mail). Either both are stored or neither: a message is never lost
// and never announced without being kept.
func (s *Store) CreateMessage(ctx context.Context, m *garage.Message, notify func(*garage.Message) *garage.OutboxMail, now time.Time) error {
	now = now.UTC()
	if m.Status == "" {
		m.Status = garage.MessageNew
	}
	var car sql.NullInt64
	if m.CarID != nil {
		car = sql.NullInt64{Int64: *m.CarID, Valid: true}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO messages (last_name, first_name, email, phone, subject, body, car_id, status, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			m.LastName, m.FirstName, m.Email, m.Phone, m.Subject, m.Body, car, string(m.Status), now).Scan(&m.ID)
		if err != nil {
			return translate(err)
		}
		m.CreatedAt, m.UpdatedAt = now, now
		if notify == nil {
			return nil
		}
		if mail := notify(m); mail != nil {
			return enqueueMail(ctx, tx, mail, now)
		}
		return nil
	})
}

// MessageByID returns one message.
func (s *Store) MessageByID(ctx context.Context, id int64) (*garage.Message, error) {
	return scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
}

// ListMessages returns messages newest first: of one status, of the open
// ones (garage.MessagesOpen), or all when status is empty.
func (s *Store) ListMessages(ctx context.Context, status garage.MessageStatus, limit, offset int) ([]*garage.Message, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE $1 = '' OR status = $1 OR ($1 = 'open' AND status IN ('new', 'in_progress'))
		  ORDER BY id DESC LIMIT $2 OFFSET $3`,
		string(status), limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*garage.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// CountMessagesByStatus returns the number of messages of each status.
func (s *Store) CountMessagesByStatus(ctx context.Context) (map[garage.MessageStatus]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM messages GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[garage.MessageStatus]int{}
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
func (s *Store) CountUnreadMessages(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE status = 'new' AND read_at IS NULL`).Scan(&n)
	return n, err
}

// MarkMessageRead records the first time a member of staff opened it.
func (s *Store) MarkMessageRead(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL`, now.UTC(), id)
	return err
}

// UpdateMessage sets a message's status and internal note and returns the
// message as it was before.
func (s *Store) UpdateMessage(ctx context.Context, id int64, status garage.MessageStatus, note string, now time.Time) (before *garage.Message, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		before, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET status = $1, note = $2, updated_at = $3 WHERE id = $4`,
			string(status), note, now.UTC(), id)
		return err
	})
	return before, err
}

// DeleteMessagesUpdatedBefore deletes the messages last touched before t
// (the retention period the privacy page announces).
func (s *Store) DeleteMessagesUpdatedBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM messages WHERE updated_at < $1`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
