#!/usr/bin/env bash
# The transport tests (HTTP2Tests: TLS, nghttp2, server and client handlers, interop with grpcio)
# under ThreadSanitizer, in their own build directory. Any data race report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
swift test --sanitize=thread --scratch-path .build-tsan --filter HTTP2Tests
