// Package photo turns an uploaded photo into the JPEG variants the site serves: it checks the size, detects
// the format by content, refuses decompression bombs from the header alone, decodes with a bound on
// concurrent decodes, applies the EXIF orientation, scales and re-encodes (which drops EXIF, GPS and any
// trailing bytes). No HTTP and no storage here: see internal/photostore for where the files go.
package photo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"

	"github.com/vparrot/garage/internal/format"
)

// Limits bound what an upload may cost.
type Limits struct {
	MaxBytes     int64 // per file, e.g. 15 << 20
	MaxPixels    int   // width*height, e.g. 50_000_000 (a 12 MP photo is fine, a 50000x50000 bomb is not)
	MaxDimension int   // per side, e.g. 12000
	// MemoryBudget bounds the bytes that photos being processed may hold at once, across all uploads
	// (see memory.go): each decode takes its estimate from it and waits while it is spent; a photo whose
	// estimate alone exceeds it is refused. 0 takes the default.
	MemoryBudget int64
}

// DefaultMemoryBudget keeps the worst accepted photo, and any number of parallel uploads, under 300 MB of
// resident memory for the whole process (docs/performance.md).
const DefaultMemoryBudget = 160 << 20

// largeCost is the estimate above which a decode's garbage is collected before the budget is given back.
const largeCost = 32 << 20

// DefaultLimits are 15 MiB, 50 megapixels, 12000 pixels per side and a 160 MiB memory budget.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 15 << 20, MaxPixels: 50_000_000, MaxDimension: 12000, MemoryBudget: DefaultMemoryBudget}
}

// Size is one stored variant: the image is scaled to fit Width (keeping ratio, never enlarged).
type Size struct {
	Name  string
	Width int
}

// Sizes lists the variants Process produces, smallest first.
func Sizes() []Size {
	return []Size{{"thumb", 320}, {"card", 640}, {"gallery", 1280}, {"large", 1920}}
}

// Quality is the JPEG quality of every variant.
const Quality = 82

// ContentType is the media type of every variant.
const ContentType = "image/jpeg"

// Variant is one encoded size: a baseline JPEG without any metadata.
type Variant struct {
	Size          string // Size.Name
	Width, Height int
	ContentType   string // always "image/jpeg"
	Data          []byte
}

// Result describes the accepted original and holds its variants, in the order of Sizes().
type Result struct {
	Width, Height int    // of the original, after orientation (as it is displayed)
	Format        string // of the original: "jpeg", "png" or "webp"
	Variants      []Variant
}

// Processor bounds the memory of the decodes running at once (Limits.MemoryBudget, shared by all uploads)
// and their number (the CPU). It is safe for concurrent use.
type Processor struct {
	limits Limits
	slots  chan struct{}
	memory *budget // Limits.MemoryBudget bytes
	// slotWaiters counts the decodes waiting for a slot (tests observe it).
	slotWaiters atomic.Int32

	// testHookDecoding, when set (tests only), is called while a decode slot is held.
	testHookDecoding func()
	// testHookWaiting, when set (tests only), is called just before waiting for memory and a slot.
	testHookWaiting func()
}

// NewProcessor returns a Processor with the given limits (zero fields take the default) allowing at most
// maxConcurrent decodes at once (at least 1).
func NewProcessor(limits Limits, maxConcurrent int) *Processor {
	def := DefaultLimits()
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = def.MaxBytes
	}
	if limits.MaxPixels <= 0 {
		limits.MaxPixels = def.MaxPixels
	}
	if limits.MaxDimension <= 0 {
		limits.MaxDimension = def.MaxDimension
	}
	if limits.MemoryBudget <= 0 {
		limits.MemoryBudget = def.MemoryBudget
	}
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Processor{limits: limits, slots: make(chan struct{}, maxConcurrent), memory: newBudget(limits.MemoryBudget)}
}

// Limits returns the limits in force.
func (p *Processor) Limits() Limits { return p.limits }

// Process reads at most Limits.MaxBytes+1 bytes (more → ErrTooBig), detects the type BY CONTENT (magic bytes;
// the file name and the client's Content-Type are ignored), accepts only JPEG, PNG and WebP, reads the pixel
// dimensions with image.DecodeConfig BEFORE decoding (too many pixels → ErrTooManyPixels, quickly and cheaply),
// waits for a decode slot (ctx cancellation honoured), decodes fully (a truncated/corrupt file → ErrCorrupt),
// applies the EXIF orientation (imaging.AutoOrientation), and encodes every size as JPEG — re-encoding strips
// EXIF/GPS. Alpha (PNG/WebP) is flattened on white.
//
// The orientation is read from the JPEG's EXIF and applied with the same transforms as
// imaging.AutoOrientation, but after the first resize, so that turning a portrait photo costs no full-size
// copy (TestOrientationMatchesImaging checks the eight cases against imaging). Decoding uses the JPEG, PNG
// or WebP decoder that the content was checked for, never image.Decode's registry.
//
// A refusal is a *Error (see ErrTooBig and the others), whose Unwrap gives the technical cause for the logs;
// a read error of r is returned wrapped, and a cancelled or expired ctx returns ctx.Err() (the caller
// decides: the client left, or the server is busy). Everything up to the pixel check happens before
// waiting for a slot, so a bomb or a wrong file is refused at once even when all slots are busy.
func (p *Processor) Process(ctx context.Context, r io.Reader) (*Result, error) {
	data, err := p.read(r)
	if err != nil {
		return nil, err
	}
	kind, cfg, err := p.check(data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := 1
	if kind == "jpeg" {
		o = jpegOrientation(data)
	}
	cost := memoryCost(kind, data, cfg, o)
	if cost > p.limits.MemoryBudget {
		return nil, tooCostly(kind, data, cfg, cost, p.limits.MemoryBudget)
	}
	if p.testHookWaiting != nil {
		p.testHookWaiting()
	}
	if err := p.memory.acquire(ctx, cost); err != nil {
		return nil, err
	}
	defer func() {
		// The decoded image is garbage now: collect it before the next decode may start, so that it
		// reuses these pages instead of adding to them (a forced collection takes milliseconds on a heap
		// of pointer-free buffers; a large photo takes seconds).
		if cost >= largeCost {
			runtime.GC()
		}
		p.memory.release(cost)
	}()
	p.slotWaiters.Add(1)
	select {
	case p.slots <- struct{}{}:
		p.slotWaiters.Add(-1)
	case <-ctx.Done():
		p.slotWaiters.Add(-1)
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	if p.testHookDecoding != nil {
		p.testHookDecoding()
	}

	img, err := formats[kind].decode(bytes.NewReader(data))
	if err != nil {
		return nil, errCorrupt.with("", err)
	}
	// The decoder must have produced what the header announced: the pixel check above is only worth
	// something if it is so.
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, errCorrupt.with("", fmt.Errorf("decoded %v, header said %dx%d", b, cfg.Width, cfg.Height))
	}
	// EXIF orientation, as imaging.AutoOrientation reads and applies it, but applied after the first
	// (largest) resize rather than before: turning the full-size image would cost a 48 MB copy for 12 MP.
	w, h := cfg.Width, cfg.Height
	if transposes(o) {
		w, h = h, w
	}
	res := &Result{Width: w, Height: h, Format: kind}

	sizes := Sizes()
	variants := make([]Variant, len(sizes))
	// Largest first, each scaled from the previous one: the expensive pass over the full image happens once.
	// Catmull-Rom (bicubic) is as sharp as Lanczos for these ratios and a fifth faster (BenchmarkProcess12MP).
	var prev *Variant
	var src *image.RGBA
	for i := len(sizes) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s := sizes[i]
		dw, dh := scaledSize(w, h, s.Width)
		if prev != nil && prev.Width == dw && prev.Height == dh { // a small original: same pixels
			variants[i] = Variant{Size: s.Name, Width: dw, Height: dh, ContentType: ContentType, Data: bytes.Clone(prev.Data)}
			continue
		}
		var m *image.NRGBA
		if src == nil {
			rw, rh := dw, dh // in the decoded image's frame, before orientation
			if transposes(o) {
				rw, rh = dh, dw
			}
			if rw == cfg.Width && rh == cfg.Height {
				m = orient(img, o) // a copy, which flattening may write on
			} else {
				m = imaging.Resize(img, rw, rh, imaging.CatmullRom)
				if o != 1 {
					m = orient(m, o)
				}
			}
			img = nil // the full-size image is not needed any more
		} else {
			m = imaging.Resize(src, dw, dh, imaging.CatmullRom)
		}
		src = flattenOnWhite(m)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: Quality}); err != nil {
			return nil, fmt.Errorf("photo: encode %s: %w", s.Name, err)
		}
		variants[i] = Variant{Size: s.Name, Width: dw, Height: dh, ContentType: ContentType, Data: buf.Bytes()}
		prev = &variants[i]
	}
	res.Variants = variants
	return res, nil
}

// scaledSize fits w×h to the width maxW, keeping the ratio and never enlarging.
func scaledSize(w, h, maxW int) (int, int) {
	if w <= maxW {
		return w, h
	}
	nh := int((int64(h)*int64(maxW)*2 + int64(w)) / (2 * int64(w))) // rounded
	return maxW, max(nh, 1)
}

// read reads the whole upload, refusing it as soon as it has more than MaxBytes.
func (p *Processor) read(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, p.limits.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("photo: read upload: %w", err)
	}
	if n > p.limits.MaxBytes {
		return nil, errTooBig.with("Photo trop lourde : "+humanBytes(p.limits.MaxBytes)+" au maximum par fichier.", nil)
	}
	return buf.Bytes(), nil
}

// check detects the format by content and reads the dimensions from the header only.
func (p *Processor) check(data []byte) (string, image.Config, error) {
	kind := sniff(data)
	f, ok := formats[kind]
	if !ok {
		return "", image.Config{}, errUnsupported
	}
	cfg, err := f.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", image.Config{}, errCorrupt.with("", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", image.Config{}, errCorrupt.with("", fmt.Errorf("%s header: %dx%d", kind, cfg.Width, cfg.Height))
	}
	l := p.limits
	if cfg.Width > l.MaxDimension || cfg.Height > l.MaxDimension || int64(cfg.Width)*int64(cfg.Height) > int64(l.MaxPixels) {
		msg := "Image trop grande : " + strconv.Itoa(cfg.Width) + " × " + strconv.Itoa(cfg.Height) +
			" pixels, pour " + humanPixels(l.MaxPixels) + " et " + format.Int(l.MaxDimension) +
			" pixels de côté au maximum."
		return "", image.Config{}, errTooManyPixels.with(msg, fmt.Errorf("%s header: %dx%d", kind, cfg.Width, cfg.Height))
	}
	return kind, cfg, nil
}

// formats are the accepted formats, each with its own decoder: image.Decode and its registry of formats
// are not used, so nothing else (GIF, BMP...) can be decoded whatever other packages register.
var formats = map[string]struct {
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}{
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"png":  {png.DecodeConfig, png.Decode},
	"webp": {webp.DecodeConfig, webp.Decode},
}

// sniff names the format from the first bytes: "jpeg", "png", "webp", or "" for anything else.
func sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "png"
	case len(b) >= 16 && string(b[:4]) == "RIFF" && string(b[8:15]) == "WEBPVP8" &&
		(b[15] == ' ' || b[15] == 'L' || b[15] == 'X'):
		return "webp"
	}
	return ""
}

// flattenOnWhite composites m over a white background, in place, and returns the same pixels as an opaque
// *image.RGBA (which the JPEG encoder handles on its fast path).
func flattenOnWhite(m *image.NRGBA) *image.RGBA {
	pix := m.Pix
	for y := 0; y < m.Rect.Dy(); y++ {
		row := pix[y*m.Stride : y*m.Stride+m.Rect.Dx()*4]
		for i := 0; i+3 < len(row); i += 4 {
			a := uint32(row[i+3])
			if a == 0xff {
				continue
			}
			// c*a + 255*(255-a), divided by 255 with rounding.
			bg := 0xff * (0xff - a)
			row[i+0] = uint8((uint32(row[i+0])*a + bg + 127) / 0xff)
			row[i+1] = uint8((uint32(row[i+1])*a + bg + 127) / 0xff)
			row[i+2] = uint8((uint32(row[i+2])*a + bg + 127) / 0xff)
			row[i+3] = 0xff
		}
	}
	return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
}

func humanBytes(n int64) string {
	const mib = 1 << 20
	if n >= mib && n%mib == 0 {
		return format.Int(int(n/mib)) + " Mo"
	}
	if n >= mib {
		s := strconv.FormatFloat(float64(n)/mib, 'f', 1, 64)
		return bytesReplaceDot(s) + " Mo"
	}
	return format.Int(int((n+1023)/1024)) + " ko"
}

func humanPixels(n int) string {
	if n >= 1_000_000 {
		s := strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64)
		return bytesReplaceDot(s) + " mégapixels"
	}
	return format.Int(n) + " pixels"
}

func bytesReplaceDot(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '.' {
			b[i] = ','
		}
	}
	return string(b)
}
