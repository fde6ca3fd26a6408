package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/dburl"
)

// The dump is engine-neutral: every table is read with its columns and a
// kind per column (int, float, text, bool, time, bytes), and values are
// written as JSON. A dump taken from SQLite restores into PostgreSQL and the
// other way round; that is how a garage moves from one engine to the other.

// ColumnKind is the engine-neutral type of a dumped column.
type ColumnKind string

// Column kinds.
const (
	KindInt   ColumnKind = "int"
	KindFloat ColumnKind = "float"
	KindText  ColumnKind = "text"
	KindBool  ColumnKind = "bool"
	KindTime  ColumnKind = "time"
	KindBytes ColumnKind = "bytes"
)

// TableDump describes one table of a dump; its rows are streamed.
type TableDump struct {
	Name    string
	Columns []string
	Kinds   []ColumnKind
}

// DumpVisitor receives a dump: the schema version, then table after table
// in foreign-key order, each followed by its rows.
type DumpVisitor interface {
	Begin(schemaVersion int64) error
	Table(t TableDump) error
	Row(values []json.RawMessage) error
}

// skippedTables are not part of a dump: the migration history belongs to
// the binary that restores, and the content version (a cache key) only
// ever grows in the database it counts the changes of; leases belong to the
// instances running on that database.
var skippedTables = map[string]bool{"goose_db_version": true, "content_version": true, "leases": true}

// Dump reads every table in one consistent snapshot (a repeatable-read
// transaction on PostgreSQL, a WAL read transaction on SQLite, so writers
// are not blocked) and hands it to v. It returns the schema version.
func (s *Store) Dump(ctx context.Context, v DumpVisitor) (schemaVersion int64, err error) {
	db := s.db
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	if s.engine == SQLite {
		// The main pool takes the write lock at BEGIN (_txlock=immediate);
		// a snapshot only needs a deferred read transaction.
		ro, err := sql.Open("sqlite", dburl.SQLiteDSN(s.path, "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_time_format=sqlite&_txlock=deferred"))
		if err != nil {
			return 0, err
		}
		defer ro.Close()
		db, opts = ro, nil
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&schemaVersion); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if err := v.Begin(schemaVersion); err != nil {
		return 0, err
	}
	tables, err := s.tablesInDependencyOrder(ctx, tx)
	if err != nil {
		return 0, err
	}
	for _, name := range tables {
		if err := dumpTable(ctx, tx, name, v); err != nil {
			return 0, fmt.Errorf("dump %s: %w", name, err)
		}
	}
	return schemaVersion, nil
}

func dumpTable(ctx context.Context, q querier, name string, v DumpVisitor) error {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+quoteIdent(name)+` ORDER BY 1`)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	t := TableDump{Name: name}
	for _, ct := range types {
		t.Columns = append(t.Columns, ct.Name())
		t.Kinds = append(t.Kinds, kindOf(ct.DatabaseTypeName()))
	}
	if err := v.Table(t); err != nil {
		return err
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]json.RawMessage, len(vals))
		for i, val := range vals {
			enc, err := encodeValue(val, t.Kinds[i])
			if err != nil {
				return fmt.Errorf("column %s: %w", t.Columns[i], err)
			}
			out[i] = enc
		}
		if err := v.Row(out); err != nil {
			return err
		}
	}
	return rows.Err()
}

// kindOf maps a driver's column type name to a kind. SQLite reports the
// declared type, PostgreSQL its own names.
func kindOf(dbType string) ColumnKind {
	t := strings.ToUpper(dbType)
	switch {
	case t == "BOOL" || t == "BOOLEAN":
		return KindBool
	case strings.Contains(t, "TIMESTAMP") || t == "DATETIME" || t == "DATE":
		return KindTime
	case strings.Contains(t, "INT"):
		return KindInt
	case t == "REAL" || t == "FLOAT4" || t == "FLOAT8" || t == "NUMERIC" || strings.Contains(t, "DOUBLE"):
		return KindFloat
	case t == "BLOB" || t == "BYTEA":
		return KindBytes
	}
	return KindText
}

var jsonNull = json.RawMessage("null")

func encodeValue(v any, kind ColumnKind) (json.RawMessage, error) {
	if v == nil {
		return jsonNull, nil
	}
	switch kind {
	case KindBool:
		switch b := v.(type) {
		case bool:
			return json.Marshal(b)
		case int64:
			return json.Marshal(b != 0)
		}
	case KindInt:
		switch n := v.(type) {
		case int64:
			return json.RawMessage(strconv.FormatInt(n, 10)), nil
		case int32:
			return json.RawMessage(strconv.FormatInt(int64(n), 10)), nil
		}
	case KindTime:
		switch tm := v.(type) {
		case time.Time:
			return json.Marshal(tm.UTC().Format(time.RFC3339Nano))
		case string:
			return json.Marshal(tm)
		}
	case KindBytes:
		if b, ok := v.([]byte); ok {
			return json.Marshal(base64.StdEncoding.EncodeToString(b))
		}
	}
	switch x := v.(type) {
	case []byte:
		return json.Marshal(string(x))
	default:
		return json.Marshal(x)
	}
}

func decodeValue(raw json.RawMessage, kind ColumnKind) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch kind {
	case KindBool:
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, err
	case KindInt:
		return strconv.ParseInt(string(raw), 10, 64)
	case KindFloat:
		var f float64
		err := json.Unmarshal(raw, &f)
		return f, err
	case KindTime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return time.Parse(time.RFC3339Nano, s)
	case KindBytes:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// tablesInDependencyOrder lists the application's tables so that every
// table comes after the tables its foreign keys point to.
func (s *Store) tablesInDependencyOrder(ctx context.Context, q querier) ([]string, error) {
	var tableQuery string
	if s.engine == SQLite {
		tableQuery = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	} else {
		tableQuery = `SELECT table_name FROM information_schema.tables
		               WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	names, err := column[string](ctx, q, tableQuery)
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, func(n string) bool { return skippedTables[n] })
	slices.Sort(names) // the same order on both engines, whatever their collation
	deps := map[string][]string{}
	for _, n := range names {
		var refs []string
		if s.engine == SQLite {
			refs, err = column[string](ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, n)
		} else {
			refs, err = column[string](ctx, q, `SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
			                                   WHERE contype = 'f' AND conrelid = $1::regclass`, quoteIdent(n))
		}
		if err != nil {
			return nil, err
		}
		for i, r := range refs {
			refs[i] = strings.Trim(r, `"`)
		}
		slices.Sort(refs)
		deps[n] = refs
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign-key cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, d := range deps[n] {
			if d != n && slices.Contains(names, d) {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// ErrNotEmpty is returned by a restore into a database that holds data.
var ErrNotEmpty = errors.New("store: the database is not empty")

// fixedTables hold reference data that init-roles writes; their presence
// does not make a database "not empty".
var fixedTables = map[string]bool{"roles": true}

// IsEmpty reports whether the database holds no application data (the
// roles table aside).
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	tables, err := s.tablesInDependencyOrder(ctx, s.db)
	if err != nil {
		return false, err
	}
	for _, t := range tables {
		if fixedTables[t] {
			continue
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+quoteIdent(t)+` LIMIT 1) AS x`).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}
