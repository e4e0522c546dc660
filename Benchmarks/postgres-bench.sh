#!/usr/bin/env bash
# PostgreSQL beside SQLite in the same run: Orders reads (GetOrder, h2load, p50/p99), the write path
# (CreateRefund with fresh idempotency keys) and one vs two replicas on PostgreSQL, on the release
# services and a throwaway local PostgreSQL 15 (scripts/postgres.sh). See postgres_bench.py.
#
#   ./postgres-bench.sh [ROUNDS] [READS] [WRITES]     (defaults: 3 rounds, 20000 reads, 300 writes)
#   CONFIG=debug ./postgres-bench.sh 1 200 8          (a quick check that it runs end to end)
set -euo pipefail
cd "$(dirname "$0")"
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
config="${CONFIG:-release}"
for product in orders refunds oversight supportctl; do
  (cd .. && swift build -c "$config" --product "$product" >/dev/null)
done
exec python3 postgres_bench.py --bin "$(cd .. && swift build -c "$config" --show-bin-path)" \
  --rounds "${1:-3}" --reads "${2:-20000}" --writes "${3:-300}"
