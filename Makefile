# The two commands a new user needs are `make run` and `make test`; the rest are their steps.
.PHONY: setup setup-run generate check-protos check-generated lint build run test interop contracts tsan bench-codec fuzz fuzz-short

## Install what a fresh Debian 12 machine with Swift lacks for the tests (apt and pip packages).
setup:
	./scripts/setup.sh

## Install only what building and running need (with DB=postgres, PostgreSQL 15 too).
setup-run:
	./scripts/setup.sh run $(DB)

## Regenerate every *.pb.swift file from proto/ (and the test protos) with protoc-gen-support.
generate: setup
	./scripts/generate.sh

## Fail if the committed generated code differs from what proto/ produces.
check-generated: setup
	./scripts/check-generated.sh

## Compile proto/ with protoc and with Python grpcio-tools.
check-protos: setup
	./scripts/check-protos.sh

## Lint the hand-written sources with the committed .swift-format.
lint:
	./scripts/lint.sh

build: setup-run
	swift build

## Start all five services on localhost:50051-50055 with demo data (Ctrl-C stops them).
## DB=postgres: on a local PostgreSQL 15, two replicas of each service that can, same ports.
run: build
	python3 scripts/run.py$(if $(DB), --db $(DB))

## gRPC interop cases: Python grpcio client against the interop-server executable.
interop: setup
	./scripts/interop.sh

## Contract tests and the end-to-end journey: Python grpcio clients against the executables.
contracts: setup
	./scripts/contracts.sh

## libFuzzer on each fuzz target (Wire decoder, request heads, the server connection handler) for
## FUZZ_SECONDS each (default 60), in its own build (.build-fuzz); a crash fails it.
FUZZ_SECONDS ?= 60
fuzz: setup
	./scripts/fuzz.sh $(FUZZ_SECONDS)

## The short fuzzing pass `make test` runs: FUZZ_SHORT_SECONDS (default 5) per target.
FUZZ_SHORT_SECONDS ?= 5
fuzz-short: setup
	./scripts/fuzz.sh $(FUZZ_SHORT_SECONDS)

## The transport tests under ThreadSanitizer (own build directory, .build-tsan); a race fails.
tsan: setup
	./scripts/tsan.sh

## Everything CI runs: setup, generated-code check, lint, and every test. The executables are
## built first: process tests (SIGTERM, SIGKILL, services end to end) run them. Last, a short
## fuzzing pass over every fuzz target and the transport tests again under ThreadSanitizer.
## Swift Testing starts every test at once: about 570 on two cores, where a call or connection
## with a production timeout of 5 s sometimes ran out (a different test each time). At most 8 run
## together; the run is faster so (17 s of tests instead of 33-38 s).
test: export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH = 8
test: setup check-protos check-generated lint
	swift build
	./scripts/release-build.sh
	./scripts/with-postgres.sh swift test
	./scripts/interop.sh
	./scripts/contracts.sh
	./scripts/prometheus-rules.sh
	./scripts/fuzz.sh $(FUZZ_SHORT_SECONDS)
	./scripts/tsan.sh

## Check and unit-test the Prometheus alert and recording rules in deploy/prometheus (promtool).
.PHONY: prometheus-rules
prometheus-rules: setup
	./scripts/prometheus-rules.sh

## Codec benchmark: the project's codec against swift-protobuf (release build of Benchmarks/).
bench-codec:
	cd Benchmarks && swift build -c release --product CodecBenchmark && .build/release/CodecBenchmark
