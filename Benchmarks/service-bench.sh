#!/usr/bin/env bash
# Service-level benchmark: the release services, started as `make run` starts them (keys, demo
# data), answering a customer's authenticated calls driven by h2load, each beside the transport's
# echo in the same run (services on core 0, load on core 1, rounds rotating, medians), plus the
# fsync'd write (ReportIssue) beside a bare SQLite insert with the same durability, and the
# services' peak RSS. See service_bench.py.
#
#   ./service-bench.sh [ROUNDS] [SECONDS] [WRITES] [SERVICE FLAG...]
#       defaults: 3 rounds of 5 s, 300 writes; flags after WRITES go to every service, e.g.
#       `./service-bench.sh 3 4 200 --read-cache-mib=0` (every read from the database).
set -euo pipefail
cd "$(dirname "$0")"
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
for product in orders returns refunds inquiries oversight supportctl; do
  (cd .. && swift build -c release --product "$product" >/dev/null)
done
swift build -c release --product EchoServer >/dev/null
swift build -c release --product WriteClient >/dev/null
mkdir -p .build
extra=()
for flag in "${@:4}"; do extra+=("--service-arg=$flag"); done
exec python3 service_bench.py --bin "$(cd .. && swift build -c release --show-bin-path)" \
  --echo "$(swift build -c release --show-bin-path)/EchoServer" \
  --write-client "$(swift build -c release --show-bin-path)/WriteClient" \
  --rounds "${1:-3}" --seconds "${2:-5}" --writes "${3:-300}" "${extra[@]}"
