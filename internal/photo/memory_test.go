package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// jpegFrame is a JFIF header and a frame header (SOF0 baseline or SOF2 progressive) declaring w×h with
// three components sampled as given (0x22 for 4:2:0 luma, 0x11 for 4:4:4), and no image data.
func jpegFrame(w, h uint16, progressive bool, luma byte) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 16}
	b = append(b, "JFIF\x00"...)
	b = append(b, 1, 1, 0, 0, 1, 0, 1, 0, 0)
	sof := byte(0xc0)
	if progressive {
		sof = 0xc2
	}
	b = append(b, 0xff, sof, 0, 17, 8)
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	return append(b, 3, 1, luma, 0, 2, 0x11, 1, 3, 0x11, 1)
}

// The pixel limit depends on what a kind costs to decode: the 7000×7000 progressive JPEG of issue 21
// (under the 50 MP limit, ~700 MB in Go's decoder) is refused with a French explanation, while phone
// photos of 12 to 24 MP and a 50 MP baseline JPEG get past the memory check (the headers here carry no
// image data, so "corrupt" is how far they go).
func TestPixelLimitByKind(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	for _, tc := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"progressive 4:4:4 JPEG 7000×7000", jpegFrame(7000, 7000, true, 0x11), false},
		{"progressive 4:2:0 JPEG 7000×7000", jpegFrame(7000, 7000, true, 0x22), false},
		{"progressive 4:2:0 JPEG 24 MP", jpegFrame(6000, 4000, true, 0x22), false},
		{"PNG RGBA 40 MP", pngBomb(7300, 5470), false},
		{"phone JPEG 12 MP", jpegFrame(4000, 3000, false, 0x22), true},
		{"phone JPEG 24 MP", jpegFrame(6000, 4000, false, 0x22), true},
		{"portrait phone JPEG 24 MP", jpegFrame(4000, 6000, false, 0x22), true},
		{"baseline JPEG 50 MP", jpegFrame(8660, 5770, false, 0x22), true},
		{"progressive 4:2:0 JPEG 12 MP", jpegFrame(4000, 3000, true, 0x22), true},
		{"PNG RGBA 24 MP", pngBomb(6000, 4000), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := process(t, p, tc.data)
			if tc.ok {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("err = %v, want it past the memory check", err)
				}
				return
			}
			if !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("err = %v, want ErrTooManyPixels", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "Image trop lourde à traiter") || !strings.Contains(msg, "mégapixels") {
				t.Errorf("message %q", msg)
			}
		})
	}
	_, err := process(t, p, jpegFrame(7000, 7000, true, 0x11))
	if msg := err.Error(); !strings.Contains(msg, "7\u202f000 × 7\u202f000 pixels en JPEG progressif") || !strings.Contains(msg, "JPEG standard") {
		t.Errorf("message %q does not say what and why", msg)
	}
	// The worst accepted photo of every kind fits the budget on its own.
	for _, data := range [][]byte{jpegFrame(8660, 5770, false, 0x22), jpegFrame(4000, 3000, true, 0x22), pngBomb(6000, 4000)} {
		kind, cfg, err := p.check(data)
		if err != nil {
			t.Fatal(err)
		}
		if c := memoryCost(kind, data, cfg, 1); c > p.limits.MemoryBudget {
			t.Errorf("%s %dx%d costs %d MiB, over the budget", kind, cfg.Width, cfg.Height, c>>20)
		}
	}
}

// The memory budget is shared by all uploads: with room for one photo at a time, a second decode waits
// for the first even with free decode slots, and goes on when it is done.
func TestMemoryBudgetIsShared(t *testing.T) {
	data := encodeJPEG(t, photoLike(64, 64))
	kind, cfg, err := NewProcessor(DefaultLimits(), 1).check(data)
	if err != nil {
		t.Fatal(err)
	}
	cost := memoryCost(kind, data, cfg, 1)
	p := NewProcessor(Limits{MemoryBudget: cost + cost/2}, 4)
	var inside, peak atomic.Int32
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	p.testHookDecoding = func() {
		n := inside.Add(1)
		peak.Store(max(peak.Load(), n))
		entered <- struct{}{}
		<-release
		inside.Add(-1)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { _, errs[0] = p.Process(context.Background(), bytes.NewReader(data)) })
	<-entered // the first decode holds its share of the budget
	wg.Go(func() { _, errs[1] = p.Process(context.Background(), bytes.NewReader(data)) })
	for p.memory.waiting() != 1 { // the second is queued for memory, not decoding
		select {
		case <-entered:
			t.Fatal("a second decode started beyond the memory budget")
		default:
		}
		waitABit()
	}
	if n := inside.Load(); n != 1 {
		t.Fatalf("%d decodes inside", n)
	}
	close(release)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if peak.Load() != 1 {
		t.Fatalf("peak of %d decodes within a budget for one", peak.Load())
	}

	// Waiting for memory honours the context.
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.memory.acquire(ctx, p.limits.MemoryBudget); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := p.Process(ctx, bytes.NewReader(data)); done <- err }()
	for p.memory.waiting() != 1 {
		waitABit()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	p.memory.release(p.limits.MemoryBudget)
	if p.memory.waiting() != 0 || p.memory.free != p.limits.MemoryBudget {
		t.Fatalf("budget left at %d of %d, %d waiting", p.memory.free, p.limits.MemoryBudget, p.memory.waiting())
	}
}
