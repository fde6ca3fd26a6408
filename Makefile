# Shortcuts; every target is also a plain command (see README.md).
.PHONY: run test generate fmt build clean audit bench

run: ## the demo site on http://127.0.0.1:8080
	go run ./cmd/garage demo

test: ## the whole test suite, SQLite and PostgreSQL
	./scripts/test.sh

generate: ## regenerate templ components
	go tool templ generate

fmt:
	gofmt -w $$(git ls-files '*.go')

build: ## a static binary in bin/
	CGO_ENABLED=0 go build -trimpath -o bin/garage ./cmd/garage

clean:
	rm -rf bin

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK = golang.org/x/vuln/cmd/govulncheck@v1.9.0

.PHONY: audit
audit: ## supply-chain and static checks
	go mod verify
	go vet ./...
	go run $(STATICCHECK) ./...
	@# govulncheck needs its vulnerability database, which may be unreachable.
	go run $(GOVULNCHECK) ./... || echo "govulncheck: skipped or failed (is its database reachable?)"

FUZZTIME ?= 60s
.PHONY: fuzz
fuzz: ## longer fuzzing of every fuzz target (CI runs their seed corpus only)
	@for spec in internal/web:FuzzParseCarQuery internal/web:FuzzParseContactForm internal/web:FuzzParseCarForm \
		internal/web:FuzzParseReviewForm internal/slug:FuzzMake \
		internal/hours:FuzzParseClock internal/hours:FuzzStatusAt internal/photo:FuzzProcess internal/photo:FuzzJPEGOrientation; do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; echo "== $$fn ($$pkg)"; \
		go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$pkg || exit 1; done

BENCH_FLAGS ?=
GARAGE_TEST_POSTGRES_URL ?=
.PHONY: bench bench-scale
bench: ## whole-site load test (about 5 minutes per engine): SQLite, then PostgreSQL when GARAGE_TEST_POSTGRES_URL is set
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk"; if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi; }
	go run ./bench -engine sqlite $(BENCH_FLAGS)
	@if [ -n "$(GARAGE_TEST_POSTGRES_URL)" ]; then go run ./bench -engine postgres $(BENCH_FLAGS); \
	else echo "GARAGE_TEST_POSTGRES_URL not set: PostgreSQL run skipped"; fi

bench-scale: ## several instances behind nginx on one PostgreSQL (about 12 minutes; needs GARAGE_TEST_POSTGRES_URL)
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk"; if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi; }
	@test -n "$(GARAGE_TEST_POSTGRES_URL)" || { echo "GARAGE_TEST_POSTGRES_URL is not set"; exit 1; }
	go run ./bench -engine postgres -instances 1,2,4 $(BENCH_FLAGS)

.PHONY: lighthouse
lighthouse: ## Lighthouse (mobile) on /, /occasions and a car page of the demo site; fails below the targets
	./scripts/lighthouse.sh

.PHONY: screenshots
screenshots: ## PNGs of every public page and the main back-office pages at 390 and 1366 px (docs/screenshots/after/)
	./scripts/screenshots.sh docs/screenshots/after
