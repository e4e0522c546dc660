#!/usr/bin/env bash
# Fuzzes every target of Tests/Fuzz with libFuzzer for SECONDS each (default 60):
#   ./scripts/fuzz.sh [SECONDS] [TARGET...]
# The fuzzing build is its own (scratch path .build-fuzz), so the normal build never links
# libFuzzer. `--sanitize=fuzzer` makes SwiftPM link libFuzzer (and its `main`); the Swift code is
# compiled with `-sanitize=fuzzer,address` in one flag, because swiftc keeps only the last of two
# `-sanitize=` flags (`--sanitize=fuzzer --sanitize=address` instruments for ASan alone, with no
# coverage for libFuzzer to follow). Each target starts from its committed corpus
# (Tests/FuzzCorpus/<target>); what it discovers goes to .build-fuzz/corpus/<target>, and a crash
# to .build-fuzz/crashes/<target>-crash-* (then this exits 1: copy the file into
# Tests/FuzzCorpus/<target>/regression-<name>, fix the bug, and the normal tests replay it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(wire head connection)

build=(swift build --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz)
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! "${build[@]}" --product Fuzz >"$build_log" 2>&1; then
    # The linker's warnings about ASan's local symbols are noise; the rest says what failed.
    grep -v "Cannot export local symbol" "$build_log" | tail -40
    echo "fuzz: the libFuzzer build failed" >&2
    exit 1
fi
bin="$("${build[@]}" --show-bin-path)/Fuzz"

status=0
for target in "${targets[@]}"; do
    corpus=".build-fuzz/corpus/$target"
    mkdir -p "$corpus" .build-fuzz/crashes
    log=".build-fuzz/$target.log"
    started=$(date +%s)
    # libFuzzer adds new inputs to the first directory only: the committed corpus stays as it is.
    if SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin" "$target" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=".build-fuzz/crashes/$target-" \
        "$corpus" "Tests/FuzzCorpus/$target" >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
        echo "fuzz $target: ${runs} runs in $(($(date +%s) - started)) s, ${coverage:-cov: ?}, no crash"
    else
        status=1
        echo "fuzz $target: FAILED after $(($(date +%s) - started)) s; the end of $log:"
        tail -40 "$log"
    fi
done
exit $status
