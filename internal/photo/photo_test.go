package photo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func process(t *testing.T, p *Processor, data []byte) (*Result, error) {
	t.Helper()
	return p.Process(context.Background(), bytes.NewReader(data))
}

// decodeVariant decodes one output variant, checking it is a plain JPEG of the stated size.
func decodeVariant(t *testing.T, v Variant) image.Image {
	t.Helper()
	if v.ContentType != "image/jpeg" {
		t.Errorf("%s: content type %q", v.Size, v.ContentType)
	}
	m, err := jpeg.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("%s: output does not decode: %v", v.Size, err)
	}
	if b := m.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Fatalf("%s: decoded %v, variant says %dx%d", v.Size, b, v.Width, v.Height)
	}
	return m
}

// near reports whether c is within tol of want on each of R, G, B.
func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v >= -tol && v <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestSizesAndVariants(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 2)
	for _, tc := range []struct {
		name   string
		w, h   int
		format string
		enc    func(testing.TB, image.Image) []byte
		want   [][2]int // thumb, card, gallery, large
	}{
		{"landscape jpeg", 2000, 1000, "jpeg", encodeJPEG, [][2]int{{320, 160}, {640, 320}, {1280, 640}, {1920, 960}}},
		{"portrait png", 700, 1300, "png", encodePNG, [][2]int{{320, 594}, {640, 1189}, {700, 1300}, {700, 1300}}},
		{"small jpeg not enlarged", 200, 150, "jpeg", encodeJPEG, [][2]int{{200, 150}, {200, 150}, {200, 150}, {200, 150}}},
		{"one pixel high", 3000, 1, "png", encodePNG, [][2]int{{320, 1}, {640, 1}, {1280, 1}, {1920, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := process(t, p, tc.enc(t, photoLike(tc.w, tc.h)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Width != tc.w || res.Height != tc.h || res.Format != tc.format {
				t.Errorf("result %dx%d %q, want %dx%d %q", res.Width, res.Height, res.Format, tc.w, tc.h, tc.format)
			}
			sizes := Sizes()
			if len(res.Variants) != len(sizes) {
				t.Fatalf("%d variants, want %d", len(res.Variants), len(sizes))
			}
			for i, v := range res.Variants {
				if v.Size != sizes[i].Name {
					t.Errorf("variant %d is %q, want %q", i, v.Size, sizes[i].Name)
				}
				if v.Width != tc.want[i][0] || v.Height != tc.want[i][1] {
					t.Errorf("%s: %dx%d, want %dx%d", v.Size, v.Width, v.Height, tc.want[i][0], tc.want[i][1])
				}
				decodeVariant(t, v)
			}
		})
	}
}

func TestSizesList(t *testing.T) {
	want := []Size{{"thumb", 320}, {"card", 640}, {"gallery", 1280}, {"large", 1920}}
	got := Sizes()
	if len(got) != len(want) {
		t.Fatalf("Sizes() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Sizes()[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	got[0].Width = 1 // callers get their own copy
	if Sizes()[0].Width != 320 {
		t.Error("Sizes() shares its slice")
	}
}

func TestWebP(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	t.Run("lossy", func(t *testing.T) {
		res, err := process(t, p, readTestdata(t, "blue-purple-pink.lossy.webp"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "webp" || res.Width != 150 || res.Height != 100 {
			t.Fatalf("got %q %dx%d", res.Format, res.Width, res.Height)
		}
		decodeVariant(t, res.Variants[0])
	})
	for _, tc := range []struct{ file, model string }{
		{"gopher-doc.with-alpha.lossless.webp", "*image.NRGBA"}, // VP8X + VP8L
		{"yellow_rose.lossy-with-alpha.webp", "*image.NYCbCrA"}, // VP8X + ALPH + VP8
	} {
		t.Run(tc.file+", flattened on white", func(t *testing.T) {
			data := readTestdata(t, tc.file)
			src, err := decodeWebP(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", src); got != tc.model {
				t.Fatalf("test image changed: decodes to %s, want %s", got, tc.model)
			}
			res, err := process(t, p, data)
			if err != nil {
				t.Fatal(err)
			}
			b := src.Bounds()
			if res.Format != "webp" || res.Width != b.Dx() || res.Height != b.Dy() {
				t.Fatalf("got %q %dx%d, want %v", res.Format, res.Width, res.Height, b)
			}
			// Partly transparent: the output must be the original composited over white, pixel for pixel
			// (within JPEG error), and clearly not over black.
			out := decodeVariant(t, res.Variants[3]) // "large": same size as the original
			var diffWhite, diffBlack, transparent int
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, a := src.At(x, y).RGBA() // premultiplied
					if a < 0xffff {
						transparent++
					}
					or, og, ob, _ := out.At(x-b.Min.X, y-b.Min.Y).RGBA()
					for _, c := range [][2]uint32{{r, or}, {g, og}, {bl, ob}} {
						diffWhite += absDiff(int((c[0]+0xffff-a)>>8), int(c[1]>>8))
						diffBlack += absDiff(int(c[0]>>8), int(c[1]>>8))
					}
				}
			}
			if transparent < b.Dx()*b.Dy()/4 {
				t.Fatalf("test image changed: only %d pixels are not opaque", transparent)
			}
			n := b.Dx() * b.Dy() * 3
			if diffWhite/n > 6 || diffBlack/n < 4*(diffWhite/n+1) {
				t.Errorf("mean error %d against the original on white, %d against it on black", diffWhite/n, diffBlack/n)
			}
		})
	}
}

func TestAlphaFlattenedOnWhite(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			if y < 32 {
				m.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 0}) // transparent black: must not come out black
			} else {
				m.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 128}) // half-transparent red
			}
		}
	}
	res, err := process(t, NewProcessor(DefaultLimits(), 1), encodePNG(t, m))
	if err != nil {
		t.Fatal(err)
	}
	out := decodeVariant(t, res.Variants[0])
	if c := out.At(32, 8); !near(c, color.RGBA{255, 255, 255, 255}, 4) {
		t.Errorf("transparent area became %v, want white", c)
	}
	if c := out.At(32, 56); !near(c, color.RGBA{255, 127, 127, 255}, 8) {
		t.Errorf("half-transparent red became %v, want pink (255,127,127)", c)
	}
}

func TestEXIFOrientationAppliedAndMetadataStripped(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	src := encodeJPEG(t, halves(200, 100)) // left red, right blue
	for _, tc := range []struct {
		orientation   uint16
		w, h          int
		first, second image.Point // a point that must be red, one that must be blue
	}{
		{1, 200, 100, image.Pt(20, 50), image.Pt(180, 50)},
		{3, 200, 100, image.Pt(180, 50), image.Pt(20, 50)}, // 180°
		{6, 100, 200, image.Pt(50, 20), image.Pt(50, 180)}, // 90° clockwise: the left edge goes to the top
		{8, 100, 200, image.Pt(50, 180), image.Pt(50, 20)}, // 90° anticlockwise: the left edge goes to the bottom
	} {
		data := withSegment(src, exifAPP1(tc.orientation))
		if !bytes.Contains(data, []byte("Exif\x00\x00")) || !bytes.Contains(data, []byte(gpsMarker)) {
			t.Fatal("test input lacks its EXIF segment")
		}
		res, err := process(t, p, data)
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.orientation, err)
		}
		if res.Width != tc.w || res.Height != tc.h {
			t.Errorf("orientation %d: result %dx%d, want %dx%d", tc.orientation, res.Width, res.Height, tc.w, tc.h)
		}
		for _, v := range res.Variants {
			if v.Width != tc.w || v.Height != tc.h {
				t.Errorf("orientation %d, %s: %dx%d, want %dx%d (never enlarged)", tc.orientation, v.Size, v.Width, v.Height, tc.w, tc.h)
			}
			for _, needle := range []string{"Exif", "II*\x00", "MM\x00*", gpsMarker} {
				if bytes.Contains(v.Data, []byte(needle)) {
					t.Errorf("orientation %d, %s: output contains %q", tc.orientation, v.Size, needle)
				}
			}
			for _, m := range jpegMarkers(t, v.Data) {
				if m >= 0xe1 && m <= 0xef || m == 0xfe {
					t.Errorf("orientation %d, %s: output has an APP%d/COM segment (marker %#x)", tc.orientation, v.Size, m-0xe0, m)
				}
			}
			out := decodeVariant(t, v)
			if c := out.At(tc.first.X, tc.first.Y); !near(c, red, 40) {
				t.Errorf("orientation %d, %s: %v is %v, want red", tc.orientation, v.Size, tc.first, c)
			}
			if c := out.At(tc.second.X, tc.second.Y); !near(c, blue, 40) {
				t.Errorf("orientation %d, %s: %v is %v, want blue", tc.orientation, v.Size, tc.second, c)
			}
		}
	}
}

func TestRotatedThenScaled(t *testing.T) {
	// A photo taken with the phone held upright: stored 2000×1000 with Orientation 6, shown 1000×2000.
	data := withSegment(encodeJPEG(t, halves(2000, 1000)), exifAPP1(6))
	res, err := process(t, NewProcessor(DefaultLimits(), 1), data)
	if err != nil {
		t.Fatal(err)
	}
	if res.Width != 1000 || res.Height != 2000 {
		t.Fatalf("result %dx%d, want 1000x2000", res.Width, res.Height)
	}
	want := map[string][2]int{"thumb": {320, 640}, "card": {640, 1280}, "gallery": {1000, 2000}, "large": {1000, 2000}}
	for _, v := range res.Variants {
		if w := want[v.Size]; v.Width != w[0] || v.Height != w[1] {
			t.Errorf("%s: %dx%d, want %dx%d", v.Size, v.Width, v.Height, w[0], w[1])
		}
	}
	thumb := decodeVariant(t, res.Variants[0])
	if c := thumb.At(160, 20); !near(c, red, 40) {
		t.Errorf("top of the thumbnail is %v, want red", c)
	}
}

func TestTrailingPayloadIsNotKept(t *testing.T) {
	// A valid JPEG with an HTML page appended (a classic polyglot): it decodes, and re-encoding drops the tail.
	html := "<html><script>alert(document.cookie)</script></html>"
	data := append(encodeJPEG(t, photoLike(64, 64)), html...)
	res, err := process(t, NewProcessor(DefaultLimits(), 1), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Variants {
		if bytes.Contains(v.Data, []byte("<script")) || bytes.Contains(v.Data, []byte("<html")) {
			t.Errorf("%s: the HTML tail survived", v.Size)
		}
	}
}

func TestRefused(t *testing.T) {
	jpg := encodeJPEG(t, photoLike(300, 200))
	pngData := encodePNG(t, photoLike(300, 200))
	webpData := readTestdata(t, "blue-purple-pink.lossy.webp")
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, photoLike(20, 20), nil); err != nil {
		t.Fatal(err)
	}
	badCRC := append([]byte{}, pngData...)
	badCRC[29] ^= 0xff // last byte of the IHDR CRC

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrUnsupported},
		{"text renamed .jpg", []byte("Bonjour, ceci n'est pas une photo.\n"), ErrUnsupported},
		{"HTML", []byte("<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>"), ErrUnsupported},
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`), ErrUnsupported},
		{"GIF", gifData.Bytes(), ErrUnsupported},
		{"BMP", append([]byte("BM"), make([]byte, 60)...), ErrUnsupported},
		{"HEIC", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 40)...), ErrUnsupported},
		{"RIFF but WAVE", append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 32)...), ErrUnsupported},
		{"RIFF WEBP with an unknown chunk", append([]byte("RIFF\x24\x00\x00\x00WEBPVP9 "), make([]byte, 32)...), ErrUnsupported},
		{"JPEG signature only", []byte{0xff, 0xd8, 0xff}, ErrCorrupt},
		{"JPEG header + HTML polyglot", append([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}, "<html><script>alert(1)</script></html>"...), ErrCorrupt},
		{"JPEG truncated in its header", jpg[:40], ErrCorrupt},
		{"JPEG truncated in its data", jpg[:len(jpg)*2/3], ErrCorrupt},
		{"PNG truncated in its data", pngData[:len(pngData)/2], ErrCorrupt},
		{"PNG with a bad IHDR checksum", badCRC, ErrCorrupt},
		{"WebP truncated", webpData[:len(webpData)/2], ErrCorrupt},
		{"PNG of 0 pixels", pngBomb(0, 0), ErrCorrupt},
		{"PNG bomb 50000x50000", pngBomb(50000, 50000), ErrTooManyPixels},
		{"JPEG bomb 50000x50000", jpegBomb(50000, 50000), ErrTooManyPixels},
		{"WebP bomb 16384x16384", webpBomb(16384, 16384), ErrTooManyPixels},
		{"PNG 13000 pixels wide, 1 high", pngBomb(13000, 1), ErrTooManyPixels},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProcessor(DefaultLimits(), 1)
			res, err := process(t, p, tc.data)
			if err == nil {
				t.Fatalf("accepted (%s, %dx%d)", res.Format, res.Width, res.Height)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v (%T), want %v", err, err, tc.want)
			}
			for _, other := range []error{ErrTooBig, ErrUnsupported, ErrTooManyPixels, ErrCorrupt} {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("err %v also matches %v", err, other)
				}
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err %T is not a *photo.Error", err)
			}
			if pe.Status() != tc.want.(*Error).Status() {
				t.Errorf("status %d, want %d", pe.Status(), tc.want.(*Error).Status())
			}
		})
	}
}

func TestPixelLimits(t *testing.T) {
	p := NewProcessor(Limits{MaxBytes: 1 << 20, MaxPixels: 10_000, MaxDimension: 200}, 1)
	for _, tc := range []struct {
		w, h int
		ok   bool
	}{
		{100, 100, true}, {101, 100, false}, {200, 50, true}, {201, 1, false}, {1, 201, false},
	} {
		_, err := process(t, p, encodePNG(t, image.NewGray(image.Rect(0, 0, tc.w, tc.h))))
		if tc.ok && err != nil {
			t.Errorf("%dx%d: %v", tc.w, tc.h, err)
		}
		if !tc.ok && !errors.Is(err, ErrTooManyPixels) {
			t.Errorf("%dx%d: err = %v, want ErrTooManyPixels", tc.w, tc.h, err)
		}
	}
	_, err := process(t, p, pngBomb(101, 100))
	if msg := err.Error(); !strings.Contains(msg, "101 × 100") || !strings.Contains(msg, "10\u202f000 pixels") || !strings.Contains(msg, "200 pixels de côté") {
		t.Errorf("message %q does not give the size and the limits", msg)
	}
}

// TestBombIsCheap: the pixel check reads the header only. A 50000×50000 RGBA image would need 10 GB; the
// refusal must allocate almost nothing (the time it takes is shown by BenchmarkRejectBomb).
func TestBombIsCheap(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	for name, data := range map[string][]byte{
		"png": pngBomb(50000, 50000), "jpeg": jpegBomb(50000, 50000), "webp": webpBomb(16384, 16384),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := process(t, p, data)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooManyPixels) {
			t.Fatalf("%s: err = %v", name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: refusing the bomb allocated %d bytes", name, alloc)
		}
	}
}

// countingReader is an endless stream of zeros that counts what was read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(b []byte) (int, error) {
	clear(b)
	c.n += int64(len(b))
	return len(b), nil
}

func TestTooBig(t *testing.T) {
	small := NewProcessor(Limits{MaxBytes: 1000}, 1)
	t.Run("endless stream", func(t *testing.T) {
		r := &countingReader{}
		_, err := small.Process(context.Background(), r)
		if !errors.Is(err, ErrTooBig) {
			t.Fatalf("err = %v, want ErrTooBig", err)
		}
		if r.n > 1001 {
			t.Errorf("read %d bytes, want at most MaxBytes+1 = 1001", r.n)
		}
		if got := err.(*Error).Status(); got != 413 {
			t.Errorf("status %d", got)
		}
	})
	t.Run("one byte over", func(t *testing.T) {
		data := encodePNG(t, photoLike(16, 16))
		p := NewProcessor(Limits{MaxBytes: int64(len(data))}, 1)
		if _, err := process(t, p, data); err != nil {
			t.Fatalf("exactly MaxBytes: %v", err)
		}
		if _, err := process(t, p, append(data, 0)); !errors.Is(err, ErrTooBig) {
			t.Fatalf("MaxBytes+1: err = %v, want ErrTooBig", err)
		}
	})
	t.Run("default limit, in the message", func(t *testing.T) {
		p := NewProcessor(DefaultLimits(), 1)
		_, err := p.Process(context.Background(), io.LimitReader(&countingReader{}, 15<<20+1))
		if !errors.Is(err, ErrTooBig) || err.Error() != "Photo trop lourde : 15 Mo au maximum par fichier." {
			t.Fatalf("err = %v", err)
		}
	})
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadError(t *testing.T) {
	_, err := NewProcessor(DefaultLimits(), 1).Process(context.Background(), failingReader{})
	var pe *Error
	if err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("err = %v, want the read error, not a refusal", err)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{ErrTooBig, 413, ""},
		{ErrUnsupported, 415, "Format non pris en charge : envoyez une photo JPEG, PNG ou WebP."},
		{ErrTooManyPixels, 422, ""},
		{ErrCorrupt, 422, ""},
	} {
		pe, ok := tc.err.(*Error)
		if !ok {
			t.Fatalf("%v is a %T", tc.err, tc.err)
		}
		if pe.Status() != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, pe.Status(), tc.status)
		}
		if tc.msg != "" && pe.Error() != tc.msg {
			t.Errorf("message %q, want %q", pe.Error(), tc.msg)
		}
		if pe.Error() == "" || strings.Contains(pe.Error(), "photo:") {
			t.Errorf("message %q is not for users", pe.Error())
		}
	}
	// A refusal carries its technical cause for the logs, and keeps the French text for users.
	_, err := process(t, NewProcessor(DefaultLimits(), 1), []byte{0xff, 0xd8, 0xff})
	if err.Error() != ErrCorrupt.Error() || errors.Unwrap(err) == nil {
		t.Errorf("corrupt: message %q, cause %v", err.Error(), errors.Unwrap(err))
	}
}

func TestWaitsForADecodeSlot(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	data := encodeJPEG(t, photoLike(64, 64))

	p.slots <- struct{}{} // another decode holds the only slot

	// Refusals from the header do not wait for a slot (with no deadline, this would hang otherwise).
	for _, bad := range [][]byte{pngBomb(50000, 50000), []byte("<svg/>"), {0xff, 0xd8, 0xff}} {
		if _, err := p.Process(context.Background(), bytes.NewReader(bad)); err == nil || statusOf(err) == 0 {
			t.Fatalf("err = %v, want a refusal", err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.Process(ctx, bytes.NewReader(data)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}

	// Freed while waiting: the waiting call goes on.
	done := make(chan error, 1)
	go func() {
		_, err := p.Process(context.Background(), bytes.NewReader(data))
		done <- err
	}()
	<-p.slots
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Already cancelled: no decode, even with a free slot.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	p.testHookDecoding = func() { t.Error("decoded with a cancelled context") }
	if _, err := p.Process(ctx, bytes.NewReader(data)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestConcurrencyBound(t *testing.T) {
	const slots, callers = 2, 6
	p := NewProcessor(DefaultLimits(), slots)
	data := encodeJPEG(t, photoLike(64, 64))
	var inside, peak atomic.Int32
	release := make(chan struct{})
	p.testHookDecoding = func() {
		n := inside.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		inside.Add(-1)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := p.Process(context.Background(), bytes.NewReader(data))
			errs <- err
		})
	}
	// Every caller is either decoding or queued for a slot: were the bound broken, a third would be
	// inside by now rather than queued.
	for inside.Load()+p.slotWaiters.Load() < callers {
		waitABit()
	}
	if got := inside.Load(); got != slots {
		t.Errorf("%d decodes at once, want %d", got, slots)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := peak.Load(); got != slots {
		t.Errorf("peak of %d decodes at once, want %d", got, slots)
	}
}

func TestHumanUnits(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{15 << 20, "15 Mo"}, {3 << 19, "1,5 Mo"}, {1000, "1 ko"}, {2048, "2 ko"}} {
		if got := humanBytes(tc.n); got != tc.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := humanPixels(50_000_000); got != "50 mégapixels" {
		t.Errorf("humanPixels = %q", got)
	}
}

func absDiff(a, b int) int {
	if a < b {
		return b - a
	}
	return a - b
}

// TestColourModels: what the decoders can return (grey, 16-bit, palette with transparency, premultiplied
// alpha) all come out as colour JPEG, transparent parts white.
func TestColourModels(t *testing.T) {
	const w, h = 40, 20
	fill := func(set func(x, y int, opaque bool)) {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set(x, y, x < w/2) // left half opaque, right half transparent (where the model has alpha)
			}
		}
	}
	gray := image.NewGray(image.Rect(0, 0, w, h))
	fill(func(x, y int, _ bool) { gray.SetGray(x, y, color.Gray{0x40}) })
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	fill(func(x, y int, _ bool) { gray16.SetGray16(x, y, color.Gray16{0x4000}) })
	nrgba64 := image.NewNRGBA64(image.Rect(0, 0, w, h))
	fill(func(x, y int, o bool) {
		if o {
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{0x4000, 0x4000, 0x4000, 0xffff})
		}
	})
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{0x40, 0x40, 0x40, 0xff}})
	fill(func(x, y int, o bool) {
		if o {
			pal.SetColorIndex(x, y, 1)
		}
	})
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(func(x, y int, o bool) {
		if o {
			rgba.SetRGBA(x, y, color.RGBA{0x40, 0x40, 0x40, 0xff})
		}
	})
	grey, white := color.RGBA{0x40, 0x40, 0x40, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}
	p := NewProcessor(DefaultLimits(), 1)
	for _, tc := range []struct {
		name  string
		data  []byte
		right color.RGBA
	}{
		{"grey JPEG", encodeJPEG(t, gray), grey},
		{"grey PNG", encodePNG(t, gray), grey},
		{"16-bit grey PNG", encodePNG(t, gray16), grey},
		{"16-bit RGBA PNG", encodePNG(t, nrgba64), white},
		{"paletted PNG with a transparent entry", encodePNG(t, pal), white},
		{"RGBA PNG", encodePNG(t, rgba), white},
	} {
		res, err := process(t, p, tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		out := decodeVariant(t, res.Variants[0])
		if _, ok := out.(*image.YCbCr); !ok {
			t.Errorf("%s: output is a %T, want a colour (YCbCr) JPEG", tc.name, out)
		}
		if c := out.At(5, 10); !near(c, grey, 6) {
			t.Errorf("%s: left %v, want grey", tc.name, c)
		}
		if c := out.At(w-5, 10); !near(c, tc.right, 6) {
			t.Errorf("%s: right %v, want %v", tc.name, c, tc.right)
		}
	}
}

func statusOf(err error) int {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Status()
	}
	return 0
}

// waitABit lets other goroutines run while a test polls for a state they reach (explicit: the test waits
// for the state itself, however long, never for a fixed time).
func waitABit() { runtime.Gosched() }
