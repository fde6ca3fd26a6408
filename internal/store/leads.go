package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// The lead desk: messages of every kind with who handles them, their
// deadline, their first answer and the staff's replies (garage/leads.go).

func marshalDetails(d garage.LeadDetails) (string, error) {
	if d.PreferredAt == nil && d.Plate == "" && d.Make == "" && d.Model == "" && d.Year == 0 && d.Mileage == 0 &&
		d.Condition == "" && len(d.Photos) == 0 && d.Contribution == 0 && d.Months == 0 {
		return "", nil
	}
	b, err := json.Marshal(d)
	return string(b), err
}

// lockMessage reads message id in tx, its row locked on PostgreSQL (SQLite
// transactions take the write lock at their start).
func (s *Store) lockMessage(ctx context.Context, tx *sql.Tx, id int64) (*garage.Message, error) {
	var got int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE id = $1`+s.forUpdate(), id).Scan(&got); err != nil {
		return nil, err
	}
	return scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+messageFrom+` WHERE m.id = $1`, id))
}

// LeadResponseHours is the owner's response target in opening hours
// (garage.DefaultResponseHours until set).
func (s *Store) LeadResponseHours(ctx context.Context) (n int, err error) {
	defer wrap(&err, "read lead response target")
	err = s.db.QueryRowContext(ctx, `SELECT response_hours FROM lead_settings WHERE id = 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return garage.DefaultResponseHours, nil
	}
	return n, err
}

// SetLeadResponseHours sets the response target; the leads received from
// then on are due by the new target, those already received keep theirs.
func (s *Store) SetLeadResponseHours(ctx context.Context, n int, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set lead response target")
	before, err := s.LeadResponseHours(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO lead_settings (id, response_hours, updated_at) VALUES (1, $1, $2)
			 ON CONFLICT (id) DO UPDATE SET response_hours = excluded.response_hours, updated_at = excluded.updated_at`,
			n, now.UTC()); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "message.target", "", map[string]string{
			"before": strconv.Itoa(before), "after": strconv.Itoa(n),
		})
	})
}

// responseDue is when a lead received at now must have had its first
// answer (nil: never, the garage not opening in the coming weeks).
func (s *Store) responseDue(ctx context.Context, now time.Time) (*time.Time, error) {
	target, err := s.LeadResponseHours(ctx)
	if err != nil {
		return nil, err
	}
	week, err := s.OpeningHours(ctx)
	if err != nil {
		return nil, err
	}
	exceptions, err := s.ListExceptions(ctx, hours.DateOf(now.In(hours.Paris())))
	if err != nil {
		return nil, err
	}
	due := garage.ResponseDue(now, target, hours.Schedule{Week: week, Exceptions: exceptions})
	if due.IsZero() {
		return nil, nil
	}
	due = due.UTC()
	return &due, nil
}

// LeadFilter selects the leads of the lead desk.
type LeadFilter struct {
	Status     garage.MessageStatus // one status, garage.MessagesOpen, or "" for all
	Kind       garage.LeadKind      // one kind, or "" for all
	AssigneeID int64                // one staff member's leads, or 0 for everybody's
}

// lateSQL is true for a lead waiting for its first answer past its
// deadline $1.
const lateSQL = `(m.status IN ('new', 'in_progress') AND m.first_answer_at IS NULL AND m.due_at <= $1)`

// ListLeads returns the leads of f, the late ones first (oldest deadline
// first), then the others newest first.
func (s *Store) ListLeads(ctx context.Context, f LeadFilter, now time.Time, limit, offset int) (list []*garage.Message, err error) {
	defer wrap(&err, "list leads")
	return queryAll(ctx, s.db, scanMessage,
		`SELECT `+messageColumns+messageFrom+`
		  WHERE ($2 = '' OR m.status = $2 OR ($2 = 'open' AND m.status IN ('new', 'in_progress')))
		    AND ($3 = '' OR m.kind = $3) AND ($4 = 0 OR m.assignee_id = $4)
		  ORDER BY CASE WHEN `+lateSQL+` THEN 0 ELSE 1 END, CASE WHEN `+lateSQL+` THEN m.due_at END, m.id DESC
		  LIMIT $5 OFFSET $6`,
		now.UTC(), string(f.Status), string(f.Kind), f.AssigneeID, limit, offset)
}

// CountLateLeads counts the leads waiting for their first answer past
// their deadline (the back office's badge).
func (s *Store) CountLateLeads(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "count late leads")
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m WHERE `+lateSQL, now.UTC()).Scan(&n)
	return n, err
}

// AssignMessage gives lead id to staff member userID (nil: to nobody) and
// returns the lead as it was before. A disabled or unknown account is
// refused with ErrNotFound.
func (s *Store) AssignMessage(ctx context.Context, id int64, userID *int64, now time.Time, by garage.Actor) (before *garage.Message, err error) {
	defer wrap(&err, "assign message %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if before, err = s.lockMessage(ctx, tx, id); err != nil {
			return err
		}
		after := ""
		if userID != nil {
			var first, last string
			if err := tx.QueryRowContext(ctx, `SELECT first_name, last_name FROM users WHERE id = $1 AND active = TRUE`,
				*userID).Scan(&first, &last); err != nil {
				return err
			}
			after = first + " " + last
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET assignee_id = $1, updated_at = $2 WHERE id = $3`,
			nullID(userID), now.UTC(), id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "message.assign", garage.Target("message", id), map[string]string{
			"before": before.AssigneeName, "after": after,
		})
	})
	return before, err
}

// ReplyToMessage keeps reply in lead id's history, queues the e-mail that
// mail builds from the lead and the reply, records the lead's first answer
// (a new lead moves to in progress), all in one transaction.
func (s *Store) ReplyToMessage(ctx context.Context, id int64, reply *garage.LeadReply, mail func(*garage.Message, *garage.LeadReply) (*garage.OutboxMail, error), now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "reply to message %d", id)
	now = now.UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		m, err := s.lockMessage(ctx, tx, id)
		if err != nil {
			return err
		}
		reply.MessageID, reply.CreatedAt = id, now
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO message_replies (message_id, author_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			id, nullID(reply.AuthorID), reply.Author, reply.Body, now).Scan(&reply.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE messages SET first_answer_at = COALESCE(first_answer_at, $1), updated_at = $1,
			   status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END, read_at = COALESCE(read_at, $1)
			 WHERE id = $2`, now, id); err != nil {
			return err
		}
		if m.FirstAnswerAt == nil {
			m.FirstAnswerAt = &now
		}
		if mail != nil {
			out, err := mail(m, reply)
			if err != nil {
				return err
			}
			if err := enqueueMail(ctx, tx, out, now); err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, now, "message.reply", garage.Target("message", id), map[string]string{
			"to": m.Email, "reply": strconv.FormatInt(reply.ID, 10),
		})
	})
}

// MessageReplies returns a lead's replies, oldest first.
func (s *Store) MessageReplies(ctx context.Context, id int64) (list []*garage.LeadReply, err error) {
	defer wrap(&err, "list replies of message %d", id)
	return queryAll(ctx, s.db, func(row scanner) (*garage.LeadReply, error) {
		var r garage.LeadReply
		var author sql.NullInt64
		if err := row.Scan(&r.ID, &r.MessageID, &author, &r.Author, &r.Body, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.AuthorID = idPtr(author)
		return &r, nil
	}, `SELECT id, message_id, author_id, author, body, created_at FROM message_replies WHERE message_id = $1 ORDER BY id`, id)
}

// FirstAnswerTimes returns, for the leads received since since and
// answered, the time each waited for its first answer.
func (s *Store) FirstAnswerTimes(ctx context.Context, since time.Time) (list []time.Duration, err error) {
	defer wrap(&err, "read first answer times")
	return queryAll(ctx, s.db, func(row scanner) (time.Duration, error) {
		var created, answered time.Time
		if err := row.Scan(&created, &answered); err != nil {
			return 0, err
		}
		return answered.Sub(created), nil
	}, `SELECT created_at, first_answer_at FROM messages WHERE first_answer_at IS NOT NULL AND created_at >= $1`, since.UTC())
}
