package photo

// The test corpus: every image is generated here, by the standard encoders or byte by byte. The only files
// are two WebP images from golang.org/x/image (testdata/README.md).

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"golang.org/x/image/webp"
)

var (
	red  = color.RGBA{0xff, 0, 0, 0xff}
	blue = color.RGBA{0, 0, 0xff, 0xff}
)

// halves is a w×h image, left half red, right half blue: enough to tell how it was turned.
func halves(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				m.SetRGBA(x, y, red)
			} else {
				m.SetRGBA(x, y, blue)
			}
		}
	}
	return m
}

// photoLike is a w×h image with gradients and deterministic noise, which compresses like a photo rather
// than like a flat drawing.
func photoLike(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(2463534242)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			n := uint8(seed & 0x1f)
			i := m.PixOffset(x, y)
			m.Pix[i+0] = uint8(x*200/w) + n
			m.Pix[i+1] = uint8(y*200/h) + n
			m.Pix[i+2] = uint8((x+y)*100/(w+h)) + n
			m.Pix[i+3] = 0xff
		}
	}
	return m
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gpsMarker is an ASCII value put in the GPS IFD so the tests can look for it in the output.
const gpsMarker = "GPS-SECRET-43.6047N"

// exifAPP1 builds a JPEG APP1 segment "Exif\0\0" + a little-endian TIFF structure: IFD0 with Orientation and
// a pointer to a GPS IFD holding GPSVersionID, GPSLatitudeRef "N", GPSLatitude 43°36'16.92" and, as an
// undefined-type GPSProcessingMethod, gpsMarker.
func exifAPP1(orientation uint16) []byte { return exifAPP1Order(binary.LittleEndian, orientation) }

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifAPP1Order is exifAPP1 in the given byte order ("II" or "MM").
func exifAPP1Order(bo byteOrder, orientation uint16) []byte {
	var t []byte
	u16 := func(v uint16) { t = bo.AppendUint16(t, v) }
	u32 := func(v uint32) { t = bo.AppendUint32(t, v) }
	entry := func(tag, typ uint16, count, value uint32) { u16(tag); u16(typ); u32(count); u32(value) }
	inline := func(tag, typ uint16, count uint32, value string) { // value bytes as they are, padded to 4
		u16(tag)
		u16(typ)
		u32(count)
		t = append(t, (value + "\x00\x00\x00\x00")[:4]...)
	}

	const ifd0 = 8
	const ifd0Len = 2 + 2*12 + 4
	const gpsIFD = ifd0 + ifd0Len
	const gpsLen = 2 + 4*12 + 4
	const latData = gpsIFD + gpsLen
	const markerData = latData + 24

	if bo == byteOrder(binary.BigEndian) {
		t = append(t, 'M', 'M')
	} else {
		t = append(t, 'I', 'I')
	}
	u16(42)
	u32(ifd0)
	// IFD0, entries sorted by tag.
	u16(2)
	u16(0x0112) // Orientation, SHORT, 1: the value sits in the first two bytes of the field.
	u16(3)
	u32(1)
	u16(orientation)
	u16(0)
	entry(0x8825, 4, 1, gpsIFD) // GPSInfo IFD pointer, LONG
	u32(0)                      // no next IFD
	// GPS IFD.
	u16(4)
	inline(0x0000, 1, 4, "\x02\x03\x00\x00")             // GPSVersionID 2.3.0.0, BYTE ×4
	inline(0x0001, 2, 2, "N")                            // GPSLatitudeRef "N\0", ASCII
	entry(0x0002, 5, 3, latData)                         // GPSLatitude, RATIONAL ×3
	entry(0x001b, 7, uint32(len(gpsMarker)), markerData) // GPSProcessingMethod, UNDEFINED
	u32(0)
	for _, r := range [][2]uint32{{43, 1}, {36, 1}, {1692, 100}} {
		u32(r[0])
		u32(r[1])
	}
	t = append(t, gpsMarker...)

	seg := []byte{0xff, 0xe1, 0, 0}
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, t...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

// withSegment inserts a marker segment right after the SOI of a JPEG.
func withSegment(jpg, seg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// jpegMarkers lists the markers of a JPEG up to its first SOS (the header segments).
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		t.Fatalf("not a JPEG: % x", b[:min(len(b), 4)])
	}
	var markers []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			t.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xda { // SOS: entropy-coded data follows
			return markers
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatal("no SOS marker")
	return nil
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngBomb is a well-formed PNG header declaring w×h RGBA pixels, with an empty IDAT and IEND: 57 bytes.
func pngBomb(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(b, pngChunk("IEND", nil)...)
}

// jpegBomb is a JFIF header and a baseline SOF declaring w×h, three components, and nothing after.
func jpegBomb(w, h uint16) []byte {
	b := []byte{0xff, 0xd8}
	b = append(b, 0xff, 0xe0, 0, 16)
	b = append(b, "JFIF\x00"...)
	b = append(b, 1, 1, 0, 0, 1, 0, 1, 0, 0)
	b = append(b, 0xff, 0xc0, 0, 17, 8)
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	return b
}

// webpBomb is a RIFF/WEBP file with a VP8X chunk declaring a w×h canvas.
func webpBomb(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	vp8x = append(vp8x, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X")
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vp8x)))
	b = append(b, vp8x...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func decodeWebP(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
