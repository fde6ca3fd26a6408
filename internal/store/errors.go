package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors returned by the store, whatever the engine. Every error of a store
// method is wrapped with the operation that met it ("store: publish car 12:
// not found"); errors.Is finds these sentinels through the wrapping.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule would be broken (e.g. an e-mail already used).
	ErrConflict = errors.New("conflict")
	// ErrInUse means a row cannot be deleted because other rows refer to it.
	ErrInUse = errors.New("still referenced")
	// ErrUnavailable means the database could not be reached, or answered
	// too late: nothing is wrong with the request, which may be tried again.
	ErrUnavailable = errors.New("database unavailable")
	// ErrNoSpace means a write failed for lack of space: the disk holding
	// the database is full (SQLite SQLITE_FULL, PostgreSQL 53100 disk_full,
	// ENOSPC), or the SQLite file reached its size limit. The transaction
	// was rolled back, nothing stored before was lost, and the write may be
	// tried again once space is made.
	ErrNoSpace = errors.New("no space left for the database")
)

// wrap, deferred by a store method with a named error result, turns a
// driver error into the store's sentinels and prefixes the operation:
//
//	defer wrap(&err, "publish car %d", id)
func wrap(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("store: %s: %w", fmt.Sprintf(format, args...), translate(*err))
	}
}

// translate maps driver errors to the store's sentinel errors, keeping the
// driver's error in the chain for the logs.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrInUse), errors.Is(err, ErrUnavailable),
		errors.Is(err, ErrNoSpace):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case isUniqueViolation(err):
		return errors.Join(ErrConflict, err)
	case isForeignKeyViolation(err):
		return errors.Join(ErrInUse, err)
	case noSpace(err):
		return errors.Join(ErrNoSpace, err)
	case unavailable(err):
		return errors.Join(ErrUnavailable, err)
	}
	return err
}

// IsNoSpace reports whether err is a write that failed for lack of space,
// in the database (ErrNoSpace) or on any disk (ENOSPC: photos, temporary
// files), whether or not a store method wrapped it.
func IsNoSpace(err error) bool {
	return err != nil && (errors.Is(err, ErrNoSpace) || noSpace(err))
}

func noSpace(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "53100" // disk_full
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) && sqliteErr.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "No space left on device") ||
		strings.Contains(msg, "SQLITE_FULL")
}

// IsUnavailable reports whether err means the database cannot be reached or
// answered too late (rather than a bug), whether or not a store method
// wrapped it.
func IsUnavailable(err error) bool {
	return errors.Is(err, ErrUnavailable) || unavailable(err)
}

func unavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect") || strings.Contains(msg, "unexpected EOF")
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
