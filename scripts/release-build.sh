#!/usr/bin/env bash
# Every product built as deploy/Dockerfile builds it (release, optimized). The tests run a debug
# build, and the optimizer can fail where the debug build does not: Swift 6.3.1 crashed (signal
# 11, splitting an async function's coroutine) on ConsoleWeb's typed `async throws(PageError)`
# page loads in release only, so the console's image could not be built while every test passed.
# About 8 minutes from cold on the 2-core CI machine; incremental afterwards (the benchmarks use
# the same release build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
