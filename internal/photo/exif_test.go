package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
)

// quadrants is a w×h image with four colours, so every one of the eight orientations looks different.
func quadrants(w, h int) *image.RGBA {
	cs := [2][2]color.RGBA{{red, {0, 0xc0, 0, 0xff}}, {blue, {0xff, 0xff, 0, 0xff}}} // [top/bottom][left/right]
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGBA(x, y, cs[y*2/h][x*2/w])
		}
	}
	return m
}

// TestOrientationMatchesImaging: for all eight EXIF orientations, in both byte orders, the variants show
// the picture exactly as imaging.AutoOrientation turns it.
func TestOrientationMatchesImaging(t *testing.T) {
	p := NewProcessor(DefaultLimits(), 1)
	src := encodeJPEG(t, quadrants(240, 120))
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			data := withSegment(src, exifAPP1Order(bo, o))
			if got := jpegOrientation(data); got != int(o) {
				t.Fatalf("%v, %d: jpegOrientation = %d", bo, o, got)
			}
			want, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
			if err != nil {
				t.Fatal(err)
			}
			res, err := process(t, p, data)
			if err != nil {
				t.Fatal(err)
			}
			wb := want.Bounds()
			if res.Width != wb.Dx() || res.Height != wb.Dy() {
				t.Fatalf("%v, orientation %d: %dx%d, imaging gives %v", bo, o, res.Width, res.Height, wb)
			}
			for _, v := range res.Variants {
				out := decodeVariant(t, v)
				for _, f := range [][2]float64{{.25, .25}, {.75, .25}, {.25, .75}, {.75, .75}} {
					wx, wy := int(f[0]*float64(wb.Dx())), int(f[1]*float64(wb.Dy()))
					ox, oy := int(f[0]*float64(v.Width)), int(f[1]*float64(v.Height))
					r, g, b, _ := want.At(wx, wy).RGBA()
					if c := out.At(ox, oy); !near(c, color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}, 40) {
						t.Errorf("%v, orientation %d, %s at (%d,%d): %v, imaging has %v", bo, o, v.Size, ox, oy, c, want.At(wx, wy))
					}
				}
			}
		}
	}
}

func TestJPEGOrientationEdgeCases(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(16, 16))
	xmp := []byte{0xff, 0xe1, 0, 0}
	xmp = append(xmp, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"...)
	binary.BigEndian.PutUint16(xmp[2:], uint16(len(xmp)-2))
	app1 := exifAPP1(6)
	tiff := 4 + 6 // where the TIFF header starts in app1

	corrupt := func(f func(b []byte)) []byte {
		b := append([]byte{}, app1...)
		f(b)
		return withSegment(jpg, b)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"none", jpg, 1},
		{"after an XMP APP1", withSegment(withSegment(jpg, app1), xmp), 6},
		{"after fill bytes", withSegment(jpg, append([]byte{0xff, 0xff}, app1...)), 6},
		{"value 9", withSegment(jpg, exifAPP1(9)), 1},
		{"value 0", withSegment(jpg, exifAPP1(0)), 1},
		{"wrong type (LONG)", corrupt(func(b []byte) { b[tiff+8+2+2] = 4 }), 1},
		{"count 0", corrupt(func(b []byte) { b[tiff+8+2+4] = 0 }), 1},
		{"bad byte order", corrupt(func(b []byte) { b[tiff] = 'X' }), 1},
		{"bad magic", corrupt(func(b []byte) { b[tiff+2] = 43 }), 1},
		{"IFD0 beyond the segment", corrupt(func(b []byte) { b[tiff+4] = 0xf0 }), 1},
		{"too many entries", corrupt(func(b []byte) { b[tiff+8] = 0xff; b[tiff+9] = 0xff }), 6},
		{"segment longer than the file", append([]byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff}, "Exif\x00\x00"...), 1},
		{"segment length 0", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 0, 0xff, 0xd9}, 1},
		{"Exif after SOS is ignored", append(append([]byte{}, jpg[:len(jpg)-2]...), app1...), 1},
		{"not a JPEG", []byte("hello"), 1},
		{"empty", nil, 1},
	} {
		if got := jpegOrientation(tc.data); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	jpg := encodeJPEG(f, quadrants(16, 16))
	for o := uint16(0); o <= 9; o++ {
		f.Add(withSegment(jpg, exifAPP1(o)))
		f.Add(withSegment(jpg, exifAPP1Order(binary.BigEndian, o)))
	}
	f.Add([]byte{0xff, 0xd8})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// FuzzProcess: whatever the bytes, Process returns variants or a *Error, never panics, and what it accepts
// comes out as plain JPEG.
func FuzzProcess(f *testing.F) {
	f.Add(encodeJPEG(f, quadrants(24, 12)))
	f.Add(withSegment(encodeJPEG(f, quadrants(24, 12)), exifAPP1(6)))
	f.Add(encodePNG(f, quadrants(12, 24)))
	f.Add(readTestdata(f, "blue-purple-pink.lossy.webp"))
	f.Add(readTestdata(f, "gopher-doc.with-alpha.lossless.webp"))
	f.Add(pngBomb(50000, 50000))
	f.Add(jpegBomb(100, 100))
	f.Add(webpBomb(100, 100))
	p := NewProcessor(Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxDimension: 4096}, 1)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := p.Process(t.Context(), bytes.NewReader(b))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err %v is a %T", err, err)
			}
			return
		}
		if res.Width < 1 || res.Height < 1 || len(res.Variants) != len(Sizes()) {
			t.Fatalf("result %+v", res)
		}
		for _, v := range res.Variants {
			if len(v.Data) < 4 || v.Data[0] != 0xff || v.Data[1] != 0xd8 {
				t.Fatalf("%s is not a JPEG", v.Size)
			}
		}
	})
}
