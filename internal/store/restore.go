package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Restorer writes a dump into the database inside one transaction: either
// the whole dump is restored, or nothing is.
type Restorer struct {
	s       *Store
	ctx     context.Context
	tx      *sql.Tx
	columns map[string][]string // target tables and their columns
	table   *TableDump
	insert  *sql.Stmt
	rows    int
}

// BeginRestore starts a restore. The database must be migrated. Without
// force it must be empty (ErrNotEmpty otherwise); with force its data is
// deleted first, in the same transaction.
func (s *Store) BeginRestore(ctx context.Context, force bool) (*Restorer, error) {
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty && !force {
		return nil, ErrNotEmpty
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	r := &Restorer{s: s, ctx: ctx, tx: tx, columns: map[string][]string{}}
	tables, err := s.tablesInDependencyOrder(ctx, tx)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	for _, t := range tables {
		cols, err := s.tableColumns(ctx, tx, t)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		r.columns[t] = cols
	}
	if !empty || force {
		for _, t := range slices.Backward(tables) {
			if err := s.withoutTriggers(ctx, tx, t, func() error {
				_, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t))
				return err
			}); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("clear %s: %w", t, err)
			}
		}
	}
	return r, nil
}

func (s *Store) tableColumns(ctx context.Context, q querier, table string) ([]string, error) {
	if s.engine == SQLite {
		return column[string](ctx, q, `SELECT name FROM pragma_table_info($1) ORDER BY cid`, table)
	}
	return column[string](ctx, q, `SELECT column_name FROM information_schema.columns
	                              WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
}

// withoutTriggers runs fn with the table's own triggers (the audit log's
// append-only guard) switched off, inside the restore's transaction.
func (s *Store) withoutTriggers(ctx context.Context, tx *sql.Tx, table string, fn func() error) error {
	if s.engine == Postgres {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(table)+` DISABLE TRIGGER USER`); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `ALTER TABLE `+quoteIdent(table)+` ENABLE TRIGGER USER`)
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1`, table)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+quoteIdent(n)); err != nil {
			return err
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// Table starts the rows of a table. Every dumped column must exist in the
// target; target columns absent from the dump take their defaults.
func (r *Restorer) Table(t TableDump) error {
	if err := r.closeTable(); err != nil {
		return err
	}
	cols, ok := r.columns[t.Name]
	if !ok {
		return fmt.Errorf("table %s of the backup does not exist in this database (is the binary older than the backup?)", t.Name)
	}
	quoted := make([]string, len(t.Columns))
	marks := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		if !slices.Contains(cols, c) {
			return fmt.Errorf("column %s.%s of the backup does not exist in this database", t.Name, c)
		}
		quoted[i] = quoteIdent(c)
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	overriding := ""
	if r.s.engine == Postgres {
		overriding = " OVERRIDING SYSTEM VALUE"
	}
	stmt, err := r.tx.PrepareContext(r.ctx, `INSERT INTO `+quoteIdent(t.Name)+` (`+strings.Join(quoted, ", ")+`)`+
		overriding+` VALUES (`+strings.Join(marks, ", ")+`) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	r.table, r.insert = &t, stmt
	return nil
}

// Row inserts one row of the current table.
func (r *Restorer) Row(values []json.RawMessage) error {
	if r.table == nil {
		return fmt.Errorf("row before any table")
	}
	if len(values) != len(r.table.Columns) {
		return fmt.Errorf("table %s: row of %d values for %d columns", r.table.Name, len(values), len(r.table.Columns))
	}
	args := make([]any, len(values))
	for i, raw := range values {
		v, err := decodeValue(raw, r.table.Kinds[i])
		if err != nil {
			return fmt.Errorf("table %s, column %s: %w", r.table.Name, r.table.Columns[i], err)
		}
		args[i] = v
	}
	// Inserts are allowed into the append-only audit log; only changes
	// and deletions are refused.
	if _, err := r.insert.ExecContext(r.ctx, args...); err != nil {
		return fmt.Errorf("table %s: %w", r.table.Name, err)
	}
	r.rows++
	return nil
}

func (r *Restorer) closeTable() error {
	if r.insert != nil {
		err := r.insert.Close()
		r.insert, r.table = nil, nil
		return err
	}
	return nil
}

// Commit ends the restore: on PostgreSQL the identity sequences continue
// after the restored IDs. It returns the number of rows restored.
func (r *Restorer) Commit() (int, error) {
	if err := r.closeTable(); err != nil {
		r.tx.Rollback()
		return 0, err
	}
	if r.s.engine == Postgres {
		rows, err := r.tx.QueryContext(r.ctx, `SELECT table_name, column_name FROM information_schema.columns
		                                         WHERE table_schema = current_schema() AND is_identity = 'YES'`)
		if err != nil {
			r.tx.Rollback()
			return 0, err
		}
		var idents [][2]string
		for rows.Next() {
			var t, c string
			if err := rows.Scan(&t, &c); err != nil {
				rows.Close()
				r.tx.Rollback()
				return 0, err
			}
			idents = append(idents, [2]string{t, c})
		}
		rows.Close()
		for _, tc := range idents {
			t, c := quoteIdent(tc[0]), quoteIdent(tc[1])
			if _, err := r.tx.ExecContext(r.ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+c+`), 0) + 1, false) FROM `+t,
				t, tc[1]); err != nil {
				r.tx.Rollback()
				return 0, fmt.Errorf("reset sequence of %s: %w", t, err)
			}
		}
	}
	// The restore switched the triggers off while it cleared the tables.
	if err := bumpContentVersion(r.ctx, r.tx); err != nil {
		r.tx.Rollback()
		return 0, err
	}
	return r.rows, r.tx.Commit()
}

// Rollback abandons the restore.
func (r *Restorer) Rollback() error {
	_ = r.closeTable()
	return r.tx.Rollback()
}
