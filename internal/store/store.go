// Package store holds every SQL statement of the application. It speaks to
// SQLite (modernc.org/sqlite, the embedded default) and PostgreSQL (pgx)
// through database/sql with one set of portable queries; where the dialects
// must differ, the difference lives in a small function of this package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/vparrot/garage/internal/dburl"
)

// Engine names a supported database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the application's access to its database. It is safe for
// concurrent use.
type Store struct {
	db     *sql.DB
	engine Engine
	path   string // SQLite file path; empty for PostgreSQL

	version *versionReads // see ContentVersion
}

// sqlitePragmas are applied to every SQLite connection. busy_timeout comes
// first so the others wait for locks; _txlock=immediate makes every
// transaction take the write lock up front, so a read-then-write transaction
// never fails half-way with "database is locked".
const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_txlock=immediate&_time_format=sqlite"

// DefaultPoolMaxConns is the most PostgreSQL connections one process opens
// when DATABASE_URL has no pool_max_conns parameter.
const DefaultPoolMaxConns = 20

// IsPostgresURL reports whether a DATABASE_URL designates PostgreSQL.
func IsPostgresURL(url string) bool { return dburl.IsPostgres(url) }

// SQLitePath extracts the file path from a SQLite DATABASE_URL.
func SQLitePath(url string) string { return dburl.SQLitePath(url) }

// Open connects to the database named by databaseURL and checks that it
// answers. A SQLite file and its directory are created with owner-only
// permissions when missing.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	var s *Store
	if IsPostgresURL(databaseURL) {
		// pool_max_conns in the URL sizes the pool of this process (see
		// docs/scaling.md: instances × pool ≤ max_connections).
		pgURL, maxConns, err := dburl.PoolMaxConns(databaseURL)
		if err != nil {
			return nil, err
		}
		if maxConns == 0 {
			maxConns = DefaultPoolMaxConns
		}
		db, err := sql.Open("pgx", pgURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(min(10, maxConns))
		db.SetConnMaxIdleTime(5 * time.Minute)
		s = &Store{db: db, engine: Postgres}
	} else {
		path := SQLitePath(databaseURL)
		if path == "" {
			return nil, errors.New("open sqlite: empty database path")
		}
		if err := dburl.CheckSQLite(databaseURL); err != nil {
			return nil, err
		}
		if err := createPrivateFile(path); err != nil {
			return nil, err
		}
		db, err := sql.Open("sqlite", dburl.SQLiteDSN(path, sqlitePragmas))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		s = &Store{db: db, engine: SQLite, path: path}
	}
	s.version = newVersionReads(ContentVersionLag)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for attempt := 0; ; attempt++ {
		err := s.db.PingContext(pingCtx)
		if err == nil {
			return s, nil
		}
		// Switching a new file to WAL needs a moment alone with it: when
		// several processes open it at once, SQLite may answer "busy"
		// without waiting. Try again for a little while.
		if s.engine == SQLite && strings.Contains(err.Error(), "SQLITE_BUSY") && attempt < 50 && pingCtx.Err() == nil {
			time.Sleep(time.Duration(10+attempt*5) * time.Millisecond)
			continue
		}
		s.db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.engine, err)
	}
}

// createPrivateFile makes sure the SQLite file's directory exists (0700) and
// that a new database file starts with mode 0600 rather than the umask's.
func createPrivateFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// DB returns the underlying pool, for metrics and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Engine reports which engine the store talks to.
func (s *Store) Engine() Engine { return s.engine }

// Path returns the SQLite file path, or "" for PostgreSQL.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers (used by /readyz).
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "ping")
	var one int
	return s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes the pool.
func (s *Store) Close() error {
	return s.db.Close()
}

// inTx runs fn in a transaction, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs a query and returns every row, read by scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// rowsAffected returns how many rows a statement changed.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
