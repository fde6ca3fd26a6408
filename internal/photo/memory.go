package photo

import (
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"slices"
	"strconv"
	"sync"

	"github.com/vparrot/garage/internal/format"
)

// Memory. What a photo costs while it is processed is known from its header before anything is decoded,
// and it differs a lot by kind: Go's JPEG decoder holds a baseline JPEG as its YCbCr samples (1.5 bytes a
// pixel in 4:2:0), but a progressive one also keeps every DCT coefficient of the whole image until the last
// scan (4 bytes a sample: 7.5 bytes a pixel in 4:2:0, 15 in 4:4:4); a PNG is 4 (8 in 16 bits); a lossy WebP
// 1.5 (2.5 with alpha). So the Processor bounds memory by an estimate in bytes, not by a count of photos:
// every decode takes its estimate from one budget shared by all uploads (Limits.MemoryBudget) and gives it
// back when done, and a photo whose estimate alone exceeds the budget is refused at once. That also makes
// the pixel limit depend on the kind: with the default 160 MiB, a baseline 4:2:0 JPEG passes up to the
// 50 MP limit, a progressive 4:2:0 one up to about 14 MP, a PNG up to about 30 MP (docs/performance.md).

// memoryCost estimates the peak bytes Process holds for a photo: the upload itself, the decoded image
// (with the decoder's own buffers), and the first resize (imaging resizes horizontally into a
// width×full-height intermediate, then vertically).
func memoryCost(kind string, data []byte, cfg image.Config, orientation int) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	var decode int64
	switch kind {
	case "jpeg":
		l := readJPEGLayout(data)
		decode = px * l.samplesPer4px / 4
		if l.progressive {
			decode *= 5 // the samples, plus 4 bytes of coefficient per sample
		}
	case "png":
		decode = px * int64(pngBytesPerPixel(cfg.ColorModel))
	case "webp":
		if len(data) > 15 && data[15] == ' ' { // simple lossy VP8: YCbCr 4:2:0
			decode = px * 3 / 2
		} else { // lossless, or extended (alpha, animation): NRGBA and the decoder's buffers
			decode = px * 5
		}
	}
	w, h := cfg.Width, cfg.Height
	if transposes(orientation) {
		w, h = h, w
	}
	sizes := Sizes()
	dw, dh := scaledSize(w, h, sizes[len(sizes)-1].Width)
	rw, rh := dw, dh
	if transposes(orientation) {
		rw, rh = dh, dw
	}
	var resize int64
	if rw == cfg.Width && rh == cfg.Height {
		resize = 4 * px // an oriented NRGBA copy
	} else {
		resize = 4*int64(rw)*int64(cfg.Height) + 4*int64(rw)*int64(rh)
	}
	return int64(len(data)) + decode + resize
}

// kindLabel names the kind of photo in French, for a refusal.
func kindLabel(kind string, data []byte) string {
	switch kind {
	case "jpeg":
		if readJPEGLayout(data).progressive {
			return "JPEG progressif"
		}
		return "JPEG"
	case "png":
		return "PNG"
	}
	return "WebP"
}

// tooCostly is the refusal of a photo whose estimate exceeds the whole budget; it says how large a photo of
// that kind may be.
func tooCostly(kind string, data []byte, cfg image.Config, cost, budget int64) *Error {
	px := int64(cfg.Width) * int64(cfg.Height)
	maxMP := float64(px) * float64(budget) / float64(cost) / 1e6
	msg := "Image trop lourde à traiter : " + format.Int(cfg.Width) + " × " + format.Int(cfg.Height) +
		" pixels en " + kindLabel(kind, data) + " ; ce type d'image est accepté jusqu'à environ " +
		strconv.Itoa(int(maxMP)) + " mégapixels. Réduisez sa définition"
	if kind == "jpeg" && readJPEGLayout(data).progressive {
		msg += " ou enregistrez-la en JPEG standard (non progressif)"
	}
	return errTooManyPixels.with(msg+" avant de l'envoyer.", nil)
}

func pngBytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}

// jpegLayout is what the frame header (SOFn) says about the decoder's memory.
type jpegLayout struct {
	progressive   bool
	samplesPer4px int64 // samples for 4 pixels: 4 grey, 6 in 4:2:0, 8 in 4:2:2, 12 in 4:4:4, 16 CMYK
}

// readJPEGLayout reads the first frame header; an unreadable one counts as the costliest layout (the
// decoder will refuse the file anyway).
func readJPEGLayout(b []byte) jpegLayout {
	worst := jpegLayout{progressive: true, samplesPer4px: 16}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return worst
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) { // no length
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		seg := b[i+4 : min(len(b), i+2+n)]
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			if len(seg) < 6 {
				return worst
			}
			nc := int(seg[5])
			if nc < 1 || len(seg) < 6+3*nc {
				return worst
			}
			var hmax, vmax, sum int64 = 1, 1, 0
			for c := range nc {
				hv := seg[6+3*c+1]
				hmax, vmax = max(hmax, int64(hv>>4)), max(vmax, int64(hv&15))
			}
			for c := range nc {
				hv := seg[6+3*c+1]
				sum += int64(hv>>4) * int64(hv&15)
			}
			l := jpegLayout{progressive: m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE}
			l.samplesPer4px = (4*sum + hmax*vmax - 1) / (hmax * vmax)
			if nc == 4 {
				l.samplesPer4px *= 2 // CMYK/YCCK: converted after decoding
			}
			return l
		}
		if m == 0xDA || m == 0xD9 { // a scan or the end before any frame header
			return worst
		}
		i += 2 + n
	}
	return worst
}

// budget is a weighted semaphore over bytes, first come first served (a large photo is not overtaken for
// ever by small ones), whose queue tests can observe.
type budget struct {
	mu    sync.Mutex
	free  int64
	queue []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

func newBudget(n int64) *budget { return &budget{free: n} }

// acquire takes n bytes, waiting for them while ctx allows.
func (b *budget) acquire(ctx context.Context, n int64) error {
	b.mu.Lock()
	if len(b.queue) == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.queue = append(b.queue, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-w.ready: // granted meanwhile: give it back
		b.free += n
	default:
		b.queue = slices.DeleteFunc(b.queue, func(q *budgetWaiter) bool { return q == w })
	}
	b.grantLocked()
	b.mu.Unlock()
	return ctx.Err()
}

// release gives n bytes back and lets the waiters they suffice for go, in order.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.grantLocked()
	b.mu.Unlock()
}

func (b *budget) grantLocked() {
	for len(b.queue) > 0 && b.free >= b.queue[0].n {
		w := b.queue[0]
		b.queue = b.queue[1:]
		b.free -= w.n
		close(w.ready)
	}
}

// waiting returns how many decodes wait for memory.
func (b *budget) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}
