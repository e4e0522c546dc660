#!/usr/bin/env bash
# Regenerates all code from .proto files and fails if the result differs from what is committed,
# so that proto/ stays the single source of truth.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/generate.sh
changes=$(git status --porcelain -- '*.pb.swift')
if [ -n "$changes" ]; then
  echo "Generated code is out of date with proto/ (run 'make generate' and commit):" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- '*.pb.swift' >&2
  exit 1
fi
echo "generated code is up to date"
