#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 of its own (scripts/postgres.sh) whose URL is in
# SUPPORT_TEST_DATABASE_URL, so that the Swift tests of the PostgreSQL backend run (they are
# skipped, saying so, only when it is unset); the server is stopped and removed afterwards.
#   scripts/with-postgres.sh swift test
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d /tmp/support-test-pg.XXXXXX)"
trap './scripts/postgres.sh stop "$dir"' EXIT
SUPPORT_TEST_DATABASE_URL="$(./scripts/postgres.sh start "$dir")"
export SUPPORT_TEST_DATABASE_URL
"$@"
