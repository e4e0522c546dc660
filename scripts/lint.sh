#!/usr/bin/env bash
# Lints every hand-written Swift source with the committed .swift-format (generated *.pb.swift
# files are left out: the generator owns their layout). Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
find Package.swift Shared Services Tests Benchmarks -name '*.swift' -not -name '*.pb.swift' \
  -not -path '*/.build*' -print0 2>/dev/null | xargs -0 swift format lint --strict --parallel
