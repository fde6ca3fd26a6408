package store

import (
	"context"
	"sync"
)

// freshReads lets many goroutines share the reads of a value that each of them needs at least as new as
// the moment it asked: a caller never takes the result of a read that began before its call, since that
// read may have missed a change committed just before the call. A caller arriving while a read is running
// waits for the next one, which starts as soon as the running one ends and answers every caller that
// arrived in between. Under load the database sees one query per round trip instead of one per caller;
// alone, a caller pays one round trip, as without sharing, and at worst it waits for two.
//
// The zero value is ready to use; every call must pass the same read function. A read runs for several
// callers, so no caller's context may cancel it: it is given one that never ends, and bounds its own wait.
type freshReads struct {
	mu      sync.Mutex
	running *readRound // started or about to be, not finished
	waiting *readRound // starts when running ends; joined by the callers arriving meanwhile
}

type readRound struct {
	done chan struct{} // closed when n and err are set
	n    int64
	err  error
}

// get returns the result of a read begun after the call, or ctx's error if ctx ends first.
func (f *freshReads) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	f.mu.Lock()
	if f.running == nil { // idle: read now
		r := &readRound{done: make(chan struct{})}
		f.running = r
		f.mu.Unlock()
		f.run(r, read)
		return r.n, r.err
	}
	if r := f.waiting; r != nil { // join the next round
		f.mu.Unlock()
		select {
		case <-r.done:
			return r.n, r.err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
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

// run does round r's read, then hands the running slot to the round that waited for it, whose leader
// starts it. The read runs on the caller's goroutine, whose stack has already grown for database calls.
func (f *freshReads) run(r *readRound, read func(context.Context) (int64, error)) {
	r.n, r.err = read(context.Background())
	f.mu.Lock()
	f.running = f.waiting
	f.waiting = nil
	f.mu.Unlock()
	close(r.done)
}
