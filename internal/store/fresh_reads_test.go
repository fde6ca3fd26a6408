package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeSource is a value that "commits" change, read by a query that sees the value of the moment it
// starts and can be held before answering.
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
	n := s.value.Load() // the snapshot of the moment the query starts
	s.reads.Add(1)
	s.started <- struct{}{}
	select {
	case <-s.release:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func waitStarted(t *testing.T, s *fakeSource) {
	t.Helper()
	select {
	case <-s.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no read started")
	}
}

type result struct {
	n   int64
	err error
}

func goGet(f *freshReads, s *fakeSource, ctx context.Context) chan result {
	ch := make(chan result, 1)
	go func() {
		n, err := f.get(ctx, s.read)
		ch <- result{n, err}
	}()
	return ch
}

// A caller arriving while a read is running must not take that read's result: the read began before a
// change the caller may already know about.
func TestFreshReadsNeverAnswerWithAReadBegunBeforeTheCall(t *testing.T) {
	var f freshReads
	s := newFakeSource()
	first := goGet(&f, s, context.Background())
	waitStarted(t, s) // the first read has taken its snapshot: 0

	s.value.Store(1) // a change commits, then a visitor asks
	second := goGet(&f, s, context.Background())
	time.Sleep(20 * time.Millisecond) // let the second caller join whatever it joins

	s.release <- struct{}{} // the first read answers
	if r := <-first; r.err != nil || r.n != 0 {
		t.Fatalf("first caller: got %d, %v; want 0", r.n, r.err)
	}
	waitStarted(t, s) // a second read starts for the second caller
	s.release <- struct{}{}
	if r := <-second; r.err != nil || r.n != 1 {
		t.Fatalf("second caller: got %d, %v; want 1, the value committed before its call", r.n, r.err)
	}
}

// joinContext says, once, when a caller waits on it: get selects on Done only once the caller has joined a
// round that another caller runs.
type joinContext struct {
	context.Context
	once   sync.Once
	joined chan<- struct{}
}

func (c *joinContext) Done() <-chan struct{} {
	c.once.Do(func() { c.joined <- struct{}{} })
	return c.Context.Done()
}

// The callers arriving during one read share the next one.
func TestFreshReadsShareOneReadPerRound(t *testing.T) {
	var f freshReads
	s := newFakeSource()
	first := goGet(&f, s, context.Background())
	waitStarted(t, s)
	s.value.Store(7)
	var waiting []chan result
	joined := make(chan struct{}, 20)
	for range 20 {
		waiting = append(waiting, goGet(&f, s, &joinContext{Context: context.Background(), joined: joined}))
	}
	// Every caller must be in the next round before the first read answers (a late one would start a
	// round of its own): the leader has made it, and the 19 others wait on it.
	for range 19 {
		select {
		case <-joined:
		case <-time.After(10 * time.Second):
			t.Fatal("the callers did not join the next round")
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		f.mu.Lock()
		led := f.waiting != nil
		f.mu.Unlock()
		if led {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no caller leads the next round")
		}
	}
	s.release <- struct{}{}
	<-first
	waitStarted(t, s)
	s.release <- struct{}{}
	for i, ch := range waiting {
		if r := <-ch; r.err != nil || r.n != 7 {
			t.Fatalf("caller %d: got %d, %v; want 7", i, r.n, r.err)
		}
	}
	if n := s.reads.Load(); n != 2 {
		t.Fatalf("%d reads for 21 callers in two rounds, want 2", n)
	}
	// Idle again: the next caller starts its own read at once.
	next := goGet(&f, s, context.Background())
	waitStarted(t, s)
	s.release <- struct{}{}
	if r := <-next; r.n != 7 || s.reads.Load() != 3 {
		t.Fatalf("after the rounds: got %d with %d reads", r.n, s.reads.Load())
	}
}

// A waiting caller whose request ends gets its context's error at once; the round goes on for the others,
// even when it was the caller that was to start it.
func TestFreshReadsCancelledCallersLeaveTheRound(t *testing.T) {
	var f freshReads
	s := newFakeSource()
	first := goGet(&f, s, context.Background())
	waitStarted(t, s)
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leader := goGet(&f, s, leaderCtx) // the first to wait leads the next round
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	gone := goGet(&f, s, ctx)
	stays := goGet(&f, s, context.Background())
	time.Sleep(20 * time.Millisecond)
	cancel()
	if r := <-gone; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled caller: got %d, %v", r.n, r.err)
	}
	cancelLeader()   // its visitor left: it still runs the round the others wait for
	s.value.Store(3) // committed before the next round starts: it sees it
	s.release <- struct{}{}
	<-first
	waitStarted(t, s)
	s.release <- struct{}{}
	if r := <-stays; r.err != nil || r.n != 3 {
		t.Fatalf("remaining caller: got %d, %v; want 3", r.n, r.err)
	}
	if r := <-leader; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled leader: got %d, %v", r.n, r.err)
	}
}

// A failed read fails its round only: the next caller reads again.
func TestFreshReadsErrorIsNotKept(t *testing.T) {
	var f freshReads
	fail := true
	read := func(context.Context) (int64, error) {
		if fail {
			return 0, errors.New("database unavailable")
		}
		return 5, nil
	}
	if _, err := f.get(context.Background(), read); err == nil {
		t.Fatal("want the read's error")
	}
	fail = false
	if n, err := f.get(context.Background(), read); err != nil || n != 5 {
		t.Fatalf("got %d, %v after the database came back", n, err)
	}
}

// Many concurrent callers, under the race detector: every caller gets a value at least as new as the one
// committed before its call.
func TestFreshReadsConcurrentCallersSeeTheirCommits(t *testing.T) {
	var f freshReads
	var value atomic.Int64
	read := func(context.Context) (int64, error) {
		n := value.Load()
		time.Sleep(50 * time.Microsecond)
		return n, nil
	}
	var wg sync.WaitGroup
	fails := newFailures()
	for range 8 {
		wg.Go(func() {
			for range 200 {
				committed := value.Add(1) // this goroutine's own change, committed before it asks
				n, err := f.get(context.Background(), read)
				if err != nil || n < committed {
					fails.add("stale read")
					return
				}
			}
		})
	}
	wg.Wait()
	fails.check(t)
}

// failures keeps the first failure of concurrent goroutines, for the test's own goroutine to report.
type failures chan string

func newFailures() failures { return make(failures, 1) }

func (f failures) add(msg string) {
	select {
	case f <- msg:
	default:
	}
}

func (f failures) check(t *testing.T) {
	t.Helper()
	select {
	case msg := <-f:
		t.Fatal(msg)
	default:
	}
}

// fakeClock is a settable clock for freshReads.now.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }
func newLagged(lag time.Duration) (*freshReads, *fakeClock) {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC).UnixNano())
	return &freshReads{maxLag: lag, now: c.now}, c
}

// With a lag, a caller takes the result of a read begun at most the lag before its call, without waiting;
// an older one it does not take.
func TestFreshReadsWithALagTakeARecentRead(t *testing.T) {
	f, clock := newLagged(10 * time.Millisecond)
	s := newFakeSource()
	s.value.Store(1)
	first := goGet(f, s, context.Background())
	waitStarted(t, s)
	s.release <- struct{}{}
	if r := <-first; r.err != nil || r.n != 1 {
		t.Fatalf("first: %d, %v", r.n, r.err)
	}
	s.value.Store(2) // committed elsewhere
	clock.advance(4 * time.Millisecond)
	if n, err := f.get(context.Background(), s.read); err != nil || n != 1 || s.reads.Load() != 1 {
		t.Fatalf("within the lag: got %d, %v after %d reads; want the first read's 1, no new read", n, err, s.reads.Load())
	}
	clock.advance(7 * time.Millisecond) // the first read began 11 ms ago
	late := goGet(f, s, context.Background())
	waitStarted(t, s)
	select {
	case r := <-late:
		t.Fatalf("past the lag, a caller took %d, %v without a new read", r.n, r.err)
	case <-time.After(20 * time.Millisecond):
	}
	s.release <- struct{}{}
	if r := <-late; r.err != nil || r.n != 2 {
		t.Fatalf("past the lag: got %d, %v; want 2", r.n, r.err)
	}
}

// Past half the lag, a caller still takes the recent result at once, and starts the next read in the
// background for the callers that follow.
func TestFreshReadsWithALagReadAhead(t *testing.T) {
	f, clock := newLagged(10 * time.Millisecond)
	s := newFakeSource()
	s.value.Store(1)
	first := goGet(f, s, context.Background())
	waitStarted(t, s)
	s.release <- struct{}{}
	<-first
	s.value.Store(2)
	clock.advance(6 * time.Millisecond)
	if n, err := f.get(context.Background(), s.read); err != nil || n != 1 {
		t.Fatalf("past half the lag: got %d, %v; want 1 at once", n, err)
	}
	waitStarted(t, s) // the read ahead
	s.release <- struct{}{}
	clock.advance(4500 * time.Microsecond) // the first read is now too old; the one ahead is not, nor old enough for another
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := f.get(context.Background(), s.read)
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read ahead never answered: got %d", n)
		}
		time.Sleep(time.Millisecond)
	}
	if got := s.reads.Load(); got != 2 {
		t.Fatalf("%d reads, want 2", got)
	}
}

// A change made by this process counts at once: no caller after it takes a read begun before it, however
// recent.
func TestFreshReadsWithALagSeeLocalChangesAtOnce(t *testing.T) {
	f, clock := newLagged(time.Hour)
	s := newFakeSource()
	first := goGet(f, s, context.Background())
	waitStarted(t, s)
	s.release <- struct{}{}
	<-first
	clock.advance(time.Millisecond)
	s.value.Store(5)
	f.changedNow()
	clock.advance(time.Millisecond)
	after := goGet(f, s, context.Background())
	waitStarted(t, s)
	s.release <- struct{}{}
	if r := <-after; r.err != nil || r.n != 5 {
		t.Fatalf("after a local change: got %d, %v; want 5", r.n, r.err)
	}
}

// Many concurrent callers with a lag, under the race detector, on the real clock: a caller that commits
// and says so (changedNow) always gets its change; one that reads what another committed more than the
// lag ago does too.
func TestFreshReadsWithALagConcurrentCallers(t *testing.T) {
	f := &freshReads{maxLag: 200 * time.Microsecond}
	var value atomic.Int64
	type commit struct {
		n  int64
		at time.Time
	}
	var lastCommit atomic.Pointer[commit]
	lastCommit.Store(&commit{at: time.Now()})
	read := func(context.Context) (int64, error) {
		n := value.Load()
		time.Sleep(50 * time.Microsecond)
		return n, nil
	}
	var wg sync.WaitGroup
	fails := newFailures()
	for i := range 8 {
		wg.Go(func() {
			for range 300 {
				if i%4 < 2 { // a writer: of this process (0), or elsewhere, looking once the lag has passed (1)
					n := value.Add(1)
					lastCommit.Store(&commit{n: n, at: time.Now()})
					if i%4 == 0 {
						f.changedNow()
					} else {
						time.Sleep(f.maxLag + 10*time.Microsecond)
					}
					if got, err := f.get(context.Background(), read); err != nil || got < n {
						fails.add(fmt.Sprintf("writer %d did not see its change", i%4))
						return
					}
					continue
				}
				c := lastCommit.Load() // a reader: what was committed more than the lag ago must show
				if time.Since(c.at) <= f.maxLag {
					time.Sleep(f.maxLag)
				}
				if got, err := f.get(context.Background(), read); err != nil || got < c.n {
					fails.add("a change older than the lag was not seen")
					return
				}
			}
		})
	}
	wg.Wait()
	fails.check(t)
}
