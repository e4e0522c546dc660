# The two commands a new user needs are `make run` and `make test`; the rest are their steps.
.PHONY: setup generate check-protos check-generated lint build run test interop contracts tsan e2e bench-codec

## Install what a fresh Debian 12 machine with Swift lacks (apt and pip packages).
setup:
	./scripts/setup.sh

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

build: setup
	swift build

## Start all five services on localhost:50051-50055 with demo data (Ctrl-C stops them).
run: build
	python3 scripts/run.py

## gRPC interop cases: Python grpcio client against the interop-server executable.
interop: setup
	./scripts/interop.sh

## Contract tests and the end-to-end journey: Python grpcio clients against the executables.
contracts: setup
	./scripts/contracts.sh

## The transport tests under ThreadSanitizer (own build directory, .build-tsan); a race fails.
tsan: setup
	./scripts/tsan.sh

## Everything CI runs: setup, generated-code check, lint, and every test. The executables are
## built first: process tests (SIGTERM, SIGKILL, services end to end) run them. Last, the
## transport tests again under ThreadSanitizer.
test: setup check-protos check-generated lint
	swift build
	swift test
	./scripts/interop.sh
	./scripts/contracts.sh
	./scripts/tsan.sh

## Codec benchmark: the project's codec against swift-protobuf (release build of Benchmarks/).
bench-codec:
	cd Benchmarks && swift build -c release --product CodecBenchmark && .build/release/CodecBenchmark
