#!/usr/bin/env bash
# Screenshots of every public page and the main back-office pages of the demo
# site, at 390x844 (phone) and 1366x900 (desktop), as PNGs of at most 1600 px
# height, into docs/screenshots/after/ (or the directory given):
#
#   ./scripts/screenshots.sh                          # or: make screenshots
#   ./scripts/screenshots.sh docs/screenshots/before
#
# It builds the binary, starts `garage demo` on a free loopback port with a
# throw-away data directory, reads the demo administrator's password from its
# first-start output to log in, and drives Debian's Chromium (installed with
# apt-get when missing; CHROME_PATH to use another) through
# scripts/screenshots/main.go.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-docs/screenshots/after}
case $out in /*) ;; *) out=$root/$out ;; esac

say() { printf '==> %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ -z "${CHROME_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
	say "installing chromium with apt-get"
	as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building garage"
go build -o "$tmp/garage" ./cmd/garage
go build -o "$tmp/screenshots" ./scripts/screenshots

# A free loopback port, chosen by the kernel.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

say "starting the demo site on $base"
mkdir -p "$tmp/data"
# The working directory is the temporary one, so that no .env is read.
(cd "$tmp" && exec env ADDR="127.0.0.1:$port" DATA_DIR="$tmp/data" DATABASE_URL= PUBLIC_URL= METRICS_ADDR= \
	APP_ENV=development LOG_LEVEL=warn MAIL_SERVER= MAINTENANCE_MODE=false MAINTENANCE_START_DATE= \
	"$tmp/garage" demo >"$tmp/server.log" 2>&1) &
pid=$!
for _ in $(seq 1 240); do
	curl -fs -o /dev/null "$base/readyz" && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "the demo site stopped" >&2; exit 1; }
	sleep 0.5
done
curl -fs -o /dev/null "$base/readyz" || { cat "$tmp/server.log" >&2; echo "the demo site is not ready" >&2; exit 1; }

email=$(sed -n 's/^ *e-mail : //p' "$tmp/server.log" | head -n 1)
password=$(sed -n 's/^ *mot de passe : //p' "$tmp/server.log" | head -n 1)
[ -n "$password" ] || say "no administrator password in the demo's output: back-office pages skipped"

say "screenshots into $out"
"$tmp/screenshots" -base "$base" -email "$email" -password "$password" -out "$out"
