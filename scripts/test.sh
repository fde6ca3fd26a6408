#!/usr/bin/env bash
# The whole test suite: static checks, then every test with the race
# detector on SQLite and on PostgreSQL.
#
#   ./scripts/test.sh            # from the repository root
#
# PostgreSQL: GARAGE_TEST_POSTGRES_URL is used when set. Otherwise the script
# looks for a server on 127.0.0.1:5432 (starting the local cluster if it is
# installed but stopped) and uses a database "garage_test" in it. With
# CI=true, PostgreSQL is installed if missing and a PostgreSQL run is
# mandatory; elsewhere the PostgreSQL half is skipped with a warning when no
# server can be found.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
ci=${CI:-false}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
	if ! command -v pg_isready >/dev/null 2>&1; then
		if [ "$ci" != true ]; then return 1; fi
		say "installing PostgreSQL"
		as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	fi
	if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
		say "starting PostgreSQL"
		for v in $(ls /etc/postgresql 2>/dev/null); do
			as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
		done
		for _ in $(seq 1 30); do pg_up && break; sleep 1; done
	fi
	pg_up
}

postgres_url() {
	local base="postgres://postgres@127.0.0.1:5432"
	# Trust authentication over TCP is the test set-up (CI and this
	# workplace); elsewhere set GARAGE_TEST_POSTGRES_URL yourself.
	if ! psql "$base/postgres?sslmode=disable" -tAc 'SELECT 1' >/dev/null 2>&1; then
		# A fresh Debian cluster refuses password-less TCP logins: in CI
		# only, give the postgres role a test password.
		if [ "$ci" = true ] && command -v runuser >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
			runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 || true
			base="postgres://postgres:postgres@127.0.0.1:5432"
		fi
	fi
	if ! psql "$base/postgres?sslmode=disable" -tAc "SELECT 1 FROM pg_database WHERE datname = 'garage_test'" | grep -q 1; then
		psql "$base/postgres?sslmode=disable" -qc 'CREATE DATABASE garage_test' >/dev/null
	fi
	echo "$base/garage_test?sslmode=disable"
}

if [ -z "${GARAGE_TEST_POSTGRES_URL:-}" ]; then
	if ensure_postgres; then
		GARAGE_TEST_POSTGRES_URL=$(postgres_url)
		export GARAGE_TEST_POSTGRES_URL
	elif [ "$ci" = true ]; then
		echo "PostgreSQL is required in CI but could not be started" >&2
		exit 1
	else
		echo "WARNING: no PostgreSQL found on 127.0.0.1:5432: running the SQLite half only" >&2
	fi
fi

# Browser tests drive Debian's Chromium; CI installs it, elsewhere they are
# skipped when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
	if [ "$ci" = true ]; then
		say "installing Chromium for the browser tests"
		as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "WARNING: chromium not installed: browser tests (e2e/) will be skipped (apt-get install chromium)" >&2
	fi
fi

# The quote PDF test reads the PDF back with pdftotext (poppler-utils); CI
# installs it, elsewhere TestQuotePDF is skipped when it is missing.
if ! command -v pdftotext >/dev/null 2>&1; then
	if [ "$ci" = true ]; then
		say "installing poppler-utils for the quote PDF test"
		as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
	else
		echo "WARNING: pdftotext not installed: TestQuotePDF will be skipped (apt-get install poppler-utils)" >&2
	fi
fi

# The nginx snippet of docs/deployment.md is tested with a real nginx. In CI
# it is unpacked from Debian's package into a cache directory: no service is
# installed or started. Elsewhere an installed nginx is used, or the test is
# skipped.
if [ -z "${GARAGE_TEST_NGINX:-}" ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$ci" = true ]; then
	nginx_dir="${XDG_CACHE_HOME:-$HOME/.cache}/garage-test/nginx"
	if [ ! -x "$nginx_dir/usr/sbin/nginx" ]; then
		say "unpacking nginx for the deployment test"
		tmp=$(mktemp -d)
		(cd "$tmp" && as_root apt-get update -qq && apt-get download -qq nginx 2>/dev/null && mkdir -p "$nginx_dir" && dpkg -x nginx_*.deb "$nginx_dir")
		rm -rf "$tmp"
	fi
	export GARAGE_TEST_NGINX="$nginx_dir/usr/sbin/nginx"
fi

# The S3 photo store is tested against a real S3 server, versitygw, with its
# POSIX backend in a temporary directory (internal/photostore/s3test). CI
# builds it with go install into a cache directory (about 2 minutes the first
# time, reused after); elsewhere the S3 tests are skipped when it is missing.
versitygw_version=v1.8.0
if [ -z "${GARAGE_TEST_VERSITYGW:-}" ]; then
	if command -v versitygw >/dev/null 2>&1; then
		GARAGE_TEST_VERSITYGW=$(command -v versitygw)
	else
		vgw_dir="${XDG_CACHE_HOME:-$HOME/.cache}/garage-test/bin"
		if [ ! -x "$vgw_dir/versitygw" ] && [ "$ci" = true ]; then
			say "installing versitygw $versitygw_version for the S3 tests"
			mkdir -p "$vgw_dir"
			GOBIN="$vgw_dir" GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$versitygw_version"
		fi
		if [ -x "$vgw_dir/versitygw" ]; then
			GARAGE_TEST_VERSITYGW="$vgw_dir/versitygw"
		else
			echo "WARNING: versitygw not installed: the S3 photo store tests will be skipped (go install github.com/versity/versitygw/cmd/versitygw@$versitygw_version)" >&2
		fi
	fi
	if [ -n "${GARAGE_TEST_VERSITYGW:-}" ]; then export GARAGE_TEST_VERSITYGW; fi
fi

# The browser tests run the Nu HTML Checker (npm vnu-jar, pinned, on Java)
# over every page they visit (e2e/vnu_test.go). CI installs Debian's Java
# and vnu-jar into a cache outside the repository; elsewhere an installed
# copy there is used, or the check is skipped with a message.
vnu_version=26.9.27
if [ -z "${GARAGE_VNU_JAR:-}" ]; then
	vnu_dir=${XDG_CACHE_HOME:-$HOME/.cache}/garage-tools/vnu-$vnu_version
	vnu_jar=$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar
	if [ "$ci" = true ]; then
		if ! command -v java >/dev/null 2>&1; then
			say "installing Java for the HTML validator"
			as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
		fi
		command -v npm >/dev/null 2>&1 || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
		if [ ! -f "$vnu_jar" ]; then
			say "installing vnu-jar@$vnu_version into $vnu_dir"
			mkdir -p "$vnu_dir"
			echo '{"private": true}' >"$vnu_dir/package.json"
			npm install --prefix "$vnu_dir" --no-audit --no-fund --save-exact "vnu-jar@$vnu_version" >/dev/null
		fi
	fi
	if [ -f "$vnu_jar" ]; then
		GARAGE_VNU_JAR=$vnu_jar
		export GARAGE_VNU_JAR
	else
		echo "WARNING: vnu-jar not installed: the HTML validation of the browser tests will be skipped (CI=true installs it)" >&2
	fi
fi

say "go version: $(go version)"

say "modules: go mod verify, go mod tidy -diff"
go mod verify
go mod tidy -diff

say "generated templates are up to date"
go tool templ generate -log-level error
if [ -d .git ] && [ -n "$(git status --porcelain -- '*_templ.go')" ]; then
	git status --porcelain -- '*_templ.go'
	echo "templ files were out of date: commit the regenerated *_templ.go" >&2
	[ "$ci" = true ] && exit 1
fi

say "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...

say "tests (race detector, -short) on SQLite${GARAGE_TEST_POSTGRES_URL:+ and PostgreSQL}"
go test -race -short -count=1 -timeout 20m ./...

# The heavy tests shrink under -short; run them in full once, without the
# race detector (which would multiply their time): 1 000 hostile payloads
# per form, the query plan on 10 000 cars, the opening-hours property test,
# the S3 listing past one page (1 100 uploads to versitygw).
say "heavy tests in full"
go test -count=1 -timeout 20m -run 'TestHostileInputOnEveryForm|TestListCarsUsesIndexes|TestStatusMatchesBruteForce|TestS3ListPaginates' \
	./internal/web ./internal/store ./internal/hours ./internal/photostore
