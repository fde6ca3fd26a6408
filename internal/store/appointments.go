package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// The workshop (issue 17). No job is ever overbooked: every appointment and
// blocked period holds one row of workshop_cells per bay and per 5 minutes
// it touches, under the primary key (bay, cell), inserted in the booking's
// transaction. Two bookings of the last bay at the same moment: the second
// insert breaks the key (PostgreSQL makes it wait for the first's commit;
// SQLite's transactions take the write lock up front) and gets ErrConflict.

// WorkshopSettings returns the workshop's settings (the defaults until the
// owner saves some).
func (s *Store) WorkshopSettings(ctx context.Context) (ws garage.WorkshopSettings, err error) {
	defer wrap(&err, "read workshop settings")
	return workshopSettings(ctx, s.db)
}

func workshopSettings(ctx context.Context, q querier) (garage.WorkshopSettings, error) {
	var ws garage.WorkshopSettings
	err := q.QueryRowContext(ctx, `SELECT bays, step_minutes, notice_hours, horizon_days, auto_confirm, multi_day, retention_days
		FROM workshop_settings WHERE id = 1`).Scan(&ws.Bays, &ws.StepMinutes, &ws.NoticeHours, &ws.HorizonDays, &ws.AutoConfirm, &ws.MultiDay, &ws.RetentionDays)
	if errors.Is(err, sql.ErrNoRows) {
		return garage.DefaultWorkshopSettings(), nil
	}
	return ws, err
}

// SaveWorkshopSettings saves the settings (audited).
func (s *Store) SaveWorkshopSettings(ctx context.Context, ws garage.WorkshopSettings, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "save workshop settings")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := workshopSettings(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workshop_settings (id, bays, step_minutes, notice_hours, horizon_days, auto_confirm, multi_day, retention_days, updated_at)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET bays = $1, step_minutes = $2, notice_hours = $3, horizon_days = $4, auto_confirm = $5,
			multi_day = $6, retention_days = $7, updated_at = $8`,
			ws.Bays, ws.StepMinutes, ws.NoticeHours, ws.HorizonDays, ws.AutoConfirm, ws.MultiDay, ws.RetentionDays, now.UTC()); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "workshop.settings", "workshop", map[string]string{
			"before": garage.WorkshopSettingsText(before), "after": garage.WorkshopSettingsText(ws)})
	})
}

const appointmentColumns = `id, start_at, end_at, bay, status, service_ids, services, minutes, name, email, phone, plate, make, model,
	mileage, comment, note, source, quote_id, reminded_at, created_at, updated_at`

func scanAppointment(row scanner) (*garage.Appointment, error) {
	var a garage.Appointment
	var start, end, reminded int64
	var ids, titles string
	var quote sql.NullInt64
	if err := row.Scan(&a.ID, &start, &end, &a.Bay, &a.Status, &ids, &titles, &a.Minutes, &a.Name, &a.Email, &a.Phone, &a.Plate,
		&a.Make, &a.Model, &a.Mileage, &a.Comment, &a.Note, &a.Source, &quote, &reminded, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	a.Start, a.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
	if quote.Valid {
		a.QuoteID = &quote.Int64
	}
	if reminded > 0 {
		t := time.Unix(reminded, 0).UTC()
		a.RemindedAt = &t
	}
	var err error
	if a.ServiceIDs, err = decodeJSONList[int64](ids); err != nil {
		return nil, err
	}
	if a.Services, err = decodeJSONList[string](titles); err != nil {
		return nil, err
	}
	return &a, nil
}

// insertCells holds [start, end) on bay for an appointment or a block; a
// cell already held is ErrConflict.
func insertCells(ctx context.Context, tx *sql.Tx, bay int, start, end time.Time, appointmentID, blockID sql.NullInt64) error {
	cells := garage.WorkshopCells(start, end)
	_, err := tx.ExecContext(ctx, `WITH RECURSIVE c(x) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT x + 1 FROM c WHERE x < $2)
		INSERT INTO workshop_cells (bay, cell, appointment_id, block_id) SELECT $3, x, $4, $5 FROM c`,
		cells[0], cells[len(cells)-1], bay, appointmentID, blockID)
	if err != nil && isUniqueViolation(err) {
		return errors.Join(ErrConflict, err)
	}
	return err
}

// freeBay returns the lowest of bays whose cells are free from start to
// end, or 0.
func freeBay(ctx context.Context, tx *sql.Tx, bays int, start, end time.Time) (int, error) {
	cells := garage.WorkshopCells(start, end)
	taken, err := column[int](ctx, tx, `SELECT DISTINCT bay FROM workshop_cells WHERE cell BETWEEN $1 AND $2`, cells[0], cells[len(cells)-1])
	if err != nil {
		return 0, err
	}
	for bay := 1; bay <= bays; bay++ {
		free := true
		for _, t := range taken {
			free = free && t != bay
		}
		if free {
			return bay, nil
		}
	}
	return 0, nil
}

// retryConflict runs fn up to n times while it fails with ErrConflict: a
// booking that lost a bay to a concurrent one tries the next free bay.
func retryConflict(n int, fn func() error) error {
	var err error
	for range max(n, 1) {
		if err = fn(); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

// AppointmentMail makes the e-mails an appointment change announces (nil
// when there is none); they are queued in the change's transaction.
type AppointmentMail func(*garage.Appointment) ([]*garage.OutboxMail, error)

func queueMails(ctx context.Context, tx *sql.Tx, a *garage.Appointment, mail AppointmentMail, now time.Time) error {
	if mail == nil {
		return nil
	}
	list, err := mail(a)
	if err != nil {
		return err
	}
	for _, m := range list {
		if err := enqueueMail(ctx, tx, m, now); err != nil {
			return err
		}
	}
	return nil
}

// BookAppointment stores a, on the lowest bay free for its whole duration
// among the settings' bays, with its personal link (tokenHash, "" for none)
// and its e-mails, in one transaction. key claims a visitor's submission
// (store.inTxOnce; "" for the staff, whose booking is audited by by). No
// bay free: ErrConflict, nothing stored.
func (s *Store) BookAppointment(ctx context.Context, key string, a *garage.Appointment, tokenHash string, mail AppointmentMail,
	now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "book appointment")
	now = now.UTC()
	ids, err := jsonOrEmpty(a.ServiceIDs)
	if err != nil {
		return err
	}
	titles, err := jsonOrEmpty(a.Services)
	if err != nil {
		return err
	}
	token := sql.NullString{String: tokenHash, Valid: tokenHash != ""}
	ws, err := s.WorkshopSettings(ctx)
	if err != nil {
		return err
	}
	return retryConflict(ws.Bays+1, func() error {
		return s.inTxOnce(ctx, key, now, func(tx *sql.Tx) error {
			bay, err := freeBay(ctx, tx, ws.Bays, a.Start, a.End)
			if err != nil {
				return err
			}
			if bay == 0 {
				return ErrConflict
			}
			a.Bay = bay
			if err := tx.QueryRowContext(ctx, `INSERT INTO appointments (token_hash, start_at, end_at, bay, status, service_ids, services, minutes,
				name, email, phone, plate, make, model, mileage, comment, note, source, quote_id, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id`,
				token, a.Start.Unix(), a.End.Unix(), a.Bay, a.Status, ids, titles, a.Minutes, a.Name, a.Email, a.Phone, a.Plate, a.Make,
				a.Model, a.Mileage, a.Comment, a.Note, a.Source, a.QuoteID, now).Scan(&a.ID); err != nil {
				return err
			}
			a.CreatedAt, a.UpdatedAt = now, now
			if err := insertCells(ctx, tx, a.Bay, a.Start, a.End, sql.NullInt64{Int64: a.ID, Valid: true}, sql.NullInt64{}); err != nil {
				return err
			}
			if err := queueMails(ctx, tx, a, mail, now); err != nil {
				return err
			}
			return audit(ctx, tx, by, now, "appointment.create", garage.Target("appointment", a.ID), map[string]string{"after": garage.AppointmentText(a)})
		})
	})
}

// AppointmentByID returns one appointment.
func (s *Store) AppointmentByID(ctx context.Context, id int64) (a *garage.Appointment, err error) {
	defer wrap(&err, "read appointment %d", id)
	return scanAppointment(s.db.QueryRowContext(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = $1`, id))
}

// AppointmentByToken returns the appointment of a personal link.
func (s *Store) AppointmentByToken(ctx context.Context, tokenHash string) (a *garage.Appointment, err error) {
	defer wrap(&err, "read appointment by link")
	return scanAppointment(s.db.QueryRowContext(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE token_hash = $1`, tokenHash))
}

// ListAppointments returns the appointments that overlap [from, to), by
// start then bay, cancelled ones included.
func (s *Store) ListAppointments(ctx context.Context, from, to time.Time) (list []*garage.Appointment, err error) {
	defer wrap(&err, "list appointments")
	return queryAll(ctx, s.db, scanAppointment, `SELECT `+appointmentColumns+` FROM appointments
		WHERE start_at < $2 AND start_at > $3 AND end_at > $1 ORDER BY start_at, bay, id`,
		from.Unix(), to.Unix(), from.Unix()-int64(garage.WorkshopMaxJobDays)*86400)
}

// AppointmentHistory returns the earlier appointments of the same e-mail
// address or plate as a, newest first (at most 20).
func (s *Store) AppointmentHistory(ctx context.Context, a *garage.Appointment) (list []*garage.Appointment, err error) {
	defer wrap(&err, "appointment history %d", a.ID)
	return queryAll(ctx, s.db, scanAppointment, `SELECT `+appointmentColumns+` FROM appointments
		WHERE id <> $1 AND ((email <> '' AND lower(email) = lower($2)) OR (plate <> '' AND plate = $3))
		ORDER BY start_at DESC LIMIT 20`, a.ID, a.Email, a.Plate)
}

// AppointmentsOfQuote returns the appointments planned from a quote, in
// date order.
func (s *Store) AppointmentsOfQuote(ctx context.Context, quoteID int64) (list []*garage.Appointment, err error) {
	defer wrap(&err, "appointments of quote %d", quoteID)
	return queryAll(ctx, s.db, scanAppointment, `SELECT `+appointmentColumns+` FROM appointments
		WHERE quote_id = $1 ORDER BY start_at, id`, quoteID)
}

// CountAppointmentsToConfirm counts the requests waiting for the staff
// that have not started yet.
func (s *Store) CountAppointmentsToConfirm(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "count appointments to confirm")
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM appointments WHERE status = $1 AND end_at > $2`,
		garage.AppointmentRequested, now.Unix()).Scan(&n)
	return n, err
}

// WorkshopBusy returns the periods when bays are taken that overlap [from,
// to): appointments holding a bay and blocked periods.
func (s *Store) WorkshopBusy(ctx context.Context, from, to time.Time) (list []garage.Busy, err error) {
	defer wrap(&err, "read workshop busy periods")
	scan := func(row scanner) (garage.Busy, error) {
		var b garage.Busy
		var start, end int64
		err := row.Scan(&b.Bay, &start, &end)
		b.Start, b.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
		return b, err
	}
	// No job lasts longer than WorkshopMaxJobDays: the lower bound on
	// start_at keeps the index range to the days asked.
	return queryAll(ctx, s.db, scan, `SELECT bay, start_at, end_at FROM appointments
		WHERE start_at < $2 AND start_at > $4 AND end_at > $1 AND status <> $3
		UNION ALL SELECT bay, start_at, end_at FROM workshop_blocks WHERE start_at < $2 AND end_at > $1`,
		from.Unix(), to.Unix(), garage.AppointmentCancelled, from.Unix()-int64(garage.WorkshopMaxJobDays)*86400)
}

// lockAppointment reads an appointment for a change.
func (s *Store) lockAppointment(ctx context.Context, tx *sql.Tx, id int64) (*garage.Appointment, error) {
	return scanAppointment(tx.QueryRowContext(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = $1`+s.forUpdate(), id))
}

// ErrBadTransition means an appointment cannot go to the status asked from
// the one it has (it changed meanwhile, or the move is not allowed).
var ErrBadTransition = errors.New("status change not allowed")

// SetAppointmentStatus moves an appointment to status when its current
// status allows it (ErrBadTransition otherwise), queues mail's e-mails
// (e.g. "votre véhicule est prêt") and audits the change, in one
// transaction. A cancelled appointment frees its bay.
func (s *Store) SetAppointmentStatus(ctx context.Context, id int64, status garage.AppointmentStatus, mail AppointmentMail,
	now time.Time, by garage.Actor) (a *garage.Appointment, err error) {
	defer wrap(&err, "set status of appointment %d", id)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if a, err = s.lockAppointment(ctx, tx, id); err != nil {
			return err
		}
		before := a.Status
		if !before.CanMoveTo(status) {
			return ErrBadTransition
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = $1, updated_at = $2 WHERE id = $3`, status, now.UTC(), id); err != nil {
			return err
		}
		if !status.HoldsBay() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM workshop_cells WHERE appointment_id = $1`, id); err != nil {
				return err
			}
		}
		a.Status, a.UpdatedAt = status, now.UTC()
		if err := queueMails(ctx, tx, a, mail, now); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "appointment.status", garage.Target("appointment", id),
			map[string]string{"before": before.Label(), "after": status.Label()})
	})
	return a, err
}

// CancelAppointmentByToken cancels the appointment of a personal link when
// allowed (the customer's rule, garage.Appointment.CanCancel, checked again
// in the transaction): ErrBadTransition otherwise.
func (s *Store) CancelAppointmentByToken(ctx context.Context, tokenHash string, allowed func(*garage.Appointment) bool, mail AppointmentMail,
	now time.Time) (a *garage.Appointment, err error) {
	defer wrap(&err, "cancel appointment by link")
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM appointments WHERE token_hash = $1`, tokenHash).Scan(&id); err != nil {
			return err
		}
		if a, err = s.lockAppointment(ctx, tx, id); err != nil {
			return err
		}
		if !allowed(a) {
			return ErrBadTransition
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = $1, updated_at = $2 WHERE id = $3`, garage.AppointmentCancelled, now.UTC(), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM workshop_cells WHERE appointment_id = $1`, id); err != nil {
			return err
		}
		a.Status = garage.AppointmentCancelled
		return queueMails(ctx, tx, a, mail, now)
	})
	return a, err
}

// MoveAppointment moves an appointment to [start, end) on the lowest free
// bay (ErrConflict when none), audited. allowed, when set, is checked on the
// locked row (ErrBadTransition when it says no): the customer's move by the
// personal link is allowed until the minimum notice only.
func (s *Store) MoveAppointment(ctx context.Context, id int64, start, end time.Time, allowed func(*garage.Appointment) bool, mail AppointmentMail,
	now time.Time, by garage.Actor) (a *garage.Appointment, err error) {
	defer wrap(&err, "move appointment %d", id)
	ws, err := s.WorkshopSettings(ctx)
	if err != nil {
		return nil, err
	}
	err = retryConflict(ws.Bays+1, func() error {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			if a, err = s.lockAppointment(ctx, tx, id); err != nil {
				return err
			}
			if !a.Status.HoldsBay() || a.Status == garage.AppointmentReturned || (allowed != nil && !allowed(a)) {
				return ErrBadTransition
			}
			before := garage.AppointmentText(a)
			if _, err := tx.ExecContext(ctx, `DELETE FROM workshop_cells WHERE appointment_id = $1`, id); err != nil {
				return err
			}
			bay, err := freeBay(ctx, tx, ws.Bays, start, end)
			if err != nil {
				return err
			}
			if bay == 0 {
				return ErrConflict
			}
			a.Start, a.End, a.Bay = start.UTC(), end.UTC(), bay
			if _, err := tx.ExecContext(ctx, `UPDATE appointments SET start_at = $1, end_at = $2, bay = $3, reminded_at = 0, updated_at = $4 WHERE id = $5`,
				a.Start.Unix(), a.End.Unix(), bay, now.UTC(), id); err != nil {
				return err
			}
			if err := insertCells(ctx, tx, bay, a.Start, a.End, sql.NullInt64{Int64: id, Valid: true}, sql.NullInt64{}); err != nil {
				return err
			}
			if err := queueMails(ctx, tx, a, mail, now); err != nil {
				return err
			}
			return audit(ctx, tx, by, now, "appointment.move", garage.Target("appointment", id), map[string]string{"before": before, "after": garage.AppointmentText(a)})
		})
	})
	return a, err
}

// SetAppointmentNote saves the staff's internal note (audited).
func (s *Store) SetAppointmentNote(ctx context.Context, id int64, note string, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "set note of appointment %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := s.lockAppointment(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET note = $1, updated_at = $2 WHERE id = $3`, note, now.UTC(), id); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "appointment.note", garage.Target("appointment", id), map[string]string{"before": a.Note, "after": note})
	})
}

// CreateBlockedPeriod blocks a bay (0: every bay of the settings) from the
// planning; ErrConflict when an appointment or another block holds it.
func (s *Store) CreateBlockedPeriod(ctx context.Context, b *garage.BlockedPeriod, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "block workshop period")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ws, err := workshopSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO workshop_blocks (bay, start_at, end_at, label, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			b.Bay, b.Start.Unix(), b.End.Unix(), b.Label, now.UTC()).Scan(&b.ID); err != nil {
			return err
		}
		bays := []int{b.Bay}
		if b.Bay == 0 {
			bays = bays[:0]
			for i := 1; i <= ws.Bays; i++ {
				bays = append(bays, i)
			}
		}
		for _, bay := range bays {
			if err := insertCells(ctx, tx, bay, b.Start, b.End, sql.NullInt64{}, sql.NullInt64{Int64: b.ID, Valid: true}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, now, "workshop.block", garage.Target("block", b.ID), map[string]string{
			"label": b.Label, "start": b.Start.Format(time.RFC3339), "end": b.End.Format(time.RFC3339)})
	})
}

// ListBlockedPeriods returns the blocked periods overlapping [from, to).
func (s *Store) ListBlockedPeriods(ctx context.Context, from, to time.Time) (list []*garage.BlockedPeriod, err error) {
	defer wrap(&err, "list blocked periods")
	return queryAll(ctx, s.db, func(row scanner) (*garage.BlockedPeriod, error) {
		var b garage.BlockedPeriod
		var start, end int64
		err := row.Scan(&b.ID, &b.Bay, &start, &end, &b.Label)
		b.Start, b.End = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC()
		return &b, err
	}, `SELECT id, bay, start_at, end_at, label FROM workshop_blocks WHERE start_at < $2 AND end_at > $1 ORDER BY start_at, id`, from.Unix(), to.Unix())
}

// DeleteBlockedPeriod frees a blocked period.
func (s *Store) DeleteBlockedPeriod(ctx context.Context, id int64, now time.Time, by garage.Actor) (err error) {
	defer wrap(&err, "delete blocked period %d", id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		n, err := rowsAffected(tx.ExecContext(ctx, `DELETE FROM workshop_blocks WHERE id = $1`, id))
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, by, now, "workshop.unblock", garage.Target("block", id), nil)
	})
}

// DueReminders returns the appointments holding a bay, not reminded yet,
// that start within [from, to) and have an e-mail address.
func (s *Store) DueReminders(ctx context.Context, from, to time.Time) (list []*garage.Appointment, err error) {
	defer wrap(&err, "list due reminders")
	return queryAll(ctx, s.db, scanAppointment, `SELECT `+appointmentColumns+` FROM appointments
		WHERE start_at >= $1 AND start_at < $2 AND reminded_at = 0 AND email <> '' AND status IN ($3, $4) ORDER BY start_at`,
		from.Unix(), to.Unix(), garage.AppointmentRequested, garage.AppointmentConfirmed)
}

// RecordReminder marks a reminded and queues its reminder in one
// transaction, once: false when another instance did it first.
func (s *Store) RecordReminder(ctx context.Context, a *garage.Appointment, m *garage.OutboxMail, now time.Time) (sent bool, err error) {
	defer wrap(&err, "record reminder of appointment %d", a.ID)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		n, err := rowsAffected(tx.ExecContext(ctx, `UPDATE appointments SET reminded_at = $1 WHERE id = $2 AND reminded_at = 0`, now.Unix(), a.ID))
		if err != nil || n == 0 {
			return err
		}
		sent = true
		return enqueueMail(ctx, tx, m, now)
	})
	return sent, err
}

// AnonymiseAppointmentsBefore clears the customer's details (name, e-mail,
// phone, plate, comment, note, link) of the appointments that ended before
// t, keeping the date, bay and services for the statistics.
func (s *Store) AnonymiseAppointmentsBefore(ctx context.Context, t time.Time) (n int64, err error) {
	defer wrap(&err, "anonymise old appointments")
	return rowsAffected(s.db.ExecContext(ctx, `UPDATE appointments SET name = $1, email = '', phone = '', plate = '', make = '', model = '',
		mileage = 0, comment = '', note = '', token_hash = NULL WHERE end_at < $2 AND name <> $1`, garage.AnonymousName, t.Unix()))
}

// SubmissionStored reports whether a visitor's submission with key was
// stored (a retried booking whose slot it took itself).
func (s *Store) SubmissionStored(ctx context.Context, key string) (ok bool, err error) {
	defer wrap(&err, "read form submission")
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM form_submissions WHERE key = $1`, key).Scan(&n)
	return n > 0, err
}
