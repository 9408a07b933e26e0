# Jointops — the two commands that matter are `make run` and `make test`.
GO        ?= go
DATA_DIR  ?= ./data
ADDR      ?= 127.0.0.1:8080
BENCHTIME ?= 2s
BENCHCOUNT ?= 3

.PHONY: run build test test-short bench lint fmt clean

## run: start jointops on the embedded SQLite store in $(DATA_DIR) with the live demo operation
run:
	$(GO) run ./cmd/jointops serve --demo --data-dir $(DATA_DIR) --addr $(ADDR)

## build: build bin/jointops
build:
	$(GO) build -o bin/jointops ./cmd/jointops

## test: the whole suite with the race detector
test:
	@command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		echo "NOTE: no chromium found: the board page's browser tests will SKIP (apt-get install chromium)"
	$(GO) test -race -count=1 -timeout 20m ./...

## test-short: the suite without -race, for a quick loop
test-short:
	$(GO) test -count=1 -timeout 10m ./...

## bench: every benchmark, $(BENCHCOUNT) runs each; results in bench.out (see docs/BENCHMARKS.md)
bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -count $(BENCHCOUNT) -timeout 60m ./... | tee bench.out

## lint: gofmt, go vet, staticcheck and the dependency direction check
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	bash .ci/depcheck

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin bench.out
