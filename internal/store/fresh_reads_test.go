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

// The callers arriving during one read share the next one.
func TestFreshReadsShareOneReadPerRound(t *testing.T) {
	var f freshReads
	s := newFakeSource()
	first := goGet(&f, s, context.Background())
	waitStarted(t, s)
	s.value.Store(7)
	var waiting []chan result
	for range 20 {
		waiting = append(waiting, goGet(&f, s, context.Background()))
	}
	time.Sleep(20 * time.Millisecond)
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
	errs := make(chan string, 1)
	for range 8 {
		wg.Go(func() {
			for range 200 {
				committed := value.Add(1) // this goroutine's own change, committed before it asks
				n, err := f.get(context.Background(), read)
				if err != nil || n < committed {
					select {
					case errs <- "stale read":
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case e := <-errs:
		t.Fatal(e)
	default:
	}
}
