package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeSource is a value that "commits" change, read by a query that sees the value of the moment it
// starts and answers when the test releases it.
type fakeSource struct {
	value   atomic.Int64
	reads   atomic.Int64
	started chan struct{} // receives one token per read, as it starts
	release chan struct{} // a read answers once it can receive from here
}

func newFakeSource() *fakeSource {
	return &fakeSource{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (s *fakeSource) read(ctx context.Context) (int64, error) {
	n := s.value.Load()
	s.reads.Add(1)
	s.started <- struct{}{}
	select {
	case <-s.release:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// answer waits for a read to start, then lets it answer.
func (s *fakeSource) answer(t *testing.T) {
	t.Helper()
	select {
	case <-s.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no read started")
	}
	s.release <- struct{}{}
}

// fakeClock moves only when told to, but by a nanosecond at each reading, so that no two moments are
// the same.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Add(1)) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func newFakeReads(lag time.Duration) (*versionReads, *fakeClock, *fakeSource) {
	v, c := newVersionReads(lag), &fakeClock{}
	c.ns.Store(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC).UnixNano())
	v.now = c.now
	return v, c, newFakeSource()
}

type result struct {
	n   int64
	err error
}

func goGet(ctx context.Context, v *versionReads, s *fakeSource) chan result {
	ch := make(chan result, 1)
	go func() {
		n, err := v.get(ctx, s.read)
		ch <- result{n, err}
	}()
	return ch
}

// waitingContext tells when a caller waits for the running read: get then selects on Done.
type waitingContext struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func newWaitingContext() *waitingContext {
	return &waitingContext{Context: context.Background(), waiting: make(chan struct{})}
}

func (c *waitingContext) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

func want(t *testing.T, what string, ch chan result, n int64) {
	t.Helper()
	if r := <-ch; r.err != nil || r.n != n {
		t.Fatalf("%s: got %d, %v; want %d", what, r.n, r.err, n)
	}
}

// Without a lag, a caller never takes the result of a read begun before its call, which may have missed a
// change the caller knows about; callers that waited for the same running read share the next one.
func TestVersionReadsWithoutLag(t *testing.T) {
	v, _, s := newFakeReads(0)
	first := goGet(context.Background(), v, s)
	<-s.started // the first read has taken its snapshot: 0
	s.value.Store(1)
	var waiting []chan result
	for range 3 {
		ctx := newWaitingContext()
		waiting = append(waiting, goGet(ctx, v, s))
		<-ctx.waiting
	}
	s.release <- struct{}{}
	want(t, "first caller", first, 0)
	s.answer(t) // one read for the three callers that waited
	for _, ch := range waiting {
		want(t, "caller arriving during the first read", ch, 1)
	}
	if n := s.reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
}

// With a lag, a caller takes a read begun at most the lag before its call, without waiting; past half the
// lag it starts the next read in the background; an older read it does not take.
func TestVersionReadsWithALag(t *testing.T) {
	v, clock, s := newFakeReads(10 * time.Millisecond)
	s.value.Store(1)
	first := goGet(context.Background(), v, s)
	s.answer(t)
	want(t, "first", first, 1)
	s.value.Store(2) // committed elsewhere
	clock.advance(4 * time.Millisecond)
	if n, err := v.get(context.Background(), s.read); err != nil || n != 1 || s.reads.Load() != 1 {
		t.Fatalf("within the lag: got %d, %v after %d reads; want the first read's 1, no new read", n, err, s.reads.Load())
	}
	clock.advance(2 * time.Millisecond) // past half the lag: answered at once, and a read starts behind
	if n, err := v.get(context.Background(), s.read); err != nil || n != 1 {
		t.Fatalf("past half the lag: got %d, %v; want 1 at once", n, err)
	}
	s.answer(t)
	// The first read is now too old; the one ahead is not, and the caller takes it (waiting for it to
	// finish if needed) instead of reading again.
	clock.advance(4500 * time.Microsecond)
	if n, err := v.get(context.Background(), s.read); err != nil || n != 2 || s.reads.Load() != 2 {
		t.Fatalf("after the read ahead: got %d, %v after %d reads; want 2 after 2", n, err, s.reads.Load())
	}
	s.value.Store(3)
	clock.advance(11 * time.Millisecond)
	late := goGet(context.Background(), v, s)
	s.answer(t)
	want(t, "past the lag", late, 3)
}

// A change this process declares counts at once, however long the lag: no caller after it takes a read
// begun before it, even one still running when the change was declared.
func TestVersionReadsSeeLocalChangesAtOnce(t *testing.T) {
	v, _, s := newFakeReads(time.Hour)
	first := goGet(context.Background(), v, s)
	<-s.started // snapshot 0, still running
	s.value.Store(5)
	v.changedNow()
	after := goGet(context.Background(), v, s)
	s.release <- struct{}{}
	want(t, "the read begun before the change", first, 0)
	s.answer(t)
	want(t, "after a local change", after, 5)
}

// A caller whose request ends while it waits for a read leaves at once; a failed read is not kept.
func TestVersionReadsCancelAndErrors(t *testing.T) {
	v, _, s := newFakeReads(0)
	first := goGet(context.Background(), v, s)
	<-s.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.get(ctx, s.read); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	s.release <- struct{}{}
	want(t, "first", first, 0)

	fail := func(context.Context) (int64, error) { return 0, errors.New("database unavailable") }
	if _, err := v.get(context.Background(), fail); err == nil {
		t.Fatal("want the read's error")
	}
	s.value.Store(7)
	again := goGet(context.Background(), v, s)
	s.answer(t)
	want(t, "after the database came back", again, 7)
}

// Many concurrent callers on the real clock, under the race detector: each commits, declares it (as the
// web layer does for every form) and must see its change, with and without a lag.
func TestVersionReadsConcurrentCallersSeeTheirChanges(t *testing.T) {
	for _, lag := range []time.Duration{0, 200 * time.Microsecond, time.Hour} {
		v := newVersionReads(lag)
		var value atomic.Int64
		read := func(context.Context) (int64, error) { return value.Load(), nil }
		var wg sync.WaitGroup
		var stale atomic.Int64
		for range 8 {
			wg.Go(func() {
				for range 300 {
					committed := value.Add(1)
					if lag > 0 {
						v.changedNow()
					}
					if n, err := v.get(context.Background(), read); err != nil || n < committed {
						stale.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := stale.Load(); n > 0 {
			t.Errorf("lag %v: %d callers did not see their change", lag, n)
		}
	}
}
