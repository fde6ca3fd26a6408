#!/bin/sh
# Peak resident memory of photo processing, for docs/performance.md: makes the
# worst photos the site accepts of each kind (and the 7000×7000 progressive
# JPEG of issue 21, which it refuses), then measures each alone and 8 at once
# through the real photo.Processor (go run ./bench/photomem).
# Needs cjpeg (Debian: libjpeg-turbo-progs) for the progressive JPEGs.
# Usage: scripts/photo-memory.sh [-slots 16] [-parallel 1,8]
set -eu
command -v cjpeg >/dev/null || { echo "cjpeg is needed: apt-get install libjpeg-turbo-progs" >&2; exit 1; }
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/photomem" ./bench/photomem
"$dir/photomem" -make "$dir"
cjpeg -quality 90 -sample 2x2 -progressive "$dir/progressive-13mp.ppm" >"$dir/progressive-13mp.jpg"
cjpeg -quality 90 -sample 1x1 -progressive "$dir/progressive-444-6mp.ppm" >"$dir/progressive-444-6mp.jpg"
cjpeg -quality 90 -sample 1x1 -progressive "$dir/progressive-444-49mp.ppm" >"$dir/progressive-444-49mp.jpg"
"$dir/photomem" "$@" "$dir/phone-24mp-baseline.jpg" "$dir/baseline-50mp.jpg" "$dir/progressive-13mp.jpg" \
	"$dir/progressive-444-6mp.jpg" "$dir/rgba-29mp.png" "$dir/progressive-444-49mp.jpg"
