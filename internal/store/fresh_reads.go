package store

import (
	"context"
	"sync"
	"time"
)

// freshReads lets many goroutines share the reads of a value that each of them needs at least as new as
// the moment it asked, less an allowed lag (maxLag):
//
//   - with no lag, a caller never takes the result of a read that began before its call, since that read
//     may have missed a change committed just before the call. A caller arriving while a read is running
//     waits for the next one, which starts as soon as the running one ends and answers every caller that
//     arrived in between. Under load the database sees one query per round trip instead of one per caller;
//     alone, a caller pays one round trip, as without sharing, and at worst it waits for two;
//   - with a lag, a caller also takes the result of a read that began at most maxLag before its call, and
//     after the last local change (changed). Callers then seldom wait: one that takes a result older than
//     half the lag starts the next read in the background, so that a recent one is there for the callers
//     that follow. The database sees at most one query per half lag under load, none when idle.
//
// The zero value is ready to use, without lag; every call must pass the same read function. A read runs
// for several callers, so no caller's context may cancel it: it is given one that never ends, and bounds
// its own wait.
type freshReads struct {
	now func() time.Time // time.Now when nil (tests set it)

	mu      sync.Mutex
	maxLag  time.Duration // set before the first call, or by setLag
	changed time.Time     // the last local change (changedNow): no caller after it takes an older read
	last    *readRound    // the latest successful round (with a lag only)
	running *readRound    // started or about to be, not finished
	waiting *readRound    // starts when running ends; joined by the callers arriving meanwhile
}

type readRound struct {
	began time.Time     // set when the round becomes the running one, before its read is sent
	done  chan struct{} // closed when n and err are set
	n     int64
	err   error
}

func (f *freshReads) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}

// get returns the result of a read begun after the call (less maxLag, and after the last local change), or
// ctx's error if ctx ends first.
func (f *freshReads) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	f.mu.Lock()
	if f.maxLag > 0 {
		now := f.clock()
		cutoff := now.Add(-f.maxLag)
		if f.changed.After(cutoff) {
			cutoff = f.changed
		}
		if l := f.last; l != nil && l.began.After(cutoff) {
			if f.running == nil && now.Sub(l.began) > f.maxLag/2 {
				r := f.startLocked()
				go f.run(r, read)
			}
			f.mu.Unlock()
			return l.n, nil
		}
		if r := f.running; r != nil && r.began.After(cutoff) {
			f.mu.Unlock()
			return waitRound(ctx, r)
		}
	}
	if f.running == nil { // idle: read now
		r := f.startLocked()
		f.mu.Unlock()
		f.run(r, read)
		return r.n, r.err
	}
	if r := f.waiting; r != nil { // join the next round
		f.mu.Unlock()
		return waitRound(ctx, r)
	}
	// Lead the next round: start it as soon as the running one ends. The leader does not give up when its
	// own request ends, since the others depend on it; the read bounds the wait.
	r := &readRound{done: make(chan struct{})}
	f.waiting = r
	prev := f.running
	f.mu.Unlock()
	<-prev.done
	f.run(r, read)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return r.n, r.err
}

func (f *freshReads) setLag(d time.Duration) {
	f.mu.Lock()
	f.maxLag = d
	f.mu.Unlock()
}

// changedNow records a change made by this process: no caller after it takes the result of a read begun
// before it, whatever the lag.
func (f *freshReads) changedNow() {
	f.mu.Lock()
	f.changed = f.clock()
	f.mu.Unlock()
}

func waitRound(ctx context.Context, r *readRound) (int64, error) {
	select {
	case <-r.done:
		return r.n, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// startLocked makes a new round the running one. Called with mu held and no round running.
func (f *freshReads) startLocked() *readRound {
	r := &readRound{began: f.clock(), done: make(chan struct{})}
	f.running = r
	return r
}

// run does round r's read, then hands the running slot to the round that waited for it, whose leader
// starts it. The read runs on the caller's goroutine, whose stack has already grown for database calls.
func (f *freshReads) run(r *readRound, read func(context.Context) (int64, error)) {
	r.n, r.err = read(context.Background())
	f.mu.Lock()
	if r.err == nil && f.maxLag > 0 && (f.last == nil || r.began.After(f.last.began)) {
		f.last = r
	}
	f.running = f.waiting
	f.waiting = nil
	if f.running != nil {
		// Its leader sends the read once it has been scheduled: a little later, never earlier.
		f.running.began = f.clock()
	}
	f.mu.Unlock()
	close(r.done)
}
