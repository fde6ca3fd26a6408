# Shortcuts; every target is also a plain command (see README.md).
.PHONY: run test generate fmt build clean

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
