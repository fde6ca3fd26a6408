package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// AddAudit appends an entry to the audit log on its own: for what changes
// nothing else (a login refused, an export). A change is audited by the
// store method that makes it (see audit).
func (s *Store) AddAudit(ctx context.Context, e *garage.AuditEntry) (err error) {
	defer wrap(&err, "audit %s", e.Action)
	return addAudit(ctx, s.db, e)
}

func addAudit(ctx context.Context, q querier, e *garage.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC()
	return q.QueryRowContext(ctx,
		`INSERT INTO audit_log (at, actor_id, actor_email, action, target, details, ip)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.At, nullID(e.ActorID), e.ActorEmail, e.Action, e.Target, e.Details, e.IP).Scan(&e.ID)
}

// audit writes, in the transaction of a change, the audit row of action on
// target by by at now, with details as JSON. The zero Actor (the system
// loading data) writes nothing.
func audit(ctx context.Context, q querier, by garage.Actor, now time.Time, action, target string, details map[string]string) error {
	if by.IsZero() {
		return nil
	}
	e := &garage.AuditEntry{At: now, ActorID: by.UserID, ActorEmail: by.Email, Action: action, Target: target, IP: by.IP}
	if len(details) > 0 {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		e.Details = string(b)
	}
	return addAudit(ctx, q, e)
}

// ListAudit returns the newest entries first, at most limit of them, and
// filtered by action prefix when actionPrefix is not empty.
func (s *Store) ListAudit(ctx context.Context, actionPrefix string, limit, offset int) (list []*garage.AuditEntry, err error) {
	return s.ListAuditFiltered(ctx, garage.AuditFilter{ActionPrefix: actionPrefix}, limit, offset)
}

// ListAuditFiltered returns the newest matching entries first.
func (s *Store) ListAuditFiltered(ctx context.Context, f garage.AuditFilter, limit, offset int) (list []*garage.AuditEntry, err error) {
	defer wrap(&err, "list audit log")
	var from, to time.Time
	if !f.From.IsZero() {
		from = f.From.UTC()
	} else {
		from = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if !f.To.IsZero() {
		to = f.To.UTC()
	} else {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, at, actor_id, actor_email, action, target, details, ip FROM audit_log
		  WHERE ($1 = 0 OR actor_id = $1) AND ($2 = '' OR action LIKE $3) AND at >= $4 AND at < $5
		  ORDER BY id DESC LIMIT $6 OFFSET $7`,
		f.ActorID, f.ActionPrefix, escapeLike(f.ActionPrefix)+"%", from, to, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e garage.AuditEntry
		var actor sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &actor, &e.ActorEmail, &e.Action, &e.Target, &e.Details, &e.IP); err != nil {
			return nil, err
		}
		if actor.Valid {
			id := actor.Int64
			e.ActorID = &id
		}
		list = append(list, &e)
	}
	return list, rows.Err()
}

// escapeLike neutralises LIKE wildcards; the store never uses an ESCAPE
// clause, so '%' and '_' are simply dropped from prefixes (action names
// never contain them).
func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != '%' && r != '_' {
			out = append(out, r)
		}
	}
	return string(out)
}
