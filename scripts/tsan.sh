#!/usr/bin/env bash
# The transport tests (HTTP2Tests: TLS, nghttp2, server and client handlers, interop with grpcio)
# under ThreadSanitizer, in their own build directory. A data race report makes the test process
# exit with 66 once the tests are done (not at once: Python peers the tests started would keep
# the output open and the run waiting), which fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export TSAN_OPTIONS="exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
swift test --sanitize=thread --scratch-path .build-tsan --filter HTTP2Tests
