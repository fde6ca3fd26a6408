package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"syscall"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every pending migration of the store's engine. It is safe
// to run again (a no-op when up to date) and safe when several instances
// start at once: PostgreSQL uses an advisory session lock, SQLite an
// exclusive lock on a file beside the database.
func (s *Store) Migrate(ctx context.Context) error {
	_, _, err := s.Upgrade(ctx)
	return err
}

// Upgrade is Migrate that says what this call did: the versions from and
// to which it migrated the schema, equal (the current version) when it
// applied nothing — because the schema was current, or because another
// process migrated it while this one waited for the lock.
func (s *Store) Upgrade(ctx context.Context) (from, to int64, err error) {
	p, unlock, err := s.migrationProvider(ctx, true)
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	applied, err := p.Up(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("apply migrations: %w", err)
	}
	if len(applied) == 0 {
		v, err := p.GetDBVersion(ctx)
		return v, v, err
	}
	first, last := applied[0].Source.Version, applied[len(applied)-1].Source.Version
	for _, src := range p.ListSources() {
		if src.Version < first {
			from = src.Version
		}
	}
	return from, last, nil
}

// MigrationStatus returns the current schema version and the newest one
// embedded in the binary. On PostgreSQL it reads without the migration
// lock: `garage serve` checks the version at start-up, and an instance
// starting during a long `garage db upgrade` then stops at once (schema
// too old) instead of waiting, and behind PgBouncer in transaction mode no
// session lock is taken on every start (docs/scaling.md).
func (s *Store) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, unlock, err := s.migrationProvider(ctx, false)
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

// migrationProvider returns goose's provider; locked takes the PostgreSQL
// advisory lock around its operations (SQLite always takes its file lock,
// which is local to the machine).
func (s *Store) migrationProvider(ctx context.Context, locked bool) (*goose.Provider, func(), error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.engine))
	if err != nil {
		return nil, nil, err
	}
	unlock := func() {}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if s.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	if s.engine == Postgres && locked {
		// One lock per schema: instances migrating the same schema take
		// turns, while separate schemas (as in tests) do not wait for
		// each other.
		var schema string
		if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return nil, nil, fmt.Errorf("migrations: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID(schema)),
			lock.WithLockTimeout(1, 600), // retry every second, for up to ten minutes
		)
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	} else if s.engine == SQLite {
		unlock, err = lockFile(ctx, s.path+".migrate.lock")
		if err != nil {
			return nil, nil, err
		}
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, unlock, nil
}

// migrationLockID is the PostgreSQL advisory lock key of a schema's
// migrations.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte(schema))
	return lock.DefaultLockID ^ int64(h.Sum64()>>1)
}

// lockFile takes an exclusive flock on path, so that two processes
// migrating the same SQLite file take turns.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("migration lock: %w", err)
		}
	case <-ctx.Done():
		f.Close() // closing the file releases a lock taken late
		return nil, ctx.Err()
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
