# Shortcuts; every target is also a plain command (see README.md).
.PHONY: run test generate fmt build clean audit

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
