package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/photo"
)

func jpegEncode(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: 90})
}

// photoChildMain processes the JPEG named by os.Args[2] once and prints
// key=value lines: wall time, VmHWM before and after, bytes allocated.
func photoChildMain() {
	if len(os.Args) != 3 {
		fatalf("-photo-child FILE")
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fatalf("%v", err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	hwmBefore := vmHWM(os.Getpid())
	proc := photo.NewProcessor(photo.DefaultLimits(), 1)
	t0 := time.Now()
	res, err := proc.Process(context.Background(), bytes.NewReader(data))
	wall := time.Since(t0)
	if err != nil {
		fatalf("process: %v", err)
	}
	runtime.ReadMemStats(&after)
	var sizes []string
	for _, v := range res.Variants {
		sizes = append(sizes, fmt.Sprintf("%s %dx%d %d kB", v.Size, v.Width, v.Height, len(v.Data)/1024))
	}
	fmt.Printf("wall_ns=%d\nhwm_before=%d\nhwm_after=%d\ntotal_alloc=%d\nheap_sys=%d\nvariants=%s\n", wall.Nanoseconds(),
		hwmBefore, vmHWM(os.Getpid()), after.TotalAlloc-before.TotalAlloc, after.HeapSys, strings.Join(sizes, ", "))
}
