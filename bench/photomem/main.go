// Command photomem measures the peak resident memory (VmHWM) of processing
// photos the way garage serve does: the default limits and memory budget,
// the default GOMEMLIMIT, and as many decode slots as asked (-slots, default
// the core count; set it to 16 to see a 16-core host on any machine). Each
// file is processed -parallel times at once, in a fresh child process, so
// that each peak is its own. scripts/photo-memory.sh makes the worst photos
// (-make DIR, then cjpeg for the progressive ones) and runs it; the results are in docs/performance.md.
//
//	go run ./bench/photomem [-parallel 8] [-slots 16] FILE...
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/vparrot/garage/internal/app"
	"github.com/vparrot/garage/internal/photo"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		child()
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "-make" {
		makePhotos(os.Args[2])
		return
	}
	parallel := flag.String("parallel", "1,8", "uploads at once, comma-separated runs")
	slots := flag.Int("slots", runtime.NumCPU(), "decode slots (serve uses the core count / 2; more is the worse case)")
	flag.Parse()
	fmt.Printf("Go %s, %d cores, %d decode slots, photo budget %d MiB, GOMEMLIMIT %d MiB\n\n",
		runtime.Version(), runtime.NumCPU(), *slots, photo.DefaultMemoryBudget>>20, app.DefaultMemoryLimit>>20)
	fmt.Println("| photo | kind | uploads at once | result | wall | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, file := range flag.Args() {
		for _, n := range strings.Split(*parallel, ",") {
			out, err := exec.Command(os.Args[0], "-child", file, n, fmt.Sprint(*slots)).CombinedOutput()
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n%s", file, err, out)
				os.Exit(1)
			}
			fmt.Print(string(out))
		}
	}
}

func child() {
	file, n, slots := os.Args[2], 0, 0
	fmt.Sscan(os.Args[3], &n)
	fmt.Sscan(os.Args[4], &slots)
	app.ApplyDefaultMemoryLimit(os.Getenv)
	data, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	cfg, kind, _ := image.DecodeConfig(bytes.NewReader(data))
	proc := photo.NewProcessor(photo.DefaultLimits(), slots)
	var wg sync.WaitGroup
	errs := make([]error, n)
	t0 := time.Now()
	for i := range n {
		wg.Go(func() {
			_, errs[i] = proc.Process(context.Background(), bytes.NewReader(bytes.Clone(data)))
		})
	}
	wg.Wait()
	wall := time.Since(t0)
	result := "accepted"
	if err := errors.Join(errs...); err != nil {
		var pe *photo.Error
		if !errors.As(err, &pe) {
			panic(err)
		}
		result = "refused (" + strings.SplitN(pe.Error(), ";", 2)[0] + ")"
	}
	fmt.Printf("| %s, %d×%d, %d kB | %s | %d | %s | %.1f s | **%.0f MB** |\n", file[strings.LastIndex(file, "/")+1:],
		cfg.Width, cfg.Height, len(data)/1024, kind, n, result, wall.Seconds(), float64(vmHWM())/1e6)
}

// makePhotos writes the test photos Go can encode (baseline 4:2:0 JPEG,
// RGBA PNG) and PPM sources for cjpeg's progressive ones.
func makePhotos(dir string) {
	write := func(name string, w, h int) {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				i := img.PixOffset(x, y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*255/w), uint8(y*255/h), uint8((x^y)&0xff), 0xe0
			}
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			panic(err)
		}
		defer f.Close()
		switch filepath.Ext(name) {
		case ".jpg":
			err = jpeg.Encode(f, img, &jpeg.Options{Quality: 90})
		case ".png":
			err = png.Encode(f, img)
		case ".ppm":
			bw := bufio.NewWriter(f)
			fmt.Fprintf(bw, "P6\n%d %d\n255\n", w, h)
			for i := 0; i < len(img.Pix); i += 4 {
				bw.Write(img.Pix[i : i+3])
			}
			err = bw.Flush()
		}
		if err != nil {
			panic(err)
		}
	}
	write("phone-24mp-baseline.jpg", 6000, 4000)
	write("baseline-50mp.jpg", 8660, 5770)
	write("rgba-29mp.png", 6300, 4700)
	write("progressive-13mp.ppm", 4200, 3150)
	write("progressive-444-6mp.ppm", 2900, 2150)
	write("progressive-444-49mp.ppm", 7000, 7000)
}

func vmHWM() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}
