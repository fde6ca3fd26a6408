package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// ContentVersion is a counter that grows with every change to what the public pages show: the garage's
// details, hours and exceptions, services, cars with their photos and equipment, and testimonials.
// Triggers (migration 00007) bump it in the same transaction as the change, so a cache keyed on it can
// never serve a page older than the last committed change, whichever instance made it.
//
// It is read at every request for a public page. The value returned includes every change committed before
// the call that this process declared (ContentChanged: the web layer does for every form it answers), and
// every other change committed before the call less the store's lag. SQLite has none: the value comes from
// a query begun after the call. PostgreSQL has PostgresVersionLag, since waiting for such a query cost every
// visitor a round trip. Callers share the queries (freshReads): under load the database sees one per round
// trip, or one per half lag.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	return s.versions.get(ctx, s.readContentVersion)
}

// PostgresVersionLag is how far behind another instance's changes the content version of a PostgreSQL
// store may be: a page served by this instance shows every change committed elsewhere more than this
// before the request, and every change made through this process before it (ContentChanged). SQLite has
// none: its read costs a few microseconds and no round trip (see docs/performance.md).
const PostgresVersionLag = 2 * time.Millisecond

// ContentChanged tells the store that this process may just have changed public content (a form of the
// back office was saved): ContentVersion then reads the database again, whatever the lag.
func (s *Store) ContentChanged() { s.versions.changedNow() }

// SetContentVersionLag replaces the lag of ContentVersion (0: every call reads the database, or shares a
// read begun after it). For tests, which change the database behind the store's back.
func (s *Store) SetContentVersionLag(d time.Duration) { s.versions.setLag(d) }

const contentVersionQuery = `SELECT n FROM content_version WHERE id = 1`

// versionReadTimeout bounds one PostgreSQL read of the version: it is shared by several requests (see
// freshReads), so none of their contexts may cancel it.
const versionReadTimeout = 5 * time.Second

// readContentVersion runs the query; ctx never ends (see freshReads).
func (s *Store) readContentVersion(ctx context.Context) (int64, error) {
	if s.engine == SQLite {
		return s.sqliteVersion.read(ctx, s.db)
	}
	return readPostgresVersion(ctx, s.db)
}

// sqliteVersionReader reads the content version of a SQLite database on a connection of its own, taken
// from the pool once (one of its eight), through the driver directly; PostgreSQL's read goes through pgx
// directly too, on a pool connection taken for the read (readPostgresVersion). On a cached page, this read
// was most of the server's own work:
//
//   - with database/sql, a query whose context can end starts a goroutine to watch it (and the SQLite
//     driver a second one): nearly half of the SQLite read, and one more goroutine to schedule per
//     PostgreSQL round trip;
//   - database/sql's pool, statement and rows bookkeeping took a quarter of the SQLite read.
//
// Measured in-process on SQLite: 14.8 µs → 8.2 µs → 6.4 µs per read. The SQLite read has no deadline: it
// is one row of a local file, and its only wait, for a lock, is bounded by busy_timeout; the PostgreSQL one
// is bounded by versionReadTimeout, through pgx's own context watch (no goroutine).
//
// freshReads runs one read at a time; mu also keeps Close from pulling the connection from under a read.
type sqliteVersionReader struct {
	mu     sync.Mutex
	conn   *sql.Conn   // nil until the first read, and after a failed one
	stmt   driver.Stmt // prepared on conn's driver connection
	dest   [1]driver.Value
	closed bool
}

func (v *sqliteVersionReader) read(ctx context.Context, db *sql.DB) (int64, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return 0, sql.ErrConnDone
	}
	if v.conn == nil {
		c, err := db.Conn(ctx)
		if err != nil {
			return 0, err
		}
		v.conn = c
	}
	var n int64
	err := v.conn.Raw(func(dc any) (err error) {
		n, err = v.readSQLite(ctx, dc)
		return err
	})
	if err != nil {
		v.release() // a connection in an unknown state is not reused
	}
	return n, err
}

// readPostgresVersion takes a pool connection for the read only, and queries through pgx. It does not keep
// one between reads as SQLite does: a pool may be as small as one connection (pool_max_conns=1), which that
// would starve, and under load the reads are rare (see freshReads' lag).
func readPostgresVersion(ctx context.Context, db *sql.DB) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, versionReadTimeout)
	defer cancel()
	c, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var n int64
	err = c.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres driver connection %T is not pgx's", dc)
		}
		return pc.Conn().QueryRow(ctx, contentVersionQuery).Scan(&n)
	})
	return n, err
}

func (v *sqliteVersionReader) readSQLite(ctx context.Context, dc any) (int64, error) {
	if v.stmt == nil {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return 0, fmt.Errorf("sqlite driver connection %T cannot prepare", dc)
		}
		st, err := prep.PrepareContext(ctx, contentVersionQuery)
		if err != nil {
			return 0, err // not migrated yet, or the database is unavailable: try again next time
		}
		v.stmt = st
	}
	q, ok := v.stmt.(driver.StmtQueryContext)
	if !ok {
		return 0, fmt.Errorf("sqlite statement %T cannot query", v.stmt)
	}
	rows, err := q.QueryContext(ctx, nil)
	if err != nil {
		return 0, err
	}
	err = rows.Next(v.dest[:])
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, io.EOF) {
		return 0, sql.ErrNoRows
	}
	if err != nil {
		return 0, err
	}
	n, ok := v.dest[0].(int64)
	if !ok {
		return 0, fmt.Errorf("content version: unexpected %T", v.dest[0])
	}
	return n, nil
}

// release closes the statement and gives the connection back to the pool. Called with mu held.
func (v *sqliteVersionReader) release() {
	if v.conn == nil {
		return
	}
	if v.stmt != nil {
		_ = v.conn.Raw(func(any) error { return v.stmt.Close() })
		v.stmt = nil
	}
	_ = v.conn.Close()
	v.conn = nil
}

// close releases the connection for good, before the pool closes.
func (v *sqliteVersionReader) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.release()
	v.closed = true
}

// bumpContentVersion is for the rare writes that bypass the triggers (a restore switches them off).
func bumpContentVersion(ctx context.Context, q querier) error {
	_, err := q.ExecContext(ctx, `UPDATE content_version SET n = n + 1 WHERE id = 1`)
	return err
}
