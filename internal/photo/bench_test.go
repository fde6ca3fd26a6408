package photo

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkProcess12MP: a 4000×3000 JPEG (as a phone takes it) to the four variants.
//
//	go test -run x -bench Process12MP -benchmem ./internal/photo
func BenchmarkProcess12MP(b *testing.B) {
	data := encodeJPEG(b, photoLike(4000, 3000))
	p := NewProcessor(DefaultLimits(), 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Process(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcess12MPRotated: the same, with EXIF Orientation 6 (a portrait photo), which adds a full-size
// rotation.
func BenchmarkProcess12MPRotated(b *testing.B) {
	data := withSegment(encodeJPEG(b, photoLike(4000, 3000)), exifAPP1(6))
	p := NewProcessor(DefaultLimits(), 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Process(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRejectBomb: refusing a PNG that declares 50000×50000 pixels costs a header read.
func BenchmarkRejectBomb(b *testing.B) {
	data := pngBomb(50000, 50000)
	p := NewProcessor(DefaultLimits(), 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Process(context.Background(), bytes.NewReader(data)); err == nil {
			b.Fatal("accepted")
		}
	}
}
