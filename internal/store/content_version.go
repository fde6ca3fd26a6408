package store

import (
	"context"
	"sync"
	"time"
)

// ContentVersion is a counter that grows with every change to what the public pages show: the garage's
// details, hours and exceptions, services, cars with their photos and equipment, and testimonials.
// Triggers (migration 00007) bump it in the same transaction as the change, whichever instance makes it.
//
// The web layer asks for it at every public page, so the database is read at most about once per
// ContentVersionLag while pages are asked for, and not at all when idle. The value returned includes
// every change committed more than ContentVersionLag before the call, wherever it was made, and every
// change this process declared before the call (ContentChanged).
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	return s.version.get(ctx, s.readContentVersion)
}

// ContentVersionLag is how far behind the database ContentVersion may be: less than the time between two
// requests of one visitor, so that a change seen on one instance is never undone by the next page from
// another; under load the database then sees about one version read per millisecond.
const ContentVersionLag = 2 * time.Millisecond

// ContentChanged tells the store that this process may just have changed public content (a form was
// saved): the next ContentVersion reads the database, whatever the lag.
func (s *Store) ContentChanged() { s.version.changedNow() }

// SetContentVersionLag replaces ContentVersionLag for this store (0: every call reads the database, or
// takes a read begun after it). For tests, which change the database behind the store's back; call it
// before the first ContentVersion.
func (s *Store) SetContentVersionLag(d time.Duration) { s.version.lag = d }

func (s *Store) readContentVersion(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT n FROM content_version WHERE id = 1`).Scan(&n)
	return n, err
}

// readAheadTimeout bounds a read that no request waits for.
const readAheadTimeout = 5 * time.Second

// versionReads keeps the last version read and when its read began, and runs one read at a time.
type versionReads struct {
	lag     time.Duration
	now     func() time.Time // time.Now; tests set a clock of their own
	reading chan struct{}    // holds a token while a read runs

	mu      sync.Mutex
	n       int64
	began   time.Time // when the read of n began; zero before the first
	changed time.Time // the last changedNow
}

func newVersionReads(lag time.Duration) *versionReads {
	return &versionReads{lag: lag, now: time.Now, reading: make(chan struct{}, 1)}
}

// get returns the value of a read begun after the call less the lag, and after the last local change.
// Past half the lag, it still answers at once but starts the next read in the background, so that under
// load no caller waits.
func (v *versionReads) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	asked := v.now()
	if n, began, ok := v.recent(asked); ok {
		if asked.Sub(began) > v.lag/2 {
			select {
			case v.reading <- struct{}{}:
				go func() {
					defer func() { <-v.reading }()
					ctx, cancel := context.WithTimeout(context.Background(), readAheadTimeout)
					defer cancel()
					_, _ = v.read(ctx, read)
				}()
			default: // a read is running already
			}
		}
		return n, nil
	}
	select {
	case v.reading <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-v.reading }()
	if n, _, ok := v.recent(asked); ok { // another caller's read, begun after the call, answered meanwhile
		return n, nil
	}
	return v.read(ctx, read)
}

// recent returns the last value read and when its read began, and whether that read may answer a call
// made at asked.
func (v *versionReads) recent(asked time.Time) (int64, time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	cutoff := asked.Add(-v.lag)
	if v.changed.After(cutoff) {
		cutoff = v.changed
	}
	return v.n, v.began, v.began.After(cutoff)
}

// read runs read and keeps its value. Called with the reading token held.
func (v *versionReads) read(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	began := v.now()
	n, err := read(ctx)
	if err != nil {
		return 0, err
	}
	v.mu.Lock()
	v.n, v.began = n, began
	v.mu.Unlock()
	return n, nil
}

func (v *versionReads) changedNow() {
	v.mu.Lock()
	v.changed = v.now()
	v.mu.Unlock()
}

// bumpContentVersion is for the rare writes that bypass the triggers (a restore switches them off).
func bumpContentVersion(ctx context.Context, q querier) error {
	_, err := q.ExecContext(ctx, `UPDATE content_version SET n = n + 1 WHERE id = 1`)
	return err
}
